// warden-serve: the daemon's executable. `warden serve ARGS…` execs it as `warden serve ARGS…`
// (argv unchanged), so its help and errors read as the one command they are. It can be run
// directly too (`warden-serve serve …`, or with the arguments alone).
#include <algorithm>
#include <iostream>
#include <string_view>

#include "cli/common.h"

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace warden::cli;
  CLI::App app{"Warden's daemon: decisions over a Unix socket and, with --http, the HTTP API."};
  app.name("warden");
  app.set_version_flag("--version", WARDEN_VERSION);
  app.require_subcommand(1);
  Runner run;
  RegisterServe(app, &run);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() != "serve") args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "warden: " << e.what() << "\nRun 'warden serve --help' for usage.\n";
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "warden serve: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
