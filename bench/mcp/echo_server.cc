// A minimal MCP-ish stdio server for bench/mcp: answers every request line with
// {"jsonrpc":"2.0","id":ID,"result":{}} and ignores notifications. Parsing is only what that
// needs (the text of the top-level "id" value), so the server costs as little as possible and
// the numbers measure the transport.
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace {

// The raw text of `"id":VALUE` in a flat request line; empty for a notification.
std::string_view FindId(std::string_view line) {
  size_t at = line.find("\"id\"");
  if (at == std::string_view::npos) return {};
  at = line.find(':', at + 4);
  if (at == std::string_view::npos) return {};
  ++at;
  while (at < line.size() && line[at] == ' ') ++at;
  size_t end = at;
  if (end < line.size() && line[end] == '"') {
    end = line.find('"', end + 1);
    if (end == std::string_view::npos) return {};
    ++end;
  } else {
    while (end < line.size() && line[end] != ',' && line[end] != '}' && line[end] != ' ') ++end;
  }
  return line.substr(at, end - at);
}

bool WriteAll(const std::string& out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = write(1, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main() {
  std::string pending, out;
  char buf[65536];
  while (true) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      std::string_view line(pending.data() + start, nl - start);
      std::string_view id = FindId(line);
      if (!id.empty()) {
        out += R"({"jsonrpc":"2.0","id":)";
        out += id;
        out += R"(,"result":{}})";
        out += '\n';
      }
      start = nl + 1;
    }
    pending.erase(0, start);
    if (!out.empty() && !WriteAll(out)) return 1;
    out.clear();
  }
}
