// Shells: `sh -c STRING [NAME ARGS…]` runs the string with ARGS as $0, $1, …; `sh FILE` runs
// a script (its text known when written earlier in the same string); plain `sh` (or -s) runs
// what it reads from standard input.
#include <algorithm>
#include <cctype>
#include <optional>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// `sh -c'rm -rf ~'`: code glued to the flag inside one word ("-crm -rf ~"). A shell would reject
// the cluster; the command is still read as what it means to run.
std::optional<Expanded> AttachedCode(const Call& c, char flag) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& w = c.argv[k].text;
    if (w.size() < 3 || w[0] != '-' || w[1] == '-') continue;
    const size_t at = w.find(flag);
    if (at == std::string::npos || at + 1 >= w.size()) continue;
    const std::string rest = w.substr(at + 1);
    if (std::all_of(rest.begin(), rest.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); })) continue;
    Expanded code = c.argv[k];
    code.text = rest;
    return code;
  }
  return std::nullopt;
}

// What a shell reads before its command: bash the file named by BASH_ENV (when not
// interactive), sh/dash/ksh and an interactive bash in POSIX mode the one named by ENV.
void StartupFiles(Call& c, const Ctx& inner) {
  Value scratch;
  for (const char* name : {"BASH_ENV", "ENV"}) {
    const Value* v = c.an.Lookup(name, c.st, &scratch);
    if (v == nullptr || (v->known && v->text.empty())) continue;
    if (!v->known) {
      c.Signal(kSignalDynamicScript, c.name() + " reads the file " + std::string(name) + " names, only known at run time");
      continue;
    }
    c.an.ScriptFile(PlainWord(v->text), c.name() + " " + name, c.index, c.st, inner, Stream{});
  }
}

}  // namespace

Stream RunShell(Call& c) {
  const CommandSpec& spec = LookupCommand(c.name());
  const std::vector<Option>& options = c.fact().options;
  const std::vector<uint32_t>& operands = c.fact().operands;
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  // --rcfile FILE / --init-file FILE: read before anything else (a <(…) included).
  for (const Option& o : options) {
    if ((o.name == "--rcfile" || o.name == "--init-file") && o.has_value) {
      c.an.ScriptFile(c.OptionValue(o), c.name() + " --rcfile", c.index, c.st, inner, Stream{});
    }
  }
  StartupFiles(c, inner);
  std::string short_flag = std::string("-") + spec.code_flag;
  bool has_c = HasOption(options, {short_flag}) ||
               (!spec.code_long.empty() && HasOption(options, {"--" + std::string(spec.code_long)}));
  if (spec.code_flag) {
    if (auto code = AttachedCode(c, spec.code_flag)) return c.an.CodeString(*code, c.name() + " -c", c.st, inner, {}, c.in);
  }
  if (has_c) {
    // fish --command='…': the value is the code.
    const Option* glued = spec.code_long.empty() ? nullptr : FindOption(options, {"--" + std::string(spec.code_long)});
    if (glued && glued->has_value) {
      return c.an.CodeString(PlainWord(glued->value, c.fact().arg_bits[glued->arg_index]), c.name() + " -c", c.st, inner, {}, c.in);
    }
    if (operands.empty()) return UnknownStream();
    std::vector<Expanded> params;
    for (size_t k = 1; k < operands.size(); ++k) params.push_back(c.argv[operands[k]]);
    return c.an.CodeString(c.argv[operands[0]], c.name() + " -c", c.st, inner, params, c.in);
  }
  // bash SCRIPT ARGS…, bash -s ARGS… < SCRIPT: the arguments are the script's $1, $2…
  std::vector<Expanded> params;
  const bool stdin_script = HasOption(options, {"-s"}) || operands.empty();
  if (stdin_script) params.push_back(PlainWord(c.name()));
  for (uint32_t op : operands) params.push_back(c.argv[op]);
  if (!stdin_script) {
    c.an.ScriptFile(c.argv[operands[0]], c.name(), c.index, c.st, inner, c.in, false, params);
    return UnknownStream(c.name());
  }
  return c.an.CodeStream(c.in, c.name(), c.index, c.st, inner, false, params.size() > 1 ? params : std::vector<Expanded>{});
}

namespace {

using F = Family;

constexpr CommandSpec kModels[] = {
    {"sh", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false, RunShell},
    {"bash", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false, RunShell},
    {"rbash", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false, RunShell},
    {"dash", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"zsh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"ksh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"mksh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"ash", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"yash", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"fish", F::kShell, "C", "init-command", true, 0, 'c', "command", false, RunShell},
    {"csh", F::kShell, "", "", true, 0, 'c', "", false, RunShell},
    {"tcsh", F::kShell, "", "", true, 0, 'c', "", false, RunShell},
    {"osh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"posh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"loksh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"oksh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"busybox-sh", F::kShell, "o", "", true, 0, 'c', "", false, RunShell},
    {"es", F::kShell, "", "", true, 0, 'c', "", false, RunShell},
    {"rc", F::kShell, "", "", true, 0, 'c', "", false, RunShell},};

}  // namespace

ModelTable ShellCommands() { return kModels; }

}  // namespace warden::shell
