// `warden exec -- PROGRAM ARGS…`: decide on the argv, then become the program (execvp: same
// pid, same stdin/stdout/tty, same environment). The decision comes from the daemon when it
// runs, otherwise from the same policy files in-process (said on stderr). Nothing here turns
// an error into a run unless --fail-open was given.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/common.h"
#include "cli/decide_client.h"
#include "cli/sandbox_run.h"

namespace warden::cli {
namespace {

struct ExecArgs {
  DecideOptions decide;
  std::string context = "ai";
  bool fail_open = false;
  bool sandbox = false;
  bool keep_fds = false;
  int wait_s = 120;
};

[[noreturn]] void Become(const std::vector<std::string>& argv) { BecomeProgram(argv, "warden"); }

int RunExec(const ExecArgs& a) {
  const auto& words = CommandTail();
  if (!HasCommandTail() || words.empty() || words[0].empty()) {
    std::cerr << "warden exec: give the program after --, e.g. warden exec -- git status\n";
    return kExitUsage;
  }
  policy::Request req;
  req.kind = policy::RequestKind::kExec;
  req.argv = words;
  req.has_argv = true;
  auto ctx = policy::ParseContext(a.context);
  if (!ctx) {
    std::cerr << "warden exec: unknown context '" << a.context << "': use ai, human or service\n";
    return kExitUsage;
  }
  req.context = *ctx;
  req.cwd = CurrentDir();
  req.workspace = FindWorkspace(req.cwd);
  req.home = HomeDir();
  DecideOptions o = a.decide;
  o.wait_ms = a.wait_s * 1000;
  // The sandbox comes from the same policy layers as the in-process decision; it is planned
  // before deciding so that the audit record names the rule set the program will run in.
  auto snap = LoadForRun(&o, req.cwd);
  if (!snap) {
    std::cerr << "warden: denied: no policy could be loaded, so no sandbox could be built\n";
    ExitNow(kExitExecDenied);
  }
  auto plan = PlanFor(*snap, req.context, a.sandbox, RunPlace(o.daemon));
  if (plan) req.sandbox = plan->hash;
  auto confine_and_become = [&] {
    if (plan) ConfineOrExit(*plan, o.daemon, req, "warden", a.keep_fds);
    Become(words);
  };
  Verdict v = DecideRequest(o, req);
  if (!v.decided) {
    if (a.fail_open) {
      std::cerr << "warden: " << v.error << "; running anyway because of --fail-open (recorded, see warden status)\n";
      RecordFailOpen(o.daemon, req, v.error);
      confine_and_become();
    }
    std::cerr << "warden: denied: " << v.error << " (nothing was decided, and Warden fails closed)\n";
    ExitNow(kExitExecDenied);
  }
  if (v.decision == policy::Decision::kAllow) confine_and_become();
  std::string rule = v.rule.empty() ? std::string() : " [" + v.rule + "]";
  if (v.decision == policy::Decision::kAsk) {
    std::cerr << "warden: needs approval" << (v.in_process ? " (no daemon to ask a person through)" : "") << ": " << v.reason << rule << "\n";
  } else {
    std::cerr << "warden: denied: " << v.reason << rule << "\n";
  }
  ExitNow(kExitExecDenied);
}

}  // namespace

void RegisterExec(CLI::App& app, Runner* run) {
  auto args = std::make_shared<ExecArgs>();
  CLI::App* cmd = app.add_subcommand("exec", "Decide on a program and its arguments, then run it in place");
  AddDaemonFlags(cmd, &args->decide.daemon);
  AddPolicyFlags(cmd, &args->decide.policy);
  cmd->add_option("--context", args->context, "Who is acting: ai (default), human or service");
  cmd->add_flag("--fail-open", args->fail_open,
                "Run the program when nothing could be decided (daemon error, broken policy). Off by default");
  cmd->add_option("--wait", args->wait_s, "On ask, wait this many seconds for a person to approve (0: refuse at once)")
      ->check(CLI::Range(0, 600));
  cmd->add_flag("--no-daemon", args->decide.no_daemon, "Decide in-process even if the daemon runs");
  cmd->add_flag("--sandbox", args->sandbox,
                "Run the program in the context's kernel sandbox even if the policy does not enable it there");
  cmd->add_flag("--keep-fds", args->keep_fds,
                "Confined: pass on descriptors above 2 (closed by default: an inherited descriptor reaches past the sandbox)");
  cmd->footer(R"(Allowed: the program replaces warden (execvp: same pid, terminal, environment) and its exit
status is the program's. Denied, or needing an approval: the reason goes to stderr and the exit
status is 126. When the policy says ask, warden waits (--wait, default 120 s) for a person to
answer with `warden approve ID` / `warden deny ID`; nobody answering is a denial. The
program cannot be found: 127. Without a daemon the decision is made
in-process from the same policy files, and stderr says so. A run that went ahead only because
of --fail-open is recorded in <state dir>/fail-open.jsonl and counted by `warden status`.

Sandbox: when the policy enables it for the context (the default profile does for ai), or with
--sandbox, the allowed program runs confined by the kernel (docs/POLICY.md, "Sandbox"): writes
only beneath the workspace, temp and cache directories, protected paths (.git/hooks, .warden,
the agents' settings) read-only, secrets and Warden's state unreadable. The audit record names
the rule set's hash; `warden explain --sandbox` prints it.

Examples:
  warden exec -- git status
  warden exec --context human -- rm -rf build
  warden exec --sandbox -- make test
  alias rm='warden exec -- rm'
)");
  cmd->callback([run, args] { *run = [args] { return RunExec(*args); }; });
}

}  // namespace warden::cli
