// `warden sandbox [--policy …] -- PROGRAM ARGS…`: the policy's kernel sandbox for a context,
// without the analyzer — nothing is decided, the program runs confined (execvp in place: same
// pid, terminal and environment). For programs Warden is not asked about: a build, a test
// suite, an agent's whole session.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "cli/sandbox_run.h"

namespace warden::cli {
namespace {

struct SandboxArgs {
  PolicyFlags policy;
  DaemonFlags daemon;
  std::string context = "ai";
  std::string network;
  std::string workspace;
  bool print_plan = false;
  bool keep_fds = false;
};

int RunSandbox(const SandboxArgs& a) {
  const auto& words = CommandTail();
  if (!HasCommandTail() || words.empty() || words[0].empty()) {
    std::cerr << "warden sandbox: give the program after --, e.g. warden sandbox -- make test\n";
    return kExitUsage;
  }
  auto ctx = policy::ParseContext(a.context);
  if (!ctx) {
    std::cerr << "warden sandbox: unknown context '" << a.context << "': use ai, human or service\n";
    return kExitUsage;
  }
  std::optional<policy::SandboxNetwork> network;
  if (!a.network.empty() && !(network = ParseNetwork(a.network))) {
    std::cerr << "warden sandbox: --network must be on, loopback or off, not '" << a.network << "'\n";
    return kExitUsage;
  }
  if (!a.workspace.empty() && a.workspace[0] != '/') {
    std::cerr << "warden sandbox: --workspace must be an absolute path\n";
    return kExitUsage;
  }
  auto snap = LoadFromFlags(a.policy, CurrentDir(), false);
  if (!snap) {
    std::cerr << "warden sandbox: the policy has errors; nothing was run\n";
    return kExitPolicy;
  }
  sandbox::Place place = RunPlace(a.daemon, a.workspace);
  auto plan = PlanFor(*snap, *ctx, true, place, network);
  if (a.print_plan) std::cerr << "warden sandbox: rule set " << plan->hash << "\n";
  policy::Request req;
  req.kind = policy::RequestKind::kExec;
  req.argv = words;
  req.has_argv = true;
  req.context = *ctx;
  req.cwd = place.cwd;
  req.sandbox = plan->hash;
  RecordConfinedRun(a.daemon, req, "warden sandbox");
  ConfineOrExit(*plan, a.daemon, req, "warden sandbox", a.keep_fds);
  BecomeProgram(words, "warden sandbox");
}

}  // namespace

void RegisterSandbox(CLI::App& app, Runner* run) {
  auto args = std::make_shared<SandboxArgs>();
  CLI::App* cmd = app.add_subcommand("sandbox", "Run a program confined by the policy's kernel sandbox (no analyzer)");
  AddPolicyFlags(cmd, &args->policy);
  AddDaemonFlags(cmd, &args->daemon);
  cmd->add_option("--context", args->context, "Whose sandbox: ai (default), human or service");
  cmd->add_option("--network", args->network, "Override the policy's network setting: on, loopback or off");
  cmd->add_option("--workspace", args->workspace, "The workspace ($WORKSPACE; default: the enclosing git repository, else the cwd)");
  cmd->add_flag("--print-hash", args->print_plan, "Say the rule set's hash on stderr before running");
  cmd->add_flag("--keep-fds", args->keep_fds,
                "Pass on descriptors above 2 (closed by default: an inherited descriptor reaches past the sandbox)");
  cmd->footer(R"(The program replaces warden (execvp: same pid, terminal, environment), confined by the
context's `sandbox:` settings (docs/POLICY.md, "Sandbox") whether or not the policy enables
them for warden exec: writes only beneath the writable roots, protected paths read-only, secrets
and Warden's state unreadable, Warden's socket unreachable, the seccomp filter, the limits.
A program that hits the sandbox gets EACCES or EPERM, as from any file system.
`warden explain --sandbox` prints the rule set. Exit status: the program's; 126 the sandbox could
not be applied (the program did not run) or it could not be executed; 127 not found; 78 policy errors.

Examples:
  warden sandbox -- make -j2 test
  warden sandbox --network off -- npm ci
  warden sandbox --policy ./ci-sandbox.yaml -- ./run-untrusted.sh
  warden sandbox -- claude                  an agent's whole session, confined
)");
  cmd->callback([run, args] { *run = [args] { return RunSandbox(*args); }; });
}

}  // namespace warden::cli
