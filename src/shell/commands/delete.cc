// Deleters: rm (recursive with -r/-R), unlink, rmdir, srm, trash, rimraf (always recursive),
// shred (a write unless -u removes the file).
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

Stream Delete(Call& c) {
  const CommandFact& f = c.fact();
  bool shred_only = f.name == "shred" && !HasOption(f.options, {"-u", "--remove"});
  bool recursive = (f.name == "rm" && HasOption(f.options, {"-r", "-R", "--recursive"})) || f.name == "rimraf";
  c.Operands(0, shred_only ? FileOp::kWrite : FileOp::kDelete, recursive);
  return Stream{};
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {.name = "rm", .family = F::kEffects, .run = Delete},
    {.name = "unlink", .family = F::kEffects, .run = Delete},
    {.name = "rmdir", .family = F::kEffects, .run = Delete},
    {"shred", F::kEffects, "ns", "iterations size random-source remove", false, 0, 0, "", false, Delete},
    {.name = "srm", .family = F::kEffects, .run = Delete},
    {.name = "trash", .family = F::kEffects, .run = Delete},
    {.name = "trash-put", .family = F::kEffects, .run = Delete},
    {.name = "rimraf", .family = F::kEffects, .run = Delete},
};

}  // namespace

ModelTable DeleteCommands() { return kModels; }

}  // namespace warden::shell
