// The index over every family's table of command models (src/shell/commands/), by name.
#include <unordered_map>

#include "shell/command_model.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

class ModelIndex {
 public:
  ModelIndex() {
    for (auto table : AllFamilies()) {
      for (const CommandSpec& s : table) map_.emplace(s.name, &s);
    }
  }
  const CommandSpec* Find(std::string_view name) const {
    auto it = map_.find(name);
    return it == map_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const CommandSpec*> map_;
};

const ModelIndex& Index() {
  static const ModelIndex index;
  return index;
}

// "python3.11" → "python", "ksh93" → "ksh", "bash5.2" → "bash", "mkfs.ext4" → "mkfs",
// "pip3.12" → "pip3", "ld-linux-x86-64.so.2" → "ld.so".
std::string_view FamilyName(std::string_view name) {
  static constexpr std::string_view kVersioned[] = {"python", "pypy", "perl", "ruby", "php", "lua", "node", "pip",
                                                    "bash", "ksh", "zsh", "dash", "mksh", "tclsh", "wish", "guile",
                                                    "julia", "Rscript", "ruby", "luajit", "gawk", "sh"};
  for (auto base : kVersioned) {
    if (name.size() > base.size() && name.substr(0, base.size()) == base) {
      std::string_view rest = name.substr(base.size());
      if (rest.find_first_not_of("0123456789.-") == std::string_view::npos) return base;
    }
  }
  if (name.rfind("ld-linux", 0) == 0 || name.rfind("ld-musl", 0) == 0) return "ld.so";
  size_t dot = name.find('.');
  if (dot != std::string_view::npos && dot > 0) return name.substr(0, dot);
  return name;
}

}  // namespace

const std::vector<ModelTable>& AllFamilies() {
  static const std::vector<ModelTable> kFamilies = {
      BuiltinCommands(), EchoCommands(), WrapperCommands(), EnvCommands(),    XargsCommands(),    AnsibleCommands(), RunnerCommands(),
      TerminalCommands(), DebuggerCommands(), ShellCommands(), InterpreterCommands(), PowerShellCommands(), DeleteCommands(),
      CopyCommands(),    WriteCommands(),   ReadCommands(),   SearchCommands(),   EditCommands(),
      ArchiveCommands(), DownloadCommands(), RemoteCommands(), FindCommands(),     GitCommands(),
      BuildCommands(),   ContainerCommands(), CryptoCommands(), DatabaseCommands(), DiskCommands(), PathNameCommands(), ProcessCommands(), WardenCommands(), NoFileCommands()};
  return kFamilies;
}

const CommandSpec& LookupCommand(std::string_view name) {
  static const CommandSpec kUnknownSpec{"", Family::kUnknown};
  if (const CommandSpec* s = Index().Find(name)) return *s;
  if (const CommandSpec* s = Index().Find(FamilyName(name)); s && s->family != Family::kBuiltin) return *s;
  return kUnknownSpec;
}

}  // namespace warden::shell
