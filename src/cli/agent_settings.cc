#include "cli/agent_settings.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/common.h"
#include "core/file.h"
#include "core/json_text.h"
#include "core/path.h"
#include "local/paths.h"

namespace warden::cli {

namespace json = boost::json;

std::string WardenBinaryPath() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("warden");
}

namespace {

json::object ClaudeStyle(const char* matcher, const std::string& command) {
  json::object hook{{"type", "command"}, {"command", command}};
  return json::object{{"matcher", matcher}, {"hooks", json::array{hook}}};
}

}  // namespace

const std::vector<std::string>& HookAgents() {
  static const std::vector<std::string> kAgents = {"claude", "codex", "gemini", "cursor", "qwen", "copilot", "droid"};
  return kAgents;
}

std::string ShellQuote(const std::string& s) {
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string FirstWord(const std::string& command) {
  std::string out;
  bool quoted = false;
  for (char c : command) {
    if (c == '\'') {
      quoted = !quoted;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (!out.empty()) break;
    } else {
      out += c;
    }
  }
  return out;
}

std::string HookCommand(const std::string& agent, bool sandbox) {
  std::string command = ShellQuote(WardenBinaryPath()) + " hook " + agent + " --socket " + ShellQuote(local::DefaultSocketPath());
  if (agent == "codex" || agent == "gemini") command += " --wait " + std::to_string(kAskWaitS);
  if (sandbox) command += " --sandbox";
  return command;
}

std::string CodexHome() {
  const char* env = std::getenv("CODEX_HOME");
  return env != nullptr && env[0] == '/' ? NormalizePath(env) : JoinPath(HomeDir(), ".codex");
}

AgentHookTarget TargetFor(const std::string& agent, const std::string& command, bool project) {
  const std::string base = project ? CurrentDir() : HomeDir();
  if (agent == "claude") return {JoinPath(base, ".claude/settings.json"), {{"PreToolUse", ClaudeStyle("*", command)}}, false};
  if (agent == "codex") {
    json::object entry = ClaudeStyle(kCodexMatcher, command);
    entry["hooks"].as_array()[0].as_object()["timeout"] = kCodexTimeout;
    std::string file = project ? JoinPath(base, ".codex/hooks.json") : JoinPath(CodexHome(), "hooks.json");
    return {file, {{"PreToolUse", std::move(entry)}}, false};
  }
  if (agent == "gemini") return {JoinPath(base, ".gemini/settings.json"), {{"BeforeTool", ClaudeStyle(".*", command)}}, false};
  if (agent == "qwen") return {JoinPath(base, ".qwen/settings.json"), {{"PreToolUse", ClaudeStyle("*", command)}}, false};
  if (agent == "copilot") {
    // A timed-out hook lets the call run: the timeout is generous.
    json::object entry{{"type", "command"}, {"bash", command}, {"timeoutSec", 30}};
    const char* home = std::getenv("COPILOT_HOME");
    std::string dir = project ? JoinPath(base, ".github/hooks")
                              : (home != nullptr && home[0] == '/' ? JoinPath(home, "hooks") : JoinPath(HomeDir(), ".copilot/hooks"));
    return {JoinPath(dir, "warden.json"), {{"preToolUse", std::move(entry)}}, true};
  }
  if (agent == "droid") {
    // Droid reads .factory/hooks.json (the legacy hooks/hooks.json when only that exists) and
    // the "hooks" key of settings.json when there is no hooks.json: Warden's hook goes where
    // Droid will read it, and no hooks.json is created that would hide the user's settings.json
    // hooks. $FACTORY_HOME_OVERRIDE replaces the home Droid puts .factory in.
    const char* home = std::getenv("FACTORY_HOME_OVERRIDE");
    const std::string dir = JoinPath(project ? base : (home != nullptr && home[0] == '/' ? NormalizePath(home) : HomeDir()),
                                     ".factory");
    for (const char* name : {"hooks.json", "hooks/hooks.json"}) {
      std::string file = JoinPath(dir, name);
      if (::access(file.c_str(), F_OK) == 0) return {file, {{"PreToolUse", ClaudeStyle("*", command)}}, false, true};
    }
    return {JoinPath(dir, "settings.json"), {{"PreToolUse", ClaudeStyle("*", command)}}, false};
  }
  json::object entry{{"command", command}, {"failClosed", true}};
  return {JoinPath(base, ".cursor/hooks.json"),
          {{"beforeShellExecution", entry}, {"beforeReadFile", entry}, {"beforeMCPExecution", entry}, {"preToolUse", entry}},
          true};
}

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

size_t WardenGroupIndex(const json::array& list, const std::string& agent) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (HasWardenHook(json::array{list[i]}, agent)) return i;
  }
  return list.size();
}

Result<json::object> ReadTargetSettings(const AgentHookTarget& target, bool* existed) {
  auto settings = ReadSettings(target.file, existed);
  if (!settings.ok() || !target.events_at_top) return settings;
  return json::object{{"hooks", std::move(settings).value()}};
}

json::object TargetFileJson(const AgentHookTarget& target, json::object settings) {
  if (!target.events_at_top) return settings;
  json::value* hooks = settings.if_contains("hooks");
  return hooks != nullptr && hooks->is_object() ? std::move(hooks->as_object()) : json::object();
}

Result<json::object> ReadSettings(const std::string& path, bool* existed) {
  // An agent's settings file: a regular file of at most 16 MiB (a FIFO there is refused, not waited on).
  auto read = ReadFileLimited(path, size_t{16} << 20);
  *existed = read.ok() || read.status().code() != Status::Code::kNotFound;
  if (!*existed) return json::object();
  if (!read.ok()) return Status::IoError(read.status().message() + "; nothing was changed");
  std::string text = std::move(read).value();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::ParseError(path + " is not valid JSON (" + ec.message() + "); fix it first, nothing was changed");
  if (!v.is_object()) return Status::InvalidArgument(path + " does not hold a JSON object; nothing was changed");
  return std::move(v.as_object());
}

}  // namespace warden::cli
