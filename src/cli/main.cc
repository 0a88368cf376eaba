// The warden command line: one binary, one subcommand per job.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string_view>

#include "cli/common.h"

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

namespace warden::cli {
namespace {

// `warden serve …` runs warden-serve, installed next to this binary (or in ../lib/warden/),
// with the same arguments: the daemon carries OpenSSL and the HTTP stack, which a `warden`
// started once per agent command should not load (docs/DEPENDENCIES.md).
int ExecServe(char** argv) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string(".");
  dir = dir.substr(0, dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  const std::string candidates[] = {dir + "/warden-serve", dir + "/../lib/warden/warden-serve"};
  for (const auto& path : candidates) {
    if (access(path.c_str(), X_OK) != 0) continue;
    execv(path.c_str(), argv);
    std::cerr << "warden serve: cannot run " << path << ": " << std::strerror(errno) << "\n";
    return kExitUnavailable;
  }
  std::cerr << "warden serve: the daemon's executable is missing: install warden-serve next to warden (looked for "
            << candidates[0] << " and " << candidates[1] << ")\n";
  return kExitUnavailable;
}

int Main(int argc, char** argv) {
  // As a $SHELL (a link named warden-shell, or `warden shell …`) the arguments are bash's.
  std::string_view self = argv[0];
  self = self.substr(self.rfind('/') == std::string_view::npos ? 0 : self.rfind('/') + 1);
  if (self == "warden-shell") return RunShell(std::vector<std::string>(argv + 1, argv + argc));
  if (argc > 1 && std::string_view(argv[1]) == "shell") return RunShell(std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && std::string_view(argv[1]) == "serve") return ExecServe(argv);
  CLI::App app{"Warden: a policy gate for what AI agents and services do.\n"
               "It decides allow, ask or deny for shell commands, file accesses, URL fetches, MCP tool calls\n"
               "and RBAC actions."};
  app.name("warden");
  app.set_version_flag("--version", WARDEN_VERSION);
  app.require_subcommand(1);
  app.footer(std::string(R"(Examples:
  warden check -- 'git push --force origin main'
  warden explain -- 'cd / && rm -rf *'
  warden policy check .warden/policy.yaml
  warden policy test .warden/policy.yaml
  warden bench --requests requests.jsonl --json
  warden serve &   warden exec -- git status   warden status
  warden serve --http 127.0.0.1:8181 &   warden token create --role service
  warden shell -c 'make test'           (a drop-in $SHELL: see warden shell --help)
  warden mcp --name fs -- npx -y @modelcontextprotocol/server-filesystem ~/project   (warden mcp --help)

Run 'warden COMMAND --help' for a command's flags and examples.
)") + kExitCodesHelp);
  Runner run;
  // Only the subcommand being run is registered (all of them for --help, a typo or none):
  // building every subcommand's options was most of the start-up of `warden exec` and
  // `warden hook`, which run once per agent command.
  static constexpr std::pair<std::string_view, void (*)(CLI::App&, Runner*)> kCommands[] = {
      {"check", RegisterCheck}, {"explain", RegisterExplain}, {"policy", RegisterPolicy}, {"bench", RegisterBench},
      {"audit", RegisterAudit}, {"hook", RegisterHook},       {"status", RegisterStatus},
      {"exec", RegisterExec},   {"sandbox", RegisterSandbox}, {"approvals", RegisterApprovals}, {"init", RegisterInit}, {"install", RegisterInstall}, {"doctor", RegisterDoctor}, {"monitor", RegisterMonitor},
      {"token", RegisterToken}, {"mcp", RegisterMcp}};
  std::string_view first = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  if (first == "approve" || first == "deny") first = "approvals";  // registered together
  const bool known = std::any_of(std::begin(kCommands), std::end(kCommands), [&](const auto& c) { return c.first == first; });
  for (const auto& [name, add] : kCommands) {
    if (!known || name == first) add(app, &run);
  }
  // Listed for --help only: main() hands `warden serve …` to warden-serve and `warden shell …`
  // to RunShell before CLI11 parses.
  app.add_subcommand("serve", "Run the daemon in the foreground (for systemd and tests); warden serve --help");
  app.add_subcommand("shell", "A drop-in $SHELL for agents: decides on -c STRING, then runs the real shell (warden shell --help)");
  app.add_subcommand("version", "Print the version")->callback([&run] {
    run = [] {
      std::cout << "warden " << WARDEN_VERSION << "\n";
      return 0;
    };
  });
  // Everything after the first "--" is the command: keep it away from the option parser.
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (!HasCommandTail() && std::string_view(argv[i]) == "--") {
      HasCommandTail() = true;
      continue;
    }
    (HasCommandTail() ? CommandTail() : args).emplace_back(argv[i]);
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "warden: " << e.what() << "\nRun 'warden --help' (or 'warden COMMAND --help') for usage.\n";
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  try {
    ExitNow(run());  // a one-shot command: no need to tear the command-line parser down
  } catch (const std::exception& e) {
    std::cerr << "warden: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace
}  // namespace warden::cli

int main(int argc, char** argv) { return warden::cli::Main(argc, argv); }
