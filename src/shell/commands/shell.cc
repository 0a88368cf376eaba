// Shells: `sh -c STRING [NAME ARGS…]` runs the string with ARGS as $0, $1, …; `sh FILE` runs
// a script (its text known when written earlier in the same string); plain `sh` (or -s) runs
// what it reads from standard input.
#include <algorithm>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

}  // namespace

Stream RunShell(Call& c) {
  const CommandSpec& spec = LookupCommand(c.name());
  const std::vector<Option>& options = c.fact().options;
  const std::vector<uint32_t>& operands = c.fact().operands;
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  // --rcfile FILE / --init-file FILE: read before anything else (a <(…) included).
  for (const Option& o : options) {
    if ((o.name == "--rcfile" || o.name == "--init-file") && o.has_value) {
      const uint32_t at = std::min<uint32_t>(o.arg_index + 1, static_cast<uint32_t>(c.argv.size() - 1));
      c.an.ScriptFile(c.argv[at].text == o.value ? c.argv[at] : PlainWord(o.value), c.name() + " --rcfile", c.index,
                      c.st, inner, Stream{});
    }
  }
  std::string short_flag = std::string("-") + spec.code_flag;
  bool has_c = HasOption(options, {short_flag}) ||
               (!spec.code_long.empty() && HasOption(options, {"--" + std::string(spec.code_long)}));
  if (has_c) {
    if (operands.empty()) return UnknownStream();
    std::vector<Expanded> params;
    for (size_t k = 1; k < operands.size(); ++k) params.push_back(c.argv[operands[k]]);
    return c.an.CodeString(c.argv[operands[0]], c.name() + " -c", c.st, inner, params, c.in);
  }
  if (!HasOption(options, {"-s"}) && !operands.empty()) {
    c.an.ScriptFile(c.argv[operands[0]], c.name(), c.index, c.st, inner, c.in);
    return UnknownStream(c.name());
  }
  return c.an.CodeStream(c.in, c.name(), c.index, c.st, inner);
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
