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
