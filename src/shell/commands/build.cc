// Build tools: make's recipes are shell commands — with a Makefile given on standard input
// (`make -f -`) they are known and analyzed. Compilers and other build drivers touch no files
// through their operands that a rule decides on.
#include <re2/re2.h>

#include <map>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// The recipe on a rule's own line: `target: prerequisites ; recipe`.
std::string_view InlineRecipe(std::string_view line) {
  const size_t colon = line.find(':');
  if (line.empty() || line[0] == '\t' || colon == std::string_view::npos) return {};
  const size_t semi = line.find(';', colon);
  return semi == std::string_view::npos ? std::string_view() : Trim(line.substr(semi + 1));
}

// A recipe as the shell gets it: make's prefixes (@ - +) dropped, $$ a $, $(shell CMD) a command
// substitution, and make's variables ($(X), ${X}, $@, $<, $*, …) a value only known then.
using MakeVariables = std::map<std::string, std::string, std::less<>>;

// NAME = VALUE, NAME := VALUE, NAME ?= VALUE lines of a makefile (values without $ only).
MakeVariables Assignments(std::string_view makefile) {
  static const RE2 kAssign(R"(^\s*(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:::=|:=|\?=|=)\s*([^$#\n]*?)\s*$)");
  MakeVariables vars;
  for (auto line : Split(makefile, '\n')) {
    std::string name, value;
    if (!line.empty() && line[0] != '\t' && RE2::FullMatch(re2::StringPiece(line.data(), line.size()), kAssign, &name, &value)) {
      vars[name] = value;
    }
  }
  return vars;
}

std::string MakeExpanded(std::string_view recipe, const MakeVariables& vars) {
  while (!recipe.empty() && (recipe[0] == '@' || recipe[0] == '-' || recipe[0] == '+')) recipe.remove_prefix(1);
  std::string out;
  for (size_t i = 0; i < recipe.size(); ++i) {
    if (recipe[i] != '$' || i + 1 >= recipe.size()) {
      out += recipe[i];
      continue;
    }
    const char next = recipe[i + 1];
    if (next == '$') {
      out += '$';
      ++i;
    } else if (next == '(' || next == '{') {
      const char close = next == '(' ? ')' : '}';
      size_t depth = 0, j = i + 1;
      for (; j < recipe.size(); ++j) {
        if (recipe[j] == next) ++depth;
        if (recipe[j] == close && --depth == 0) break;
      }
      std::string_view inside = recipe.substr(i + 2, std::min(j, recipe.size()) - i - 2);
      if (inside.rfind("shell ", 0) == 0) {
        out += "$(" + std::string(inside.substr(6)) + ")";
      } else if (auto v = vars.find(inside); v != vars.end()) {
        out += v->second;
      } else if (IsIdentifier(inside)) {
        out += "${" + std::string(inside) + "}";  // the environment's (HOME), or unknown
      } else {
        out += "${MAKE_VARIABLE}";
      }
      i = j;
    } else {
      out += "${MAKE_VARIABLE}";  // $@ $< $^ $* $? $% $+ $|
      ++i;
    }
  }
  return out;
}

// A Makefile's recipes (tab-indented lines, and after `;` on a rule's line) and $(shell …)
// calls are shell commands.
void Recipes(Call& c, std::string_view makefile, State& where) {
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  const MakeVariables vars = Assignments(makefile);
  for (auto line : Split(makefile, '\n')) {
    if (!line.empty() && line[0] == '\t') c.an.CodeString(PlainWord(MakeExpanded(line.substr(1), vars)), "make recipe", where, inner);
    if (auto recipe = InlineRecipe(line); !recipe.empty()) {
      c.an.CodeString(PlainWord(MakeExpanded(recipe, vars)), "make recipe", where, inner);
    }
    for (size_t at = line.find("$(shell "); at != std::string_view::npos; at = line.find("$(shell ", at + 1)) {
      size_t close = line.find(')', at);
      if (close == std::string_view::npos) break;
      c.an.CodeString(PlainWord(std::string(line.substr(at + 8, close - at - 8))), "make $(shell)", where, inner);
    }
  }
}

// make VAR=VALUE: an assignment line of its own ($(shell …) runs), and a value the makefile's
// recipes may run ($(CC), $(SHELL), $(RM)…): a command line of two words or more is a guess.
void Overrides(Call& c, State& where) {
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  for (uint32_t op : c.fact().operands) {
    const std::string& word = c.argv[op].text;
    const size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0 || (c.argv[op].bits & kArgDynamic)) continue;
    Recipes(c, word, where);
    const std::string value(Trim(std::string_view(word).substr(eq + 1)));
    if (value.find(' ') == std::string::npos || value[0] == '-') continue;
    Analyzer::Speculation guess(c.an);
    c.an.CodeString(PlainWord(value), "make variable", where, inner);
  }
}

// make reads -f FILE (or - for standard input), else GNUmakefile, makefile or Makefile in its
// directory (-C DIR): when that text is known (written earlier, piped in), its recipes run.
Stream Make(Call& c) {
  const std::vector<Option>& options = c.fact().options;
  State where = c.st;
  if (const Option* d = FindOption(options, {"-C", "--directory"}); d && d->has_value) {
    c.an.ChangeDirectory({PlainWord("cd"), PlainWord(d->value)}, where);
  }
  // --eval=TEXT: makefile text read before the makefiles.
  for (const Option& o : options) {
    if (o.name == "--eval" && o.has_value) Recipes(c, o.value, where);
  }
  Overrides(c, where);
  const Option* f = FindOption(options, {"-f", "--file", "--makefile"});
  std::vector<Expanded> names = {PlainWord("GNUmakefile"), PlainWord("makefile"), PlainWord("Makefile")};
  if (f && f->has_value) {
    names = {c.OptionValue(*f)};
  }
  for (const Expanded& name : names) {
    bool decoded = false;
    auto text = c.an.ScriptText(name, where, c.in, &decoded);
    if (!text) continue;
    Recipes(c, *text, where);
    return c.PassThrough();
  }
  return c.PassThrough();
}

// cmake -E TOOL ARGS: portable file tools, each the command it stands for.
std::vector<Expanded> CmakeTool(const std::string& tool, std::vector<Expanded> args) {
  static constexpr std::pair<std::string_view, std::string_view> kTools[] = {
      {"rm", "rm"}, {"remove", "rm -f"}, {"remove_directory", "rm -rf"}, {"copy", "cp"},
      {"copy_if_different", "cp"}, {"copy_if_newer", "cp"}, {"copy_directory", "cp -r"},
      {"copy_directory_if_different", "cp -r"}, {"rename", "mv"}, {"make_directory", "mkdir -p"},
      {"touch", "touch"}, {"touch_nocreate", "touch"}, {"create_symlink", "ln -s"}, {"create_hardlink", "ln"},
      {"tar", "tar"}, {"env", "env"}, {"time", "time"}, {"cat", "cat"}, {"echo", "echo"},
      {"echo_append", "echo"}, {"md5sum", "md5sum"}, {"sha1sum", "sha1sum"}, {"sha256sum", "sha256sum"},
      {"sha512sum", "sha512sum"}, {"true", "true"}, {"false", "false"}};
  for (auto [name, equivalent] : kTools) {
    if (tool != name) continue;
    std::vector<Expanded> words;
    for (auto w : Split(equivalent, ' ')) words.push_back(PlainWord(std::string(w)));
    words.insert(words.end(), args.begin(), args.end());
    return words;
  }
  return {};
}

Stream Cmake(Call& c) {
  if (c.argv.size() < 3 || c.argv[1].text != "-E") {
    if (const Option* p = FindOption(c.fact().options, {"-P"}); p && p->has_value) c.File(FileOp::kExec, p->value);
    return c.PassThrough();
  }
  const std::string& tool = c.argv[2].text;
  std::vector<Expanded> rest = Slice(c.argv, 3);
  if (tool == "chdir" && !rest.empty()) {
    State moved = c.st;
    c.an.ChangeDirectory({PlainWord("cd"), rest[0]}, moved);
    return c.an.Exec(Slice(rest, 1), moved, c.an.Inner(c.ctx, "cmake -E chdir", false), c.in);
  }
  std::vector<Expanded> words = CmakeTool(tool, std::move(rest));
  if (words.empty()) return c.PassThrough();
  return c.Run(std::move(words), "cmake -E");
}

using F = Family;

// mvn exec:exec -Dexec.executable=PROG -Dexec.args='ARGS' runs PROG ARGS.
Stream Maven(Call& c) {
  std::string program, args;
  for (const Option& o : c.fact().options) {
    if (o.name != "-D" || !o.has_value) continue;
    if (o.value.rfind("exec.executable=", 0) == 0) program = o.value.substr(16);
    if (o.value.rfind("exec.args=", 0) == 0) args = o.value.substr(10);
  }
  for (uint32_t op : c.fact().operands) {
    const std::string& w = c.argv[op].text;
    if (w.rfind("-Dexec.executable=", 0) == 0) program = w.substr(18);
  }
  if (program.empty()) return UnknownStream(c.name());
  return c.RunCode(SingleQuoted(program) + " " + args, "mvn exec", c.name());
}

constexpr CommandSpec kModels[] = {
    {"make", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file assume-old what-if new-file assume-new eval", false, 0, 0, "", false, Make},
    {"gmake", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file eval", false, 0, 0, "", false, Make},
    {"cmake", F::kNoFiles, "SBGTACDUP", "build install preset target config parallel", false, 0, 0, "", false, Cmake},
    {.name = "ctest", .family = F::kNoFiles},
    {.name = "ninja", .family = F::kNoFiles}, {.name = "pip", .family = F::kNoFiles},
    {.name = "pip3", .family = F::kNoFiles}, {.name = "pytest", .family = F::kNoFiles},
    {"cargo", F::kNoFiles, "", "manifest-path target-dir config", false},
    {.name = "rustc", .family = F::kNoFiles}, {.name = "go", .family = F::kNoFiles},
    {.name = "gcc", .family = F::kNoFiles}, {.name = "g++", .family = F::kNoFiles},
    {.name = "cc", .family = F::kNoFiles}, {.name = "c++", .family = F::kNoFiles},
    {.name = "clang", .family = F::kNoFiles}, {.name = "clang++", .family = F::kNoFiles},
    {.name = "javac", .family = F::kNoFiles}, {.name = "java", .family = F::kNoFiles},
    {"mvn", F::kNoFiles, "DfPplsS", "file projects settings", false, 0, 0, "", false, Maven},
    {.name = "gradle", .family = F::kNoFiles},
    // Configuring a build: --prefix=/usr names where an install would go, not a file touched now.
    {.name = "configure", .family = F::kNoFiles}, {.name = "muon", .family = F::kNoFiles},
    {.name = "autoreconf", .family = F::kNoFiles}, {.name = "autoconf", .family = F::kNoFiles},
    {.name = "automake", .family = F::kNoFiles}, {.name = "bazel", .family = F::kNoFiles},
    {.name = "bazelisk", .family = F::kNoFiles},
};

}  // namespace

ModelTable BuildCommands() { return kModels; }

}  // namespace warden::shell
