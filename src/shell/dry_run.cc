#include "shell/dry_run.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace warden::shell {
namespace {

struct DryRunSpelling {
  std::string_view command;
  std::string_view subcommand;  // "" for any
  std::string_view options;     // space-separated spellings
};

// --dry-run=none (kubectl, helm) and =false turn it off.
bool Off(const Option& o) { return o.has_value && (o.value == "none" || o.value == "false"); }

constexpr DryRunSpelling kSpellings[] = {
    {"kubectl", "", "--dry-run"},
    {"oc", "", "--dry-run"},
    {"helm", "", "--dry-run"},
    {"npm", "", "--dry-run"},
    {"pnpm", "", "--dry-run"},
    {"yarn", "", "--dry-run"},
    {"bun", "", "--dry-run"},
    {"cargo", "", "--dry-run"},
    {"poetry", "", "--dry-run"},
    {"uv", "", "--dry-run"},
    {"pip", "", "--dry-run"},
    {"pip3", "", "--dry-run"},
    {"docker", "", "--dry-run"},
    {"flux", "", "--dry-run"},
    {"nix", "", "--dry-run"},
    {"aws", "", "--dryrun --dry-run"},
    {"apt", "", "-s --simulate --dry-run --just-print --no-act --recon"},
    {"apt-get", "", "-s --simulate --dry-run --just-print --no-act --recon"},
    {"ansible", "", "-C --check"},
    {"ansible-playbook", "", "-C --check"},
    {"rclone", "", "-n --dry-run"},
    {"restic", "", "-n --dry-run"},
    {"borg", "", "-n --dry-run"},
    {"git", "push", "-n --dry-run"},
    {"git", "clean", "-n --dry-run"},
    {"git", "rm", "-n --dry-run"},
    {"git", "add", "-n --dry-run"},
    {"git", "mv", "-n --dry-run"},
    {"git", "fetch", "--dry-run"},
    {"git", "prune", "-n --dry-run"},
};

bool Spelled(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    const size_t sp = list.find(' ');
    if (list.substr(0, sp) == name) return true;
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
  return false;
}

std::string_view FirstOperand(const CommandFact& f) {
  return f.operands.empty() ? std::string_view() : std::string_view(f.argv[f.operands[0]]);
}

}  // namespace

bool IsDryRun(const CommandFact& f) {
  if (f.options.empty()) return false;  // most commands: nothing to look for
  static const std::unordered_set<std::string_view> kTools = [] {
    std::unordered_set<std::string_view> tools;
    for (const DryRunSpelling& s : kSpellings) tools.insert(s.command);
    return tools;
  }();
  if (!kTools.contains(f.name)) return false;
  for (const DryRunSpelling& s : kSpellings) {
    if (s.command != f.name || (!s.subcommand.empty() && s.subcommand != FirstOperand(f))) continue;
    for (const Option& o : f.options) {
      if (Spelled(s.options, o.name)) return !Off(o);
    }
  }
  return false;
}

}  // namespace warden::shell
