#include "shell/self_protection.h"

#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <list>
#include <memory>
#include <optional>

#include "core/file.h"
#include "core/path.h"
#include "core/strings.h"

namespace warden::shell {
namespace {

constexpr std::string_view kPrograms[] = {"warden", "warden-shell", "warden-serve"};

// Command lines Warden's processes run with: the daemon, the clients that stay up (exec waits
// for approvals, mcp relays, shell, monitor).
std::vector<std::string> CommandLines(const WardenSelf* self) {
  std::vector<std::string> lines = {
      "warden serve", "warden-serve serve", "/usr/local/bin/warden-serve serve --http 127.0.0.1:8181",
      "warden exec -- make", "warden shell -c true", "warden-shell -c true", "warden mcp --name fs -- server",
      "warden monitor", "/usr/local/bin/warden hook claude"};
  if (self != nullptr) {
    lines.push_back("warden-serve serve --socket " + self->socket + " --state-dir " + self->state_dir);
    lines.push_back("warden serve --socket " + self->socket + " --state-dir " + self->state_dir);
  }
  return lines;
}

bool HoldsWarden(std::string_view text) { return ContainsLower(text, "warden"); }

}  // namespace

bool IsWardenProgram(std::string_view name) {
  return std::find(std::begin(kPrograms), std::end(kPrograms), name) != std::end(kPrograms);
}

bool NamesWarden(std::string_view text, const WardenSelf* self) {
  // Most words hold neither a 'w' (Warden's names) nor a '/' (its directories): one scan.
  const std::string_view socket_name = self == nullptr ? std::string_view() : Basename(self->socket);
  const bool socket_has_w = socket_name.empty() || socket_name.find_first_of("wW") != std::string_view::npos;
  if (socket_has_w && text.find_first_of("wW/") == std::string_view::npos) return false;
  if (HoldsWarden(text)) return true;
  if (self == nullptr) return false;
  for (std::string_view dir : self->Directories()) {
    if (!dir.empty() && text.find(dir) != std::string_view::npos) return true;
  }
  return !socket_name.empty() && text.find(socket_name) != std::string_view::npos;
}

bool PatternMatchesWarden(std::string_view pattern, const WardenSelf* self, bool full) {
  // A pattern without regex syntax is a substring: no regex to compile (most grep patterns).
  const bool plain = pattern.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos;
  const std::string lower_pattern = ToLower(pattern);
  // Patterns recur (a daemon sees the same greps all day): the last compiled ones are kept.
  static thread_local std::list<std::pair<std::string, std::shared_ptr<const RE2>>> cache;
  std::shared_ptr<const RE2> re;
  if (!plain) {
    auto hit = std::find_if(cache.begin(), cache.end(), [&](const auto& e) { return e.first == pattern; });
    if (hit != cache.end()) {
      cache.splice(cache.begin(), cache, hit);
      re = hit->second;
    } else {
      RE2::Options o;
      o.set_case_sensitive(false);
      o.set_log_errors(false);
      re = std::make_shared<const RE2>(pattern, o);
      cache.emplace_front(std::string(pattern), re);
      if (cache.size() > 32) cache.pop_back();
    }
  }
  auto matches = [&](std::string_view subject) {
    return re && re->ok() ? RE2::PartialMatch(subject, *re) : ContainsLower(subject, lower_pattern);
  };
  for (std::string_view name : kPrograms) {
    if (matches(name)) return true;
  }
  if (!full) return false;
  for (const std::string& line : CommandLines(self)) {
    if (matches(line)) return true;
  }
  return false;
}

bool UnitMatchesWarden(std::string_view unit) {
  std::string u(unit);
  for (const char* candidate : {"warden", "warden.service", "warden-serve.service", "warden.socket", "warden.target"}) {
    if (fnmatch(u.c_str(), candidate, 0) == 0) return true;
  }
  return HoldsWarden(unit);
}

bool IsWardenPid(std::string_view pid, const AnalyzeOptions& opt) {
  if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string_view::npos) return false;
  const int value = std::stoi(std::string(pid));
  if (opt.self != nullptr && std::find(opt.self->pids.begin(), opt.self->pids.end(), value) != opt.self->pids.end()) {
    return true;
  }
  if (!opt.resolve_symlinks || value <= 0) return false;
  auto comm = ReadFileLimited("/proc/" + std::string(pid) + "/comm", 64);
  if (!comm.ok()) return false;
  std::string name(Trim(comm.value()));
  return IsWardenProgram(name);
}

bool UnderWardenDir(std::string_view path, const WardenSelf* self) {
  if (self == nullptr || path.empty() || path.front() != '/') return false;
  std::string p = NormalizePath(path);
  for (std::string_view dir : self->Directories()) {
    if (!dir.empty() && IsUnder(p, dir)) return true;
  }
  return !self->socket.empty() && p == NormalizePath(self->socket);
}

}  // namespace warden::shell
