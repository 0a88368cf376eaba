// Command models: what Warden knows about each command it can name — how its options are spelled
// (which take a value, whether option parsing stops at the first operand), which family it
// belongs to, and what running it does: a handler that adds the command's file accesses and
// signals and analyzes the commands it starts.
//
// The models live in src/shell/commands/, one file per family (delete, copy, archive, git,
// find, interpreters, runners, wrappers, network, …), each a table of rows; command_table.cc
// indexes them by name. The analyzer looks a command up, records its CommandFact (options
// parsed by its row) and calls the row's handler with a Call. A command without a row is
// "unknown" and is read conservatively (commands/unknown.cc).
//
// The tables are immutable after static initialization; lookups are thread-safe. A Call is
// one command of one analysis and is not shared.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "shell/analysis_state.h"
#include "shell/facts.h"

namespace warden::shell {

class Analyzer;
struct Call;

enum class Family : uint8_t {
  kUnknown,      // no model: operands are treated as possible reads
  kNoFiles,      // known to touch no files through its operands (echo, git, make, …)
  kBuiltin,      // a shell builtin that changes what the analysis knows (cd, eval, set, …);
                 // matched by its exact name only
  kWrapper,      // runs another command given as its operands (sudo, env, nice, …)
  kRunner,       // runs a command given after a subcommand or an option (poetry run, tmux new)
  kShell,        // bash, sh, zsh, … (-c STRING, script file, or stdin)
  kInterpreter,  // python, node, perl, … (-c/-e CODE, script file, or stdin)
  kEffects,      // has file effects (rm, cp, tar, git, curl, …)
};

// What running the command does; returns what flows out of it (its standard output).
using Handler = Stream (*)(Call& call);
struct CommandSpec;
// For commands with subcommands (git push, docker run, …): the option table of the words after
// the subcommand, or null for one without its own.
using VerbSpecs = const CommandSpec* (*)(std::string_view verb);

// One row of a family's table.
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
  Handler run = nullptr;          // null: nothing beyond what the family implies
  VerbSpecs verbs = nullptr;      // options after the subcommand are the subcommand's
  // Options that set the working directory of what it runs (space separated: "--wd -w"); Run
  // and RunCode start the command there.
  std::string_view chdir;
};

// One command being analyzed, as its handler sees it: the fact recorded for it (name, argv,
// options, operands), its words with their expansion bits, where the script stands, how the
// command was reached and what flows into it — and the analyzer, for the facts the handler
// adds and the commands it runs.
struct Call {
  Analyzer& an;
  int index;                    // into Facts::commands
  std::vector<Expanded>& argv;  // the expanded words
  State& st;
  const Ctx& ctx;
  const Stream& in;

  const CommandFact& fact() const;
  const std::string& name() const { return fact().name; }

  // File facts for this command: an operand (argv index), every operand from the `first`-th
  // on ("-" skipped), or a path the handler computed.
  void Operand(FileOp op, uint32_t arg, bool recursive = false, bool guessed = false);
  void Operands(size_t first, FileOp op, bool recursive = false);
  void File(FileOp op, std::string_view path, uint8_t bits = 0, bool recursive = false, std::string_view source = {});
  void Signal(std::string_view type, std::string detail);
  // A Unix socket the command talks to (an access; Warden's own is a warden_tamper signal).
  void Socket(std::string_view path, uint8_t bits, std::string_view how);

  // The word that holds an option's value, with what the analysis knows of it (a <(…) keeps
  // its stream): the next word when separate, else the option's word with only the value.
  Expanded OptionValue(const Option& o) const;

  // Analyzes argv as a command started by this one (via `via`, "" for none).
  Stream Run(std::vector<Expanded> words, std::string_view via);
  // The state what it runs starts from: this one, or a copy in `*moved` after the command's
  // chdir option (see CommandSpec::chdir).
  State* RunState(State* moved) const;
  // Analyzes `code` as a shell string this command runs, one level deeper.
  Stream RunCode(const Expanded& code, std::string_view origin, std::string_view via, const Stream& input = {});
  Stream RunCode(std::string text, std::string_view origin, std::string_view via, const Stream& input = {});

  // What flows out when the handler knows nothing more: the input if it is tainted (a
  // download passed through), else unknown data from this command.
  Stream PassThrough() const;
  // Treats the command as one without a model (see commands/unknown.cc).
  Stream Unknown();
};

// The row for a normalized command name, or a default kUnknown row. Names like "python3.11"
// and "mkfs.ext4" resolve to their family's row ("python", "mkfs"); builtins only by their
// exact name.
const CommandSpec& LookupCommand(std::string_view name);

// A word that names a command Warden has a model for (a name or a path, no blanks).
bool NamesModelledCommand(std::string_view word);
// Text that reads as a command line: a modelled command first, or after ; && || | & (words
// split at blanks and those operators, quotes ignored: this only decides whether to look).
bool LooksLikeCommandLine(std::string_view text);

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

// Words argv[from..to) joined by spaces, with their bits and taint: a command line.
Expanded JoinWords(const std::vector<Expanded>& argv, size_t from, size_t to = std::string::npos);
std::vector<Expanded> Slice(const std::vector<Expanded>& argv, size_t from);
Expanded PlainWord(std::string text, uint8_t bits = 0);

}  // namespace warden::shell
