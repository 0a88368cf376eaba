#include "sandbox/plan_json.h"

#include "sandbox/access.h"
#include "sandbox/seccomp_program.h"

namespace warden::sandbox {
namespace {

std::string AccessText(uint64_t a) {
  if ((a & (fs::kRead | fs::kWrite)) == (fs::kRead | fs::kWrite)) return "read+write";
  if ((a & fs::kWriteFile) && (a & fs::kReadFile)) return "read+write (file)";
  if ((a & fs::kRead) == fs::kRead || (a & fs::kRead) == (fs::kRead & fs::kFileOnly)) return "read";
  if (a == fs::kReadDir) return "list";
  return "access " + std::to_string(a);
}

boost::json::array Strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

std::string Limit(int64_t v) { return v < 0 ? "unlimited" : std::to_string(v); }

}  // namespace

boost::json::object PlanJson(const Plan& plan, int landlock_abi) {
  const auto& s = plan.settings;
  boost::json::object o;
  o["enabled"] = s.enabled;
  o["hash"] = plan.hash;
  o["landlock_abi"] = landlock_abi;
  o["network"] = std::string(policy::SandboxNetworkName(s.network));
  o["unix_sockets"] = s.unix_sockets;
  o["unsupported"] = s.refuse_unsupported ? "refuse" : "warn";
  o["writable"] = Strings(plan.writable);
  o["read_only"] = Strings(plan.read_only);
  o["pinned"] = Strings(plan.pinned);
  o["hidden"] = Strings(plan.hidden);
  boost::json::array rules;
  for (const auto& r : plan.rules) {
    rules.push_back({{"path", r.path}, {"access", AccessText(r.access)}, {"bits", r.access}});
  }
  o["landlock_rules"] = std::move(rules);
  o["limits"] = {{"nproc", s.limits.nproc}, {"fsize", s.limits.fsize}, {"nofile", s.limits.nofile}, {"core", s.limits.core}};
  o["seccomp_refused"] = Strings(RefusedSyscalls());
  o["notes"] = Strings(plan.notes);
  o["warnings"] = Strings(plan.warnings);
  return o;
}

std::string PlanText(const Plan& plan, int landlock_abi) {
  const auto& s = plan.settings;
  std::string t;
  t += "sandbox " + std::string(s.enabled ? "on" : "off (warden sandbox and --sandbox still apply it)") + "\n";
  t += "rule set " + plan.hash + "\n";
  t += "kernel: " + (landlock_abi > 0 ? "Landlock ABI " + std::to_string(landlock_abi) : std::string("no Landlock")) + "\n";
  t += "network: " + std::string(policy::SandboxNetworkName(s.network)) + ", Unix sockets: " + (s.unix_sockets ? "on" : "off") + "\n";
  auto list = [&t](const char* title, const std::vector<std::string>& v) {
    if (v.empty()) return;
    t += title;
    t += ":\n";
    for (const auto& p : v) t += "  " + p + "\n";
  };
  t += "everything else: read-only (every mount), Landlock: read and execute\n";
  list("writable", plan.writable);
  list("read-only inside writable roots (mounts)", plan.read_only);
  list("kept in place (mount points, cannot be renamed)", plan.pinned);
  list("covered: not readable, listable or connectable (an empty read-only mount)", plan.hidden);
  t += "limits: nproc " + Limit(s.limits.nproc) + ", fsize " + Limit(s.limits.fsize) + ", nofile " +
       Limit(s.limits.nofile) + ", core " + Limit(s.limits.core) + "\n";
  t += "Landlock rules: " + std::to_string(plan.rules.size()) + " (warden explain --sandbox --json lists them)\n";
  t += "seccomp refuses:";
  for (const auto& n : RefusedSyscalls()) t += " " + n;
  t += "; clone with namespace flags; ioctl TIOCSTI/TIOCLINUX; packet sockets";
  if (s.network == policy::SandboxNetwork::kOff) t += "; IPv4/IPv6 sockets";
  if (!s.unix_sockets) t += "; Unix sockets";
  t += "\n";
  list("warnings", plan.warnings);
  list("notes", plan.notes);
  return t;
}

}  // namespace warden::sandbox
