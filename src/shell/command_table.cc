// The index over every family's table of command models (src/shell/commands/), by name.
#include <unordered_map>

#include "core/path.h"
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
  if (name.rfind("git-", 0) == 0 && name.size() > 4) return "git";  // git-reset: git's dashed names
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
      ArchiveCommands(), DownloadCommands(), RemoteCommands(), TransferCommands(), FindCommands(),     GitCommands(),
      BuildCommands(),   ContainerCommands(), CryptoCommands(), DatabaseCommands(), DiskCommands(), PathNameCommands(), ProcessCommands(), WardenCommands(), NoFileCommands()};
  return kFamilies;
}

const CommandSpec& LookupCommand(std::string_view name) {
  static const CommandSpec kUnknownSpec{"", Family::kUnknown};
  if (const CommandSpec* s = Index().Find(name)) return *s;
  if (const CommandSpec* s = Index().Find(FamilyName(name)); s && s->family != Family::kBuiltin) return *s;
  return kUnknownSpec;
}

// A word that names a command Warden has a model for (a name or a path: no blanks).
bool NamesModelledCommand(std::string_view word) {
  if (word.empty() || word[0] == '-' || word.size() > 256 || word.find_first_of(" \t\n") != std::string_view::npos) {
    return false;
  }
  return LookupCommand(Basename(word)).family != Family::kUnknown;
}

// Text that reads as a command line: a modelled command first, or after ; && || | & (words
// are split at blanks and those operators, quotes ignored: this only decides whether to look).
bool LooksLikeCommandLine(std::string_view text) {
  if (text.find_first_of(" \t\n;|&") == std::string_view::npos) return false;
  bool at_start = true;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" \t\n;|&", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    while (!word.empty() && (word.front() == '(' || word.front() == '{' || word.front() == '"' || word.front() == '\'')) {
      word.remove_prefix(1);
    }
    if (!word.empty()) {
      if (at_start && NamesModelledCommand(word)) return true;
      at_start = false;
    }
    if (end < text.size() && std::string_view(";|&").find(text[end]) != std::string_view::npos) at_start = true;
    i = end + 1;
  }
  return false;
}

}  // namespace warden::shell
