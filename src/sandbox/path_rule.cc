#include "sandbox/path_rule.h"

#include <algorithm>

#include "core/path.h"
#include "sandbox/access.h"

namespace warden::sandbox {
namespace {

// The deepest entry of `list` that holds `path` ("" when none does).
std::string Deepest(const std::vector<std::string>& list, const std::string& path) {
  std::string best;
  for (const auto& p : list) {
    if (IsUnder(path, p) && p.size() > best.size()) best = p;
  }
  return best;
}

// The policy entry that put `p` in the plan, among those whose text starts with one of
// `kinds` (a path can be both writable and, say, denied).
std::string Origin(const Plan& plan, const std::string& p, std::initializer_list<std::string_view> kinds) {
  auto [from, to] = plan.origin.equal_range(p);
  for (auto it = from; it != to; ++it) {
    for (auto k : kinds) {
      if (std::string_view(it->second).starts_with(k)) return it->second;
    }
  }
  return p;
}

}  // namespace

PathRule RuleForPath(const Plan& plan, const std::string& path) {
  PathRule r;
  r.path = ResolveSymlinks(NormalizePath(path));
  std::string hidden = Deepest(plan.hidden, r.path);
  std::string read_only = Deepest(plan.read_only, r.path);
  std::string writable = Deepest(plan.writable, r.path);
  // Mounts nest: the deepest of the three decides.
  size_t h = hidden.size(), ro = read_only.size(), w = writable.size();
  if (!hidden.empty() && h >= ro && h >= w) {
    r.readable = false;
    r.rule = "covered: " + Origin(plan, hidden, {"deny_read", "Warden's"});
    r.refusal = hidden == r.path ? "an empty read-only directory (or an empty file): nothing to read, list or connect to"
                                 : "ENOENT (covered by an empty read-only mount)";
    return r;
  }
  if (!read_only.empty() && ro >= w) {
    r.rule = "read-only: " + Origin(plan, read_only, {"protected", "the home", "Warden's"});
    r.refusal = "EROFS on writes (a read-only mount)";
    return r;
  }
  if (!writable.empty()) {
    r.writable = true;
    r.rule = "writable: " + Origin(plan, writable, {"writable"});
    if (std::find(plan.pinned.begin(), plan.pinned.end(), r.path) != plan.pinned.end()) {
      r.rule += "; kept in place (a mount point on the way to a protected path: EBUSY on rename or removal)";
    }
    return r;
  }
  for (const auto& rule : plan.rules) {  // the devices every program writes to
    if (!rule.is_dir && rule.path == r.path && (rule.access & fs::kWriteFile)) {
      r.writable = true;
      r.rule = "writable: a device every program writes to";
      return r;
    }
  }
  r.rule = "read-only: outside every writable root (the context's sandbox.writable)";
  r.refusal = "EROFS on writes (every mount is read-only), EACCES from Landlock where a mount is not";
  return r;
}

}  // namespace warden::sandbox
