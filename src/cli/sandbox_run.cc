#include "cli/sandbox_run.h"

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "cli/decide_client.h"
#include "sandbox/confine.h"
#include "local/client.h"

namespace warden::cli {

sandbox::Place RunPlace(const DaemonFlags& daemon, const std::string& workspace) {
  sandbox::Place p;
  p.cwd = CurrentDir();
  p.workspace = workspace.empty() ? FindWorkspace(p.cwd) : workspace;
  p.home = HomeDir();
  const char* tmp = std::getenv("TMPDIR");
  p.tmpdir = tmp && *tmp == '/' ? tmp : "/tmp";
  p.self = WardenSelf::FromEnvironment(daemon.socket, daemon.state_dir);
  p.make_missing_protected_dirs = true;
  return p;
}

std::optional<sandbox::Plan> PlanFor(const policy::Snapshot& snap, policy::Context context, bool force,
                                     const sandbox::Place& place, std::optional<policy::SandboxNetwork> network) {
  policy::SandboxSettings s = snap.sandbox[static_cast<size_t>(context)];
  if (!s.enabled && !force) return std::nullopt;
  s.enabled = true;
  if (network) s.network = *network;
  return sandbox::MakePlan(s, place);
}

void ConfineOrExit(const sandbox::Plan& plan, const DaemonFlags& daemon, const policy::Request& req, const char* who,
                   bool keep_fds) {
  for (const auto& w : plan.warnings) std::cerr << who << ": sandbox: " << w << "\n";
  sandbox::ConfineOptions options;
  options.keep_fds = keep_fds;
  sandbox::ConfineResult r = sandbox::Confine(plan, options);
  if (r.status.ok()) {
    if (!r.warning.empty()) std::cerr << who << ": sandbox: " << r.warning << "\n";
    return;
  }
  if (r.unsupported && !plan.settings.refuse_unsupported) {
    std::cerr << who << ": this kernel cannot confine the program (" << r.status.message()
              << "); running it UNCONFINED because the policy says sandbox.unsupported: warn (recorded, see warden status)\n";
    RecordFailOpen(daemon, req, "sandbox unsupported: " + r.status.message());
    return;
  }
  std::cerr << who << ": the sandbox could not be applied: " << r.status.message()
            << (r.unsupported ? " (the policy says sandbox.unsupported: refuse)" : "") << "; the program did not run\n";
  ExitNow(kExitExecDenied);
}

std::shared_ptr<const policy::Snapshot> LoadForRun(DecideOptions* o, const std::string& cwd) {
  static policy::LoadResult loaded;  // kept to the end: one-shot commands leave with ExitNow/exec
  WardenSelf self = WardenSelf::FromEnvironment(o->daemon.socket, o->daemon.state_dir);
  struct stat st {};
  const bool daemon_likely = !o->no_daemon && ::stat(o->daemon.Socket().c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
  auto snap = LoadFromFlags(o->policy, cwd, daemon_likely, &loaded, &self, daemon_likely);
  if (snap) {
    if (!daemon_likely) o->snapshot = snap;
    return snap;
  }
  // The policy has errors: the decision fails closed (or the daemon, which keeps its last good
  // policy, decides), and the sandbox is the built-in profile's — never none.
  PolicyFlags builtin;
  builtin.isolated = true;
  static policy::LoadResult fallback;
  return LoadFromFlags(builtin, cwd, true, &fallback, &self, true);
}

void RecordConfinedRun(const DaemonFlags& daemon, const policy::Request& req, const char* who) {
  auto c = local::Client::Connect(daemon.Socket());
  if (!c.ok()) {
    if (c.status().code() != Status::Code::kNotFound) {
      std::cerr << who << ": this run is not on the audit log: " << c.status().message() << "\n";
    }
    return;
  }
  std::string command;
  for (const auto& w : req.argv) command += (command.empty() ? "" : " ") + w;
  boost::json::object event{{"kind", "sandbox"}, {"command", command}, {"sandbox", req.sandbox}, {"cwd", req.cwd},
                            {"type", "confined"}, {"decision", "allow"},
                            {"context", std::string(policy::ContextName(req.context))}};
  auto r = c->Call(boost::json::object{{"op", "record"}, {"event", std::move(event)}}, 2000);
  if (!r.ok()) {
    std::cerr << who << ": this run is not on the audit log: " << r.status().message() << "\n";
  } else if (const auto* ok = r->if_contains("ok"); !ok || !ok->is_bool() || !ok->as_bool()) {
    std::cerr << who << ": this run is not on the audit log: the daemon refused the record\n";
  }
}

std::optional<policy::SandboxNetwork> ParseNetwork(const std::string& s) {
  if (s == "on") return policy::SandboxNetwork::kOn;
  if (s == "loopback") return policy::SandboxNetwork::kLoopback;
  if (s == "off") return policy::SandboxNetwork::kOff;
  return std::nullopt;
}

}  // namespace warden::cli
