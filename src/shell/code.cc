// Code run one level deeper: shell strings (bash -c, eval, trap, …) analyzed as scripts with
// their own positional parameters, what a shell reads from its input, script files (their text
// known when written earlier in the same string, a download when fetched earlier), and the
// shell strings inline interpreter code hands to a shell (os.system('…'), `…`, awk pipes).
#include <re2/re2.h>

#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/code_literals.h"
#include "shell/self_protection.h"
#include "shell/text_programs.h"

namespace warden::shell {

Stream Analyzer::CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                            const std::vector<Expanded>& params, const Stream& in, bool same_shell) {
  Ctx c = Inner(ctx, "", false, origin);
  c.depth = ctx.depth + 1;
  std::string text = code.text;
  if ((code.bits & kArgDynamic) && (code.bits & kArgShellInit) && !code.taint.tainted()) {
    // Only a tool's printed set-up code is unknown (shell_init.h): what is around it is analyzed.
    constexpr std::string_view kPlaceholder = "$(…)";
    for (size_t at = text.find(kPlaceholder); at != std::string::npos; at = text.find(kPlaceholder, at)) {
      text.erase(at, kPlaceholder.size());
    }
  } else if (code.bits & kArgDynamic) {
    if (code.taint.tainted()) {
      Signal(kSignalRce, std::string(origin) + " runs code from " + code.taint.source);
    } else {
      Signal(kSignalDynamicScript,
             std::string(origin) + " runs code that is only known at run time: " + Printable(code.text, 80));
    }
  }
  // Analyze what is visible, with unknown parts left as ${…} / $(…) placeholders.
  State copy = st;
  State& target = same_shell ? st : copy;
  if (!params.empty()) {
    SetPositional(target, params, 1);
    Value zero;
    zero.known = !(params[0].bits & kArgDynamic);
    zero.text = zero.known ? params[0].text : std::string();
    target.vars["0"] = zero;
  }
  return Script(text, target, c, in);
}

Stream Analyzer::CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx,
                            bool same_shell, const std::vector<Expanded>& params) {
  switch (s.kind) {
    case Stream::Kind::kNone:
      // Nothing flows in: the commands come from the terminal, typed later (an agent's
      // interactive session — Codex's exec_command then write_stdin — sends them where no hook
      // sees them).
      Signal(kSignalDynamicScript,
             std::string(sink) + " reads the commands it runs from its terminal, typed later where Warden does not see them",
             index);
      return UnknownStream(std::string(sink));
    case Stream::Kind::kLiteral: {
      if (s.decoded) Signal(kSignalRce, std::string(sink) + " runs code decoded by " + s.source, index);
      Expanded code;
      code.text = s.text;
      return CodeString(code, std::string(sink) + " < " + (s.source.empty() ? "input" : s.source), st, ctx, params, {},
                        same_shell);
    }
    case Stream::Kind::kFetched:
    case Stream::Kind::kDecoded:
      Signal(kSignalRce, std::string(sink) + " runs code piped from " + s.source, index);
      return UnknownStream(std::string(sink));
    case Stream::Kind::kFile: {
      Expanded file;
      file.text = s.text;
      ScriptFile(file, sink, index, st, ctx, Stream{}, same_shell, params);
      return UnknownStream(std::string(sink));
    }
    case Stream::Kind::kPaths:
    case Stream::Kind::kUnknown:
      if (s.shell_init) return UnknownStream(std::string(sink));  // a tool's set-up code (shell_init.h)
      Signal(kSignalDynamicScript,
             std::string(sink) + " runs commands read from the output of " +
                 (s.source.empty() ? std::string("another command") : "'" + s.source + "'"),
             index);
      return UnknownStream(std::string(sink));
  }
  return UnknownStream();
}

namespace {

bool StartsWithModelledCommand(std::string_view s) {
  std::string_view t = Trim(s);
  std::string_view first = t.substr(0, t.find_first_of(" \t\n;|&"));
  return !first.empty() && LookupCommand(Basename(first)).family != Family::kUnknown;
}

// Argument vectors: subprocess.run(["rm", "-rf", "/"]), spawnSync("sh", ["-c", "…"]), when the
// first item names a program Warden models, by name or by path (/bin/rm); execl's repeated
// argv[0] ("/bin/sh", "sh", "-c", …) counts once.
template <typename Run>
void ArgvListsInCode(std::string_view code, const Run& run) {
  // R: system2("rm", c("-rf", "~")), processx::run("rm", c(…)), sys::exec_wait("rm", c(…)).
  static const RE2 kRCall(R"re(\b(?:system2|run|exec_wait|exec_background|exec_internal)\s*\(\s*(?:command\s*=\s*)?["']([^"']+)["']\s*,\s*(?:args\s*=\s*)?c\s*\()re");
  if (code.find("c(") != std::string_view::npos) {
    re2::StringPiece input(code.data(), code.size());
    std::string program;
    for (int guard = 0; guard < 16 && RE2::FindAndConsume(&input, kRCall, &program); ++guard) {
      size_t depth = 1, end = 0;
      for (; end < input.size() && depth > 0; ++end) depth += input[end] == '(' ? 1 : input[end] == ')' ? -1 : 0;
      // system2 pastes the words into one shell line as they are; shQuote("x") quotes x.
      static const RE2 kShQuote(R"re(shQuote\s*\(\s*"([^"']*)"\s*\))re");
      std::string args(input.data(), end);
      RE2::GlobalReplace(&args, kShQuote, "\"'\\1'\"");
      std::string line = program;
      for (const std::string& word : LiteralStrings(args)) line += " " + word;
      if (LookupCommand(Basename(program)).family != Family::kUnknown) run(line);
    }
  }
  for (auto argv : LiteralLists(code)) {
    if (argv[0].empty() || LookupCommand(Basename(argv[0])).family == Family::kUnknown) continue;
    if (argv.size() > 1 && argv[1] == Basename(argv[0])) argv.erase(argv.begin() + 1);
    std::string line;
    for (const auto& word : argv) line += (line.empty() ? "" : " ") + SingleQuoted(word);
    run(line);
  }
}

// Code that starts processes (system, exec, spawn, popen, subprocess, child_process, Process,
// Open3, getline pipes, …) with a string built elsewhere — cmd = "rm -rf /"; system(cmd): each
// string literal that reads as a command line is a guess at what it runs.
template <typename Run>
void CommandLinesInProcessCode(std::string_view code, const Run& run) {
  static const RE2 kProcessWords(
      R"re(\b(?:system|exec\w*|spawn\w*|popen\w*|Popen|subprocess|child_process|Process|ProcessBuilder|Open3|IO\.popen|shell\w*|getline|run-program|call-process|start-process|os:cmd|callCommand|proc_open|passthru|Command)\b)re");
  if (!RE2::PartialMatch(re2::StringPiece(code.data(), code.size()), kProcessWords)) return;
  for (const std::string& literal : LiteralStrings(code)) {
    if (LooksLikeCommandLine(literal)) run(literal);
  }
}

// Tcl: exec rm -rf / (words to the end of the command); {…} groups a word as quotes do.
template <typename Run>
void TclExecs(std::string code, const Run& run) {
  std::replace(code.begin(), code.end(), '{', '\'');
  std::replace(code.begin(), code.end(), '}', '\'');
  static const RE2 kTclExec(R"((?:^|[\[;\n'])\s*exec\s+([^\]\n;]+))");
  re2::StringPiece input(code);
  std::string words;
  int guard = 0;
  while (guard++ < 32 && RE2::FindAndConsume(&input, kTclExec, &words)) run(words);
}

// IPython: !cmd, !!cmd, %system cmd, %sx cmd and %%bash/%%sh cells run shell commands.
template <typename Run>
void ShellEscapes(std::string_view code, const Run& run) {
  bool cell = false;
  for (auto line : Split(code, '\n')) {
    for (auto statement : Split(line, ';')) {
      std::string_view t = Trim(statement);
      if (cell) {
        run(std::string(t));
      } else if (t.rfind("%%bash", 0) == 0 || t.rfind("%%sh", 0) == 0 || t.rfind("%%script", 0) == 0) {
        cell = true;
      } else if (!t.empty() && t[0] == '!') {
        run(std::string(t.substr(t.find_first_not_of('!'))));
      } else if (t.rfind("%system ", 0) == 0 || t.rfind("%sx ", 0) == 0) {
        run(std::string(t.substr(t.find(' ') + 1)));
      }
    }
  }
}

bool IsStdinPath(std::string_view p) { return p == "/dev/stdin" || p == "-" || p == "/dev/fd/0" || p == "/proc/self/fd/0"; }

}  // namespace

std::optional<std::string> Analyzer::KnownContents(std::string_view path, const State& st) const {
  if (mem_.contents.empty()) return std::nullopt;  // nothing written with known text: no path to resolve
  bool dynamic = false;
  for (const auto& p : Resolve(path, st, &dynamic)) {
    if (dynamic) break;
    if (auto it = mem_.contents.find(FollowLinks(p)); it != mem_.contents.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<std::string> Analyzer::ScriptText(const Expanded& arg, const State& st, const Stream& in,
                                                bool* decoded) const {
  const Stream* s = arg.procsub ? &arg.procsub_stream : IsStdinPath(arg.text) ? &in : nullptr;
  if (s == nullptr) return (arg.bits & kArgDynamic) ? std::nullopt : KnownContents(arg.text, st);
  *decoded = s->decoded;
  if (s->kind == Stream::Kind::kLiteral) return s->text;
  if (s->kind == Stream::Kind::kFile) return KnownContents(s->text, st);
  return std::nullopt;
}

void Analyzer::ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                          const Stream& in, bool same_shell, const std::vector<Expanded>& params) {
  if (arg.procsub) {
    CodeStream(arg.procsub_stream, sink, index, st, ctx, same_shell, params);
    return;
  }
  if (arg.text == "/dev/stdin" || arg.text == "-" || arg.text == "/dev/fd/0" || arg.text == "/proc/self/fd/0") {
    CodeStream(in, sink, index, st, ctx, same_shell, params);
    return;
  }
  if (arg.taint.tainted()) Signal(kSignalRce, std::string(sink) + " runs a script named by " + arg.taint.source, index);
  if (sink != "exec") AddFile(FileOp::kExec, arg.text, arg.bits, false, sink, index, st);
  std::string source;
  if (IsTainted(arg.text, st, &source)) {
    Signal(kSignalRce, std::string(sink) + " runs " + arg.text + ", downloaded by " + source + " earlier", index);
  }
  // A script written earlier in the same command: its text is known.
  bool dynamic = false;
  for (const auto& p : Resolve(arg.text, st, &dynamic)) {
    if (dynamic) break;
    auto it = mem_.contents.find(FollowLinks(p));
    if (it == mem_.contents.end()) continue;
    Expanded code;
    code.text = it->second;
    CodeString(code, std::string(sink) + " " + arg.text, st, ctx, params, in, same_shell);
    break;
  }
}

namespace {

// A string literal of inline code as the language reads it: \xHH, \uHHHH (ASCII), \NNN octal,
// \n \t \r, and an escaped quote or backslash.
std::string UnescapedCodeString(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  auto hex = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    if (e == 'x' || e == 'u') {
      const size_t n = e == 'x' ? 2 : 4;
      int v = 0;
      bool ok = true;
      for (size_t k = 1; ok && k <= n; ++k) {
        const int h = i + k < s.size() ? hex(s[i + k]) : -1;
        ok = h >= 0;
        v = v * 16 + h;
      }
      if (ok && v > 0 && v < 0x80) {
        out += static_cast<char>(v);
        i += n;
        continue;
      }
    } else if (e >= '0' && e <= '7') {
      int v = 0;
      size_t k = i;
      for (; k < s.size() && k < i + 3 && s[k] >= '0' && s[k] <= '7'; ++k) v = v * 8 + (s[k] - '0');
      if (v > 0 && v < 0x80) {
        out += static_cast<char>(v);
        i = k - 1;
        continue;
      }
    }
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': case '"': case '\'': case '`': out += e; break;
      default:
        out += '\\';
        out += e;
    }
  }
  return out;
}

// The process APIs whose literal string argument is a shell command line. Built on first use.
struct ProcessCallPatterns {
  const RE2 *call, *bare_call, *pipe_open, *loose_call, *loose_bare_call, *backticks, *execute_method;
};

const ProcessCallPatterns& CallPatterns() {
  // Literal command strings handed to a shell from inline code: os.system('…'),
  // subprocess.run('…', shell=True), system("…"), `…`, execSync('…'), shell_exec("…").
  // RE2 only: the code comes from the agent, so matching must stay linear-time.
  // NAME("…") and NAME '…': the process APIs of many languages (Python, Ruby, Perl, PHP, Node,
  // Lua, R, Elixir, Erlang, Haskell, Lisp, Clojure, Tcl, …).
  static const RE2 kCall(
      R"re((?:system|popen|getoutput|getstatusoutput|check_output|check_call|Popen|execSync|exec|execute|spawnSync|spawn|shell_exec|passthru|proc_open|qx|io\.popen|capture2e?|capture3|popen2e?|popen3|pipeline\w*|readpipe|callCommand|spawnCommand|readCreateProcess|runCommand|executeShell|run-program|run_program|execute_command|syscmd|esyscmd)\s*\(\s*(?:~c|[rbf])?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  // Names that are also ordinary functions (run, call, pipe, shell, cmd, sh, process): only a
  // string that starts with a program Warden models counts.
  static const RE2 kLooseCall(
      R"re(\b(?:run|call|pipe|shell|cmd|sh|process|command|os:cmd|System\.shell)\s*\(\s*(?:~c|[rbf])?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  // Without parentheses: Perl's and Ruby's `system "…"`, Lisp's `(system "…")`, Emacs'
  // (shell-command "…"), Haskell's callCommand "…".
  static const RE2 kBareCall(
      R"re(\b(?:system|exec|shell_exec|passthru|popen|readpipe|shell-command|run-shell-command|os\.system|run-program|callCommand|spawnCommand|system2?)\s+[rbf]?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  static const RE2 kLooseBareCall(
      R"re(\b(?:shell|process|sh)\s+[rbf]?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  // open("|cmd"), open(F, "cmd|"): a pipe to or from a command (Perl, Ruby).
  static const RE2 kPipeOpen(
      R"re(\bopen\s*\(?\s*(?:\w+\s*,\s*(?:["'][<>|+-]*["']\s*,\s*)?)?["']\s*(?:\|\s*([^"'|]+)|([^"'|]+?)\s*\|)\s*["'])re");
  static const RE2 kBackticks(R"(`([^`]+)`)");
  // Groovy's "…".execute(), Scala's "…".! and "…".!!.
  static const RE2 kExecuteMethod(R"re("((?:[^"\\]|\\.)*)"\s*\.\s*(?:execute\s*\(|!!?))re");
  static const ProcessCallPatterns patterns{&kCall, &kBareCall, &kPipeOpen, &kLooseCall, &kLooseBareCall, &kBackticks,
                                            &kExecuteMethod};
  return patterns;
}

}  // namespace

// A socket connected, its descriptors given to a shell, or what it receives run: a reverse
// shell in any language.
void Analyzer::ReverseShellInCode(std::string_view code, std::string_view interpreter, int index) {
  const re2::StringPiece text(code.data(), code.size());
  static const RE2 kSocket(R"re((?i)\b(socket\s*\(|socket\.socket|tcpsocket|io::socket|fsockopen|net\.connect|net\.socket|new\s+socket|socket\s+-|socket\s*\w*\s*\(|create_connection|\bsocket\b|require\s*\(\s*["'](node:)?(net|tls|dgram)["']|deno\.connect|bun\.connect))re");
  static const RE2 kShellOnIt(R"re((?i)(dup2|fdopen|open\s*\(\s*std(in|out|err)\s*,\s*["']>&|pty\.spawn|exec\s*\(?\s*["'](/bin/)?(ba|z|da)?sh|["'](/bin/)?(ba|z|da)?sh["']\s*,\s*["']-i["']|/bin/(ba|z|da)?sh\s+-i|spawn\s*\(\s*["'](/bin/)?(ba|z|da)?sh|cmd\.exe|\.pipe\s*\(\s*\w+\.stdin|popen\s*\(\s*["'](/bin/)?(ba|z|da)?sh))re");
  // A socket whose input reaches a command runner: commands received from the network.
  static const RE2 kReadsIt(R"re((?i)(\.gets\b|\.recv\w*\s*\(|\.read\w*\s*\(|readline|\.on\s*\(\s*["']data|<\$?\w+>|sysread|fgets|socket_read|stream_get_line))re");
  static const RE2 kRunsIt(R"re((?i)(popen|\bsystem\s*\(|\bexec\w*\s*\(|spawn\w*\s*\(|subprocess|child_process|shell_exec|passthru|proc_open|\bqx|`\s*\$|%x|\beval\s*\())re");
  if (RE2::PartialMatch(text, kSocket) &&
      (RE2::PartialMatch(text, kShellOnIt) ||
       (RE2::PartialMatch(text, kReadsIt) && RE2::PartialMatch(text, kRunsIt)))) {
    Signal(kSignalReverseShell, std::string(interpreter) + " code connects a socket and runs a shell on it", index);
  }
}

void Analyzer::ShellStringsInCode(std::string_view code, std::string_view interpreter, int index, State& st,
                                  const Ctx& ctx) {
  const std::string normalized =
      WithHomeLiterals(WithDecodedLiterals(NormalizeQuoteOperators(code.substr(0, std::min<size_t>(code.size(), 16 * 1024)))),
                       opt_.home);
  re2::StringPiece text(normalized);
  Ctx inner = Inner(ctx, std::string(interpreter), false, std::string(interpreter) + " shell string");
  auto run = [&](const std::string& s) {
    if (s.empty()) return;
    Expanded e;
    e.text = UnescapedCodeString(s);  // "\x72\x6d -rf ~" is rm -rf ~
    CodeString(e, std::string(interpreter) + " shell string", st, inner);
  };
  // Every call pattern needs a quoted string; without one (print(1)) nothing is compiled.
  const bool quoted = normalized.find_first_of("\"'") != std::string::npos;
  const bool backticks = normalized.find('`') != std::string::npos;
  const ProcessCallPatterns* p = quoted || backticks ? &CallPatterns() : nullptr;
  for (const RE2* re : {p ? p->call : nullptr, p ? p->bare_call : nullptr, p ? p->pipe_open : nullptr,
                        p ? p->loose_call : nullptr, p ? p->loose_bare_call : nullptr}) {
    if (re == nullptr || !quoted) break;
    const bool loose = re == p->loose_call || re == p->loose_bare_call;
    re2::StringPiece input = text;
    std::string a, b;
    int guard = 0;
    while (guard++ < 64 && RE2::FindAndConsume(&input, *re, &a, &b)) {
      const std::string& found = a.empty() ? b : a;
      if (!loose || StartsWithModelledCommand(found)) run(found);
    }
  }
  for (const RE2* re : {p ? p->backticks : nullptr, p ? p->execute_method : nullptr}) {
    if (re == nullptr) break;
    re2::StringPiece input = text;
    std::string body;
    int guard = 0;
    while (guard++ < 64 && RE2::FindAndConsume(&input, *re, &body)) run(body);
  }
  ArgvListsInCode(normalized, run);
  CommandLinesInProcessCode(normalized, [&](const std::string& line) {
    Speculation guess(*this);
    run(line);
  });
  if (interpreter == "tclsh" || interpreter == "wish" || interpreter == "expect") TclExecs(normalized, run);
  if (interpreter == "ipython") ShellEscapes(normalized, run);
  // The checks below compile their patterns on first use; a word they all need comes first, so
  // that code without it (print(1)) costs no compilation in a process that decides once.
  const std::string_view code_text(text.data(), text.size());
  if (ContainsLower(code_text, "sock") || ContainsLower(code_text, "net") || ContainsLower(code_text, "connect")) {
    ReverseShellInCode(code_text, interpreter, index);
  }
  if (ContainsLower(code_text, "fork")) {
    static const RE2 kForkBomb(
        R"(fork\s*(?:\(\s*\))?\s*while\s*fork|while\s*\(?\s*(?:1|true|True)\s*\)?\s*[:{]?\s*(?:os\.)?fork)");
    if (RE2::PartialMatch(text, kForkBomb)) {
      Signal(kSignalForkBomb, std::string(interpreter) + " code forks in a loop", index);
    }
  }
  // awk: print "TEXT" | "CMD" feeds TEXT to CMD; "CMD" | getline runs CMD; print > "FILE" writes.
  if (LookupCommand(interpreter).name.find("awk") != std::string_view::npos) {
    static const RE2 kPrintPipe(R"re(print[f]?\s*\(?\s*"((?:[^"\\]|\\.)*)"\s*\)?\s*\|&?\s*\(?\s*"((?:[^"\\]|\\.)*)")re");
    static const RE2 kGetline(R"re("((?:[^"\\]|\\.)*)"\s*\|\s*getline)re");
    static const RE2 kPrintFile(R"re(print[f]?\s*(?:"(?:[^"\\]|\\.)*"|[^;{}>"])*>>?\s*\(?\s*"((?:[^"\\]|\\.)*)")re");
    const std::string joined = JoinedAwkLiterals(code_text);  // ("s" "h") is ("sh")
    re2::StringPiece input(joined);
    std::string printed, cmd;
    int guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kPrintPipe, &printed, &cmd)) {
      Expanded e;
      e.text = cmd;
      // The printed literal as awk reads it (escapes decoded); gawk's |& is a two-way pipe.
      const std::string line = DoubleQuotedValue("\"" + printed + "\"").value_or(printed);
      CodeString(e, std::string(interpreter) + " pipe", st, inner, {}, LiteralStream(line + "\n", "awk print"));
    }
    // A pipe to or from a command only known at run time (a variable, an expression).
    static const RE2 kDynamicPipe(R"re(print[f]?\b[^;{}"]*\|&?\s*[A-Za-z_$(]|(?:[A-Za-z_]\w*|\))\s*\|\s*getline)re");
    if (RE2::PartialMatch(joined, kDynamicPipe)) {
      Signal(kSignalDynamicScript, std::string(interpreter) + " pipes to or from a command only known at run time", index);
    }
    // print EXPR | "CMD" with an EXPR only known at run time: CMD reads unknown text.
    static const RE2 kAnyPrintPipe(R"re(print[f]?\b([^;|{}"]*)\|&?\s*\(?\s*"((?:[^"\\]|\\.)*)")re");
    input = joined;
    guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kAnyPrintPipe, &printed, &cmd)) {
      Expanded e;
      e.text = cmd;
      CodeString(e, std::string(interpreter) + " pipe", st, inner, {}, UnknownStream("awk print"));
    }
    input = joined;
    guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kGetline, &cmd)) run(cmd);
    input = joined;
    std::string file;
    guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kPrintFile, &file)) {
      AddFile(FileOp::kWrite, file, 0, false, std::string(interpreter) + " print >", index, st);
    }
  }
  PathsInCode(normalized, interpreter, index, st);
}

// Paths written as literals in inline code ('/etc/x', "~/.ssh/id_rsa"): what the code does with
// them is not known, so each is an access (the policy decides which places matter). Code that
// names Warden — its socket, its directories, its variables — is a warden_tamper signal.
void Analyzer::PathsInCode(std::string_view code, std::string_view interpreter, int index, const State& st) {
  if (code.find_first_of("\"'`") == std::string_view::npos) {  // no literal, no path (and nothing compiled)
    if (NamesWarden(code, opt_.self) || code.find("WARDEN_") != std::string_view::npos) {
      Signal(kSignalWardenTamper, std::string(interpreter) + " code names Warden's files, socket or settings", index);
    }
    return;
  }
  // Code that writes or deletes files: each path it names may be what it writes or deletes.
  static const RE2 kWrites(
      R"re((?i)open\s*\([^)]*,\s*['"][wax+]|\.write(_text|_bytes|FileSync|File|Sync)?\s*\(|json\.dump\s*\(|\bdump\s*\(|writeFile|appendFile|createWriteStream|copyfile|copytree|shutil\.(copy|move)|os\.(rename|replace)|\brename(Sync)?\s*\(|File\.write|IO\.write|FileUtils\.(cp|mv|touch)|\bputs\s|file_put_contents|fwrite|truncate|symlink|chmod)re");
  static const RE2 kDeletes(
      R"re((?i)\bunlink|\bremove\s*\(|rmtree|rmdir|\brm(Sync)?\s*\(|\bdelete\s*\(|File\.delete|FileUtils\.rm|os\.remove|fs\.rm)re");
  re2::StringPiece whole(code.data(), code.size());
  const bool writes = RE2::PartialMatch(whole, kWrites);
  const bool deletes = RE2::PartialMatch(whole, kDeletes);
  // A quoted path: absolute, ~/…, ./…, ../…, a dotfile, or a relative name with a '/'.
  static const RE2 kLiteral(R"re((?:^|[^\w])["'`]((?:~|\.{1,2})?/?[\w.@%+=,-]+(?:/[\w.@%+=,-]*)*)["'`])re");
  re2::StringPiece input(code.data(), code.size());
  std::string path;
  int guard = 0;
  while (guard++ < 64 && RE2::FindAndConsume(&input, kLiteral, &path)) {
    bool pathlike = path[0] == '/' || path[0] == '~' || path[0] == '.' || path.find('/') != std::string::npos;
    if (!pathlike || path.size() > 400 || path == "." || path == "..") continue;
    std::string expanded = ExpandTilde(path, opt_.home);
    const std::string source = std::string(interpreter) + " code";
    AddFile(FileOp::kAccess, expanded, 0, false, source, index, st, true);
    if (writes) AddFile(FileOp::kWrite, expanded, 0, false, source, index, st, true);
    if (deletes) AddFile(FileOp::kDelete, expanded, 0, false, source, index, st, true);
  }
  // Library calls given a literal path delete or write it for sure: shutil.rmtree('/x').
  for (const PathCall& call : PathCalls(code)) {
    AddFile(call.op, ExpandTilde(call.path, opt_.home), 0, call.recursive, std::string(interpreter) + " code", index, st);
  }
  if (NamesWarden(code, opt_.self) || code.find("WARDEN_") != std::string_view::npos) {
    Signal(kSignalWardenTamper, std::string(interpreter) + " code names Warden's files, socket or settings", index);
  }
}

}  // namespace warden::shell
