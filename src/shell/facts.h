// Facts: what the analyzer learned about a command string, in the terms rules are written in.
//
//   CommandFact  every simple command that would run, after unwrapping (sudo, env, bash -c,
//                xargs, find -exec, …), with its normalized name, argv, options and operands.
//   FileFact     every path read, written, deleted or executed, resolved against the tracked
//                working directory, ~ and $HOME.
//   SignalFact   everything else a policy decides on: remote code execution, uploads, and
//                what the analyzer could not see through (parse errors, dynamic command
//                names, depth limit …). An analysis problem is always a fact, never silence.
//
// Plain values; not synchronized.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace warden::shell {

// Bits describing one argv element.
enum ArgBits : uint8_t {
  kArgDynamic = 1,  // contains something unknown ($VAR, $(…), …)
  kArgGlob = 2,     // contains unquoted glob characters (*, ?, [, {)
  kArgTree = 4,     // stands for every file under a directory (find -exec {}, find | xargs)
  kArgPattern = 8,  // a pattern Warden made (find ROOT/**/NAME, tar -x DIR/**): '**' crosses
                    // directories and '*' matches dotfiles; kArgGlob alone means bash globbing
  kArgWarden = 16,  // came from a lookup of Warden's processes or files ($(pgrep warden), its pid)
  kArgShellInit = 32,  // its only unknown parts are shell set-up code a tool printed (shell_init.h)
};

struct Option {
  std::string name;       // "-r", "--force" (short clusters are split: "-rf" gives -r and -f)
  std::string value;      // "--force=x" gives "x"; a value-taking flag's next argument
  bool has_value = false;
  uint32_t arg_index = 0;  // index in argv of the token it came from
};

struct CommandFact {
  std::string name;                 // normalized: basename of argv[0] after expansion
  std::vector<std::string> argv;    // expanded words; argv[0] as written ("/usr/bin/rm")
  std::vector<uint8_t> arg_bits;    // ArgBits per argv element
  std::vector<Option> options;      // flags, in order
  std::vector<uint32_t> operands;   // argv indices of positional arguments (after any subcommand)
  std::vector<std::string> subcommand;  // e.g. {"push"} for git push, {"stash","drop"}
  std::vector<std::string> cwds;    // working directories it may run in
  bool cwd_unknown = false;         // … or one we cannot know
  std::vector<std::string> via;     // wrappers peeled off, outermost first ("sudo", "env")
  bool privileged = false;          // run through sudo, doas, su, pkexec, run0
  std::string origin;               // where it was found: "", "bash -c", "eval", "$(…)", …
  int depth = 0;                    // nesting of shell strings (bash -c, eval, …)
  std::string stdin_text;           // literal here-document / here-string / piped text
  bool stdin_known = false;
  // Found by speculative analysis: a command a program without a model may run (its argv
  // from a known command name on, or an operand that reads as a command line).
  bool speculative = false;
  // The command's own option asks it only to report what it would do (see dry_run.h).
  bool dry_run = false;

  std::string Line() const;         // argv joined by spaces, for `line` rules and messages
};

// kAccess: a program Warden has no model for names the path — it may read, write or delete it.
enum class FileOp : uint8_t { kRead, kWrite, kDelete, kExec, kAccess };
std::string_view FileOpName(FileOp op);

struct FileFact {
  FileOp op = FileOp::kRead;
  std::string path;          // absolute, normalized; may hold glob characters
  std::string lexical;       // before symlink resolution, when that changed it
  bool recursive = false;    // the whole tree below path
  bool dynamic = false;      // not fully known (unknown variable, unknown cwd, substitution)
  bool glob = false;         // path is a pattern (see shell_glob)
  bool shell_glob = false;   // … expanded the way bash globs (no dotfiles, no **), not kArgPattern
  bool guessed = false;      // an operand of a command whose behaviour Warden does not know
  std::string source;        // what produced it: "rm", "redirect >", "cp", "request", …
  int command = -1;          // index into Facts::commands, -1 if none
  bool speculative = false;  // from speculative analysis (see CommandFact)
};

struct SignalFact {
  std::string type;    // see kSignal* below
  std::string detail;  // plain words: what and where
  int command = -1;
  bool speculative = false;  // from speculative analysis (see CommandFact)
};

// Signal types (stable names, used in policies).
inline constexpr std::string_view kSignalRce = "rce";                    // download/decode and run
inline constexpr std::string_view kSignalUpload = "upload";              // a file sent to the network
inline constexpr std::string_view kSignalParseError = "parse_error";
inline constexpr std::string_view kSignalDepthLimit = "depth_limit";
inline constexpr std::string_view kSignalDynamicCommand = "dynamic_command";  // name not known
inline constexpr std::string_view kSignalDynamicScript = "dynamic_script";    // code not known
inline constexpr std::string_view kSignalForkBomb = "fork_bomb";
inline constexpr std::string_view kSignalTooLarge = "too_large";
inline constexpr std::string_view kSignalUnknownConstruct = "unknown_construct";
inline constexpr std::string_view kSignalEmpty = "empty";
inline constexpr std::string_view kSignalInlineCode = "inline_code";     // python -c, node -e, …
// Something that would loosen, stop or bypass Warden itself: its own programs with flags or
// subcommands that change the decision, WARDEN_* variables, its socket, its daemon's process.
inline constexpr std::string_view kSignalWardenTamper = "warden_tamper";
// A shell whose input and output go to the network: a pipeline joining an interactive shell to
// nc/socat/telnet/openssl, or inline code that connects a socket and runs a shell on it.
inline constexpr std::string_view kSignalReverseShell = "reverse_shell";

// All signal names, for the policy checker.
const std::vector<std::string_view>& SignalNames();

// True for signals that mean "the analyzer could not see through this" (parse errors, dynamic
// commands and scripts, depth limit, too large, unknown constructs).
bool IsAnalysisProblem(std::string_view signal);

struct Facts {
  // A deque: the analyzer keeps references to a command while it adds the ones it runs.
  std::deque<CommandFact> commands;
  std::vector<FileFact> files;
  std::vector<SignalFact> signals;
};

}  // namespace warden::shell
