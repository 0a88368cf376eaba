// Private to src/shell: the Analyzer class behind AnalyzeCommand/AnalyzeArgv. Its members
// are spread over analyzer.cc (walking statements, expanding words, dispatching commands,
// wrappers and shells) and command_effects.cc (what individual commands do to files).
// One Analyzer per call; not shared between threads.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shell/analyzer.h"
#include "shell/command_specs.h"
#include "shell/facts.h"
#include "shell/ir.h"

namespace warden::shell {

// What flows out of a command (stdout), into a pipeline's next stage or a substitution.
struct Stream {
  enum class Kind : uint8_t {
    kNone,     // nothing known to flow (a terminal, or no command)
    kLiteral,  // known text (echo, printf, here-document)
    kFetched,  // data from the network (curl, wget, nc, ssh)
    kDecoded,  // decoded/decompressed data (base64 -d, xxd -r, gunzip) — obfuscation
    kFile,     // the content of a file (cat FILE, < FILE)
    kPaths,    // a list of paths below `text` (find ROOT)
    kUnknown,  // something else
  };
  Kind kind = Kind::kNone;
  std::string text;    // kLiteral: the text; kFile: the path; kPaths: the root pattern
  std::string source;  // the command that produced it ("curl", "base64 -d")
  bool tainted() const { return kind == Kind::kFetched || kind == Kind::kDecoded; }
};

// A variable's value as far as the analyzer knows it.
struct Value {
  std::string text;
  bool known = false;
  uint8_t bits = 0;  // ArgBits of the value (glob)
  Stream taint;      // the value came from fetched/decoded data
};

// Where the analysis stands at one point in the script.
struct State {
  std::vector<std::string> cwds;  // possible working directories (at most kMaxCwds)
  bool cwd_unknown = false;
  std::map<std::string, Value, std::less<>> vars;
};

// How the current command was reached.
struct Ctx {
  int depth = 0;
  std::string origin;
  std::vector<std::string> via;
  bool privileged = false;
  bool concurrent = false;  // inside a pipeline stage or a background job
  bool remote = false;      // a command run on another host (ssh)
};

// One word after expansion.
struct Expanded {
  std::string text;
  uint8_t bits = 0;
  Stream taint;        // a substitution's output that went into the word
  bool procsub = false;
  bool split = false;     // an unquoted expansion with blanks: becomes several words
  Stream procsub_stream;  // what a <(…) argument yields when read
};

class Analyzer {
 public:
  Analyzer(const AnalyzeOptions& options, Facts* out);

  void RunString(std::string_view source);
  void RunArgv(const std::vector<std::string>& argv);

 private:
  static constexpr size_t kMaxCwds = 4;
  static constexpr size_t kMaxValueBytes = 64 * 1024;
  static constexpr size_t kMaxLoopItems = 8;

  // ---- statements (analyzer.cc) ----
  Stream Script(std::string_view source, State& st, const Ctx& ctx, const Stream& in);
  Stream Walk(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Sequence(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Pipeline(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Maybe(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream For(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  void Function(const Node& n, State& st, const Ctx& ctx);
  void ScanWords(const std::vector<Word>& words, State& st, const Ctx& ctx);
  Stream Redirects(const std::vector<Redirect>& redirects, State& st, const Ctx& ctx, const Stream& in,
                   std::vector<std::string>* outputs);
  static void Merge(State& into, const State& other);

  // ---- words (analyzer.cc) ----
  Expanded Expand(const Word& w, State& st, const Ctx& ctx, bool assignment = false);
  void ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out);
  Stream Substitute(const std::vector<Node>& body, State& st, const Ctx& ctx);

  // ---- commands (analyzer.cc) ----
  Stream Exec(std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in);
  int AddCommand(const std::vector<Expanded>& argv, const CommandSpec& spec, const State& st, const Ctx& ctx,
                 const Stream& in);
  Stream Wrapper(const CommandSpec& spec, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                 const Stream& in);
  Stream Env(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in);
  Stream Xargs(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in);
  Stream Shell(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
               const Stream& in);
  Stream Interpreter(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                     const Ctx& ctx, const Stream& in);
  // Runs `code` as a shell script one level deeper; `params` become $0, $1, … ($@, $#).
  Stream CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                    const std::vector<Expanded>& params = {});
  Stream CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx);
  void ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                  const Stream& in);
  bool Builtin(std::string_view name, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
               const Stream& in, Stream* out);
  void ChangeDirectory(const std::vector<Expanded>& argv, State& st);
  Ctx Inner(const Ctx& ctx, std::string_view via, bool privileged, std::string_view origin = {}) const;

  // ---- effects (command_effects.cc) ----
  Stream Effects(int index, State& st, const Ctx& ctx, const Stream& in);
  void GuessedReads(int index, const State& st);
  Stream Find(int index, State& st, const Ctx& ctx);
  Stream Curl(int index, const State& st, const Stream& in);
  Stream Wget(int index, const State& st);
  void Copy(int index, const State& st, bool move);
  void Remote(int index, const State& st, std::string_view tool);
  void Git(int index, const State& st);
  void Tar(int index, const State& st);

  // ---- facts ----
  void AddFile(FileOp op, std::string_view text, uint8_t bits, bool recursive, std::string_view source,
               int command, const State& st, bool guessed = false);
  void AddOperandFile(FileOp op, int index, uint32_t arg, bool recursive, std::string_view source,
                      const State& st, bool guessed = false);
  void Signal(std::string_view type, std::string detail, int command = -1);
  void Taint(std::string_view path, uint8_t bits, const State& st, std::string_view source);
  bool IsTainted(std::string_view path, const State& st, std::string* source) const;
  std::vector<std::string> Resolve(std::string_view text, const State& st, bool* dynamic) const;
  bool Budget();

  const CommandFact& Cmd(int index) const { return out_->commands[static_cast<size_t>(index)]; }

  const AnalyzeOptions& opt_;
  Facts* out_;
  std::vector<std::string> functions_;  // functions being defined (fork-bomb detection)
  std::map<std::string, std::string> tainted_;  // downloaded file → what downloaded it
  size_t steps_ = 0;
  bool budget_reported_ = false;
};

bool IsFetcher(std::string_view name);
bool IsNetworkSender(std::string_view name);

}  // namespace warden::shell
