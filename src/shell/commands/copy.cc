// Copies, moves and links: cp and install read their sources and write the destination (or
// DEST/NAME inside a directory; both when that is not known), mv also deletes its sources, ln
// writes the link. What a copy carries along is remembered — a download stays a download, a
// file's known text stays known, a copied program keeps its name — and so are links, so a
// later path through them is seen for what it is.
#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

struct Destination {
  std::string path;
  uint8_t bits = 0;
  bool into_dir = false;
};

// The destination (and the sources, left in `*sources`): -t DIR, or the last operand.
Destination CopyDestination(const CommandFact& f, std::vector<uint32_t>* sources) {
  Destination d;
  if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
    d.path = t->value;
    d.into_dir = true;
  } else if (sources->size() >= 2) {
    d.path = f.argv[sources->back()];
    d.bits = f.arg_bits[sources->back()];
    sources->pop_back();
    d.into_dir = sources->size() > 1 || (!d.path.empty() && d.path.back() == '/') || d.path == "." || d.path == "..";
  }
  return d;
}

// What a copy from `src` to `dst` carries along: download taint, known text, the program's name.
void CarryAlong(Call& c, const std::string& src, const std::string& dst) {
  bool dyn1 = false, dyn2 = false;
  auto from = c.an.Resolve(src, c.st, &dyn1), to = c.an.Resolve(dst, c.st, &dyn2);
  if (dyn1 || dyn2 || from.size() != 1 || to.size() != 1) return;
  std::string a = c.an.FollowLinks(from[0]), b = c.an.FollowLinks(to[0]);
  ScriptMemory& mem = c.an.memory();
  if (auto it = mem.tainted.find(a); it != mem.tainted.end()) mem.tainted[b] = it->second;
  if (auto it = mem.contents.find(a); it != mem.contents.end()) mem.contents[b] = it->second;
  std::string original = mem.exec_names.count(a) ? mem.exec_names[a] : std::string(Basename(a));
  mem.exec_names[b] = original;
}

// The written paths for one source: DEST, or DEST/NAME when copying into a directory; both
// when it is not known whether DEST is a directory.
std::vector<std::string> Targets(const CommandFact& f, uint32_t s, const Destination& d) {
  const std::string& src = f.argv[s];
  std::string base(Basename(src == "." ? std::string() : src));
  std::vector<std::string> targets;
  if (!d.into_dir) targets.push_back(d.path);
  if (!(f.arg_bits[s] & kArgDynamic) && !base.empty() && base != "." && base != "..") {
    targets.push_back(JoinPath(d.path, base));
  } else if (d.into_dir) {
    targets.push_back(d.path);
  }
  return targets;
}

void CopyOrMove(Call& c, bool move) {
  const CommandFact& f = c.fact();
  bool recursive = move || HasOption(f.options, {"-r", "-R", "-a", "--recursive", "--archive"});
  std::vector<uint32_t> sources = f.operands;
  const Option* t = FindOption(f.options, {"-t", "--target-directory"});
  if (f.name == "install" && !(t && t->has_value) && HasOption(f.options, {"-d", "--directory"})) {
    for (uint32_t s : sources) c.Operand(FileOp::kWrite, s);
    return;
  }
  Destination d = CopyDestination(f, &sources);
  for (uint32_t s : sources) {
    c.Operand(FileOp::kRead, s, recursive);
    if (move) c.Operand(FileOp::kDelete, s, true);
  }
  if (d.path.empty()) return;
  for (uint32_t s : sources) {
    for (const auto& target : Targets(f, s, d)) {
      if (recursive) c.File(FileOp::kWrite, target, d.bits, false);  // the path itself, file or directory
      c.File(FileOp::kWrite, target, d.bits, recursive);
      CarryAlong(c, f.argv[s], target);
    }
  }
}

Stream Copy(Call& c) {
  CopyOrMove(c, false);
  return Stream{};
}

Stream Move(Call& c) {
  CopyOrMove(c, true);
  return Stream{};
}

// Remembers link → target, so later paths through the link are seen for what they are.
void RememberLink(Call& c, const std::string& link, const std::string& target, bool symbolic) {
  bool dyn1 = false, dyn2 = false;
  auto links = c.an.Resolve(link, c.st, &dyn1);
  std::vector<std::string> resolved;
  if (symbolic && target.front() != '/' && links.size() == 1) {
    // A relative symlink target is relative to the link's directory.
    std::string dir = links[0].substr(0, links[0].rfind('/'));
    resolved = {NormalizePath(JoinPath(dir.empty() ? "/" : dir, target))};
  } else {
    resolved = c.an.Resolve(target, c.st, &dyn2);
  }
  if (dyn1 || dyn2 || links.size() != 1 || resolved.size() != 1) return;
  c.an.memory().links[links[0]] = c.an.FollowLinks(resolved[0]);
}

Stream Link(Call& c) {
  const CommandFact& f = c.fact();
  std::vector<uint32_t> targets = f.operands;
  if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
    for (uint32_t op : targets) c.File(FileOp::kWrite, JoinPath(t->value, std::string(Basename(f.argv[op]))));
    return Stream{};
  }
  if (targets.empty()) return Stream{};
  std::string link;
  if (targets.size() >= 2) {
    link = f.argv[targets.back()];
    targets.pop_back();
  } else {
    link = std::string(Basename(f.argv[targets[0]]));
  }
  // -n/-T replace a link to a directory (and so everything seen through it).
  c.File(FileOp::kWrite, link, 0, HasOption(f.options, {"-n", "--no-dereference", "-T", "--no-target-directory"}));
  if (targets.size() != 1 || (f.arg_bits[targets[0]] & kArgDynamic)) return Stream{};
  RememberLink(c, link, f.argv[targets[0]], HasOption(f.options, {"-s", "--symbolic"}));
  return Stream{};
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"cp", F::kEffects, "St", "suffix target-directory sparse no-preserve", false, 0, 0, "", false, Copy},
    {"mv", F::kEffects, "St", "suffix target-directory", false, 0, 0, "", false, Move},
    {"install", F::kEffects, "gmoSt", "group mode owner suffix target-directory strip-program", false, 0, 0, "", false, Copy},
    {"ln", F::kEffects, "St", "suffix target-directory", false, 0, 0, "", false, Link},
};

}  // namespace

ModelTable CopyCommands() { return kModels; }

}  // namespace warden::shell
