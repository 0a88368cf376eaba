// Shell analysis: a command string (or an argv) in, Facts out.
//
// Finds every simple command anywhere in the string — lists, pipelines, subshells, groups,
// substitutions, here-documents fed to shells, loops, functions, `bash -c STRING` and
// `eval` (recursively, up to a depth limit), wrappers (sudo, env, xargs, find -exec, …) —
// tracks the working directory and simple variables along the way, and records file
// accesses, downloads that get executed and uploads. Whatever it cannot see through becomes
// a SignalFact. Thread-safe: each call uses only its own state (and a per-thread parser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/warden_self.h"
#include "shell/facts.h"

namespace warden::shell {

struct AnalyzeOptions {
  std::string cwd = "/";       // absolute working directory of the first command
  std::string home = "/root";  // for ~ and $HOME
  int max_depth = 8;           // nesting of bash -c / eval / sh <<EOF …
  size_t max_bytes = 256 * 1024;
  size_t max_commands = 4096;  // analysis budget; beyond it a too_large signal
  // Look at this machine's files: resolve symlinks in paths, expand a glob in a command name
  // ("/bin/r?") the way bash would. Off for corpora and tests that must not depend on it.
  bool resolve_symlinks = true;
  // Where Warden lives and its daemon's pids: what reaches them is a warden_tamper signal
  // (processes, sockets, Warden's own programs); null: nothing of Warden's is known.
  const WardenSelf* self = nullptr;
};

Facts AnalyzeCommand(std::string_view command, const AnalyzeOptions& options);
Facts AnalyzeArgv(const std::vector<std::string>& argv, const AnalyzeOptions& options);

}  // namespace warden::shell
