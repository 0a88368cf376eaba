// The warden command line: one binary, one subcommand per job.
#include <algorithm>
#include <iostream>
#include <string_view>

#include "cli/common.h"

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

namespace warden::cli {
namespace {

int Main(int argc, char** argv) {
  CLI::App app{"Warden: a policy gate for what AI agents and services do.\n"
               "It decides allow, ask or deny for shell commands, file accesses and RBAC actions."};
  app.name("warden");
  app.set_version_flag("--version", WARDEN_VERSION);
  app.require_subcommand(1);
  app.footer(std::string(R"(Examples:
  warden check -- 'git push --force origin main'
  warden explain -- 'cd / && rm -rf *'
  warden policy check .warden/policy.yaml
  warden policy test .warden/policy.yaml
  warden bench --requests requests.jsonl --json

Run 'warden COMMAND --help' for a command's flags and examples.
)") + kExitCodesHelp);
  Runner run;
  RegisterCheck(app, &run);
  RegisterExplain(app, &run);
  RegisterPolicy(app, &run);
  RegisterBench(app, &run);
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
    return run();
  } catch (const std::exception& e) {
    std::cerr << "warden: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace
}  // namespace warden::cli

int main(int argc, char** argv) { return warden::cli::Main(argc, argv); }
