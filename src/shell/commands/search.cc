// Searchers: grep and friends read the files named after the pattern (every file below a
// directory with -r; rg, ag and ack always recurse, the current directory when none is named).
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

Stream Search(Call& c, bool always_recursive) {
  const CommandFact& f = c.fact();
  bool pattern_given = HasOption(f.options, {"-e", "-f", "--regexp", "--file"});
  if (const Option* o = FindOption(f.options, {"-f", "--file"}); o && o->has_value) c.File(FileOp::kRead, o->value);
  bool recursive = always_recursive || HasOption(f.options, {"-r", "-R", "--recursive", "--dereference-recursive"});
  size_t first = pattern_given ? 0 : 1;
  if (recursive && f.operands.size() <= first) c.File(FileOp::kRead, ".", 0, true);
  c.Operands(first, FileOp::kRead, recursive);
  return c.in.tainted() ? c.in : UnknownStream(c.name());
}

Stream Grep(Call& c) { return Search(c, false); }
Stream RecursiveSearch(Call& c) { return Search(c, true); }

using F = Family;

constexpr CommandSpec kModels[] = {
    {"grep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir label binary-files devices directories", false, 0, 0, "", false, Grep},
    {"egrep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir", false, 0, 0, "", false, Grep},
    {"fgrep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir", false, 0, 0, "", false, Grep},
    {"zgrep", F::kEffects, "efmABC", "regexp file", false, 0, 0, "", false, Grep},
    {"rg", F::kEffects, "efgmABCtTjM", "regexp file glob max-count after-context before-context context type type-not threads max-columns", false, 0, 0, "", false, RecursiveSearch},
    {"ag", F::kEffects, "GgABCm", "", false, 0, 0, "", false, RecursiveSearch},
    {"ack", F::kEffects, "ABCm", "", false, 0, 0, "", false, RecursiveSearch},
};

}  // namespace

ModelTable SearchCommands() { return kModels; }

}  // namespace warden::shell
