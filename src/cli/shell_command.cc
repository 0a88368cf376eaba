// `warden shell`: a drop-in $SHELL for agents. Invoked the way agents invoke their shell
// (`$SHELL -c 'STRING'`, `$SHELL -lc 'STRING'`, …) it decides on the whole STRING, then execs
// the real shell with exactly the same arguments; any other invocation (interactive, a
// script) passes straight through. It is reached as `warden shell ARGS…` or through a link
// named `warden-shell` (what $SHELL must be: one path, no arguments). Bash's own option
// syntax is parsed here, so CLI11 never sees these arguments.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/decide_client.h"
#include "cli/sandbox_run.h"

namespace warden::cli {
namespace {

constexpr const char* kShellHelp = R"HELP(usage: warden shell [BASH ARGUMENTS…]        (or a link named warden-shell)

A drop-in $SHELL for coding agents. `warden shell -c 'STRING' …` decides on STRING (the whole
string: pipelines, substitutions, `bash -c` inside it, everything the analyzer sees), then
runs the real shell with the same arguments. Other invocations go to the real shell as they are.

  ln -s "$(command -v warden)" ~/.local/bin/warden-shell
  SHELL=~/.local/bin/warden-shell claude          # Claude Code runs Bash tool commands with $SHELL

Environment:
  WARDEN_REAL_SHELL   the shell to run (default /bin/bash)
  WARDEN_CONTEXT      ai (default), human or service
  WARDEN_FAIL_OPEN=1  run the command when nothing could be decided (off by default)
  WARDEN_SANDBOX=1    confine the command by the context's kernel sandbox even where the policy does
                      not enable it (the default profile enables it for ai; nothing turns it off)
  WARDEN_APPROVAL_WAIT  seconds to wait for a person on ask (default 120; 0: refuse at once)
  WARDEN_SOCKET, WARDEN_STATE_DIR   where the daemon is (see warden serve --help)

Denied, or needing an approval: the reason goes to stderr and the exit status is 126.
)HELP";

// The command string of a bash-style argument list, if it has -c: options come first (a
// cluster like -lc or -ic counts), `-o NAME` / `+o NAME` and --rcfile/--init-file take a
// value, and the first argument that is not an option is the string.
bool CommandString(const std::vector<std::string>& args, std::string* out) {
  bool has_c = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      if (has_c && i + 1 < args.size()) *out = args[i + 1];
      return has_c && i + 1 < args.size();
    }
    if (a == "--rcfile" || a == "--init-file") {
      ++i;
      continue;
    }
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') continue;  // --login, --norc, …
    if (a.size() > 1 && (a[0] == '-' || a[0] == '+')) {
      if (a.find('c') != std::string::npos && a[0] == '-') has_c = true;
      if (a.find('o') != std::string::npos || a.find('O') != std::string::npos) ++i;  // -o NAME, +O shopt
      continue;
    }
    if (!has_c) return false;  // a script name: not a -c invocation
    *out = a;
    return true;
  }
  return false;
}

[[noreturn]] void RunRealShell(const std::string& shell, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string name = shell.substr(shell.rfind('/') + 1);
  argv.push_back(name.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  execv(shell.c_str(), argv.data());
  std::cerr << "warden shell: cannot run " << shell << ": " << std::strerror(errno) << "\n";
  ExitNow(127);
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int RunShell(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kShellHelp;
    return 0;
  }
  const std::string shell = EnvOr("WARDEN_REAL_SHELL", "/bin/bash");
  if (shell.empty() || shell.front() != '/') {
    std::cerr << "warden shell: WARDEN_REAL_SHELL must be an absolute path, not '" << shell << "'\n";
    return kExitUsage;
  }
  std::string command;
  if (!CommandString(args, &command)) RunRealShell(shell, args);  // interactive or a script
  policy::Request req;
  req.kind = policy::RequestKind::kExec;
  req.command = command;
  auto ctx = policy::ParseContext(EnvOr("WARDEN_CONTEXT", "ai"));
  if (!ctx) {
    std::cerr << "warden shell: WARDEN_CONTEXT must be ai, human or service\n";
    ExitNow(kExitExecDenied);
  }
  req.context = *ctx;
  req.cwd = CurrentDir();
  req.workspace = FindWorkspace(req.cwd);
  req.home = HomeDir();
  DecideOptions o;
  o.wait_ms = std::atoi(EnvOr("WARDEN_APPROVAL_WAIT", "120").c_str()) * 1000;
  auto snap = LoadForRun(&o, req.cwd);
  if (!snap) {
    std::cerr << "warden: denied: no policy could be loaded, so no sandbox could be built\n";
    ExitNow(kExitExecDenied);
  }
  auto plan = PlanFor(*snap, req.context, EnvOr("WARDEN_SANDBOX", "") == "1", RunPlace(o.daemon));
  if (plan) req.sandbox = plan->hash;
  auto confine_and_run = [&] {
    if (plan) ConfineOrExit(*plan, o.daemon, req, "warden shell");
    RunRealShell(shell, args);
  };
  Verdict v = DecideRequest(o, req);
  if (!v.decided) {
    if (EnvOr("WARDEN_FAIL_OPEN", "") == "1") {
      std::cerr << "warden: " << v.error << "; running anyway because WARDEN_FAIL_OPEN=1 (recorded, see warden status)\n";
      RecordFailOpen(o.daemon, req, v.error);
      confine_and_run();
    }
    std::cerr << "warden: denied: " << v.error << " (nothing was decided, and Warden fails closed)\n";
    ExitNow(kExitExecDenied);
  }
  if (v.decision == policy::Decision::kAllow) confine_and_run();
  std::string rule = v.rule.empty() ? std::string() : " [" + v.rule + "]";
  std::cerr << (v.decision == policy::Decision::kAsk ? "warden: needs approval (nobody approved it): " : "warden: denied: ")
            << v.reason << rule << "\n";
  ExitNow(kExitExecDenied);
}

}  // namespace warden::cli
