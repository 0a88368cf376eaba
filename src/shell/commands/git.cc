// git: settings that make git run commands (`-c alias.x=!CMD`, core.sshCommand, core.pager,
// filters, `git config KEY VALUE` for such keys), -u/--upload-pack/--receive-pack/--exec
// programs, and the subcommands with file effects — clean (everything below), rm, checkout
// and restore of paths (writes), diff --no-index (reads), config (writes its file).
#include <re2/re2.h>

#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

void RunGitCommand(Call& c, std::string text, std::string_view origin) {
  if (!text.empty() && text[0] == '!') text.erase(0, 1);
  c.RunCode(std::move(text), origin, "git");
}

// Configuration whose value git runs as a command.
bool RunsCommand(std::string_view key, std::string_view value) {
  std::string k = ToLower(key);
  if (k.rfind("alias.", 0) == 0) return !value.empty() && value[0] == '!';
  static constexpr std::string_view kKeys[] = {"core.fsmonitor", "core.sshcommand", "core.pager", "core.editor",
                                               "core.askpass", "sequence.editor", "diff.external",
                                               "credential.helper", "gpg.program", "pager.", "uploadpack.packobjectshook"};
  for (auto k2 : kKeys) {
    if (k == k2 || (k2.back() == '.' && k.rfind(k2, 0) == 0)) return true;
  }
  static const RE2 kPattern(R"(^(filter\..*\.(clean|smudge|process)|merge\..*\.driver|diff\..*\.(textconv|command)|(difftool|mergetool)\..*\.cmd|core\.hookspath)$)");
  return RE2::FullMatch(k, kPattern);
}

bool HasOperand(const CommandFact& f, std::initializer_list<std::string_view> words) {
  return std::any_of(f.operands.begin(), f.operands.end(), [&](uint32_t op) {
    return std::find(words.begin(), words.end(), f.argv[op]) != words.end();
  });
}

// --upload-pack (-u) of clone/fetch/pull/ls-remote, --receive-pack and --exec of push and
// archive: programs git runs (on the "remote", which may be this machine).
void PackPrograms(Call& c) {
  const CommandFact& f = c.fact();
  if (f.operands.empty()) return;
  const std::string& verb = f.argv[f.operands[0]];
  const bool fetches = verb == "clone" || verb == "fetch" || verb == "pull" || verb == "ls-remote";
  const bool sends = verb == "push" || verb == "archive" || verb == "send-pack";
  for (const Option& o : f.options) {
    if (!o.has_value) continue;
    bool upload = fetches && (o.name == "-u" || o.name == "--upload-pack");
    bool receive = sends && (o.name == "--receive-pack" || o.name == "--exec");
    if (upload || receive) RunGitCommand(c, o.value, "git " + o.name);
  }
}

void ConfigOptions(Call& c) {
  for (const auto& o : c.fact().options) {
    if (o.name != "-c" || !o.has_value) continue;
    size_t eq = o.value.find('=');
    if (eq != std::string::npos && RunsCommand(o.value.substr(0, eq), o.value.substr(eq + 1))) {
      RunGitCommand(c, o.value.substr(eq + 1), "git -c " + o.value.substr(0, eq));
    }
  }
}

// git -C DIR: the subcommand runs there.
State Where(const Call& c) {
  const CommandFact& f = c.fact();
  State where = c.st;
  if (const Option* o = FindOption(f.options, {"-C"}); o && o->has_value) {
    Expanded dir = PlainWord(o->value, f.arg_bits[std::min<size_t>(o->arg_index + 1, f.arg_bits.size() - 1)]);
    c.an.ChangeDirectory({PlainWord("cd"), dir}, where);
  }
  return where;
}

void PathsAfterDashDash(Call& c, const State& where, FileOp op, std::string_view source) {
  const CommandFact& f = c.fact();
  bool after = false;
  for (size_t k = f.operands[0] + 1; k < f.argv.size(); ++k) {
    if (f.argv[k] == "--") {
      after = true;
    } else if (after) {
      c.an.AddFile(op, f.argv[k], f.arg_bits[k], false, source, c.index, where);
    }
  }
}

// git config [--global|--system|--file F] KEY VALUE writes a config file; some keys make git
// run commands later.
void Config(Call& c, const State& where) {
  const CommandFact& f = c.fact();
  bool reading = HasOption(f.options, {"--get", "--get-all", "--get-regexp", "-l", "--list", "--show-origin"});
  if (reading || f.operands.size() < 3) return;
  std::string file = ".git/config";
  if (HasOption(f.options, {"--global"})) file = JoinPath(c.an.options().home, ".gitconfig");
  if (HasOption(f.options, {"--system"})) file = "/etc/gitconfig";
  if (const Option* fo = FindOption(f.options, {"-f", "--file"}); fo && fo->has_value) file = fo->value;
  c.an.AddFile(FileOp::kWrite, file, 0, false, "git config", c.index, where);
  const std::string& key = f.argv[f.operands[1]];
  const std::string& value = f.argv[f.operands[2]];
  if (RunsCommand(key, value)) RunGitCommand(c, value, "git config " + key);
}

// The operands after the subcommand, as paths written (or read) where git runs.
void OperandsFrom(Call& c, size_t first, FileOp op, bool recursive, std::string_view source, const State& where) {
  const CommandFact& f = c.fact();
  for (size_t k = first; k < f.operands.size(); ++k) c.an.AddOperandFile(op, c.index, f.operands[k], recursive, source, where);
}

// clone and init write a repository; stash and mv of paths rewrite them; apply and am write
// the files their patches name (anywhere below); hash-object reads what it stores.
void MoreEffects(Call& c, const std::string& sub, const State& where) {
  const CommandFact& f = c.fact();
  const size_t n = f.operands.size();
  if (sub == "clone" && n >= 3) {
    c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands[2], true, "git clone", where);
  } else if (sub == "init") {
    c.an.AddFile(FileOp::kWrite, n >= 2 ? JoinPath(f.argv[f.operands[1]], ".git") : std::string(".git"), 0, true,
                 "git init", c.index, where);
  } else if (sub == "stash") {
    PathsAfterDashDash(c, where, FileOp::kWrite, "git stash");
  } else if (sub == "mv" && n >= 3) {
    for (size_t k = 1; k + 1 < n; ++k) {
      c.an.AddOperandFile(FileOp::kDelete, c.index, f.operands[k], false, "git mv", where);  // a file
      c.an.AddOperandFile(FileOp::kDelete, c.index, f.operands[k], true, "git mv", where);   // or a directory
    }
    c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands.back(), true, "git mv", where);
  } else if (sub == "apply" || sub == "am") {
    c.an.AddFile(FileOp::kWrite, "**", kArgPattern, true, "git " + sub, c.index, where);
  } else if (sub == "hash-object") {
    OperandsFrom(c, 1, FileOp::kRead, false, "git hash-object", where);
  }
}

void Subcommand(Call& c) {
  const CommandFact& f = c.fact();
  State where = Where(c);
  const std::string& sub = f.argv[f.operands[0]];
  if (sub == "clean" && !HasOption(f.options, {"-n", "--dry-run"})) {
    c.an.AddFile(FileOp::kDelete, "**", kArgPattern, true, "git clean", c.index, where);
  } else if (sub == "rm") {
    bool recursive = HasOption(f.options, {"-r"});
    for (size_t k = 1; k < f.operands.size(); ++k) c.an.AddOperandFile(FileOp::kDelete, c.index, f.operands[k], recursive, "git rm", where);
  } else if (sub == "checkout" || sub == "restore") {
    PathsAfterDashDash(c, where, FileOp::kWrite, "git " + sub);
    // restore PATHS…, checkout REV PATHS…: the paths are overwritten (checkout BRANCH alone
    // switches); a path may be a file or a whole directory.
    size_t first = sub == "restore" ? 1 : 2;
    for (size_t k = first; k < f.operands.size(); ++k) {
      c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands[k], false, "git " + sub, where);
      c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands[k], true, "git " + sub, where);
    }
  } else if (sub == "diff" && HasOption(f.options, {"--no-index"})) {
    for (size_t k = 1; k < f.operands.size(); ++k) c.an.AddOperandFile(FileOp::kRead, c.index, f.operands[k], false, "git diff", where);
  } else if (sub == "config") {
    Config(c, where);
  } else {
    MoreEffects(c, sub, where);
  }
}

Stream Git(Call& c) {
  PackPrograms(c);
  ConfigOptions(c);
  if (!c.fact().operands.empty()) Subcommand(c);
  return UnknownStream(c.name());
}

// The options of git's subcommands that take a value: "git checkout -bfix" creates a branch
// named fix (it is not -b -f -i -x), "git config -f FILE KEY VALUE" writes FILE.
constexpr CommandSpec kVerbs[] = {
    {"checkout", Family::kEffects, "bB", "orphan conflict pathspec-from-file"},
    {"switch", Family::kEffects, "cC", "orphan conflict create force-create"},
    {"restore", Family::kEffects, "s", "source pathspec-from-file conflict"},
    {"commit", Family::kEffects, "mFCct", "message file reuse-message reedit-message fixup squash author date template cleanup trailer pathspec-from-file"},
    {"config", Family::kEffects, "f", "file blob type default comment"},
    {"push", Family::kEffects, "o", "push-option receive-pack exec repo"},
    {"branch", Family::kEffects, "u", "set-upstream-to contains no-contains merged no-merged points-at sort format"},
    {"rebase", Family::kEffects, "xsX", "exec onto strategy strategy-option"},
    {"stash", Family::kEffects, "m", "message pathspec-from-file"},
    {"clean", Family::kEffects, "e", "exclude"},
    {"worktree", Family::kEffects, "b", "reason"},
    {"clone", Family::kEffects, "bocuj", "branch origin upload-pack config depth reference separate-git-dir template jobs filter shallow-since shallow-exclude"},
    {"fetch", Family::kEffects, "uj", "upload-pack depth deepen shallow-since jobs refmap negotiation-tip server-option"},
    {"pull", Family::kEffects, "uj", "upload-pack depth deepen shallow-since jobs strategy strategy-option"},
    {"log", Family::kEffects, "n", "max-count format pretty since until author grep skip"},
    {"tag", Family::kEffects, "mFu", "message file local-user contains sort format"},
    {"merge", Family::kEffects, "msSX", "message strategy strategy-option into-name"},
    {"remote", Family::kEffects, "tm", ""},
    {"reset", Family::kEffects, "", "pathspec-from-file"},
    {"rm", Family::kEffects, "", "pathspec-from-file"},
    {"submodule", Family::kEffects, "b", "branch reference depth name"},
    {"archive", Family::kEffects, "o", "output format prefix remote exec"},
    {"ls-remote", Family::kEffects, "u", "upload-pack sort server-option"},
    {"send-pack", Family::kEffects, "", "receive-pack exec"},
};

const CommandSpec* GitVerb(std::string_view verb) {
  for (const CommandSpec& v : kVerbs) {
    if (v.name == verb) return &v;
  }
  return nullptr;
}

constexpr CommandSpec kModels[] = {
    {"git", Family::kEffects, "CcmFo", "git-dir work-tree namespace super-prefix exec-path config-env message file push-option author date", false, 0, 0, "", false, Git, GitVerb},
};

}  // namespace

ModelTable GitCommands() { return kModels; }

}  // namespace warden::shell
