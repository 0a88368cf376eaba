// Private to src/shell: what reaches Warden itself — its programs, its files and socket, its
// daemon's process — so that the handlers can say so (a warden_tamper signal). Warden's
// locations and pids come from AnalyzeOptions::self; its program names are fixed. Every test
// over-approximates: a pattern that could match Warden's process matches. Pure functions over
// their inputs (IsWardenPid may read /proc when the analysis may look at this machine).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shell/analyzer.h"

namespace warden::shell {

// Warden's program names: warden, warden-shell, warden-serve (a copy or link keeps its name).
bool IsWardenProgram(std::string_view name);

// Within an analysis (this object's lifetime, on this thread) `self` does not change: what the
// tests below derive from it (directories, socket name, process command lines) is checked
// against it once, not on every call. Nests.
class SelfScope {
 public:
  explicit SelfScope(const WardenSelf* self);
  ~SelfScope();
  SelfScope(const SelfScope&) = delete;
  SelfScope& operator=(const SelfScope&) = delete;

 private:
  bool previous_scoped_ = false;
  const WardenSelf* previous_ = nullptr;
};

// Whether `text` names Warden: holds its program name, one of its directories, or its
// socket's file name.
bool NamesWarden(std::string_view text, const WardenSelf* self);

// Whether a process pattern — an extended regex, as pgrep, pkill, killall -r and grep read it,
// matched case-insensitively — matches one of Warden's processes: their names, and with
// `full` their command lines. A pattern that does not compile is read as literal text.
bool PatternMatchesWarden(std::string_view pattern, const WardenSelf* self, bool full);

// Whether a unit name or glob (systemctl) matches Warden's units (warden.service, …).
bool UnitMatchesWarden(std::string_view unit);

// WARDEN_*: the variables Warden's programs read (context, profile, socket, fail-open, …).
inline bool IsWardenVariable(std::string_view name) { return name.rfind("WARDEN_", 0) == 0; }
// A word that names one (an assignment, ${!WARDEN_*}, a reference to one).
inline bool MentionsWardenVariable(std::string_view text) { return text.find("WARDEN_") != std::string_view::npos; }

// Whether `pid` (a literal) is the daemon's: one of self->pids, or — when the analysis may
// look at this machine — a process whose name is one of Warden's programs.
bool IsWardenPid(std::string_view pid, const AnalyzeOptions& opt);

// Whether `path` is one of Warden's directories (or its socket) or lies below one.
bool UnderWardenDir(std::string_view path, const WardenSelf* self);

}  // namespace warden::shell
