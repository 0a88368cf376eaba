// Path names computed from known text: dirname, basename, realpath, readlink -f and pwd print
// what they are given, transformed — so `cd $(dirname ~/.config/warden/x)` is a known directory.
#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

bool AllKnown(const Call& c) {
  for (uint32_t op : c.fact().operands) {
    if (c.fact().arg_bits[op] & kArgDynamic) return false;
  }
  return !c.fact().operands.empty();
}

// The lines a path tool prints, each operand through `fn`; unknown output when an operand is.
template <typename Fn>
Stream EachOperand(Call& c, Fn fn) {
  if (!AllKnown(c)) return UnknownStream(c.name());
  std::string out;
  for (uint32_t op : c.fact().operands) out += fn(c.fact().argv[op]) + "\n";
  Stream s = LiteralStream(out, c.name());
  for (uint32_t op : c.fact().operands) {
    if (c.fact().arg_bits[op] & kArgWarden) s.warden = true;
  }
  return s;
}

std::string DirName(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Stream Dirname(Call& c) { return EachOperand(c, DirName); }

// basename NAME [SUFFIX], basename -a NAME…, basename -s SUFFIX NAME…
Stream BaseName(Call& c) {
  const CommandFact& f = c.fact();
  std::string suffix;
  if (const Option* s = FindOption(f.options, {"-s", "--suffix"}); s && s->has_value) suffix = s->value;
  const bool many = HasOption(f.options, {"-a", "--multiple"}) || !suffix.empty();
  if (!many && f.operands.size() == 2) suffix = f.argv[f.operands[1]];
  if (!AllKnown(c)) return UnknownStream(c.name());
  std::string out;
  for (size_t k = 0; k < (many ? f.operands.size() : std::min<size_t>(1, f.operands.size())); ++k) {
    std::string b(Basename(f.argv[f.operands[k]]));
    if (!suffix.empty() && b.size() > suffix.size() && b.compare(b.size() - suffix.size(), suffix.size(), suffix) == 0) {
      b.resize(b.size() - suffix.size());
    }
    out += b + "\n";
  }
  return LiteralStream(out, c.name());
}

// realpath PATH…, readlink -f/-e/-m PATH…: absolute, normalized (links made earlier followed).
Stream Canonical(Call& c) {
  if (c.name() == "readlink" && !HasOption(c.fact().options, {"-f", "-e", "-m", "--canonicalize",
                                                               "--canonicalize-existing", "--canonicalize-missing"})) {
    return UnknownStream(c.name());
  }
  return EachOperand(c, [&](const std::string& p) {
    bool dynamic = false;
    auto paths = c.an.Resolve(p, c.st, &dynamic);
    return dynamic || paths.size() != 1 ? p : c.an.FollowLinks(paths[0]);
  });
}

Stream Pwd(Call& c) {
  if (c.st.cwd_unknown || c.st.cwds.size() != 1) return UnknownStream(c.name());
  return LiteralStream(c.st.cwds[0] + "\n", c.name());
}

constexpr CommandSpec kModels[] = {
    {.name = "dirname", .family = Family::kNoFiles, .run = Dirname},
    {"basename", Family::kNoFiles, "s", "suffix", false, 0, 0, "", false, BaseName},
    {"realpath", Family::kNoFiles, "", "relative-to relative-base", false, 0, 0, "", false, Canonical},
    {.name = "readlink", .family = Family::kNoFiles, .run = Canonical},
    {.name = "pwd", .family = Family::kNoFiles, .run = Pwd},
};

}  // namespace

ModelTable PathNameCommands() { return kModels; }

}  // namespace warden::shell
