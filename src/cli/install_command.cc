// `warden install claude|codex|gemini|cursor|qwen|copilot|droid [--project] [--print] [--remove]`: merges Warden's hook into
// the agent's settings file. The user's settings are kept as they are — only the hook entry is
// added, once — and the previous file is saved next to it first. A file that is not a JSON
// object is left alone with an error, never overwritten. The hook command names this binary
// by its absolute path and the daemon's socket as the installing environment names it, so it
// works whatever PATH and environment the agent gives its hooks.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/agent_settings.h"
#include "cli/common.h"
#include "clients/codex_trust.h"
#include "clients/hook.h"
#include "core/json_text.h"
#include "core/path.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct InstallArgs {
  std::string agent;
  bool project = false;
  bool print = false;
  bool json = false;
  bool remove = false;
  bool sandbox = false;
};

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// mkdir -p for what is missing (0700); existing directories are left as they are.
Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? Status::Ok() : Status::InvalidArgument(dir + " is not a directory");
  if (dir != "/" && dir != ".") {
    if (Status s = MakeDirs(DirOf(dir)); !s.ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::IoError("cannot create " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

Status WriteAtomically(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".warden-tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::IoError("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), mode);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot replace " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// Copies `path` to PATH.warden-backup-TIME with the same mode; "" when there was nothing to save.
Result<std::string> Backup(const std::string& path, mode_t mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::string();
  auto stamp = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string backup = path + ".warden-backup-" + std::to_string(stamp);
  std::ifstream src(path, std::ios::binary);
  std::ofstream dst(backup, std::ios::binary);
  dst << src.rdbuf();
  if (!dst.flush()) return Status::IoError("cannot write the backup " + backup + "; nothing was changed");
  ::chmod(backup.c_str(), mode);
  return backup;
}

// Codex runs a hook only once it is trusted: the trust entry for Warden's group (at `group` in
// hooks.json's PreToolUse list) and the hooks feature, in $CODEX_HOME/config.toml.
Status TrustCodexHook(const std::string& hooks_json, size_t group, const std::string& command, bool* changed,
                      std::string* config_path) {
  *config_path = JoinPath(CodexHome(), "config.toml");
  std::string before;
  struct stat st;
  const bool existed = ::stat(config_path->c_str(), &st) == 0;
  if (existed) {
    std::ifstream in(*config_path);
    std::stringstream ss;
    ss << in.rdbuf();
    before = ss.str();
  }
  clients::CodexHookGroup g{kCodexMatcher, command, kCodexTimeout};
  std::string after = clients::WithCodexHooksFeature(
      clients::WithCodexTrust(before, clients::CodexTrustKey(hooks_json, group, 0), clients::CodexTrustedHash(g)));
  *changed = after != before;
  if (!*changed) return Status::Ok();
  const mode_t mode = existed ? (st.st_mode & 07777) : 0600;
  if (Status s = MakeDirs(DirOf(*config_path)); !s.ok()) return s;
  if (existed) {
    auto backup = Backup(*config_path, mode);
    if (!backup.ok()) return backup.status();
  }
  return WriteAtomically(*config_path, after, mode);
}

// Takes Warden's hooks for `agent` out of `hooks` (an event's group loses Warden's hook; a group
// or an event left empty goes too). True if anything was removed.
bool RemoveWardenHooks(json::object& hooks, const AgentHookTarget& t, const std::string& agent) {
  bool removed = false;
  for (const auto& [event, entry] : t.entries) {
    json::value* list = hooks.if_contains(event);
    if (list == nullptr || !list->is_array()) continue;
    json::array kept;
    for (json::value& group : list->as_array()) {
      if (!HasWardenHook(json::array{group}, agent)) {
        kept.push_back(std::move(group));
        continue;
      }
      removed = true;
      json::value* inner = group.is_object() ? group.as_object().if_contains("hooks") : nullptr;
      if (inner == nullptr || !inner->is_array()) continue;  // Cursor's entries are the hooks
      json::array others;
      for (json::value& h : inner->as_array()) {
        if (!HasWardenHook(json::array{h}, agent)) others.push_back(std::move(h));
      }
      if (others.empty()) continue;
      *inner = std::move(others);
      kept.push_back(std::move(group));
    }
    if (kept.empty()) {
      hooks.erase(event);
    } else {
      *list = std::move(kept);
    }
  }
  return removed;
}

int RunRemove(const InstallArgs& a, const AgentHookTarget& t) {
  bool existed = false;
  auto settings = ReadTargetSettings(t, &existed);
  if (!settings.ok()) {
    std::cerr << "warden install --remove: " << settings.status().message() << "\n";
    return kExitUsage;
  }
  json::value* hooks = settings->if_contains("hooks");
  const bool removed = existed && hooks != nullptr && hooks->is_object() && RemoveWardenHooks(hooks->as_object(), t, a.agent);
  std::string backup;
  if (removed) {
    struct stat st;
    const mode_t mode = ::stat(t.file.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0600;
    auto saved = Backup(t.file, mode);
    Status written = saved.ok() ? WriteAtomically(t.file, JsonText(TargetFileJson(t, *settings)) + "\n", mode) : saved.status();
    if (!written.ok()) {
      std::cerr << "warden install --remove: " << written.message() << "\n";
      return kExitUsage;
    }
    backup = *saved;
  }
  if (a.json) {
    json::object o{{"agent", a.agent}, {"file", t.file}, {"removed", removed}};
    o["backup"] = backup.empty() ? json::value(nullptr) : json::value(backup);
    PrintJson(o);
  } else if (removed) {
    std::cout << "removed the Warden hook for " << a.agent << " from " << t.file << " (previous file saved as " << backup
              << ")\n";
  } else {
    std::cout << "no Warden hook for " << a.agent << " in " << t.file << "; nothing changed\n";
  }
  return 0;
}

// Whether Warden's hook entry (a group, or Cursor's hook) runs `warden hook … --sandbox`.
bool HasSandboxFlag(const json::value& entry) {
  const std::string text = json::serialize(entry);
  return text.find(" --sandbox\"") != std::string::npos || text.find(" --sandbox ") != std::string::npos;
}

int RunInstall(const InstallArgs& a) {
  if (a.sandbox && !a.remove) {
    auto agent = clients::ParseAgent(a.agent);
    if (agent && !clients::AgentCanConfine(*agent)) {
      std::cerr << "warden install --sandbox: " << clients::CannotConfine(*agent)
                << ".\nNothing was changed: install without --sandbox (the hook then decides but does not confine)\n";
      return kExitUsage;
    }
  }
  const std::string command = HookCommand(a.agent, a.sandbox);
  AgentHookTarget t = TargetFor(a.agent, command, a.project);
  if (a.remove) return RunRemove(a, t);
  if (a.print) {
    json::object hooks;
    for (auto& [event, entry] : t.entries) hooks[event] = json::array{entry};
    json::object root;
    if (t.versioned) root["version"] = 1;
    root["hooks"] = std::move(hooks);
    std::cout << JsonText(TargetFileJson(t, std::move(root))) << "\n";
    return 0;
  }
  const std::string& path = t.file;
  bool existed = false;
  auto settings = ReadTargetSettings(t, &existed);
  if (!settings.ok()) {
    std::cerr << "warden install: " << settings.status().message() << "\n";
    return kExitUsage;
  }
  json::object& root = *settings;
  if (t.versioned && !root.contains("version")) root["version"] = 1;
  json::value& hooks = root["hooks"];
  if (hooks.is_null()) hooks = json::object();
  if (!hooks.is_object()) {
    std::cerr << "warden install: \"hooks\" in " << path << " is not an object; nothing was changed\n";
    return kExitUsage;
  }
  bool changed = false;
  for (auto& [event, entry] : t.entries) {
    json::value& list = hooks.as_object()[event];
    if (list.is_null()) list = json::array();
    if (!list.is_array()) {
      std::cerr << "warden install: \"hooks." << event << "\" in " << path << " is not a list; nothing was changed\n";
      return kExitUsage;
    }
    json::array& groups = list.as_array();
    if (size_t at = WardenGroupIndex(groups, a.agent); at < groups.size()) {
      // Warden's own group, from an earlier install: brought up to date (Codex's matcher
      // once left MCP tools out), and to the --sandbox asked for now (on or off).
      if ((a.agent == "codex" || HasSandboxFlag(groups[at]) != a.sandbox) && groups[at] != json::value(entry)) {
        groups[at] = entry;
        changed = true;
      }
      continue;
    }
    groups.push_back(entry);
    changed = true;
  }
  std::string backup;
  if (changed) {
    struct stat st;
    mode_t mode = existed && ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0600;
    if (Status s = MakeDirs(DirOf(path)); !s.ok()) {
      std::cerr << "warden install: " << s.message() << "\n";
      return kExitUsage;
    }
    if (existed) {
      auto saved = Backup(path, mode);
      if (!saved.ok()) {
        std::cerr << "warden install: " << saved.status().message() << "\n";
        return kExitUsage;
      }
      backup = *saved;
    }
    if (Status s = WriteAtomically(path, JsonText(TargetFileJson(t, root)) + "\n", mode); !s.ok()) {
      std::cerr << "warden install: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  bool trusted_changed = false;
  std::string config;
  if (a.agent == "codex") {
    size_t group = WardenGroupIndex(hooks.as_object()["PreToolUse"].as_array(), a.agent);
    if (Status s = TrustCodexHook(path, group, command, &trusted_changed, &config); !s.ok()) {
      std::cerr << "warden install: the hook is in " << path << " but Codex will not run it until it is trusted: "
                << s.message() << "\n";
      return kExitUsage;
    }
  }
  if (a.json) {
    json::object o{{"agent", a.agent}, {"file", path}, {"changed", changed || trusted_changed}, {"command", command}};
    if (!config.empty()) o["trust_file"] = config;
    o["backup"] = backup.empty() ? json::value(nullptr) : json::value(backup);
    PrintJson(o);
  } else if (changed || trusted_changed) {
    std::cout << "installed the Warden hook for " << a.agent << " in " << path
              << (backup.empty() ? std::string() : " (previous file saved as " + backup + ")") << "\n";
    if (!config.empty()) std::cout << "trusted it for Codex in " << config << " (hooks.state and [features] hooks)\n";
  } else {
    std::cout << "the Warden hook for " << a.agent << " is already in " << path << "; nothing changed\n";
  }
  return 0;
}

}  // namespace

void RegisterInstall(CLI::App& app, Runner* run) {
  auto args = std::make_shared<InstallArgs>();
  CLI::App* cmd = app.add_subcommand("install", "Add Warden's hook to an agent's settings (claude, codex, gemini, cursor, qwen, copilot, droid)");
  cmd->add_option("agent", args->agent, "claude, codex, gemini, cursor, qwen, copilot or droid")
      ->required()
      ->check(CLI::IsMember({"claude", "codex", "gemini", "cursor", "qwen", "copilot", "droid"}));
  cmd->add_flag("--project", args->project, "The project's settings (./.claude/…) instead of your home's");
  cmd->add_flag("--print", args->print, "Only print the hook snippet; change nothing");
  cmd->add_flag("--remove", args->remove,
                "Take Warden's hook out of the agent's settings again (the user's hooks stay; a backup is made)");
  cmd->add_flag("--json", args->json, "Print what was done as one JSON object");
  cmd->add_flag("--sandbox", args->sandbox,
                "Install the hook with --sandbox: allowed shell commands run under `warden sandbox` (the "
                "kernel sandbox). Claude Code and Gemini CLI only (the others cannot rewrite a call: refused). "
                "Installing again without it turns it off");
  cmd->footer(R"(Files: ~/.claude/settings.json, ~/.codex/hooks.json ($CODEX_HOME/hooks.json when set),
~/.gemini/settings.json, ~/.cursor/hooks.json, ~/.qwen/settings.json, ~/.copilot/hooks/warden.json
($COPILOT_HOME; with --project: .github/hooks/warden.json), Droid's ~/.factory/hooks.json when it
exists, else ~/.factory/settings.json ($FACTORY_HOME_OVERRIDE/.factory when set) (with --project:
the same under the current directory). For Codex, which runs a hook only once it is trusted, the trust entry for Warden's
hook and `[features] hooks = true` are written into $CODEX_HOME/config.toml (~/.codex/config.toml)
too, and an earlier Warden group is brought up to date (matcher Bash|apply_patch|mcp__.*). Existing settings are kept; the hook is
added once (running it again changes nothing); the previous file is saved as
FILE.warden-backup-TIME first. See docs/HOOKS.md for what each agent's hook checks.

Examples:
  warden install claude
  warden install cursor --project
  warden install gemini --print
  warden install codex --remove
  warden install claude --sandbox    # allowed shell commands also run confined (warden sandbox)
  warden doctor                      # is each installed hook live?
)");
  cmd->callback([run, args] { *run = [args] { return RunInstall(*args); }; });
}

}  // namespace warden::cli
