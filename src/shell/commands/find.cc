// find ROOTS… EXPRESSION: its output is the paths below the roots (every path below ROOT when
// a filter narrows them, ROOT/**/NAME for a single -name); -delete deletes them; -exec and
// -execdir run their command with {} standing for those paths; -fprint and friends write a file.
#include <algorithm>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

using Root = std::pair<std::string, uint8_t>;

struct FindExpression {
  std::vector<Root> roots;
  bool filtered = false, deletes = false, alternatives = false;
  std::string name_pattern;  // the one -name/-iname filter, if there is exactly one
  int names = 0;
  std::vector<std::vector<Expanded>> execs;
};

bool IsFilter(std::string_view tok) {
  static constexpr std::string_view kFilters[] = {
      "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-newer",
      "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-user", "-group", "-uid", "-gid",
      "-perm", "-type", "-empty", "-links", "-inum", "-samefile", "-lname", "-ilname"};
  return std::find(std::begin(kFilters), std::end(kFilters), tok) != std::end(kFilters);
}

// The roots after find's own options (-H -L -P -O… -D DEBUG); "." when none is named.
size_t ReadRoots(const CommandFact& f, std::vector<Root>* roots) {
  const std::vector<std::string>& a = f.argv;
  size_t i = 1;
  while (i < a.size() && (a[i] == "-H" || a[i] == "-L" || a[i] == "-P" || a[i].rfind("-O", 0) == 0 || a[i] == "-D")) {
    if (a[i] == "-D") ++i;
    ++i;
  }
  while (i < a.size() && !a[i].empty() && a[i][0] != '-' && a[i] != "(" && a[i] != "!") {
    roots->emplace_back(a[i], f.arg_bits[i]);
    ++i;
  }
  if (roots->empty()) roots->emplace_back(".", 0);
  return i;
}

// -exec CMD … ; (or … {} +): the words of the command; returns the index of its terminator.
size_t ReadExec(const CommandFact& f, size_t j, FindExpression* e) {
  const std::vector<std::string>& a = f.argv;
  std::vector<Expanded> inner;
  size_t k = j + 1;
  for (; k < a.size() && a[k] != ";" && !(a[k] == "+" && !inner.empty() && inner.back().text == "{}"); ++k) {
    inner.push_back(PlainWord(a[k], f.arg_bits[k]));
  }
  if (!inner.empty()) e->execs.push_back(std::move(inner));
  return k;
}

FindExpression ReadExpression(Call& c) {
  const CommandFact& f = c.fact();
  const std::vector<std::string>& a = f.argv;
  FindExpression e;
  for (size_t j = ReadRoots(f, &e.roots); j < a.size(); ++j) {
    const std::string& tok = a[j];
    if (IsFilter(tok)) {
      e.filtered = true;
      if ((tok == "-name" || tok == "-iname") && j + 1 < a.size()) {
        e.name_pattern = a[j + 1];
        ++e.names;
      }
    } else if (tok == "-o" || tok == "-or" || tok == "!" || tok == "-not") {
      e.alternatives = true;
    } else if (tok == "-delete") {
      e.deletes = true;
    } else if (tok == "-exec" || tok == "-execdir" || tok == "-ok" || tok == "-okdir") {
      j = ReadExec(f, j, &e);
    } else if ((tok == "-fprint" || tok == "-fprint0" || tok == "-fls" || tok == "-fprintf") && j + 1 < a.size()) {
      c.File(FileOp::kWrite, a[j + 1], f.arg_bits[j + 1], false, "find " + tok);
      ++j;
    }
  }
  return e;
}

// What the matched paths look like: the root itself (no filter), or every path below it,
// narrowed to ROOT/**/NAME when a single -name says which.
Root Matched(const FindExpression& e, const Root& root) {
  if (!e.filtered) return root;
  const bool one_name = e.names == 1 && !e.alternatives && e.name_pattern.find('/') == std::string::npos;
  std::string p = root.first;
  if (p.empty() || p.back() != '/') p += '/';
  p += one_name ? "**/" + e.name_pattern : std::string("**");
  return {p, static_cast<uint8_t>((root.second & ~kArgGlob) | kArgPattern)};
}

// The -exec command with {} replaced by the matched paths.
std::vector<Expanded> ExecFor(const std::vector<Expanded>& inner, const Root& matched) {
  std::vector<Expanded> argv = inner;
  const auto& [text, bits] = matched;
  for (auto& w : argv) {
    size_t at = w.text.find("{}");
    if (at == std::string::npos) continue;
    while (at != std::string::npos) {
      w.text.replace(at, 2, text);
      at = w.text.find("{}", at + text.size());
    }
    w.bits |= bits | kArgTree;
  }
  return argv;
}

Stream Find(Call& c) {
  FindExpression e = ReadExpression(c);
  if (e.deletes) {
    for (const auto& r : e.roots) {
      auto [text, bits] = Matched(e, r);
      c.File(FileOp::kDelete, text, bits, true, "find -delete");
    }
  }
  Ctx inner_ctx = c.an.Inner(c.ctx, "find", false, "find -exec");
  for (const auto& inner : e.execs) {
    size_t n = 0;
    for (const auto& r : e.roots) {
      if (++n > 4) break;
      c.an.Exec(ExecFor(inner, Matched(e, r)), c.st, inner_ctx, Stream{});
    }
  }
  return MakeStream(Stream::Kind::kPaths, "find", Matched(e, e.roots[0]).first);
}

constexpr CommandSpec kModels[] = {
    {.name = "find", .family = Family::kEffects, .run = Find},
};

}  // namespace

ModelTable FindCommands() { return kModels; }

}  // namespace warden::shell
