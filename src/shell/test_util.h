// Helpers for the shell analyzer's tests: analyze a command the way the corpora do (cwd =
// workspace = /home/dev/project, HOME=/home/dev, this machine's files left out) and look for
// facts in the result.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "shell/analyzer.h"

namespace warden::shell::testing {

inline Facts Analyze(std::string_view command, std::string cwd = "/home/dev/project") {
  AnalyzeOptions o;
  o.cwd = std::move(cwd);
  o.home = "/home/dev";
  o.resolve_symlinks = false;
  return AnalyzeCommand(command, o);
}

// The same, with Warden's daemon known to run (its directories, socket and pid 4242), as the
// self-protection checks see it.
inline Facts AnalyzeWithDaemon(std::string_view command) {
  static const WardenSelf self = [] {
    WardenSelf s;
    s.config_dir = "/home/dev/.config/warden";
    s.state_dir = "/home/dev/.local/state/warden";
    s.socket = "/run/user/1000/warden/warden.sock";
    s.runtime_dir = "/run/user/1000/warden";
    s.pids = {4242};
    return s;
  }();
  AnalyzeOptions o;
  o.cwd = "/home/dev/project";
  o.home = "/home/dev";
  o.resolve_symlinks = false;
  o.self = &self;
  return AnalyzeCommand(command, o);
}

inline const CommandFact* FindCommand(const Facts& f, std::string_view name) {
  for (const auto& c : f.commands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

inline bool HasCommandLine(const Facts& f, std::string_view line) {
  return std::any_of(f.commands.begin(), f.commands.end(), [&](const CommandFact& c) { return c.Line() == line; });
}

inline const FileFact* FindFile(const Facts& f, FileOp op, std::string_view path) {
  for (const auto& x : f.files) {
    if (x.op == op && x.path == path) return &x;
  }
  return nullptr;
}

inline bool HasSignal(const Facts& f, std::string_view type) {
  return std::any_of(f.signals.begin(), f.signals.end(), [&](const SignalFact& s) { return s.type == type; });
}

inline std::string Dump(const Facts& f) {
  std::string out;
  for (const auto& c : f.commands) out += "cmd[" + c.Line() + "] ";
  for (const auto& x : f.files) {
    out += std::string(FileOpName(x.op)) + "[" + x.path + (x.recursive ? " R" : "") + (x.guessed ? " ?" : "") + "] ";
  }
  for (const auto& s : f.signals) out += s.type + "[" + s.detail + "] ";
  return out;
}

}  // namespace warden::shell::testing
