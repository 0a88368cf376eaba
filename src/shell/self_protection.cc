#include "shell/self_protection.h"

#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
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

// What the tests below look for, derived once per thread and `self` (the analyzer asks for
// every word): Warden's directories and socket name, the characters a word that names Warden
// must hold, and what a process pattern is matched against, one line each, lowercased —
// Warden's program names, then the command lines its processes run with (the daemon, the
// clients that stay up: exec waits for approvals, mcp relays, shell, monitor).
class SelfView {
 public:
  static SelfView& Current() {
    static thread_local SelfView v;
    return v;
  }
  static const SelfView& For(const WardenSelf* self) {
    SelfView& v = Current();
    if (v.scoped_ && self == v.scope_) return v;  // within an analysis `self` does not change
    if (!v.built_ || v.has_self_ != (self != nullptr) || (self != nullptr && !v.Same(*self))) v.Build(self);
    return v;
  }
  // Marks an analysis over `self` (nullptr: none); returns the previous one.
  static std::pair<bool, const WardenSelf*> Scope(bool scoped, const WardenSelf* self) {
    SelfView& v = Current();
    if (scoped) For(self);
    const auto previous = std::make_pair(v.scoped_, v.scope_);
    v.scoped_ = scoped;
    v.scope_ = self;
    return previous;
  }
  // Names only, or names and command lines.
  std::string_view Haystack(bool full) const {
    return full ? std::string_view(haystack_) : std::string_view(haystack_).substr(0, names_);
  }
  // What `text` holds of what a word naming Warden must hold: kLetterW ('w' or 'W', its program
  // names), kSlash (its directories), kSocketStart (its socket name's first letter).
  static constexpr uint8_t kLetterW = 1, kSlash = 2, kSocketStart = 4;
  uint8_t Marks(std::string_view text) const {
    uint8_t m = 0;
    for (char c : text) m |= marks_[static_cast<unsigned char>(c)];
    return m;
  }
  const std::vector<std::string>& Directories() const { return dirs_; }
  std::string_view SocketName() const { return socket_name_; }

 private:
  bool Same(const WardenSelf& self) const {
    return socket_ == self.socket && state_dir_ == self.state_dir && config_dir_ == self.config_dir &&
           runtime_dir_ == self.runtime_dir;
  }
  void Build(const WardenSelf* self) {
    built_ = true;
    has_self_ = self != nullptr;
    const WardenSelf none;
    const WardenSelf& s = self ? *self : none;
    socket_ = s.socket;
    state_dir_ = s.state_dir;
    config_dir_ = s.config_dir;
    runtime_dir_ = s.runtime_dir;
    dirs_.clear();
    for (std::string_view dir : s.Directories()) {
      if (!dir.empty()) dirs_.emplace_back(dir);
    }
    socket_name_ = std::string(Basename(s.socket));
    marks_.fill(0);
    marks_['w'] = marks_['W'] = kLetterW;
    marks_['/'] = kSlash;
    if (!socket_name_.empty()) marks_[static_cast<unsigned char>(socket_name_[0])] |= kSocketStart;
    BuildHaystack(self);
  }
  void BuildHaystack(const WardenSelf* self) {
    haystack_ = "warden\nwarden-shell\nwarden-serve";
    names_ = haystack_.size();
    for (std::string_view line :
         {"warden serve", "warden-serve serve", "/usr/local/bin/warden-serve serve --http 127.0.0.1:8181",
          "warden exec -- make", "warden shell -c true", "warden-shell -c true", "warden mcp --name fs -- server",
          "warden monitor", "/usr/local/bin/warden hook claude"}) {
      haystack_ += '\n';
      haystack_ += line;
    }
    if (self != nullptr) {
      haystack_ += "\nwarden-serve serve --socket " + self->socket + " --state-dir " + self->state_dir;
      haystack_ += "\nwarden serve --socket " + self->socket + " --state-dir " + self->state_dir;
    }
    haystack_ = ToLower(haystack_);
  }
  bool built_ = false;
  bool has_self_ = false;
  std::string socket_, state_dir_, config_dir_, runtime_dir_;
  std::vector<std::string> dirs_;
  std::string socket_name_;
  std::array<uint8_t, 256> marks_{};
  bool scoped_ = false;
  const WardenSelf* scope_ = nullptr;
  std::string haystack_;
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
  const SelfView& view = SelfView::For(self);
  const uint8_t marks = view.Marks(text);  // most words hold none of what follows: one scan
  if ((marks & SelfView::kLetterW) && HoldsWarden(text)) return true;
  if (marks & SelfView::kSlash) {
    for (const std::string& dir : view.Directories()) {
      if (text.find(dir) != std::string_view::npos) return true;
    }
  }
  return (marks & SelfView::kSocketStart) && text.find(view.SocketName()) != std::string_view::npos;
}

SelfScope::SelfScope(const WardenSelf* self) {
  auto previous = SelfView::Scope(true, self);
  previous_scoped_ = previous.first;
  previous_ = previous.second;
}

SelfScope::~SelfScope() { SelfView::Scope(previous_scoped_, previous_); }

bool PatternMatchesWarden(std::string_view pattern, const WardenSelf* self, bool full) {
  const std::string_view haystack = SelfView::For(self).Haystack(full);
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
