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
#include "shell/text_programs.h"

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
  static const RE2 kExpand(R"re((?:\bvim\.fn\.|\bfn\.)?expand\s*\(\s*(["'][^"']*["'])\s*\))re");
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
  static const RE2 kWrite(R"(^(?:w|write|wq|x|xit|exi|exit|sav|saveas|up|update|wa|wall)!?\s*(?:>>\s*)?([^\s>!]\S*))");
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

// Ex modifiers and a range before the command itself: `silent! w! F`, `%!CMD`, `1,$w F`,
// `'<,'>!sort`, `keepalt noautocmd w F`.
std::string_view StripExPrefix(std::string_view v) {
  static const RE2 kModifier(
      R"(^\s*:*\s*(?:sil(?:ent)?!?|uns(?:ilent)?|noa(?:utocmd)?|keepa(?:lt)?|keepj(?:umps)?|keepp(?:atterns)?|kee(?:pmarks)?|loc(?:kmarks)?|verb(?:ose)?|\d*verb(?:ose)?|vert(?:ical)?|bel(?:owright)?|bo(?:tright)?|to(?:pleft)?|abo(?:veleft)?|lefta(?:bove)?|rightb(?:elow)?|tab|hid(?:e)?|conf(?:irm)?|bro(?:wse)?|sand(?:box)?|noswap(?:file)?|filt(?:er)?!?\s*/[^/]*/)\s+)");
  static const RE2 kRange(R"(^\s*:*\s*(?:%|[.$]|\d+|'[a-z<>]|/[^/]*/|\?[^?]*\?)(?:\s*[-+]\d*)*(?:\s*[,;]\s*(?:[.$]|\d+|'[a-z<>]|/[^/]*/|\?[^?]*\?)(?:\s*[-+]\d*)*)?)");
  re2::StringPiece in(v.data(), v.size());
  for (int guard = 0; guard < 8 && RE2::Consume(&in, kModifier); ++guard) {
  }
  RE2::Consume(&in, kRange);
  std::string_view out(in.data(), in.size());
  while (!out.empty() && (out.front() == ' ' || out.front() == ':')) out.remove_prefix(1);
  return out;
}

// One line of ex commands: `|` separates them, except after `!` (the rest is the shell's).
void ExLine(Call& c, std::string_view line) {
  for (int guard = 0; guard < 16 && !Trim(line).empty(); ++guard) {
    std::string_view v = StripExPrefix(line);
    if (!v.empty() && v[0] == '!') {  // :!CMD, :%!CMD (a filter): the shell runs CMD
      c.RunCode(std::string(v.substr(1)), c.name() + " -c !", c.name());
      return;
    }
    static const RE2 kWriteToCommand(R"(^(?:w|write)!?\s+!(.+)$)");
    std::string run;
    if (RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), kWriteToCommand, &run)) {
      c.RunCode(run, c.name() + " :w !", c.name());
      return;
    }
    const size_t bar = v.find('|');
    ExCommand(c, v.substr(0, bar));
    if (bar == std::string_view::npos) return;
    line = v.substr(bar + 1);
  }
}

// One ex command line as vim gets it from -c, +CMD, -S scripts, VIMINIT or standard input.
void VimLine(Call& c, std::string_view line) {
  std::string_view v = Trim(line);
  if (!v.empty() && v[0] == ':') v.remove_prefix(1);
  if (v.empty() || v[0] == '"') return;  // a comment
  if (v[0] != '!') c.Signal(kSignalInlineCode, c.name() + ": " + std::string(v));
  ExLine(c, v);
}

// `e FILE` (sp, tabe, new, badd…) makes FILE the buffer a later write without a name writes.
bool EditsAnotherFile(std::string_view line, std::string* file) {
  static const RE2 kEdit(R"(^\s*:?\s*(?:e|edit|sp|split|vs|vsplit|tabe|tabedit|tabnew|new|vnew|badd|vi|visual|find)!?\s+(\S+))");
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), kEdit, file);
}

bool WritesBuffer(std::string_view line) {
  static const RE2 kWrite(R"((?:^|\|)\s*:?\s*(?:w|write|wq|x|xit|exi|exit|up|update|wa|wall|wqa|wqall|xa|xall)!?\s*(?:$|\|))");
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), kWrite);
}

// vim's commands: -c CMD / -cCMD / --cmd CMD / +CMD, -S FILE (a script: known when written
// earlier or a <(…)), VIMINIT/EXINIT, and standard input in ex mode (-e, -es, ex). `:!CMD` runs a
// shell command; `e FILE` then a write writes FILE.
void VimCommands(Call& c) {
  std::vector<std::string> lines;
  for (const char* var : {"VIMINIT", "EXINIT"}) {
    if (auto it = c.st.vars.find(var); it != c.st.vars.end() && it->second.known) lines.push_back(it->second.text);
  }
  bool ex_mode = c.name() == "ex";
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    // -c CMD, --cmd CMD, or a cluster ending in c (ex -sc CMD).
    const bool cluster = t.size() > 2 && t[0] == '-' && t[1] != '-' && t.back() == 'c';
    if ((t == "-c" || t == "--cmd" || cluster) && k + 1 < c.argv.size()) {
      lines.push_back(c.argv[++k].text);
    } else if (t.size() > 2 && t.rfind("-c", 0) == 0 && !std::isalpha(static_cast<unsigned char>(t[2]))) {
      lines.push_back(t.substr(2));  // -c':!CMD'
    } else if (t.size() > 1 && t[0] == '+') {
      lines.push_back(t.substr(1));
    } else if (t == "-S" && k + 1 < c.argv.size()) {
      bool decoded = false;
      if (auto text = c.an.ScriptText(c.argv[++k], c.st, c.in, &decoded)) {
        for (auto l : Split(*text, '\n')) lines.emplace_back(l);
      }
    } else if (t == "-l" && c.name() == "nvim" && k + 1 < c.argv.size()) {
      bool decoded = false;  // nvim -l SCRIPT.lua: Lua run as a script
      if (auto text = c.an.ScriptText(c.argv[++k], c.st, c.in, &decoded)) c.an.CodeInLanguage(*text, "lua", c.st, c.ctx);
    } else if (t.size() > 1 && t[0] == '-' && t[1] != '-' && (t.find('e') != std::string::npos || t.find('E') != std::string::npos)) {
      ex_mode = true;  // -e, -es, -E: ex mode, commands from standard input
    }
  }
  if (ex_mode && c.in.kind == Stream::Kind::kLiteral) {
    for (auto l : Split(c.in.text, '\n')) lines.emplace_back(l);
  }
  bool writes = false;
  for (const std::string& line : lines) writes = writes || WritesBuffer(line);
  for (const std::string& line : lines) {
    std::string file;
    if (writes && EditsAnotherFile(line, &file)) {
      c.File(FileOp::kWrite, ExpandTilde(file, c.an.options().home), 0, false, c.name() + " :e then :w");
    }
    VimLine(c, line);
  }
}

// Emacs Lisp: (shell-command "…"), (call-process "PROG" nil nil nil ARGS…) and the other
// process calls (through the shared reading of inline code), and the file functions.
// Lisp forms that compute a file name from known parts, folded to the string they give:
// (getenv "HOME") → "~", (expand-file-name "x" "~") → "~/x", (concat "~" "/x") → "~/x",
// (file-truename "x") → "x"; so that (delete-directory (expand-file-name "~") t) names ~.
std::string FoldFileNames(std::string_view code) {
  static const RE2 kHome(R"re(\(\s*getenv\s+"HOME"\s*\)|\(\s*user-home-directory\s*\))re");
  static const RE2 kExpand2(R"re(\(\s*expand-file-name\s+"([^"]*)"\s+"([^"]*)"\s*\))re");
  static const RE2 kExpand1(R"re(\(\s*(?:expand-file-name|file-truename|substitute-in-file-name|abbreviate-file-name|file-name-as-directory|directory-file-name|convert-standard-filename)\s+"([^"]*)"\s*\))re");
  static const RE2 kConcat(R"re(\(\s*(?:concat|file-name-concat)\s+"([^"]*)"\s+"([^"]*)"\s*\))re");
  static const RE2 kHomeVar(R"re("\$HOME)re");
  std::string out(code);
  for (int round = 0; round < 4; ++round) {
    int n = RE2::GlobalReplace(&out, kHome, "\"~\"");
    n += RE2::GlobalReplace(&out, kExpand2, "\"\\2/\\1\"");
    n += RE2::GlobalReplace(&out, kExpand1, "\"\\1\"");
    n += RE2::GlobalReplace(&out, kConcat, "\"\\1\\2\"");
    n += RE2::GlobalReplace(&out, kHomeVar, "\"~");
    if (n == 0) break;
  }
  return out;
}

void Elisp(Call& c, std::string_view original) {
  c.Signal(kSignalInlineCode, c.name() + ": " + std::string(original.substr(0, 16 * 1024)));
  const std::string folded = FoldFileNames(original);
  const std::string_view code = folded;
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

// The address before a sed command: N, $, /RE/, \cREc, first~step, 0,/RE/, ADDR,+N, and !.
size_t SkipAddress(std::string_view s, size_t i) {
  auto one = [&](size_t k) {
    while (k < s.size() && s[k] == ' ') ++k;
    if (k < s.size() && (s[k] == '/' || s[k] == '\\')) {
      const char sep = s[k] == '\\' && k + 1 < s.size() ? s[++k] : '/';
      for (++k; k < s.size() && s[k] != sep; ++k) {
        if (s[k] == '\\') ++k;
      }
      ++k;
      while (k < s.size() && (s[k] == 'I' || s[k] == 'M')) ++k;  // /re/I, /re/M
      return std::min(s.size(), k);
    }
    while (k < s.size() && (std::isdigit(static_cast<unsigned char>(s[k])) || s[k] == '$' || s[k] == '~' || s[k] == '+')) ++k;
    return k;
  };
  size_t k = one(i);
  if (k < s.size() && s[k] == ',') k = one(k + 1);
  while (k < s.size() && (s[k] == ' ' || s[k] == '!' || s[k] == '{')) ++k;  // ADDR{…}: the block's first command
  return k;
}

// One sed command (after its address): s///FLAGS with e (runs the result) and w FILE, e [CMD],
// w/W FILE. The input's lines are what a bare `e` runs.
void SedCommand(Call& c, std::string_view cmd) {
  if (cmd.empty()) return;
  if (cmd[0] == 's' && cmd.size() > 3) {
    const char sep = cmd[1];
    auto next = [&](size_t k) {  // the next unescaped separator
      for (; k < cmd.size(); ++k) {
        if (cmd[k] == '\\') {
          ++k;
        } else if (cmd[k] == sep) {
          return k;
        }
      }
      return std::string_view::npos;
    };
    size_t a = next(2), b = a == std::string_view::npos ? a : next(a + 1);
    if (b == std::string_view::npos) return;
    std::string replacement;
    for (size_t k = a + 1; k < b; ++k) {
      if (cmd[k] == '\\' && k + 1 < b && cmd[k + 1] == sep) ++k;  // \/ is /
      replacement += cmd[k];
    }
    const std::string_view flags = cmd.substr(b + 1);
    const size_t w = flags.find('w');
    const std::string_view before_w = flags.substr(0, w);
    if (before_w.find('e') != std::string_view::npos) {
      c.Signal(kSignalDynamicScript, "sed s///e runs the text it produces as a command");
      c.RunCode(replacement, "sed s///e", "sed");  // (part of) what runs
    }
    if (w != std::string_view::npos) c.File(FileOp::kWrite, std::string(Trim(flags.substr(w + 1))), 0, false, "sed w");
    return;
  }
  if (cmd[0] == 'e') {
    std::string_view rest = Trim(cmd.substr(1));
    if (!rest.empty()) {
      c.RunCode(std::string(rest), "sed e", "sed");
    } else {
      // The pattern space runs: the input's lines as far as known, as other commands changed them.
      if (c.in.kind == Stream::Kind::kLiteral) {
        for (auto line : Split(c.in.text, '\n')) c.RunCode(std::string(line), "sed e", "sed");
      }
      c.Signal(kSignalDynamicScript, "sed e runs the pattern space as a command");
    }
  } else if (cmd[0] == 'w' || cmd[0] == 'W') {
    c.File(FileOp::kWrite, std::string(Trim(cmd.substr(1))), 0, false, "sed w");
  }
}

// A sed script: commands separated by newlines and ';' (a w FILE or e CMD runs to the end of
// its line), each after its address; braces group.
void SedScript(Call& c, const std::string& script) {
  std::string_view s = script;
  size_t i = 0;
  for (int guard = 0; guard < 64 && i < s.size(); ++guard) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ';' || s[i] == '\n' || s[i] == '{' || s[i] == '}')) ++i;
    i = SkipAddress(s, i);
    if (i >= s.size()) break;
    size_t end;
    if (s[i] == 's' && i + 1 < s.size()) {  // s: skip its three delimited parts before looking for ';'
      const char sep = s[i + 1];
      size_t k = i + 2;
      for (int parts = 0; parts < 2 && k < s.size(); ++k) {
        if (s[k] == '\\') {
          ++k;
        } else if (s[k] == sep) {
          ++parts;
        }
      }
      end = s.find_first_of(";\n}", k);  // its flags; a w FILE among them runs to the end of the line
      if (const size_t w = s.find('w', k); w != std::string_view::npos && w < end) end = s.find('\n', k);
    } else if (s[i] == 'e' || s[i] == 'w' || s[i] == 'W' || s[i] == 'r' || s[i] == 'R' || s[i] == 'a' || s[i] == 'i' ||
               s[i] == 'c') {
      end = s.find('\n', i);
    } else {
      end = s.find_first_of(";\n}", i);
    }
    if (end == std::string_view::npos) end = s.size();
    SedCommand(c, s.substr(i, end - i));
    i = end;
  }
}

// sed over known text (echo, a here-string, another filter of known text) with a script of
// substitutions: what e and s///e run is analyzed, and what it prints is known text.
std::optional<Stream> SedOverKnownText(Call& c, const std::vector<std::string>& scripts, size_t first_file) {
  const CommandFact& f = c.fact();
  if (c.in.kind != Stream::Kind::kLiteral || f.operands.size() > first_file ||
      HasOption(f.options, {"-f", "--file", "-i", "--in-place", "-s", "-z"})) {
    return std::nullopt;
  }
  const bool extended = HasOption(f.options, {"-E", "-r", "--regexp-extended"});
  const bool quiet = HasOption(f.options, {"-n", "--quiet", "--silent"});
  auto run = EvaluateSed(scripts, extended, quiet, c.in.text);
  if (!run) return std::nullopt;
  for (const std::string& line : run->executed) c.RunCode(line, "sed e", "sed");
  if (!run->output) return std::nullopt;
  return DecodedLiteral(*run->output, "sed");
}

Stream Sed(Call& c) {
  const CommandFact& f = c.fact();
  bool script_given = HasOption(f.options, {"-e", "-f", "--expression", "--file"});
  if (const Option* o = FindOption(f.options, {"-f", "--file"}); o && o->has_value) {
    c.File(FileOp::kRead, o->value);
    // The script file's text, when known (written earlier, a <(…)): one command per line.
    const Expanded file = c.OptionValue(*o);
    bool decoded = false;
    if (auto text = c.an.ScriptText(file, c.st, c.in, &decoded)) {
      for (auto line : Split(*text, '\n')) SedScript(c, std::string(Trim(line)));
    }
  }
  const std::vector<std::string> scripts = SedScripts(f, script_given);
  for (const auto& script : scripts) SedScript(c, script);
  size_t first = script_given ? 0 : 1;
  c.Operands(first, FileOp::kRead);
  if (HasOption(f.options, {"-i", "--in-place"})) c.Operands(first, FileOp::kWrite);
  if (c.in.tainted()) return c.in;
  if (auto known = SedOverKnownText(c, scripts, first)) return *known;
  return UnknownStream(c.name());
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"sed", F::kEffects, "efl", "expression file line-length", false, 0, 0, "", false, Sed},
    {"vim", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Vim},
    {"vi", F::kEffects, "cSTutwWioO", "cmd", false, 0, 0, "", false, Vim},
    {"nvim", F::kEffects, "cSTuiwWl", "cmd", false, 0, 0, "", false, Vim},
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
