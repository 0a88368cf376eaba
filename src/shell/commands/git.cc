// git: settings that make git run commands (`-c alias.x=!CMD`, core.sshCommand, core.pager,
// filters, `git config KEY VALUE` for such keys), -u/--upload-pack/--receive-pack/--exec
// programs, and the subcommands with file effects — clean (everything below), rm, checkout
// and restore of paths (writes), diff --no-index (reads), config (writes its file).
#include <re2/re2.h>

#include <algorithm>
#include <optional>

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
  static const RE2 kPattern(R"(^(filter\..*\.(clean|smudge|process)|merge\..*\.driver|diff\..*\.(textconv|command)|(difftool|mergetool)\..*\.cmd|core\.gitproxy|remote\..*\.(uploadpack|receivepack)|credential\..*\.helper|sendemail\..*\.(smtpserver|tocmd|cccmd)|sendemail\.(smtpserver|tocmd|cccmd)|gpg\..*\.program|web\.browser|browser\..*\.cmd|man\..*\.cmd|instaweb\.httpd)$)");
  return RE2::FullMatch(k, kPattern);
}

// ext::COMMAND remotes: git runs COMMAND, its words split at blanks ("% " is a blank inside a
// word, "%%" a %, %S/%s/%G the service and host).
void ExtRemote(Call& c, std::string_view url) {
  std::vector<std::string> words(1);
  for (size_t i = 5; i < url.size(); ++i) {
    if (url[i] == '%' && i + 1 < url.size()) {
      const char n = url[++i];
      words.back() += n == 'S' || n == 's' || n == 'G' ? std::string("x") : std::string(1, n);
    } else if (url[i] == ' ') {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back() += url[i];
    }
  }
  std::string line;
  for (const auto& w : words) {
    if (!w.empty()) line += (line.empty() ? "" : " ") + SingleQuoted(w);
  }
  RunGitCommand(c, line, "git ext::");
}

void ExtRemotes(Call& c) {
  for (uint32_t op : c.fact().operands) {
    if (c.argv[op].text.rfind("ext::", 0) == 0) ExtRemote(c, c.argv[op].text);
  }
}

// Settings whose value is not a command but changes what git runs: hooks from another
// directory, configuration included from a file.
bool LoadsCode(std::string_view key) {
  const std::string k = ToLower(key);
  return k == "core.hookspath" || k == "include.path" || (k.rfind("includeif.", 0) == 0 && k.size() > 5 && k.substr(k.size() - 5) == ".path");
}

// One setting given on the command line or in the environment.
void Setting(Call& c, std::string_view key, std::string_view value, std::string_view origin) {
  const std::string lower = ToLower(key);
  if (lower.rfind("alias.", 0) == 0 && lower.size() > 6) c.an.memory().git_aliases[lower.substr(6)] = std::string(value);
  // url.BASE.insteadOf=PREFIX: remotes starting with PREFIX become BASE (ext::… runs a command).
  for (std::string_view suffix : {".insteadof", ".pushinsteadof"}) {
    if (lower.rfind("url.", 0) == 0 && lower.size() > 4 + suffix.size() && lower.substr(lower.size() - suffix.size()) == suffix) {
      std::string_view base = key.substr(4, key.size() - 4 - suffix.size());
      if (base.rfind("ext::", 0) == 0) ExtRemote(c, base);
      return;
    }
  }
  if (LoadsCode(key)) {
    c.Signal(kSignalDynamicScript, "git " + std::string(key) + "=" + std::string(value) + " runs hooks or settings from there");
  } else if (RunsCommand(key, value)) {
    RunGitCommand(c, std::string(value), std::string(origin) + " " + std::string(key));
  }
}

// A value as git's config reader gives it: quotes dropped around what they hold, \" \\ \n
// \t unescaped, an unquoted # or ; starts a comment.
std::string GitConfigValue(std::string_view raw) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char ch = raw[i];
    if (ch == '"') {
      quoted = !quoted;
    } else if (ch == '\\' && i + 1 < raw.size()) {
      const char n = raw[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else if (!quoted && (ch == '#' || ch == ';')) {
      break;
    } else {
      out += ch;
    }
  }
  return std::string(Trim(out));
}

// The settings of a git configuration file's text: [section] / [section "sub"] and key = value
// (on its own line or after the section's header); include.path / includeIf.*.path files
// written earlier in the line are read too.
void ConfigText(Call& c, std::string_view text, std::string_view origin, int depth = 0) {
  std::string prefix;
  for (auto raw : Split(text, '\n')) {
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      const size_t close = line.find(']');
      std::string section(Trim(line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1)));
      const size_t quote = section.find('"');
      if (quote != std::string::npos) {
        section = std::string(Trim(section.substr(0, quote))) + "." + section.substr(quote + 1, section.rfind('"') - quote - 1);
      }
      prefix = section + ".";
      if (close == std::string_view::npos) continue;
      line = Trim(line.substr(close + 1));  // "[alias] x = …": a setting may follow on the same line
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key = prefix + std::string(Trim(line.substr(0, eq)));
    const std::string value = GitConfigValue(line.substr(eq + 1));
    Setting(c, key, value, origin);
    const std::string lower = ToLower(key);
    const bool include = lower == "include.path" || (lower.rfind("includeif.", 0) == 0 && lower.size() > 5 &&
                                                     lower.compare(lower.size() - 5, 5, ".path") == 0);
    if (include && depth < 4) {
      if (auto included = c.an.KnownContents(value, c.st)) ConfigText(c, *included, value, depth + 1);
    }
  }
}

// Configuration files the command points git at, when their text is known (written earlier in
// the line): GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG, and HOME or XDG_CONFIG_HOME moved
// to a directory with a .gitconfig / git/config.
void ConfigFiles(Call& c) {
  Value scratch;
  auto known = [&](const char* name) -> std::optional<std::string> {
    auto it = c.st.vars.find(name);  // set by the command line, not inherited
    if (it == c.st.vars.end() || !it->second.known) return std::nullopt;
    return it->second.text;
  };
  std::vector<std::string> files;
  for (const char* var : {"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG"}) {
    if (auto v = known(var)) files.push_back(*v);
  }
  if (auto home = known("HOME")) files.push_back(JoinPath(*home, ".gitconfig"));
  if (auto xdg = known("XDG_CONFIG_HOME")) files.push_back(JoinPath(*xdg, "git/config"));
  for (const std::string& file : files) {
    if (auto text = c.an.KnownContents(file, c.st)) ConfigText(c, *text, file);
  }
}

// GIT_CONFIG_PARAMETERS ("'key'='value' …") and GIT_CONFIG_COUNT with GIT_CONFIG_KEY_n and
// GIT_CONFIG_VALUE_n: settings from the environment, as -c gives them.
void EnvironmentSettings(Call& c) {
  Value scratch;
  if (const Value* p = c.an.Lookup("GIT_CONFIG_PARAMETERS", c.st, &scratch); p && p->known) {
    for (const std::string& item : SplitQuoted(p->text)) {
      size_t eq = item.find('=');
      if (eq != std::string::npos) Setting(c, item.substr(0, eq), item.substr(eq + 1), "GIT_CONFIG_PARAMETERS");
    }
  }
  ConfigFiles(c);
  const Value* count = c.an.Lookup("GIT_CONFIG_COUNT", c.st, &scratch);
  if (!count || !count->known) return;
  const int n = std::min(64, std::atoi(count->text.c_str()));
  for (int i = 0; i < n; ++i) {
    Value a, b;
    const Value* key = c.an.Lookup("GIT_CONFIG_KEY_" + std::to_string(i), c.st, &a);
    const Value* value = c.an.Lookup("GIT_CONFIG_VALUE_" + std::to_string(i), c.st, &b);
    if (key && value && key->known && value->known) Setting(c, key->text, value->text, "GIT_CONFIG_KEY");
  }
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
    if (eq != std::string::npos) Setting(c, o.value.substr(0, eq), o.value.substr(eq + 1), "git -c");
  }
  EnvironmentSettings(c);
}

// Subcommands that run a command they are given: rebase -x/--exec CMD, submodule foreach CMD,
// bisect run CMD ARGS, difftool -x/--extcmd CMD.
void RunsGiven(Call& c, const std::string& sub) {
  const CommandFact& f = c.fact();
  for (const Option& o : f.options) {
    if (!o.has_value) continue;
    if ((sub == "rebase" && (o.name == "-x" || o.name == "--exec")) ||
        ((sub == "difftool" || sub == "mergetool") && (o.name == "-x" || o.name == "--extcmd" || o.name == "--tool-cmd"))) {
      RunGitCommand(c, o.value, "git " + sub + " " + o.name);
    }
  }
  if ((sub == "submodule" || sub == "bisect") && f.operands.size() > 2) {
    const std::string& verb = f.argv[f.operands[1]];
    if (sub == "submodule" && verb == "foreach") {
      size_t k = f.operands[1] + 1;
      while (k < c.argv.size() && (c.argv[k].text == "--recursive" || c.argv[k].text == "-q" || c.argv[k].text == "--quiet")) ++k;
      if (k < c.argv.size()) RunGitCommand(c, JoinWords(c.argv, k).text, "git submodule foreach");
    } else if (sub == "bisect" && verb == "run") {
      c.Run(Slice(c.argv, f.operands[2]), "git bisect run");
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

// A word that names files rather than a branch or commit: ./x, ../x, a pattern, :/, or a name
// with a source file's extension (a tag like v1.2 has digits before its dot).
bool LooksLikePath(std::string_view w) {
  static const RE2 kFile(R"(^(\./|\.\./|:/)|[*?\[]|^\.$|\.(py|js|jsx|ts|tsx|c|cc|cpp|h|hpp|go|rs|java|kt|rb|php|md|json|ya?ml|toml|txt|html|css|scss|sh|lock|cfg|ini|xml|sql|swift|cs)$)");
  return RE2::PartialMatch(re2::StringPiece(w.data(), w.size()), kFile);
}

// checkout REV PATHS…, checkout -- PATHS…, checkout PATH (when it reads as files), restore
// [--worktree] PATHS…: the working tree's copies are overwritten — uncommitted changes lost. A
// path may be a file or a whole directory. restore --staged (without --worktree) only resets
// the index; checkout BRANCH and checkout -b NAME only switch.
void CheckoutPaths(Call& c, const std::string& sub, const State& where) {
  const CommandFact& f = c.fact();
  const std::string source = "git " + sub;
  if (sub == "restore" && HasOption(f.options, {"-S", "--staged"}) && !HasOption(f.options, {"-W", "--worktree"})) return;
  if (sub == "checkout" && HasOption(f.options, {"-b", "-B", "--orphan"})) return;
  PathsAfterDashDash(c, where, FileOp::kWrite, source);
  bool dash_dash = false;
  for (size_t k = f.operands[0] + 1; k < f.argv.size(); ++k) dash_dash = dash_dash || f.argv[k] == "--";
  if (dash_dash) return;
  size_t first = sub == "restore" ? 1 : 2;
  if (sub == "checkout" && f.operands.size() >= 2 && LooksLikePath(f.argv[f.operands[1]])) first = 1;
  for (size_t k = first; k < f.operands.size(); ++k) {
    c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands[k], false, source, where);
    c.an.AddOperandFile(FileOp::kWrite, c.index, f.operands[k], true, source, where);
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
  const Option* fo = FindOption(f.options, {"-f", "--file"});
  if (fo && fo->has_value) file = fo->value;
  const std::string& key = f.argv[f.operands[1]];
  const std::string& value = f.argv[f.operands[2]];
  // A git configuration file changes what runs later only through the keys that run or load
  // something (user.name does not); any other file named by -f is written, whatever the key.
  const std::string lower = ToLower(key);
  const bool matters = RunsCommand(key, value) || LoadsCode(key) || (lower.rfind("url.", 0) == 0 && lower.find("insteadof") != std::string::npos);
  if ((fo && fo->has_value) || matters || HasOption(f.options, {"--system"})) {
    c.an.AddFile(FileOp::kWrite, file, 0, false, "git config", c.index, where);
  }
  Setting(c, key, value, "git config");
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
    CheckoutPaths(c, sub, where);
  } else if (sub == "diff" && HasOption(f.options, {"--no-index"})) {
    for (size_t k = 1; k < f.operands.size(); ++k) c.an.AddOperandFile(FileOp::kRead, c.index, f.operands[k], false, "git diff", where);
  } else if (sub == "config") {
    Config(c, where);
  } else {
    MoreEffects(c, sub, where);
  }
}

// git-reset ARGS (the dashed names git installs in its exec path) and `git -- reset ARGS`: git
// with that subcommand.
std::optional<Stream> Respelled(Call& c) {
  const std::string& name = c.name();
  if (name.rfind("git-", 0) == 0 && name.size() > 4) {
    std::vector<Expanded> words = {PlainWord("git"), PlainWord(name.substr(4))};
    for (size_t k = 1; k < c.argv.size(); ++k) words.push_back(c.argv[k]);
    return c.Run(std::move(words), "git");
  }
  const auto& ops = c.fact().operands;
  if (ops.empty() || ops[0] < 2 || c.argv[ops[0] - 1].text != "--") return std::nullopt;
  std::vector<Expanded> words = Slice(c.argv, 0);
  words.erase(words.begin() + ops[0] - 1);
  return c.Run(std::move(words), "git");
}

// git VERB runs git-VERB from --exec-path or PATH when VERB is none of its own: a script of
// that name written earlier in the line is what runs.
void ExternalCommand(Call& c) {
  const auto& ops = c.fact().operands;
  if (ops.empty()) return;
  std::vector<std::string> dirs;
  for (size_t k = 1; k < c.argv.size() && k < ops[0]; ++k) {
    const std::string& t = c.argv[k].text;
    if (t.rfind("--exec-path=", 0) == 0) dirs.push_back(t.substr(12));
  }
  for (std::string& d : c.an.PathDirectories(c.st)) dirs.push_back(std::move(d));
  for (const std::string& dir : dirs) {
    const std::string file = JoinPath(dir.empty() ? "." : dir, "git-" + c.argv[ops[0]].text);
    if (auto text = c.an.KnownContents(file, c.st)) {
      c.an.CodeString(PlainWord(*text), "git-" + c.argv[ops[0]].text, c.st, c.an.Inner(c.ctx, c.name(), false));
    }
  }
}

// The hooks a git verb runs (githooks(5)); `git hook run NAME` runs NAME.
std::vector<std::string> HooksOf(const Call& c) {
  const auto& ops = c.fact().operands;
  const std::string& verb = c.argv[ops[0]].text;
  if (verb == "hook") return ops.size() > 2 && c.argv[ops[1]].text == "run" ? std::vector<std::string>{c.argv[ops[2]].text} : std::vector<std::string>{};
  static const std::pair<std::string_view, std::vector<std::string>> kHooks[] = {
      {"commit", {"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-rewrite"}},
      {"checkout", {"post-checkout"}}, {"switch", {"post-checkout"}}, {"worktree", {"post-checkout"}},
      {"clone", {"post-checkout"}}, {"submodule", {"post-checkout"}},
      {"merge", {"pre-merge-commit", "post-merge"}}, {"pull", {"pre-merge-commit", "post-merge", "post-checkout"}},
      {"push", {"pre-push"}}, {"rebase", {"pre-rebase", "post-rewrite", "post-checkout"}},
      {"am", {"applypatch-msg", "pre-applypatch", "post-applypatch"}}, {"gc", {"pre-auto-gc"}},
      {"cherry-pick", {"prepare-commit-msg", "commit-msg", "post-commit"}}, {"revert", {"prepare-commit-msg", "commit-msg", "post-commit"}}};
  // Every verb that changes a reference runs reference-transaction.
  static constexpr std::string_view kChangesRefs[] = {"commit", "checkout", "switch", "merge", "pull", "fetch", "push",
                                                      "rebase", "reset", "branch", "tag", "update-ref", "stash",
                                                      "cherry-pick", "revert", "am", "clone", "worktree"};
  std::vector<std::string> out;
  for (const auto& [name, hooks] : kHooks) {
    if (name == verb) out = hooks;
  }
  if (std::find(std::begin(kChangesRefs), std::end(kChangesRefs), verb) != std::end(kChangesRefs)) {
    out.emplace_back("reference-transaction");
  }
  return out;
}

// The value of git's `--NAME=V` / `--NAME V` global option, or of `-c KEY=V` (KEY any case).
std::vector<std::string> GlobalValues(const Call& c, std::string_view option, std::string_view key) {
  std::vector<std::string> out;
  const auto& ops = c.fact().operands;
  const size_t stop = ops.empty() ? c.argv.size() : ops[0] + (c.argv[ops[0]].text == "clone" || c.argv[ops[0]].text == "init" ? c.argv.size() : 0);
  for (size_t k = 1; k < c.argv.size() && k < stop; ++k) {
    const std::string& t = c.argv[k].text;
    if (!option.empty() && t.rfind(std::string(option) + "=", 0) == 0) out.push_back(t.substr(option.size() + 1));
    if (!option.empty() && t == option && k + 1 < c.argv.size()) out.push_back(c.argv[k + 1].text);
    if (!key.empty() && t == "-c" && k + 1 < c.argv.size()) {
      const std::string& kv = c.argv[k + 1].text;
      const size_t eq = kv.find('=');
      if (eq != std::string::npos && eq == key.size() && ContainsLower(kv.substr(0, eq), ToLower(key))) out.push_back(kv.substr(eq + 1));
    }
  }
  return out;
}

// Where git looks for the hooks: core.hooksPath (-c), --git-dir/GIT_DIR's hooks, a template's
// hooks for clone/init, and the repository of the working directory (.git here or above, or
// the directory a ".git" file's gitdir: names).
std::vector<std::string> HookDirectories(const Call& c, const State& where) {
  std::vector<std::string> dirs = GlobalValues(c, "", "core.hooksPath");
  for (const std::string& d : GlobalValues(c, "--git-dir", "")) dirs.push_back(JoinPath(d, "hooks"));
  if (auto v = where.vars.find("GIT_DIR"); v != where.vars.end() && v->second.known) dirs.push_back(JoinPath(v->second.text, "hooks"));
  for (const std::string& d : GlobalValues(c, "--template", "init.templateDir")) dirs.push_back(JoinPath(d, "hooks"));
  std::string dir = where.cwd_unknown || where.cwds.size() != 1 ? "." : where.cwds[0];
  for (int up = 0; up < 8; ++up) {
    dirs.push_back(JoinPath(dir, ".git/hooks"));
    if (auto text = c.an.KnownContents(JoinPath(dir, ".git"), where); text && text->rfind("gitdir:", 0) == 0) {
      dirs.push_back(JoinPath(std::string(Trim(std::string_view(*text).substr(7))), "hooks"));
    }
    if (dir == "/" || dir == ".") break;
    dir = dir.substr(0, std::max<size_t>(dir.rfind('/'), 1));
  }
  return dirs;
}

// Files of the repository that git reads, written earlier in the line: .git/config (aliases,
// hooksPath, sshCommand… as -c gives them) and the hooks the verb runs, wherever git looks
// for them (HookDirectories; a submodule's under .git/modules).
void RepositoryFiles(Call& c) {
  if (c.an.memory().contents.empty()) return;  // nothing written with known text (most lines)
  const State where = Where(c);
  if (auto text = c.an.KnownContents(".git/config", where)) ConfigText(c, *text, ".git/config");
  if (c.fact().operands.empty()) return;
  const std::vector<std::string> hooks = HooksOf(c);
  auto run = [&](const std::string& hook, const std::string& text) {
    State st = where;
    c.an.CodeString(PlainWord(text), "git hook " + hook, st, c.an.Inner(c.ctx, c.name(), false));
  };
  for (const std::string& dir : HookDirectories(c, where)) {
    for (const std::string& hook : hooks) {
      if (auto text = c.an.KnownContents(JoinPath(dir, hook), where)) run(hook, *text);
    }
  }
  if (c.argv[c.fact().operands[0]].text != "submodule") return;
  for (const auto& [file, text] : c.an.memory().contents) {
    if (file.find("/.git/modules/") != std::string::npos && file.size() > 20 &&
        file.compare(file.size() - 20, 20, "/hooks/post-checkout") == 0) {
      run("post-checkout", text);
    }
  }
}

// git NAME ARGS where NAME is an alias this line set (git config alias.NAME, a config file):
// "!CMD" runs CMD with ARGS in a shell, anything else is git with those words and ARGS.
std::optional<Stream> Aliased(Call& c) {
  const auto& ops = c.fact().operands;
  const auto& aliases = c.an.memory().git_aliases;
  if (ops.empty() || aliases.empty()) return std::nullopt;
  auto it = aliases.find(ToLower(c.argv[ops[0]].text));
  if (it == aliases.end() || it->second.empty()) return std::nullopt;
  const std::string value = it->second;
  if (value[0] == '!') {
    std::string line = value.substr(1);
    for (size_t k = ops[0] + 1; k < c.argv.size(); ++k) line += " " + SingleQuoted(c.argv[k].text);
    return c.RunCode(line, "git alias " + c.argv[ops[0]].text, "git");
  }
  std::vector<Expanded> words = {PlainWord("git")};
  for (std::string_view w : SplitFields(value, " \t")) words.push_back(PlainWord(std::string(w)));
  for (size_t k = ops[0] + 1; k < c.argv.size(); ++k) words.push_back(c.argv[k]);
  return c.Run(std::move(words), "git alias");
}

Stream Git(Call& c) {
  if (auto respelled = Respelled(c)) return *respelled;
  if (auto aliased = Aliased(c)) return *aliased;
  ExternalCommand(c);
  RepositoryFiles(c);
  PackPrograms(c);
  ConfigOptions(c);
  ExtRemotes(c);
  if (!c.fact().operands.empty()) {
    RunsGiven(c, c.argv[c.fact().operands[0]].text);
    Subcommand(c);
  }
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
    {"difftool", Family::kEffects, "tx", "tool extcmd tool-cmd"},
    {"mergetool", Family::kEffects, "t", "tool tool-cmd"},
    {"bisect", Family::kEffects, "", "term-old term-new"},
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
