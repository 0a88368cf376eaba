// Writers: commands that create or change the files their operands name — tee (which also
// passes its input on, and remembers what it wrote), touch, mkdir, truncate, sponge, dd of=,
// patch (the files its input names), and the mode changers (chmod, chown, chattr, setfacl),
// recursive with -R.
#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

Stream Tee(Call& c) {
  c.Operands(0, FileOp::kWrite);
  ScriptMemory& mem = c.an.memory();
  for (uint32_t op : c.fact().operands) {
    bool dynamic = false;
    for (const auto& p : c.an.Resolve(c.fact().argv[op], c.st, &dynamic)) {
      if (dynamic) break;
      std::string real = c.an.FollowLinks(p);
      if (c.in.tainted()) mem.tainted[real] = c.in.source;
      if (c.in.kind == Stream::Kind::kLiteral) mem.contents[real] = c.in.text;
      if (c.in.warden) mem.warden_files.insert(real);
    }
  }
  return c.in;
}

Stream Create(Call& c) {
  c.Operands(0, FileOp::kWrite);
  return Stream{};
}

// patch writes the files its input names: unknown here, so anything below the directory.
Stream Patch(Call& c) {
  const CommandFact& f = c.fact();
  std::string dir = ".";
  if (const Option* d = FindOption(f.options, {"-d", "--directory"}); d && d->has_value) dir = d->value;
  if (const Option* o = FindOption(f.options, {"-o", "--output"}); o && o->has_value) {
    c.File(FileOp::kWrite, o->value);
  } else if (!f.operands.empty()) {
    c.Operand(FileOp::kWrite, f.operands[0]);
  } else {
    c.File(FileOp::kWrite, JoinPath(dir, "**"), kArgPattern, true);
  }
  return Stream{};
}

Stream Truncate(Call& c) {
  if (const Option* r = FindOption(c.fact().options, {"-r", "--reference"}); r && r->has_value) {
    c.File(FileOp::kRead, r->value);
  }
  c.Operands(0, FileOp::kWrite);
  return Stream{};
}

Stream Dd(Call& c) {
  const CommandFact& f = c.fact();
  bool has_of = false;
  Stream out = c.in;
  for (uint32_t op : f.operands) {
    const std::string& a = f.argv[op];
    if (a.rfind("if=", 0) == 0) {
      c.File(FileOp::kRead, a.substr(3), f.arg_bits[op], false, "dd");
      out = MakeStream(Stream::Kind::kFile, "dd", a.substr(3));
    } else if (a.rfind("of=", 0) == 0) {
      c.File(FileOp::kWrite, a.substr(3), f.arg_bits[op], false, "dd");
      has_of = true;
    }
  }
  return has_of ? Stream{} : out;
}

bool LooksLikeMode(std::string_view s) {
  if (s.empty()) return false;
  if (s.find_first_not_of("01234567") == std::string_view::npos) return true;
  return s.find_first_not_of("ugoarwxXst+-=,01234567") == std::string_view::npos &&
         s.find_first_of("+-=") != std::string_view::npos;
}

// Whether the first operand is the mode/owner/attribute rather than a file.
bool FirstIsSpec(const CommandFact& f) {
  if (HasOption(f.options, {"--reference"}) || f.operands.empty() || f.name == "setfacl") return false;
  const std::string& a = f.argv[f.operands[0]];
  if (f.name == "chattr") return a[0] == '+' || a[0] == '=';
  if (f.name != "chmod") return true;
  // chmod -w FILE: the mode is written as an option.
  bool option_mode = std::any_of(f.options.begin(), f.options.end(), [](const Option& o) {
    return o.name.size() == 2 && std::string_view("rwxXst").find(o.name[1]) != std::string_view::npos;
  });
  return LooksLikeMode(a) || !option_mode;
}

// A chmod mode that leaves group and others nothing and sets no special bit — 600, 700, 400,
// go-rwx, u=rw, go= — is stricter than whatever the file had: it cannot let anyone else read,
// change or run the file. Symbolic modes also add no x for the owner (that turns a file into a
// hook or a command in a bin directory); numeric modes keep theirs (700 on ~/.ssh is ordinary).
bool Tightens(std::string_view mode) {
  if (!mode.empty() && mode.find_first_not_of("01234567") == std::string_view::npos) {
    if (mode.size() > 4) return false;
    const std::string padded = std::string(4 - mode.size(), '0') + std::string(mode);
    return padded[0] == '0' && padded[2] == '0' && padded[3] == '0';
  }
  if (!LooksLikeMode(mode)) return false;
  for (std::string_view clause : Split(mode, ',')) {
    const size_t op = clause.find_first_of("+-=");
    if (op == std::string_view::npos) return false;
    const std::string_view who = clause.substr(0, op);
    const bool owner_only = !who.empty() && who.find_first_not_of('u') == std::string_view::npos;
    for (size_t i = op; i < clause.size(); ++i) {
      if (clause[i] != '+' && clause[i] != '=') continue;
      const size_t end = clause.find_first_of("+-=", i + 1);
      const std::string_view perms = clause.substr(i + 1, end == std::string_view::npos ? end : end - i - 1);
      if (!perms.empty() && (!owner_only || perms.find_first_of("stxX") != std::string_view::npos)) return false;
    }
  }
  return true;
}

// Places a tightening chmod still must not touch: Warden's directories, the agents' settings
// (chmod 000 on them switches hooks off as surely as deleting them) and what holds them.
bool KeepsOut(const Call& c, const std::string& path) {
  const AnalyzeOptions& opt = c.an.options();
  if (opt.self == nullptr || UnderWardenDir(path, opt.self) || IsUnder(opt.home, path)) return true;
  for (std::string_view dir : opt.self->Directories()) {
    if (!dir.empty() && IsUnder(dir, path)) return true;
  }
  static constexpr std::string_view kSettings[] = {"/.warden", "/.claude", "/.codex", "/.gemini", "/.cursor",
                                                   "/.qwen", "/.copilot", "/.factory", "/.config/warden"};
  for (std::string_view d : kSettings) {
    const size_t at = path.find(d);
    if (at != std::string::npos && (at + d.size() == path.size() || path[at + d.size()] == '/' ||
                                    path.compare(at + d.size(), 1, ".") == 0)) {
      return true;
    }
  }
  return false;
}

Stream Mode(Call& c) {
  const CommandFact& f = c.fact();
  const size_t first = FirstIsSpec(f) ? 1 : 0;
  const bool recursive = HasOption(f.options, {"-r", "-R", "--recursive"});
  if (f.name != "chmod" || first == 0 || !Tightens(f.argv[f.operands[0]])) {
    c.Operands(first, FileOp::kWrite, recursive);
    return Stream{};
  }
  // A tightening chmod changes no content and lets nobody new in: only places it must keep
  // out of are writes.
  for (size_t k = first; k < f.operands.size(); ++k) {
    bool dynamic = (f.arg_bits[f.operands[k]] & (kArgDynamic | kArgGlob)) != 0;
    std::vector<std::string> paths = c.an.Resolve(f.argv[f.operands[k]], c.st, &dynamic);
    if (dynamic || std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return KeepsOut(c, p); })) {
      c.Operand(FileOp::kWrite, f.operands[k], recursive);
    }
  }
  return Stream{};
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {.name = "tee", .family = F::kEffects, .run = Tee},
    {"touch", F::kEffects, "dtr", "date reference time", false, 0, 0, "", false, Create},
    {"mkdir", F::kEffects, "m", "mode context", false, 0, 0, "", false, Create},
    {"mkfifo", F::kEffects, "m", "mode context", false, 0, 0, "", false, Create},
    {"mknod", F::kEffects, "m", "mode context", false, 0, 0, "", false, Create},
    {"truncate", F::kEffects, "sr", "size reference", false, 0, 0, "", false, Truncate},
    {.name = "dd", .family = F::kEffects, .run = Dd},
    {.name = "sponge", .family = F::kEffects, .run = Create},
    {"patch", F::kEffects, "pdoiDrBVzY", "strip directory output input reject-file backup-if-mismatch suffix", false, 0, 0, "", false, Patch},
    {"chmod", F::kEffects, "", "reference", false, 0, 0, "", false, Mode},
    {"chown", F::kEffects, "", "reference from", false, 0, 0, "", false, Mode},
    {"chgrp", F::kEffects, "", "reference", false, 0, 0, "", false, Mode},
    {"chattr", F::kEffects, "pv", "", false, 0, 0, "", false, Mode},
    {"setfacl", F::kEffects, "mMxX", "modify modify-file remove remove-file set set-file", false, 0, 0, "", false, Mode},
};

}  // namespace

ModelTable WriteCommands() { return kModels; }

}  // namespace warden::shell
