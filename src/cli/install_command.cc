// `warden install claude|codex|gemini|cursor [--project] [--print]`: merges Warden's hook into
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

#include "cli/common.h"
#include "clients/codex_trust.h"
#include "core/json_text.h"
#include "core/path.h"
#include "server/paths.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct InstallArgs {
  std::string agent;
  bool project = false;
  bool print = false;
  bool json = false;
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

std::string SelfPath() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("warden");
}

std::string ShellQuote(const std::string& s) {
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Codex: every tool kind Warden decides (shell, patches, MCP tools), and the timeout the trust
// hash covers (clients/codex_trust.h).
constexpr const char* kCodexMatcher = "Bash|apply_patch|mcp__.*";
constexpr int kCodexTimeout = 30;

// Where each agent reads its hooks, and the entries Warden adds (event → entry).
struct Target {
  std::string file;  // relative to home or to the project
  std::vector<std::pair<std::string, json::object>> entries;
  bool cursor_version = false;  // Cursor's hooks.json has "version": 1
};

Target TargetFor(const std::string& agent, const std::string& command) {
  auto claude_style = [&](const char* matcher) {
    json::object hook{{"type", "command"}, {"command", command}};
    return json::object{{"matcher", matcher}, {"hooks", json::array{hook}}};
  };
  if (agent == "claude") return {".claude/settings.json", {{"PreToolUse", claude_style("*")}}, false};
  if (agent == "codex") {
    json::object entry = claude_style(kCodexMatcher);
    entry["hooks"].as_array()[0].as_object()["timeout"] = kCodexTimeout;
    return {".codex/hooks.json", {{"PreToolUse", std::move(entry)}}, false};
  }
  if (agent == "gemini") return {".gemini/settings.json", {{"BeforeTool", claude_style(".*")}}, false};
  json::object entry{{"command", command}, {"failClosed", true}};
  return {".cursor/hooks.json",
          {{"beforeShellExecution", entry}, {"beforeReadFile", entry}, {"beforeMCPExecution", entry}, {"preToolUse", entry}},
          true};
}

// Whether an event's list already holds a Warden hook for this agent (any path to warden).
bool HasWardenHook(const json::array& list, const std::string& agent) {
  const std::string needle = "hook " + agent;
  std::string text = JsonText(list);
  size_t at = 0;
  while ((at = text.find(needle, at)) != std::string::npos) {
    if (text.rfind("warden", at) != std::string::npos) return true;
    at += needle.size();
  }
  return false;
}

Result<json::object> ReadSettings(const std::string& path, bool* existed) {
  std::ifstream in(path);
  *existed = static_cast<bool>(in);
  if (!in) return json::object();
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::ParseError(path + " is not valid JSON (" + ec.message() + "); fix it first, nothing was changed");
  if (!v.is_object()) return Status::InvalidArgument(path + " does not hold a JSON object; nothing was changed");
  return std::move(v.as_object());
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

// Codex's own directory: $CODEX_HOME, else ~/.codex.
std::string CodexHome() {
  const char* env = std::getenv("CODEX_HOME");
  return env != nullptr && env[0] == '/' ? NormalizePath(env) : JoinPath(HomeDir(), ".codex");
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

// The position of Warden's group in an event's list (the agent's hook command in it).
size_t WardenGroupIndex(const json::array& list, const std::string& agent) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (HasWardenHook(json::array{list[i]}, agent)) return i;
  }
  return list.size();
}

int RunInstall(const InstallArgs& a) {
  // The daemon's socket as this environment names it: agents that run hooks with a cleaned
  // environment (Gemini CLI) would otherwise look elsewhere and decide without the daemon.
  const std::string command = ShellQuote(SelfPath()) + " hook " + a.agent + " --socket " + ShellQuote(server::DefaultSocketPath());
  Target t = TargetFor(a.agent, command);
  if (a.print) {
    json::object hooks;
    for (auto& [event, entry] : t.entries) hooks[event] = json::array{entry};
    json::object root;
    if (t.cursor_version) root["version"] = 1;
    root["hooks"] = std::move(hooks);
    std::cout << JsonText(root) << "\n";
    return 0;
  }
  std::string base = a.project ? CurrentDir() : HomeDir();
  std::string path = JoinPath(base, t.file);
  if (a.agent == "codex" && !a.project) path = JoinPath(CodexHome(), "hooks.json");
  bool existed = false;
  auto settings = ReadSettings(path, &existed);
  if (!settings.ok()) {
    std::cerr << "warden install: " << settings.status().message() << "\n";
    return kExitUsage;
  }
  json::object& root = *settings;
  if (t.cursor_version && !root.contains("version")) root["version"] = 1;
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
      // once left MCP tools out).
      if (a.agent == "codex" && groups[at] != json::value(entry)) {
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
    if (Status s = WriteAtomically(path, JsonText(root) + "\n", mode); !s.ok()) {
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
  CLI::App* cmd = app.add_subcommand("install", "Add Warden's hook to an agent's settings (claude, codex, gemini, cursor)");
  cmd->add_option("agent", args->agent, "claude, codex, gemini or cursor")
      ->required()
      ->check(CLI::IsMember({"claude", "codex", "gemini", "cursor"}));
  cmd->add_flag("--project", args->project, "The project's settings (./.claude/…) instead of your home's");
  cmd->add_flag("--print", args->print, "Only print the hook snippet; change nothing");
  cmd->add_flag("--json", args->json, "Print what was done as one JSON object");
  cmd->footer(R"(Files: ~/.claude/settings.json, ~/.codex/hooks.json ($CODEX_HOME/hooks.json when set),
~/.gemini/settings.json, ~/.cursor/hooks.json (with --project: the same under the current
directory). For Codex, which runs a hook only once it is trusted, the trust entry for Warden's
hook and `[features] hooks = true` are written into $CODEX_HOME/config.toml (~/.codex/config.toml)
too, and an earlier Warden group is brought up to date (matcher Bash|apply_patch|mcp__.*). Existing settings are kept; the hook is
added once (running it again changes nothing); the previous file is saved as
FILE.warden-backup-TIME first. See docs/HOOKS.md for what each agent's hook checks.

Examples:
  warden install claude
  warden install cursor --project
  warden install gemini --print
)");
  cmd->callback([run, args] { *run = [args] { return RunInstall(*args); }; });
}

}  // namespace warden::cli
