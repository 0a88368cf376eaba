// Commands without a model: their operands (and option values that look like paths) are
// possible reads, marked as guesses.
#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

bool IsUrl(std::string_view s) { return s.find("://") != std::string_view::npos; }

// Values that look like file names: a path, or a name with an extension.
bool PathLike(std::string_view v) {
  return v[0] == '/' || v[0] == '~' || v.find('/') != std::string_view::npos ||
         (v.find('.') != std::string_view::npos && v.find(' ') == std::string_view::npos);
}

void GuessedReads(Call& c) {
  const CommandFact& f = c.fact();
  for (uint32_t op : f.operands) {
    const std::string& a = f.argv[op];
    if (!a.empty() && !IsUrl(a)) c.Operand(FileOp::kRead, op, false, true);
  }
  for (const Option& o : f.options) {
    if (!o.has_value || o.value.empty() || IsUrl(o.value) || !PathLike(o.value)) continue;
    std::string home = c.an.options().home;
    if (auto h = c.st.vars.find("HOME"); h != c.st.vars.end() && h->second.known) home = h->second.text;
    c.an.AddFile(FileOp::kRead, ExpandTilde(o.value, home), f.arg_bits[o.arg_index], false, f.name, c.index, c.st, true);
  }
}

}  // namespace

Stream Call::Unknown() {
  GuessedReads(*this);
  return PassThrough();
}

}  // namespace warden::shell
