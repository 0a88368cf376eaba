// Container tools: `docker cp` (and podman, nerdctl) copies between a container (CONTAINER:PATH)
// and this machine, writing or reading local paths (whole trees).
#include <algorithm>

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

Stream Container(Call& c) {
  const CommandFact& f = c.fact();
  const size_t n = f.operands.size();
  const bool cp = n > 0 && (f.argv[f.operands[0]] == "cp" || (n > 1 && f.argv[f.operands[0]] == "container" &&
                                                                f.argv[f.operands[1]] == "cp"));
  if (cp) Copy(c);
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
