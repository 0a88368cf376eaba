// Private to src/shell: the Analyzer class behind AnalyzeCommand/AnalyzeArgv. Its members
// are spread over analyzer.cc (statements, command dispatch, facts), expansion.cc (words),
// builtins.cc (cd, eval, set, printf, …), wrappers.cc (sudo, env, xargs, shells,
// interpreters, code strings) and command_effects.cc (what commands do to files).
// One Analyzer per call; not shared between threads.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/path.h"
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
  uint8_t bits = 0;    // kLiteral: ArgBits the text carries (mktemp's pattern)
  bool tainted() const { return kind == Kind::kFetched || kind == Kind::kDecoded; }
};

// A variable's value as far as the analyzer knows it.
struct Value {
  std::string text;
  bool known = false;
  uint8_t bits = 0;  // ArgBits of the value (glob, pattern, tree)
  Stream taint;      // the value came from fetched/decoded data
};

// Shell variables, copied on write: branches, pipeline stages and subshells copy the State,
// and most never assign a variable.
class Vars {
 public:
  using Map = std::map<std::string, Value, std::less<>>;
  Map::const_iterator find(std::string_view name) const { return map().find(name); }
  Map::const_iterator begin() const { return map().begin(); }
  Map::const_iterator end() const { return map().end(); }
  size_t count(std::string_view name) const { return map().count(name); }
  Value& operator[](const std::string& name) { return Mutable()[name]; }
  void erase(std::string_view name) {
    if (count(name)) Mutable().erase(std::string(name));
  }
  void emplace(const std::string& name, const Value& v) { Mutable().emplace(name, v); }
  Map& Mutable() {
    if (!map_) {
      map_ = std::make_shared<Map>();
    } else if (map_.use_count() > 1) {
      map_ = std::make_shared<Map>(*map_);
    }
    return *map_;
  }

 private:
  const Map& map() const {
    static const Map kEmpty;
    return map_ ? *map_ : kEmpty;
  }
  std::shared_ptr<Map> map_;
};

// Where the analysis stands at one point in the script.
struct State {
  std::vector<std::string> cwds;  // possible working directories (at most kMaxCwds)
  bool cwd_unknown = false;
  Vars vars;
};

// How the current command was reached.
struct Ctx {
  int depth = 0;
  std::string origin;
  std::vector<std::string> via;
  bool privileged = false;
  bool concurrent = false;  // inside a pipeline stage or a background job
  bool remote = false;      // a command run on another host (ssh)
  int loop_product = 1;     // iterations of the enclosing literal for-loops
};

// One word after expansion.
struct Expanded {
  std::string text;
  uint8_t bits = 0;
  Stream taint;        // a substitution's output that went into the word
  bool procsub = false;
  Stream procsub_stream;  // what a <(…) argument yields when read
  // Byte ranges of `text` that came from unquoted expansions: field splitting happens there.
  std::vector<std::pair<uint32_t, uint32_t>> fields;
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
  static constexpr int kMaxLoopProduct = 64;
  static constexpr size_t kMaxBraceWords = 64;
  static constexpr int kMaxCallDepth = 16;
  static constexpr int kMaxExecNesting = 64;  // sudo env xargs find -exec … one inside another

  // ---- statements (analyzer.cc) ----
  Stream Script(std::string_view source, State& st, const Ctx& ctx, const Stream& in);
  Stream ScriptOnce(std::string_view source, State& st, const Ctx& ctx, const Stream& in);
  Stream Walk(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Sequence(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Pipeline(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Maybe(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream For(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  void Function(const Node& n, State& st, const Ctx& ctx);
  Stream CallFunction(const std::string& name, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                      const Stream& in);
  void AnalyzeUncalledFunctions();
  void Assign(const std::string& name, const Expanded& value, bool nameref, State& st, const Ctx& ctx);
  void ScanWords(const std::vector<Word>& words, State& st, const Ctx& ctx);
  Stream Redirects(const std::vector<Redirect>& redirects, State& st, const Ctx& ctx, const Stream& in,
                   std::vector<std::pair<std::string, bool>>* outputs);
  void Outputs(const std::vector<std::pair<std::string, bool>>& outputs, const Stream& out, const State& st);
  static void Merge(State& into, const State& other);

  // ---- words (expansion.cc) ----
  std::vector<Expanded> ExpandWords(const std::vector<Word>& words, State& st, const Ctx& ctx);
  Expanded Expand(const Word& w, State& st, const Ctx& ctx, bool assignment = false);
  void ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out);
  Stream Substitute(const std::vector<Node>& body, State& st, const Ctx& ctx);
  const Value* Lookup(std::string_view name, const State& st, Value* scratch) const;
  // Bash evaluates some values (arithmetic, subscripts, prompts): code hidden in them runs.
  void ScanEvaluated(std::string_view text, std::string_view origin, State& st, const Ctx& ctx);

  // ---- commands (analyzer.cc) ----
  Stream Exec(std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in);
  int AddCommand(const std::vector<Expanded>& argv, const std::string& name, const CommandSpec& spec,
                 const State& st, const Ctx& ctx, const Stream& in);
  Ctx Inner(const Ctx& ctx, std::string_view via, bool privileged, std::string_view origin = {}) const;

  // ---- builtins (builtins.cc) ----
  bool Builtin(std::string_view name, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
               const Stream& in, Stream* out);
  void ChangeDirectory(const std::vector<Expanded>& argv, State& st);
  Stream Echo(std::string_view name, const std::vector<Expanded>& argv, State& st);

  // ---- wrappers, shells, interpreters (wrappers.cc) ----
  Stream Wrapper(const CommandSpec& spec, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                 const Stream& in);
  Stream Env(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in);
  Stream Xargs(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in);
  Stream Parallel(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in);
  Stream Runner(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in, bool* handled);
  Stream Shell(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
               const Stream& in);
  Stream Interpreter(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                     const Ctx& ctx, const Stream& in);
  // Runs `code` as a shell script one level deeper; `params` become $0, $1, … ($@, $#). With
  // `same_shell` (eval, source, aliases) its changes to the directory and variables stay.
  Stream CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                    const std::vector<Expanded>& params = {}, const Stream& in = {}, bool same_shell = false);
  Stream CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx,
                    bool same_shell = false);
  void ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                  const Stream& in, bool same_shell = false);
  void ShellStringsInCode(std::string_view code, std::string_view interpreter, int index, State& st,
                          const Ctx& ctx);

  // ---- effects (command_effects.cc) ----
  Stream Effects(int index, State& st, const Ctx& ctx, const Stream& in);
  void GuessedReads(int index, const State& st);
  Stream Find(int index, State& st, const Ctx& ctx);
  Stream Curl(int index, const State& st, const Stream& in);
  Stream Wget(int index, const State& st);
  void Copy(int index, const State& st, bool move);
  void Link(int index, const State& st);
  void Remote(int index, State& st, const Ctx& ctx, std::string_view tool);
  void Git(int index, State& st, const Ctx& ctx);
  void Tar(int index, State& st, const Ctx& ctx);

  // ---- facts (analyzer.cc) ----
  void AddFile(FileOp op, std::string_view text, uint8_t bits, bool recursive, std::string_view source,
               int command, const State& st, bool guessed = false);
  void AddOperandFile(FileOp op, int index, uint32_t arg, bool recursive, std::string_view source,
                      const State& st, bool guessed = false);
  void Signal(std::string_view type, std::string detail, int command = -1);
  void Taint(std::string_view path, uint8_t bits, const State& st, std::string_view source);
  bool IsTainted(std::string_view path, const State& st, std::string* source) const;
  std::vector<std::string> Resolve(std::string_view text, const State& st, bool* dynamic) const;
  // Paths through links made earlier in the same command (ln -s ~ h; rm -rf h/).
  std::string FollowLinks(std::string path) const;
  bool Budget();

  const CommandFact& Cmd(int index) const { return out_->commands[static_cast<size_t>(index)]; }

  const AnalyzeOptions& opt_;
  Facts* out_;
  // What the script itself set up, as the analysis goes (shared by all branches: an
  // over-approximation, which only makes decisions stricter).
  std::map<std::string, std::string> tainted_;        // downloaded file → what downloaded it
  std::map<std::string, std::string> contents_;       // file written with known text → the text
  std::map<std::string, std::string> links_;          // link path → what it points to
  std::map<std::string, std::string> exec_names_;     // copied binary path → original name
  std::map<std::string, std::string> aliases_;        // alias name → text
  std::map<std::string, std::string> hashed_;         // hash -p: name → command it runs
  SymlinkResolver resolver_;                          // the file system, as far as looked at
  struct FunctionDef {
    std::shared_ptr<Node> body;
    bool called = false;
    State state;  // where it was defined (for analysis if never called)
    Ctx ctx;
  };
  std::map<std::string, FunctionDef> functions_;
  std::vector<std::string> call_stack_;  // functions being run (recursion, fork bombs)
  bool cdable_vars_ = false;
  size_t steps_ = 0;
  bool budget_reported_ = false;
  int exec_nesting_ = 0;  // Exec calls in progress, each inside the one before
};

bool IsFetcher(std::string_view name);
bool IsNetworkSender(std::string_view name);

}  // namespace warden::shell
