// Interpreters: inline code (python -c, node -e/-p, perl -e, ruby -e, php -r, lua -e, …) is an
// inline_code signal the policy reads, and the shell strings it hands to a shell are analyzed;
// a script file is executed (its text known when written earlier); code read from standard
// input is the input's text; `python -m zipfile/tarfile -e` and `-m http.server` have file
// effects; perl/ruby -i edit the files they read. awk and deno have their own shapes.
#include <algorithm>
#include <optional>
#include <span>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/text_programs.h"

namespace warden::shell {
namespace {

// Code text made of the operands from `first` on (python -c takes argv after it).
Expanded CodeFrom(const Call& c, size_t first) {
  Expanded code;
  const auto& ops = c.fact().operands;
  for (size_t k = first; k < ops.size(); ++k) {
    const Expanded& a = c.argv[ops[k]];
    if (k > first) code.text += ' ';
    code.text += a.text;
    code.bits |= a.bits;
    if (a.taint.tainted()) code.taint = a.taint;
  }
  return code;
}

bool ShellLike(std::string_view family) { return family == "xonsh" || family == "nu" || family == "elvish"; }

// The code's own reads of its command-line arguments — sys.argv[1], $ARGV[0], ARGV[0],
// process.argv[1], $argv[1] — replaced by the arguments when they are known, so that
// `python3 -c 'os.system(sys.argv[1])' 'rm -rf ~'` is read as the command it runs.
std::string WithArguments(std::string code, const Call& c, size_t args_from) {
  const auto& ops = c.fact().operands;
  if (args_from >= ops.size()) return code;
  struct Reference {
    std::string_view prefix;
    size_t first;  // the index that names the first argument
  };
  static constexpr Reference kReferences[] = {
      {"sys.argv[", 1}, {"$ARGV[", 0}, {"ARGV[", 0}, {"process.argv[", 1}, {"$argv[", 1}, {"Deno.args[", 0}, {"Bun.argv[", 1}};
  for (const Reference& r : kReferences) {
    for (size_t at = code.find(r.prefix); at != std::string::npos; at = code.find(r.prefix, at + 1)) {
      if (r.prefix[0] == 'A' && at > 0 && (std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '$' ||
                                          code[at - 1] == '_' || code[at - 1] == '.')) {
        continue;  // $ARGV[ and ENV_ARGV[ are other names
      }
      const size_t digits = at + r.prefix.size();
      const size_t close = code.find(']', digits);
      if (close == std::string::npos || close == digits || close - digits > 2) continue;
      const std::string n = code.substr(digits, close - digits);
      if (n.find_first_not_of("0123456789") != std::string::npos) continue;
      const size_t index = std::stoul(n);
      if (index < r.first || args_from + index - r.first >= ops.size()) continue;
      const Expanded& arg = c.argv[ops[args_from + index - r.first]];
      if (arg.bits & kArgDynamic) continue;
      const char quote = arg.text.find('\'') == std::string::npos ? '\'' : '"';
      code.replace(at, close + 1 - at, quote + arg.text + quote);
    }
  }
  return code;
}

void InlineCode(Call& c, const Expanded& given, size_t args_from = std::string::npos) {
  Expanded code = given;
  code.text = WithArguments(code.text, c, args_from);
  if (code.bits & kArgDynamic) {
    if (code.taint.tainted()) {
      c.Signal(kSignalRce, c.name() + " runs code from " + code.taint.source);
    } else {
      c.Signal(kSignalDynamicScript, c.name() + " runs code that is only known at run time");
    }
  }
  // The code itself, unescaped (policies match it); printing escapes it. awk's pipes from and
  // to literal commands are analyzed as those commands and left out.
  const bool awk = LookupCommand(c.name()).name.find("awk") != std::string_view::npos;
  const std::string judged = awk ? WithoutAwkLiteralPipes(code.text) : code.text;
  c.Signal(kSignalInlineCode, c.name() + ": " + judged.substr(0, 16 * 1024));
  c.an.ShellStringsInCode(code.text, c.name(), c.index, c.st, c.an.Inner(c.ctx, c.name(), false));
  // Shells with their own language (xonsh, nu, elvish) run command lines as a POSIX shell would
  // for the simple commands that matter: `rm -rf /` there is rm.
  if (ShellLike(c.name())) c.RunCode(code.text, c.name() + " -c", c.name());
}

// In-place editing: perl -pi / -i, ruby -i, gawk -i inplace write the files they read.
void InPlace(Call& c, size_t first_file) {
  const auto& ops = c.fact().operands;
  for (size_t k = first_file; k < ops.size(); ++k) c.an.AddOperandFile(FileOp::kWrite, c.index, ops[k], false, c.name() + " -i", c.st);
}

void ReadOperands(Call& c, size_t first, bool guessed) {
  const auto& ops = c.fact().operands;
  for (size_t k = first; k < ops.size(); ++k) c.Operand(FileOp::kRead, ops[k], false, guessed);
}

bool PerlLike(std::string_view family) { return family == "perl" || family == "ruby"; }

// Code flags besides the row's own: perl -E, php -R/-B/-E (code per line, before, after),
// node/bun/ts-node -p/--print, julia -E, ruby -n… use -e.
std::span<const std::string_view> MoreCodeFlags(std::string_view family) {
  static constexpr std::string_view kPerl[] = {"-E"};
  static constexpr std::string_view kPhp[] = {"-R", "-B", "-E", "--process-code", "--process-begin", "--process-end"};
  static constexpr std::string_view kNode[] = {"-p", "--print", "--eval"};
  static constexpr std::string_view kJulia[] = {"-E", "--print", "--eval"};
  static constexpr std::string_view kLisp[] = {"--eval", "-eval"};
  static constexpr std::string_view kEval[] = {"--eval", "-p"};
  if (family == "perl") return kPerl;
  if (family == "php") return kPhp;
  if (family == "node" || family == "nodejs" || family == "bun" || family == "ts-node" || family == "tsx") return kNode;
  if (family == "julia") return kJulia;
  if (family == "sbcl" || family == "ecl" || family == "erl") return kLisp;
  if (family == "racket" || family == "elixir" || family == "R" || family == "csi") return kEval;
  return {};
}

// The option whose value (or first operand) is code: -c, -e, --eval, node's -p/--print, …;
// single-dash long flags (erl -eval, ecl -eval) are found as words.
std::optional<Option> CodeOption(const Call& c, const CommandSpec& spec) {
  const std::vector<Option>& options = c.fact().options;
  const Option* o = nullptr;
  if (spec.code_flag) o = FindOption(options, {std::string("-") + spec.code_flag});
  if (!o && !spec.code_long.empty()) o = FindOption(options, {"--" + std::string(spec.code_long)});
  for (std::string_view flag : MoreCodeFlags(spec.name)) {
    if (!o) o = FindOption(options, {flag});
  }
  if (o) return *o;
  for (std::string_view flag : MoreCodeFlags(spec.name)) {
    if (flag.size() < 3 || flag[1] == '-') continue;
    for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
      if (c.argv[k].text == flag) return Option{std::string(flag), c.argv[k + 1].text, true, static_cast<uint32_t>(k + 1)};
    }
  }
  return std::nullopt;
}

// Code glued to its flag in one word: python -c'…', perl -ne'…', ruby -e'…' (the option parser
// split the word into a cluster of letters).
std::optional<Expanded> GluedCode(const Call& c, const Option& code_opt) {
  if (code_opt.name.size() != 2 || code_opt.arg_index >= c.argv.size()) return std::nullopt;
  const Expanded& word = c.argv[code_opt.arg_index];
  if (word.text.size() < 3 || word.text[0] != '-' || word.text[1] == '-') return std::nullopt;
  const size_t at = word.text.find(code_opt.name[1], 1);
  if (at == std::string::npos || at + 1 >= word.text.size()) return std::nullopt;
  Expanded code = word;
  code.text = word.text.substr(at + 1);
  return code;
}

Stream WithCodeOption(Call& c, const CommandSpec& spec, const Option& code_opt) {
  const auto& ops = c.fact().operands;
  const bool perl_like = PerlLike(spec.name);
  size_t files_from = ops.size();
  if (code_opt.has_value) {
    InlineCode(c, PlainWord(code_opt.value, c.fact().arg_bits[code_opt.arg_index]), 0);
    files_from = 0;
  } else if (auto glued = GluedCode(c, code_opt)) {
    InlineCode(c, *glued, 0);
    files_from = 0;
  } else if (!ops.empty()) {
    // perl/ruby -e CODE FILES…: only the first operand is code. python -c CODE ARGS…: the
    // arguments are read with the code (sbcl and others take more code after it) and are
    // accessed below.
    InlineCode(c, perl_like ? c.argv[ops[0]] : CodeFrom(c, 0), 1);
    files_from = 1;
  }
  if (perl_like) ReadOperands(c, files_from, false);
  // python -c CODE ARGS…: the code sees its arguments in sys.argv and may do anything with them.
  for (size_t k = files_from; !perl_like && k < ops.size(); ++k) c.Operand(FileOp::kAccess, ops[k], false, true);
  if (perl_like && HasOption(c.fact().options, {"-i"})) InPlace(c, files_from);
  return UnknownStream(c.name());
}

// python -m module: a few modules run code or write files.
Stream Module(Call& c, const Option& m) {
  const auto& ops = c.fact().operands;
  const auto& options = c.fact().options;
  if ((m.value == "zipfile" || m.value == "tarfile") && HasOption(options, {"-e", "--extract"}) && ops.size() >= 2) {
    c.File(FileOp::kWrite, JoinPath(c.argv[ops.back()].text, "**"), kArgPattern, true, c.name() + " -m " + m.value);
  }
  if (m.value == "http.server") {
    const Option* d = FindOption(options, {"-d", "--directory"});
    std::string dir = d && d->has_value ? d->value : ".";
    c.File(FileOp::kRead, dir, 0, true, "http.server");
    c.Signal(kSignalUpload, "python -m http.server serves " +
                                (d && d->has_value ? d->value : std::string("the current directory")) +
                                " to the network");
  }
  return UnknownStream(c.name());
}

// A script the interpreter runs: when its text is known (written earlier, a here-document on
// /dev/stdin, a <(…)), it is read as this interpreter's code — never as shell.
void RunScript(Call& c, const Expanded& arg) {
  bool decoded = false;
  if (auto text = c.an.ScriptText(arg, c.st, c.in, &decoded)) {
    if (!arg.procsub && arg.text != "-" && arg.text.rfind("/dev/", 0) != 0) c.File(FileOp::kExec, arg.text, arg.bits);
    if (decoded) c.Signal(kSignalRce, c.name() + " runs code decoded from an opaque string");
    InlineCode(c, PlainWord(*text));
    return;
  }
  c.an.ScriptFile(arg, c.name(), c.index, c.st, c.an.Inner(c.ctx, c.name(), false), c.in);
}

// Every other code flag given too: php -B'…' -R'…' -E'…', perl -e … -e …: each is code.
void OtherCodeOptions(Call& c, const CommandSpec& spec, const Option& chosen) {
  const std::span<const std::string_view> more = MoreCodeFlags(spec.name);
  const std::string own = spec.code_flag ? std::string("-") + spec.code_flag : std::string();
  for (const Option& o : c.fact().options) {
    if (o.arg_index == chosen.arg_index) continue;
    if (o.name != own && std::find(more.begin(), more.end(), o.name) == more.end()) continue;
    if (o.has_value) {
      InlineCode(c, PlainWord(o.value, c.fact().arg_bits[o.arg_index]));
    } else if (auto glued = GluedCode(c, o)) {
      InlineCode(c, *glued);
    }
  }
}

Stream Interpreter(Call& c) {
  const CommandSpec& spec = LookupCommand(c.name());
  const auto& ops = c.fact().operands;
  if (auto code_opt = CodeOption(c, spec)) {
    OtherCodeOptions(c, spec, *code_opt);
    return WithCodeOption(c, spec, *code_opt);
  }
  if (spec.name == "crystal" && !ops.empty() && c.argv[ops[0]].text == "eval") {  // crystal eval CODE
    InlineCode(c, CodeFrom(c, 1));
    return UnknownStream(c.name());
  }
  if (const Option* m = FindOption(c.fact().options, {"-m"}); m && m->has_value) return Module(c, *m);
  if (!ops.empty()) {
    RunScript(c, c.argv[ops[0]]);
    ReadOperands(c, 1, true);
    if (PerlLike(spec.name) && HasOption(c.fact().options, {"-i"})) InPlace(c, 1);
    return UnknownStream(c.name());
  }
  RunScript(c, PlainWord("-"));
  return UnknownStream(c.name());
}

// awk 'PROGRAM' FILES… (or -f PROGFILE); `-i inplace` (gawk) writes the files.
// awk's -v NAME=VALUE (and --assign) assignments.
std::vector<std::pair<std::string, std::string>> AwkAssignments(const CommandFact& f) {
  std::vector<std::pair<std::string, std::string>> vars;
  for (const Option& o : f.options) {
    if ((o.name != "-v" && o.name != "--assign") || !o.has_value) continue;
    const size_t eq = o.value.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    // awk reads escapes in -v values as in its string literals (\162 is r).
    const std::string value = o.value.substr(eq + 1);
    vars.emplace_back(o.value.substr(0, eq), DoubleQuotedValue("\"" + value + "\"").value_or(value));
  }
  return vars;
}

Stream Awk(Call& c) {
  const auto& options = c.fact().options;
  const auto& ops = c.fact().operands;
  bool inplace = false;
  for (const auto& o : options) {
    if ((o.name == "-i" || o.name == "--include") && o.value == "inplace") inplace = true;
  }
  size_t files_from = 0;
  if (const Option* f = FindOption(options, {"-f", "--file", "-E", "--exec"}); f && f->has_value) {
    // The program file (gawk -E/--exec: the same, and the last option): its text when known (written earlier, a <(…), standard input).
    const Expanded file = c.OptionValue(*f);
    c.File(FileOp::kRead, f->value);
    bool decoded = false;
    if (auto text = c.an.ScriptText(file, c.st, c.in, &decoded)) InlineCode(c, PlainWord(*text));
  } else if (!ops.empty()) {
    // -v NAME=VALUE: the program reads VALUE where it names NAME.
    Expanded code = c.argv[ops[0]];
    std::vector<std::pair<std::string, std::string>> vars = AwkAssignments(c.fact());
    for (auto& v : AwkStringAssignments(code.text)) vars.push_back(std::move(v));
    code.text = JoinedAwkLiterals(WithAwkVariables(code.text, vars));  // "rm -rf " d → one literal
    InlineCode(c, code);
    files_from = 1;
    // A program that only prints literals prints known text (awk 'BEGIN{print "…"}'), once per
    // line of known input for its blocks without a label.
    if (ops.size() == 1 && !(code.bits & kArgDynamic)) {
      std::optional<size_t> lines;
      if (c.in.kind == Stream::Kind::kLiteral) lines = static_cast<size_t>(std::count(c.in.text.begin(), c.in.text.end(), '\n'));
      if (auto printed = AwkOutput(code.text, lines)) return LiteralStream(*printed, "awk");
    }
  }
  for (size_t k = files_from; k < ops.size(); ++k) {
    if (c.argv[ops[k]].text.find('=') == std::string::npos) c.Operand(FileOp::kRead, ops[k]);
  }
  if (inplace) InPlace(c, files_from);
  return c.PassThrough();
}

// bun x PKG, bun run SCRIPT, bun -e CODE, bun FILE.
Stream Bun(Call& c) {
  const auto& ops = c.fact().operands;
  if (!ops.empty() && c.argv[ops[0]].text == "x" && ops.size() > 1) {
    std::vector<Expanded> words = Slice(c.argv, ops[1]);
    std::string& t = words[0].text;
    if (size_t at = t.find('@', t[0] == '@' ? 1 : 0); at != std::string::npos && at > 0) t.resize(at);
    return c.Run(std::move(words), "bun x");
  }
  return Interpreter(c);
}

// deno run [flags] FILE|URL|- [ARGS], deno eval [flags] CODE.
size_t DenoTarget(const Call& c, size_t verb_at) {
  static constexpr std::string_view kValued[] = {"-c", "--config", "--import-map", "--lock", "--cert", "--location",
                                                 "-L", "--log-level", "--env-file", "--seed", "--v8-flags", "--ext"};
  size_t k = verb_at + 1;
  while (k < c.argv.size() && c.argv[k].text.size() > 1 && c.argv[k].text[0] == '-') {
    const std::string_view t = c.argv[k].text;
    k += std::find(std::begin(kValued), std::end(kValued), t) != std::end(kValued) ? 2 : 1;
  }
  return k;
}

Stream Deno(Call& c) {
  const auto& ops = c.fact().operands;
  if (ops.empty() || (c.argv[ops[0]].text != "run" && c.argv[ops[0]].text != "eval")) return UnknownStream(c.name());
  const size_t at = DenoTarget(c, ops[0]);
  if (at >= c.argv.size()) return UnknownStream(c.name());
  const Expanded& target = c.argv[at];
  if (c.argv[ops[0]].text == "eval") {
    InlineCode(c, JoinWords(c.argv, at));
  } else if (target.text.rfind("http://", 0) == 0 || target.text.rfind("https://", 0) == 0) {
    c.Signal(kSignalRce, "deno runs code straight from " + target.text);
  } else {
    RunScript(c, target);
  }
  return UnknownStream(c.name());
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"python", F::kInterpreter, "mWXQ", "", true, 0, 'c', "", false, Interpreter},
    {"pypy", F::kInterpreter, "mWXQ", "", true, 0, 'c', "", false, Interpreter},
    {"node", F::kInterpreter, "rC", "require import loader conditions input-type", true, 0, 'e', "eval", false, Interpreter},
    {"nodejs", F::kInterpreter, "rC", "require import loader conditions input-type", true, 0, 'e', "eval", false, Interpreter},
    {"deno", F::kInterpreter, "", "", true, 0, 0, "", false, Deno},
    {"bun", F::kInterpreter, "", "", true, 0, 'e', "eval", false, Bun},
    {"ts-node", F::kInterpreter, "rP", "require project compiler", true, 0, 'e', "eval", false, Interpreter},
    {"tsx", F::kInterpreter, "r", "require import tsconfig", true, 0, 'e', "eval", false, Interpreter},
    {"ipython", F::kInterpreter, "m", "profile", true, 0, 'c', "", false, Interpreter},
    {"ipython3", F::kInterpreter, "m", "profile", true, 0, 'c', "", false, Interpreter},
    {"python-ipython", F::kInterpreter, "m", "", true, 0, 'c', "", false, Interpreter},
    {"R", F::kInterpreter, "f", "file", true, 0, 'e', "", false, Interpreter},
    {"julia", F::kInterpreter, "LJp", "load sysimage project threads", true, 0, 'e', "eval", false, Interpreter},
    {"racket", F::kInterpreter, "tlrfS", "", true, 0, 'e', "eval", false, Interpreter},
    {"guile", F::kInterpreter, "lsLx", "", true, 0, 'c', "", false, Interpreter},
    {"sbcl", F::kInterpreter, "", "load core dynamic-space-size script", true, 0, 0, "eval", false, Interpreter},
    {"clisp", F::kInterpreter, "iEL", "", true, 0, 'x', "", false, Interpreter},
    {"ecl", F::kInterpreter, "", "load", true, 0, 0, "eval", false, Interpreter},
    {"csi", F::kInterpreter, "", "", true, 0, 'e', "eval", false, Interpreter},
    {"gosh", F::kInterpreter, "IAlum", "", true, 0, 'e', "", false, Interpreter},
    {"elixir", F::kInterpreter, "r", "require", true, 0, 'e', "eval", false, Interpreter},
    {"erl", F::kInterpreter, "", "", true, 0, 0, "eval", false, Interpreter},
    {"groovy", F::kInterpreter, "", "", true, 0, 'e', "", false, Interpreter},
    {"scala", F::kInterpreter, "", "", true, 0, 'e', "", false, Interpreter},
    {"jshell", F::kInterpreter, "", "", true, 0, 0, "", false, Interpreter},
    {"swift", F::kInterpreter, "", "", true, 0, 'e', "", false, Interpreter},
    {"crystal", F::kInterpreter, "", "", true, 0, 0, "", false, Interpreter},
    {"xonsh", F::kInterpreter, "", "", true, 0, 'c', "", false, Interpreter},
    {"nu", F::kInterpreter, "", "", true, 0, 'c', "commands", false, Interpreter},
    {"elvish", F::kInterpreter, "", "", true, 0, 'c', "", false, Interpreter},
    {"wish", F::kInterpreter, "", "", true, 0, 0, "", false, Interpreter},
    {"php-cgi", F::kInterpreter, "cdz", "", true, 0, 'r', "", false, Interpreter},
    {"perl", F::kInterpreter, "IMmxeE", "", true, 0, 'e', "", false, Interpreter},
    {"ruby", F::kInterpreter, "IrCEKe", "", true, 0, 'e', "", false, Interpreter},
    {"php", F::kInterpreter, "cdzrRBE", "", true, 0, 'r', "", false, Interpreter},
    {"lua", F::kInterpreter, "l", "", true, 0, 'e', "", false, Interpreter},
    {"luajit", F::kInterpreter, "lj", "", true, 0, 'e', "", false, Interpreter},
    {"Rscript", F::kInterpreter, "", "", true, 0, 'e', "", false, Interpreter},
    {"osascript", F::kInterpreter, "ls", "", true, 0, 'e', "", false, Interpreter},
    {"tclsh", F::kInterpreter, "", "", true, 0, 0, "", false, Interpreter},
    // Any awk may be gawk (Debian's awk is whichever is installed): gawk's options for all.
    {"awk", F::kInterpreter, "FfvEil", "field-separator file assign include load exec", false, 0, 0, "", false, Awk},
    {"gawk", F::kInterpreter, "FfvEil", "field-separator file assign include load", false, 0, 0, "", false, Awk},
    {"mawk", F::kInterpreter, "FfvEil", "field-separator file assign include load", false, 0, 0, "", false, Awk},
    {"nawk", F::kInterpreter, "FfvEil", "field-separator file assign include load", false, 0, 0, "", false, Awk},
    {"busybox-awk", F::kInterpreter, "FfvEil", "field-separator file assign include load", false, 0, 0, "", false, Awk},
};

}  // namespace

ModelTable InterpreterCommands() { return kModels; }

}  // namespace warden::shell
