// Private to src/shell: the Analyzer class behind AnalyzeCommand/AnalyzeArgv. It walks the IR
// the way bash would run it (statements.cc), expands words (expansion.cc), looks each simple
// command up and hands it to its model's handler (exec.cc, commands/), runs code strings one
// level deeper (code.cc) and records facts (file_facts.cc). The handlers use the services in
// the public part below; the walk itself stays private.
// One Analyzer per call; not shared between threads.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/path.h"
#include "shell/analysis_state.h"
#include "shell/analyzer.h"
#include "shell/command_model.h"
#include "shell/facts.h"
#include "shell/ir.h"

namespace warden::shell {

// What the script itself set up, as the analysis goes (shared by all branches: an
// over-approximation, which only makes decisions stricter).
struct ScriptMemory {
  std::map<std::string, std::string> tainted;     // downloaded file → what downloaded it
  std::map<std::string, std::string> contents;    // file written with known text → the text
  std::map<std::string, std::string> links;       // link path → what it points to
  std::map<std::string, std::string> exec_names;  // copied binary path → original name
  std::map<std::string, std::string> aliases;     // alias name → text
  std::map<std::string, std::string> hashed;      // hash -p: name → command it runs
  std::set<std::string> warden_files;             // files a lookup of Warden was written to
  std::vector<std::string> history;               // history -s: command lines fc can run again
  std::set<std::string> path_scripts;             // scripts put on PATH and analyzed already
  std::map<std::string, std::string> git_aliases; // alias.NAME set by git config or a config file
  bool cdable_vars = false;                       // shopt -s cdable_vars
};

class Analyzer {
 public:
  Analyzer(const AnalyzeOptions& options, Facts* out);

  void RunString(std::string_view source);
  void RunArgv(const std::vector<std::string>& argv);

  // ---- services for the command handlers -----------------------------------------------
  const AnalyzeOptions& options() const { return opt_; }
  const CommandFact& Cmd(int index) const { return out_->commands[static_cast<size_t>(index)]; }
  ScriptMemory& memory() { return mem_; }

  // Running what a command starts (exec.cc, code.cc).
  Stream Exec(std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in);
  Ctx Inner(const Ctx& ctx, std::string_view via, bool privileged, std::string_view origin = {}) const;
  // Runs `code` as a shell script one level deeper; `params` become $0, $1, … ($@, $#). With
  // `same_shell` (eval, source, aliases) its changes to the directory and variables stay.
  Stream CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                    const std::vector<Expanded>& params = {}, const Stream& in = {}, bool same_shell = false);
  // `params`: $0, $1… of the script ({} keeps the caller's).
  Stream CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx,
                    bool same_shell = false, const std::vector<Expanded>& params = {});
  void ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                  const Stream& in, bool same_shell = false, const std::vector<Expanded>& params = {});
  // The text of the script `arg` names, when it is known: a file written earlier in this
  // command, or standard input (/dev/stdin, -) or a <(…) whose text is known. `*decoded`: the
  // text was decoded from an opaque string.
  std::optional<std::string> ScriptText(const Expanded& arg, const State& st, const Stream& in, bool* decoded) const;
  std::optional<std::string> KnownContents(std::string_view path, const State& st) const;
  // PATH's directories as this command line set it, as far as known (exec.cc).
  std::vector<std::string> PathDirectories(const State& st) const;
  // PATH set to `value` (assigned, exported, for one command, by env, read, …): the scripts
  // this line wrote into a directory it names may run as any command from now on (exec.cc).
  void PathChanged(const Expanded& value, State& st, const Ctx& ctx);
  // What a variable assigned `value` holds: its text when known, else the literal start.
  static Value AssignedValue(const Expanded& value);
  void ReverseShellInCode(std::string_view code, std::string_view interpreter, int index);
  void ShellStringsInCode(std::string_view code, std::string_view interpreter, int index, State& st,
                          const Ctx& ctx);
  void PathsInCode(std::string_view code, std::string_view interpreter, int index, const State& st);
  Stream CallFunction(const std::string& name, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                      const Stream& in);

  // Where the script stands (builtins).
  void ChangeDirectory(const std::vector<Expanded>& argv, State& st);
  bool SearchPaths(const std::string& t, const State& st, std::vector<std::string>* paths) const;
  const Value* Lookup(std::string_view name, const State& st, Value* scratch) const;
  // Bash evaluates some values (arithmetic, subscripts, prompts): code hidden in them runs.
  void ScanEvaluated(std::string_view text, std::string_view origin, State& st, const Ctx& ctx);
  // A variable set (assigned, exported or given to one command) that a program evaluates later:
  // PAGER, GIT_SSH_COMMAND, PROMPT_COMMAND and the like run as command lines, prompts are
  // expanded, BASH_ENV=<(…) is read, BASH_FUNC_NAME%% defines a function, LD_PRELOAD loads code.
  // `in`: what flows into the command the variable is given to (BASH_ENV=/dev/stdin reads it).
  void EvaluatedLater(const std::string& name, const Expanded& value, State& st, const Ctx& ctx,
                      const Stream& in = {});
  // Code interpreters and shells load because a variable says so (startup_env.cc).
  bool StartupFromEnvironment(const std::string& name, const Expanded& value, State& st, const Ctx& ctx,
                              const Stream& in);
  void CodeInLanguage(std::string_view code, std::string_view language, State& st, const Ctx& ctx);
  void FileInLanguage(const Expanded& file, std::string_view language, State& st, const Ctx& ctx, const Stream& in);
  // Settings whose name says they hold a command (settings.cc).
  void CommandsInSettings(int index, State& st, const Ctx& ctx, const Stream& in);
  void ConfigFile(std::string_view path, std::string_view text, int index, State& st, const Ctx& ctx, int depth);
  void FilesInOptions(int index, const CommandSpec& spec, const State& st);
  void CommandInSetting(std::string_view name, std::string_view value, State& st, const Ctx& ctx);

  // Speculative analysis (commands/unknown.cc): while a Speculation lives, the facts found are
  // marked speculative, and what the analyzer cannot see through is not reported (a guess
  // that does not parse is no evidence of anything).
  class Speculation {
   public:
    explicit Speculation(Analyzer& a) : a_(a) { ++a_.speculative_; }
    ~Speculation() { --a_.speculative_; }
    Speculation(const Speculation&) = delete;
    Speculation& operator=(const Speculation&) = delete;

   private:
    Analyzer& a_;
  };
  bool speculating() const { return speculative_ > 0; }
  int speculation_depth() const { return speculative_; }

  // Facts (file_facts.cc).
  void AddFile(FileOp op, std::string_view text, uint8_t bits, bool recursive, std::string_view source,
               int command, const State& st, bool guessed = false);
  void AddOperandFile(FileOp op, int index, uint32_t arg, bool recursive, std::string_view source,
                      const State& st, bool guessed = false);
  void AddDynamicPattern(const FileFact& dynamic_fact, std::string_view text, const State& st);
  size_t file_count() const { return out_->files.size(); }
  // Drops the file facts added from `first` on that do not lie under one of `roots` (absolute):
  // what runs in a container reaches this machine only through its bind mounts.
  void KeepFilesUnder(size_t first, const std::vector<std::string>& roots);
  void Signal(std::string_view type, std::string detail, int command = -1);
  void Taint(std::string_view path, uint8_t bits, const State& st, std::string_view source);
  bool IsTainted(std::string_view path, const State& st, std::string* source) const;
  std::vector<std::string> Resolve(std::string_view text, const State& st, bool* dynamic) const;
  // Paths through links made earlier in the same command (ln -s ~ h; rm -rf h/).
  std::string FollowLinks(std::string path) const;

 private:
  static constexpr size_t kMaxCwds = 4;
  static constexpr size_t kMaxValueBytes = 64 * 1024;
  static constexpr size_t kMaxLoopItems = 8;
  static constexpr int kMaxLoopProduct = 64;
  static constexpr size_t kMaxBraceWords = 64;
  static constexpr int kMaxCallDepth = 16;
  static constexpr int kMaxExecNesting = 64;  // sudo env xargs find -exec … one inside another

  // ---- statements (statements.cc) ----
  Stream Script(std::string_view source, State& st, const Ctx& ctx, const Stream& in);
  Stream ScriptOnce(std::string_view source, State& st, const Ctx& ctx, const Stream& in);
  Stream Walk(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Compound(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Sequence(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Pipeline(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  void ShellOverNetwork(size_t first_command);
  Stream Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Maybe(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Branches(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Test(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream Error(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  Stream For(const Node& n, State& st, const Ctx& ctx, const Stream& in);
  bool ReadLoop(const Node& n, State& st, const Ctx& ctx, const Stream& in, Stream* out);
  void Function(const Node& n, State& st, const Ctx& ctx);
  void AnalyzeUncalledFunctions();
  void Assign(const std::string& name, const Expanded& value, bool nameref, State& st, const Ctx& ctx);
  std::optional<std::vector<Expanded>> ArrayItems(const Word& value, State& st, const Ctx& ctx);
  void Declare(const std::vector<std::pair<std::string, Expanded>>& assigns, const std::vector<Expanded>& argv,
               State& st, const Ctx& ctx);
  void CommandVariables(const std::vector<std::pair<std::string, Expanded>>& assigns, State& st, const Ctx& ctx,
                        const Stream& in);
  Stream WithTemporaryVariables(const std::vector<std::pair<std::string, Expanded>>& assigns,
                                std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in);
  void ScanWords(const std::vector<Word>& words, State& st, const Ctx& ctx);
  Stream Redirects(const std::vector<Redirect>& redirects, State& st, const Ctx& ctx, const Stream& in,
                   std::vector<std::pair<std::string, bool>>* outputs);
  void Outputs(const std::vector<std::pair<std::string, bool>>& outputs, const Stream& out, const State& st);
  void CopiedProgram(const std::string& from, const std::string& to, const State& st);
  static void Merge(State& into, const State& other);

  // ---- words (expansion.cc) ----
 public:
  std::vector<Expanded> ExpandWords(const std::vector<Word>& words, State& st, const Ctx& ctx);
  Expanded Expand(const Word& w, State& st, const Ctx& ctx, bool assignment = false);

 private:
  bool PositionalList(const Word& word, const State& st, std::vector<Expanded>* out) const;
  void ExpandText(const WordPart& p, bool first, bool last, bool assignment, const State& st, Expanded* e) const;
  std::string_view LeadingTilde(std::string_view text, bool last, bool assignment, const State& st, Expanded* e) const;
  std::string_view AssignmentTildes(std::string_view text, const State& st, Expanded* e) const;
  void TildeInto(std::string_view prefix, const State& st, Expanded* e) const;
  void ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out);
  void ScanIndex(const WordPart& p, State& st, const Ctx& ctx);
  std::optional<std::string> ArrayItem(const WordPart& p, const State& st) const;
  Stream ExpandSubstitution(const WordPart& p, bool split, State& st, const Ctx& ctx, Expanded* e);
  void ExpandProcessSub(const WordPart& p, State& st, const Ctx& ctx, Expanded* e);
  void ExpandArith(const WordPart& p, State& st, const Ctx& ctx, Expanded* e);
  Stream Substitute(const std::vector<Node>& body, State& st, const Ctx& ctx);

  // ---- commands (exec.cc) ----
  bool ExecHeadKnown(const std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in, Stream* out);
  bool ExecAliasOrFunction(std::string* name, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                           const Stream& in, Stream* out);
  std::string ProgramName(const Expanded& head, const State& st) const;
  int AddCommand(const std::vector<Expanded>& argv, const std::string& name, const CommandSpec& spec,
                 const State& st, const Ctx& ctx, const Stream& in);
  Stream Dispatch(const CommandSpec& spec, Call& call);
  void ScriptsInPath(const std::string& name, const std::vector<Expanded>& argv, int index, State& st, const Ctx& ctx,
                     const Stream& in);
  bool RefersToWarden(int index, const CommandSpec& spec) const;
  bool FiltersOutWarden(int index, const CommandSpec& spec) const;

  bool Budget();

  const AnalyzeOptions& opt_;
  Facts* out_;
  ScriptMemory mem_;
  SymlinkResolver resolver_;  // the file system, as far as looked at
  struct FunctionDef {
    std::shared_ptr<Node> body;
    bool called = false;
    State state;  // where it was defined (for analysis if never called)
    Ctx ctx;
  };
  std::map<std::string, FunctionDef> functions_;
  std::vector<std::string> call_stack_;  // functions being run (recursion, fork bombs)
  size_t steps_ = 0;
  bool budget_reported_ = false;
  int exec_nesting_ = 0;  // Exec calls in progress, each inside the one before
  int speculative_ = 0;   // Speculations in progress
};

}  // namespace warden::shell
