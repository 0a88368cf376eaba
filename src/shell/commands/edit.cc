// Editors: they read and write the files they are given. sed's script can run commands (`e`,
// `s///e`) and write files (`w FILE`); -i edits in place. vim's -c/--cmd/+CMD commands can run
// shell commands (`:!CMD`, system(), execute "!…") and delete/write files (delete(), writefile(),
// rename(), :w); emacs --eval and -l read Emacs Lisp for process calls and file functions.
#include <re2/re2.h>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/code_literals.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

Stream Edit(Call& c) {
  c.Operands(0, FileOp::kRead);
  c.Operands(0, FileOp::kWrite);
  return Stream{};
}

// Vim script functions with file effects: delete(F[, 'rf']), writefile(LINES, F), rename(A, B),
// mkdir; `execute "!CMD"`; and what any embedded language (lua, python, perl, ruby) hands to a
// shell. expand('~/x') is the path.
void VimFunctions(Call& c, std::string_view cmd) {
  static const RE2 kExpand(R"re(expand\s*\(\s*(["'][^"']*["'])\s*\))re");
  std::string code(cmd);
  RE2::GlobalReplace(&code, kExpand, "\\1");
  static const RE2 kDelete(R"re(\bdelete\s*\(\s*["']([^"']+)["']\s*(,\s*["']r?f?["'])?)re");
  static const RE2 kWriteFile(R"re(\bwritefile\s*\([^,]*,\s*["']([^"']+)["'])re");
  static const RE2 kRename(R"re(\brename\s*\(\s*["']([^"']+)["']\s*,\s*["']([^"']+)["'])re");
  static const RE2 kExecute(R"re(\bexe(?:cute)?\s+["']\s*!([^"']+)["'])re");
  const std::string& home = c.an.options().home;
  re2::StringPiece in(code);
  std::string a, b;
  for (int g = 0; g < 8 && RE2::FindAndConsume(&in, kDelete, &a, &b); ++g) {
    c.File(FileOp::kDelete, ExpandTilde(a, home), 0, b.find('r') != std::string::npos, c.name() + " delete()");
  }
  in = code;
  for (int g = 0; g < 8 && RE2::FindAndConsume(&in, kWriteFile, &a); ++g) c.File(FileOp::kWrite, ExpandTilde(a, home), 0, false, c.name() + " writefile()");
  in = code;
  for (int g = 0; g < 8 && RE2::FindAndConsume(&in, kRename, &a, &b); ++g) {
    c.File(FileOp::kDelete, ExpandTilde(a, home), 0, false, c.name() + " rename()");
    c.File(FileOp::kWrite, ExpandTilde(b, home), 0, false, c.name() + " rename()");
  }
  in = code;
  for (int g = 0; g < 8 && RE2::FindAndConsume(&in, kExecute, &a); ++g) c.RunCode(a, c.name() + " execute", c.name());
  c.an.ShellStringsInCode(code, c.name(), c.index, c.st, c.an.Inner(c.ctx, c.name(), false));
}

// An ex command's effects: `w FILE`, `saveas FILE`, `wq FILE` write FILE; `r !CMD` and
// system('CMD') run CMD; `source FILE` reads it.
void ExCommand(Call& c, std::string_view cmd) {
  static const RE2 kWrite(R"(^(?:w|write|wq|x|xit|exi|exit|sav|saveas|up|update|wa|wall)!?\s+(\S+))");
  static const RE2 kReadCommand(R"(^r(?:ead)?!?\s*!(.+)$)");
  static const RE2 kSystem(R"re(system\s*\(\s*(?:"([^"]*)"|'([^']*)'))re");
  static const RE2 kSource(R"(^so(?:urce)?!?\s+(\S+))");
  std::string file, run, run2;
  re2::StringPiece text(cmd.data(), cmd.size());
  if (RE2::PartialMatch(text, kWrite, &file)) c.File(FileOp::kWrite, ExpandTilde(file, c.an.options().home), 0, false, c.name() + " :w");
  if (RE2::PartialMatch(text, kSource, &file)) c.File(FileOp::kRead, ExpandTilde(file, c.an.options().home), 0, false, c.name() + " :source");
  if (RE2::PartialMatch(text, kReadCommand, &run)) c.RunCode(run, c.name() + " :r !", c.name());
  int guard = 0;
  while (guard++ < 8 && RE2::FindAndConsume(&text, kSystem, &run, &run2)) c.RunCode(run.empty() ? run2 : run, c.name() + " system()", c.name());
  VimFunctions(c, cmd);
}

// vim -c CMD / --cmd CMD / +CMD: `:!CMD` runs a shell command; anything else is inline code.
void VimCommands(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    std::string t = c.argv[k].text;
    std::string cmd;
    // -c CMD, --cmd CMD, or a cluster ending in c (ex -sc CMD).
    const bool cluster = t.size() > 2 && t[0] == '-' && t[1] != '-' && t.back() == 'c';
    if ((t == "-c" || t == "--cmd" || cluster) && k + 1 < c.argv.size()) {
      cmd = c.argv[++k].text;
    } else if (t.size() > 1 && t[0] == '+') {
      cmd = t.substr(1);
    } else {
      continue;
    }
    std::string_view v = Trim(cmd);
    if (!v.empty() && v[0] == ':') v.remove_prefix(1);
    if (!v.empty() && v[0] == '!') {
      c.RunCode(std::string(v.substr(1)), c.name() + " -c !", c.name());
    } else if (!v.empty()) {
      c.Signal(kSignalInlineCode, c.name() + ": " + std::string(v));
      ExCommand(c, v);
    }
  }
}

// Emacs Lisp: (shell-command "…"), (call-process "PROG" nil nil nil ARGS…) and the other
// process calls (through the shared reading of inline code), and the file functions.
void Elisp(Call& c, std::string_view code) {
  c.Signal(kSignalInlineCode, c.name() + ": " + std::string(code.substr(0, 16 * 1024)));
  static const RE2 kFileCall(
      R"re(\((delete-file|delete-directory|write-region|append-to-file|copy-file|rename-file|make-symbolic-link|copy-directory|with-temp-file)\s+((?:"(?:[^"\\]|\\.)*"|[^()"\s]+|\s+)*))re");
  const std::string& home = c.an.options().home;
  re2::StringPiece in(code.data(), code.size());
  std::string fn, args;
  for (int g = 0; g < 16 && RE2::FindAndConsume(&in, kFileCall, &fn, &args); ++g) {
    std::vector<std::string> strings = LiteralStrings(args);
    if (strings.empty()) continue;
    const std::string target = ExpandTilde(strings.back(), home);
    if (fn == "delete-file" || fn == "delete-directory") {
      c.File(FileOp::kDelete, ExpandTilde(strings[0], home), 0, fn == "delete-directory" && args.find(" t") != std::string::npos, "emacs " + fn);
    } else if (fn == "rename-file") {
      c.File(FileOp::kDelete, ExpandTilde(strings[0], home), 0, false, "emacs " + fn);
      c.File(FileOp::kWrite, target, 0, false, "emacs " + fn);
    } else {
      c.File(FileOp::kWrite, target, 0, fn == "copy-directory", "emacs " + fn);
    }
  }
  c.an.ShellStringsInCode(code, c.name(), c.index, c.st, c.an.Inner(c.ctx, c.name(), false));
}

// emacs --eval EXPR / -eval / --execute, -l/--load/--script/-x FILE (Lisp read from a file:
// analyzed when its text is known), and the files it edits.
Stream Emacs(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    const bool last = k + 1 >= c.argv.size();
    if (!last && (t == "--eval" || t == "-eval" || t == "--execute" || t == "-execute")) {
      Elisp(c, c.argv[++k].text);
    } else if (!last && (t == "-l" || t == "--load" || t == "--script" || t == "-scriptload" || t == "-x")) {
      const Expanded& file = c.argv[++k];
      c.File(FileOp::kExec, file.text, file.bits, false, "emacs --load");
      if (auto text = c.an.KnownContents(file.text, c.st)) Elisp(c, *text);
    } else if (t.rfind("--eval=", 0) == 0) {
      Elisp(c, t.substr(7));
    } else if (!t.empty() && t[0] != '-' && t[0] != '+') {
      c.File(FileOp::kRead, t, c.argv[k].bits);  // a file it edits
      c.File(FileOp::kWrite, t, c.argv[k].bits);
    }
  }
  return Stream{};
}

Stream Vim(Call& c) {
  VimCommands(c);
  return Edit(c);
}

Stream View(Call& c) {
  VimCommands(c);
  return Reader(c);
}

Stream Ex(Call& c) {
  VimCommands(c);
  return Edit(c);
}

// The sed scripts: every -e/--expression, or the first operand.
std::vector<std::string> SedScripts(const CommandFact& f, bool script_given) {
  std::vector<std::string> scripts;
  for (const auto& o : f.options) {
    if ((o.name == "-e" || o.name == "--expression") && o.has_value) scripts.push_back(o.value);
  }
  if (!script_given && !f.operands.empty()) scripts.push_back(f.argv[f.operands[0]]);
  return scripts;
}

bool SubstituteExecutes(const std::string& script) {
  return script.size() > 3 && script[0] == 's' &&
         (script.back() == 'e' || script.find("/e;") != std::string::npos || script.find("/ge") != std::string::npos ||
          script.find("/eg") != std::string::npos);
}

// `e CMD` runs CMD, `s///e` runs the result, `w FILE` writes FILE.
void SedScript(Call& c, const std::string& script) {
  static const RE2 kExec(R"((?:^|[;\n{}])\s*(?:[0-9$,]+|/[^/]*/)?\s*e\s+([^;\n}]+))");
  static const RE2 kWrite(R"((?:^|[;\n{}])\s*(?:[0-9$,]+|/[^/]*/)?\s*[wW]\s+(\S+))");
  re2::StringPiece input(script);
  std::string cmd;
  int guard = 0;
  while (guard++ < 16 && RE2::FindAndConsume(&input, kExec, &cmd)) c.RunCode(cmd, "sed e", "sed");
  input = re2::StringPiece(script);
  std::string file;
  guard = 0;
  while (guard++ < 16 && RE2::FindAndConsume(&input, kWrite, &file)) c.File(FileOp::kWrite, file, 0, false, "sed w");
  if (!SubstituteExecutes(script)) return;
  c.Signal(kSignalDynamicScript, "sed s///e runs the text it produces as a command");
  // The replacement is (part of) what runs: analyze it too.
  char sep = script[1];
  size_t a = script.find(sep, 2), b = a == std::string::npos ? a : script.find(sep, a + 1);
  if (b != std::string::npos) c.RunCode(script.substr(a + 1, b - a - 1), "sed s///e", "sed");
}

Stream Sed(Call& c) {
  const CommandFact& f = c.fact();
  bool script_given = HasOption(f.options, {"-e", "-f", "--expression", "--file"});
  if (const Option* o = FindOption(f.options, {"-f", "--file"}); o && o->has_value) {
    c.File(FileOp::kRead, o->value);
    // The script file's text, when known (written earlier, a <(…)): one command per line.
    const size_t at = o->arg_index + 1;
    const Expanded file = at < c.argv.size() && c.argv[at].text == o->value ? c.argv[at] : PlainWord(o->value);
    bool decoded = false;
    if (auto text = c.an.ScriptText(file, c.st, c.in, &decoded)) {
      for (auto line : Split(*text, '\n')) SedScript(c, std::string(Trim(line)));
    }
  }
  for (const auto& script : SedScripts(f, script_given)) SedScript(c, script);
  size_t first = script_given ? 0 : 1;
  c.Operands(first, FileOp::kRead);
  if (HasOption(f.options, {"-i", "--in-place"})) c.Operands(first, FileOp::kWrite);
  if (c.in.tainted()) return c.in;
  return UnknownStream(c.name());
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"sed", F::kEffects, "efl", "expression file line-length", false, 0, 0, "", false, Sed},
    {"vim", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Vim},
    {"vi", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Vim},
    {"nvim", F::kEffects, "cSTuiwW", "cmd", false, 0, 0, "", false, Vim},
    {.name = "view", .family = F::kEffects, .run = View},
    {"ex", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Ex},
    {"rvim", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Ex},
    {.name = "nano", .family = F::kEffects, .run = Edit},
    {.name = "emacs", .family = F::kEffects, .run = Emacs},
    {.name = "emacsclient", .family = F::kEffects, .run = Emacs},
    {.name = "code", .family = F::kEffects, .run = Edit},
    {"ed", F::kEffects, "p", "prompt", false, 0, 0, "", false, Edit},
};

}  // namespace

ModelTable EditCommands() { return kModels; }

}  // namespace warden::shell
