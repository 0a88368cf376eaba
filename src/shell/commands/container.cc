// Container tools: `docker cp` (and podman, nerdctl) copies between a container (CONTAINER:PATH)
// and this machine, writing or reading local paths (whole trees); a bind mount (-v SRC:DST,
// --mount source=SRC) gives what runs inside the whole SRC tree: an access, a read when :ro.
#include <algorithm>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// CONTAINER:PATH (a colon before any slash, not a plain path).
bool InContainer(std::string_view s) {
  size_t colon = s.find(':');
  return colon != std::string_view::npos && colon > 0 && s[0] != '/' && s[0] != '.' && s[0] != '~' &&
         s.substr(0, colon).find('/') == std::string_view::npos;
}

// The operands after the subcommand words ("cp", or "container cp").
size_t AfterSubcommand(const CommandFact& f, std::string_view verb) {
  for (size_t k = 0; k < f.operands.size(); ++k) {
    if (f.argv[f.operands[k]] == verb) return k + 1;
  }
  return f.operands.size();
}

void Copy(Call& c) {
  const CommandFact& f = c.fact();
  size_t first = AfterSubcommand(f, "cp");
  if (first + 2 > f.operands.size()) return;
  uint32_t src = f.operands[first], dst = f.operands.back();
  if (!InContainer(f.argv[src]) && f.argv[src] != "-") c.Operand(FileOp::kRead, src, true);
  if (!InContainer(f.argv[dst]) && f.argv[dst] != "-") c.Operand(FileOp::kWrite, dst, true);
}

// The host side of a bind mount: -v SRC:DST[:ro], --volume=…, --mount type=bind,source=SRC[,readonly].
// A named volume (no '/', '~' or '.') is not a host path.
void Mount(Call& c, const Expanded& spec, bool long_form) {
  std::string src;
  bool read_only = false;
  if (long_form) {
    for (auto part : Split(spec.text, ',')) {
      if (part.rfind("source=", 0) == 0 || part.rfind("src=", 0) == 0) src = std::string(part.substr(part.find('=') + 1));
      read_only = read_only || part == "readonly" || part == "ro" || part == "readonly=true" || part == "ro=true";
    }
  } else {
    std::vector<std::string_view> parts = Split(spec.text, ':');
    src = std::string(parts[0]);
    read_only = parts.size() > 2 && (parts[2].find("ro") != std::string_view::npos);
  }
  if (src.empty() || (src[0] != '/' && src[0] != '~' && src[0] != '.' && !(spec.bits & kArgDynamic))) return;
  // The mount point itself is the fact (the policy names the trees that must not be mounted): a
  // recursive fact would make every mount of the workspace reach its .git/hooks.
  c.File(read_only ? FileOp::kRead : FileOp::kAccess, src, spec.bits & kArgDynamic, false, c.name() + " -v");
}

void Mounts(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    const bool long_form = t == "--mount" || t.rfind("--mount=", 0) == 0;
    if ((t == "-v" || t == "--volume" || t == "--mount") && k + 1 < c.argv.size()) {
      Mount(c, c.argv[k + 1], long_form);
    } else if (t.rfind("--volume=", 0) == 0 || t.rfind("--mount=", 0) == 0) {
      Expanded value = c.argv[k];
      value.text = t.substr(t.find('=') + 1);
      Mount(c, value, long_form);
    }
  }
}

Stream Container(Call& c) {
  const CommandFact& f = c.fact();
  const size_t n = f.operands.size();
  const bool cp = n > 0 && (f.argv[f.operands[0]] == "cp" || (n > 1 && f.argv[f.operands[0]] == "container" &&
                                                                f.argv[f.operands[1]] == "cp"));
  if (cp) Copy(c);
  Mounts(c);
  return c.PassThrough();
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"docker", F::kNoFiles, "Hcl", "host context config log-level tlscacert tlscert tlskey", false, 0, 0, "", false, Container},
    {"podman", F::kNoFiles, "c", "connection url identity root runroot storage-driver log-level", false, 0, 0, "", false, Container},
    {.name = "nerdctl", .family = F::kNoFiles, .run = Container},
};

}  // namespace

ModelTable ContainerCommands() { return kModels; }

}  // namespace warden::shell
