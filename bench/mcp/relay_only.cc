// The relay (src/clients/mcp_relay.h) with what `warden mcp` does at the least: every line is
// parsed (ParseMessage) and forwarded unchanged. bench/mcp/run.sh measures it against the server
// on its own, so the difference is the transport's cost.
//
//   warden_mcp_relay_only [--max-bytes N] -- COMMAND ARGS...
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "clients/mcp_jsonrpc.h"
#include "clients/mcp_relay.h"

int main(int argc, char** argv) {
  using namespace warden::mcp;
  RelayOptions options;
  int i = 1;
  for (; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (std::string_view(argv[i]) == "--max-bytes" && i + 1 < argc) {
      options.max_message_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: warden_mcp_relay_only [--max-bytes N] -- COMMAND ARGS...\n");
      return 2;
    }
  }
  for (++i; i < argc; ++i) options.argv.emplace_back(argv[i]);

  Relay relay;
  uint64_t invalid = 0;
  relay.on_client_line = [&](std::string_view line) {
    if (ParseMessage(line).type == Message::Type::kInvalid) ++invalid;
    relay.SendToServer(line);
  };
  relay.on_server_line = [&](std::string_view line) {
    if (ParseMessage(line).type == Message::Type::kInvalid) ++invalid;
    relay.SendToClient(line);
  };
  auto status = relay.Run(options);
  if (!status.ok()) {
    std::fprintf(stderr, "warden_mcp_relay_only: %s\n", status.status().message().c_str());
    return ExitCodeForRunError(status.status());
  }
  if (invalid > 0)
    std::fprintf(stderr, "warden_mcp_relay_only: %llu invalid lines\n", static_cast<unsigned long long>(invalid));
  return *status;
}
