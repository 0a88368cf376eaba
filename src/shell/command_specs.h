// What Warden knows about individual commands: how their options are spelled (which take a
// value, whether option parsing stops at the first operand) and which family they belong to
// (wrapper, shell, interpreter, file operation, …). The table is data; the analyzer and the
// effect rules consult it. Immutable after static initialization; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shell/facts.h"

namespace warden::shell {

enum class Family : uint8_t {
  kUnknown,      // not in the table: operands are treated as possible reads
  kNoFiles,      // known to touch no files through its operands (echo, git, make, …)
  kWrapper,      // runs another command given as its operands (sudo, env, nice, …)
  kShell,        // bash, sh, zsh, … (-c STRING, script file, or stdin)
  kInterpreter,  // python, node, perl, … (-c/-e CODE, script file, or stdin)
  kEffects,      // has file effects described in command_effects.cc
};

struct CommandSpec {
  std::string_view name;
  Family family = Family::kUnknown;
  std::string_view short_value;   // short options that take a value ("uCgh")
  std::string_view long_value;    // long options that take a value, space separated
  bool posix_order = false;       // options end at the first operand (wrappers, ssh, …)
  // Wrappers: operands to skip before the wrapped command (timeout DURATION → 1).
  int skip_operands = 0;
  // Wrappers/shells/interpreters: short option whose value is a command string or code ('c').
  char code_flag = 0;
  std::string_view code_long;     // same, long form ("command", "eval")
  bool privileged = false;        // sudo, doas, su, pkexec, run0
};

// The spec for a normalized command name, or a default kUnknown spec. Names like
// "python3.11" and "mkfs.ext4" resolve to their family entry ("python", "mkfs").
const CommandSpec& LookupCommand(std::string_view name);

// Splits argv[first..] into options and operands according to `spec`. Stops treating words
// as options after "--" (and, for posix_order specs, at the first operand). `*stop` receives
// the argv index where parsing stopped (argv.size() if it read everything); for posix-order
// specs that is the first operand.
void ParseOptions(const CommandSpec& spec, const std::vector<std::string>& argv, size_t first,
                  std::vector<Option>* options, std::vector<uint32_t>* operands, size_t* stop);

// True if the option list has any of `names` ("-r", "--recursive"); long names also match
// unambiguous GNU abbreviations written on the command line ("--recur").
bool HasOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names);
const Option* FindOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names);

}  // namespace warden::shell
