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

// What a process pattern is matched against, one line each, lowercased: Warden's program
// names; then the command lines its processes run with (the daemon, the clients that stay up:
// exec waits for approvals, mcp relays, shell, monitor). Built once per thread and `self`.
class Haystack {
 public:
  static const Haystack& For(const WardenSelf* self) {
    static thread_local Haystack h;
    if (!h.built_ || h.has_self_ != (self != nullptr) ||
        (self != nullptr && (h.socket_ != self->socket || h.state_dir_ != self->state_dir))) {
      h.Build(self);
    }
    return h;
  }
  // Names only, or names and command lines.
  std::string_view Text(bool full) const { return full ? std::string_view(text_) : std::string_view(text_).substr(0, names_); }

 private:
  void Build(const WardenSelf* self) {
    built_ = true;
    has_self_ = self != nullptr;
    socket_ = self ? self->socket : "";
    state_dir_ = self ? self->state_dir : "";
    text_ = "warden\nwarden-shell\nwarden-serve";
    names_ = text_.size();
    for (std::string_view line :
         {"warden serve", "warden-serve serve", "/usr/local/bin/warden-serve serve --http 127.0.0.1:8181",
          "warden exec -- make", "warden shell -c true", "warden-shell -c true", "warden mcp --name fs -- server",
          "warden monitor", "/usr/local/bin/warden hook claude"}) {
      text_ += '\n';
      text_ += line;
    }
    if (self != nullptr) {
      text_ += "\nwarden-serve serve --socket " + self->socket + " --state-dir " + self->state_dir;
      text_ += "\nwarden serve --socket " + self->socket + " --state-dir " + self->state_dir;
    }
    text_ = ToLower(text_);
  }
  bool built_ = false;
  bool has_self_ = false;
  std::string socket_, state_dir_;
  std::string text_;
  size_t names_ = 0;
};

// The compiled form of a process pattern, matched line by line within a haystack ((?m), and no
// part of it matches a newline); the last 32 are kept per thread (a daemon sees the same
// patterns all day). Null for a pattern that does not compile.
std::shared_ptr<const RE2> Compiled(std::string_view pattern) {
  static thread_local std::list<std::pair<std::string, std::shared_ptr<const RE2>>> cache;
  auto hit = std::find_if(cache.begin(), cache.end(), [&](const auto& e) { return e.first == pattern; });
  if (hit != cache.end()) {
    cache.splice(cache.begin(), cache, hit);
    return hit->second;
  }
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_never_nl(true);
  auto re = std::make_shared<const RE2>("(?m)" + std::string(pattern), o);
  if (!re->ok()) re = nullptr;
  cache.emplace_front(std::string(pattern), re);
  if (cache.size() > 32) cache.pop_back();
  return re;
}

// Whether any line of `haystack` matches: substring search for plain text (and for a pattern
// that does not compile), one regex search otherwise — line by line when the pattern holds an
// escape that sees past a line (\C any byte, \A and \z the text's ends).
bool AnyLineMatches(std::string_view pattern, std::string_view haystack) {
  const bool plain = pattern.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos;
  std::shared_ptr<const RE2> re = plain ? nullptr : Compiled(pattern);
  if (re == nullptr) return haystack.find(ToLower(pattern)) != std::string_view::npos;
  const bool per_line = pattern.find("\\C") != std::string_view::npos || pattern.find("\\A") != std::string_view::npos ||
                        pattern.find("\\z") != std::string_view::npos;
  if (!per_line) return RE2::PartialMatch(haystack, *re);
  for (std::string_view line : Split(haystack, '\n')) {
    if (RE2::PartialMatch(line, *re)) return true;
  }
  return false;
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
  const std::string_view haystack = Haystack::For(self).Text(full);
  // Lines of a pattern are patterns of their own (grep reads "a\nb" as a or b).
  size_t start = 0;
  while (true) {
    const size_t nl = pattern.find('\n', start);
    if (AnyLineMatches(pattern.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start), haystack)) {
      return true;
    }
    if (nl == std::string_view::npos) return false;
    start = nl + 1;
  }
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
