// `warden doctor [--json] [--project]`: for each coding agent found on this machine, is Warden's
// hook installed and live — in the file the agent reads (cli/agent_settings.h), under a matcher
// that covers every tool kind, trusted (Codex), fail-closed (Cursor), pointing at a binary that
// exists, able to reach the daemon — and is the daemon up with its policy loaded. Says what is
// missing and the command that fixes it. Reads files and connects to the socket; changes
// nothing.
#include <unistd.h>

#include <iostream>

#include "cli/agent_settings.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "clients/codex_trust.h"
#include "core/file.h"
#include "core/json_text.h"
#include "core/path.h"
#include "core/strings.h"
#include "local/client.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct DoctorArgs {
  bool json = false;
  bool project = false;
  DaemonFlags daemon;
};

struct AgentReport {
  std::string agent;
  bool found = false;      // the agent's settings directory or program is here
  bool installed = false;  // Warden's hook is in its settings
  std::string file;
  std::string socket;      // where the installed hook looks for the daemon
  std::vector<std::string> problems;
  bool live() const { return installed && problems.empty(); }
};

// Whether PROGRAM is on $PATH.
bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  for (std::string_view dir : Split(path ? path : "", ':')) {
    if (!dir.empty() && ::access(JoinPath(dir, program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

bool Found(const std::string& agent, const std::string& settings_file) {
  static const std::vector<std::pair<std::string, std::string>> kPrograms = {
      {"claude", "claude"}, {"codex", "codex"}, {"gemini", "gemini"}, {"cursor", "cursor-agent"}, {"qwen", "qwen"},
      {"copilot", "copilot"}, {"droid", "droid"}};
  for (const auto& [name, program] : kPrograms) {
    if (name == agent && OnPath(program)) return true;
  }
  const std::string dir = settings_file.substr(0, settings_file.rfind('/'));
  return ::access(dir.c_str(), F_OK) == 0;
}

// The --socket of a hook command ("" when it names none).
std::string SocketOf(const std::string& command) {
  const std::string flag = " --socket ";
  size_t at = command.find(flag);
  if (at == std::string::npos) return {};
  return FirstWord(command.substr(at + flag.size()));
}

// The file's text, or "" when it cannot be read as a regular file (a FIFO is never waited on).
std::string ReadText(const std::string& path) {
  auto read = ReadFileLimited(path, size_t{16} << 20);
  return read.ok() ? std::move(read).value() : std::string();
}

// Codex runs the hook only with a trust entry whose hash is that of the group as installed.
void CheckCodexTrust(const json::object& group, size_t index, AgentReport* r) {
  const std::string config = JoinPath(CodexHome(), "config.toml");
  const json::object& hook = group.at("hooks").as_array()[0].as_object();
  clients::CodexHookGroup g;
  g.matcher = group.contains("matcher") && group.at("matcher").is_string() ? std::string(group.at("matcher").as_string()) : "";
  g.command = std::string(hook.at("command").as_string());
  g.timeout_seconds = hook.contains("timeout") && hook.at("timeout").is_int64() ? static_cast<int>(hook.at("timeout").as_int64()) : 600;
  const std::string text = ReadText(config);
  const std::string want = clients::WithCodexTrust(text, clients::CodexTrustKey(r->file, index, 0), clients::CodexTrustedHash(g));
  if (want != text) r->problems.push_back("Codex does not trust the hook (no matching trusted_hash in " + config + "): it skips it silently");
  if (clients::WithCodexHooksFeature(text) != text) r->problems.push_back("[features] hooks = true is missing in " + config);
}

// The group Warden installed for `event`: its matcher, its command, fail-closed for Cursor.
void CheckEvent(const json::object& hooks, const std::string& event, const json::object& expected, AgentReport* r) {
  const json::value* list = hooks.if_contains(event);
  size_t at = list && list->is_array() ? WardenGroupIndex(list->as_array(), r->agent) : 0;
  if (list == nullptr || !list->is_array() || at >= list->as_array().size()) {
    r->problems.push_back("no Warden hook for the " + event + " event");
    return;
  }
  r->installed = true;
  const json::value& group = list->as_array()[at];
  if (!group.is_object()) return r->problems.push_back(event + ": the hook entry is not an object");
  const json::object& g = group.as_object();
  std::string command;
  if (const json::value* inner = g.if_contains("hooks"); inner && inner->is_array() && !inner->as_array().empty()) {
    const json::value* c = inner->as_array()[0].is_object() ? inner->as_array()[0].as_object().if_contains("command") : nullptr;
    if (c && c->is_string()) command = std::string(c->as_string());
    const json::value* want = expected.if_contains("matcher");
    const json::value* have = g.if_contains("matcher");
    if (want && (!have || *have != *want)) {
      r->problems.push_back(event + ": matcher " + (have ? JsonText(*have) : std::string("(none)")) + " instead of " +
                            JsonText(*want) + ": some tools are not decided");
    }
    if (r->agent == "codex") CheckCodexTrust(g, at, r);
  } else {
    for (const char* key : {"command", "bash"}) {  // Cursor's entries name it command, Copilot's bash
      if (const json::value* c = g.if_contains(key); c && c->is_string()) command = std::string(c->as_string());
    }
    const json::value* closed = g.if_contains("failClosed");
    if (r->agent == "cursor" && (!closed || !closed->is_bool() || !closed->as_bool())) {
      r->problems.push_back(event + ": failClosed is not set, so a hook that cannot run lets the call through");
    }
  }
  const std::string binary = FirstWord(command);
  if (binary.empty() || binary.front() != '/' || ::access(binary.c_str(), X_OK) != 0) {
    r->problems.push_back(event + ": the hook runs '" + binary + "', which is not an executable file");
  }
  if (r->socket.empty()) r->socket = SocketOf(command);
}

AgentReport CheckAgent(const std::string& agent, bool project) {
  AgentReport r;
  r.agent = agent;
  AgentHookTarget t = TargetFor(agent, HookCommand(agent), project);
  r.file = t.file;
  r.found = Found(agent, t.file);
  bool existed = false;
  auto settings = ReadTargetSettings(t, &existed);
  if (!settings.ok()) {
    r.problems.push_back(settings.status().message());
    return r;
  }
  const json::value* hooks = settings->if_contains("hooks");
  if (!existed || hooks == nullptr || !hooks->is_object()) {
    r.problems.push_back("no hooks in " + t.file);
    return r;
  }
  for (const auto& [event, entry] : t.entries) CheckEvent(hooks->as_object(), event, entry, &r);
  return r;
}

// The daemon as a hook would reach it: running, policy revision and load errors.
json::object DaemonState(const std::string& socket) {
  json::object d{{"socket", socket}, {"running", false}};
  auto c = local::Client::Connect(socket);
  if (!c.ok()) {
    d["error"] = c.status().message();
    return d;
  }
  auto reply = c->Call(json::object{{"op", "status"}});
  if (!reply.ok() || !(*reply)["ok"].is_bool() || !(*reply)["ok"].as_bool()) {
    d["error"] = reply.ok() ? JsonText(*reply) : reply.status().message();
    return d;
  }
  d["running"] = true;
  if (const json::value* p = reply->if_contains("policy")) d["policy"] = *p;
  return d;
}

json::object ReportJson(const AgentReport& r, const json::object& daemon) {
  json::array problems;
  for (const auto& p : r.problems) problems.emplace_back(p);
  json::object o{{"agent", r.agent},         {"found", r.found},       {"installed", r.installed},
                 {"live", r.live()},         {"file", r.file},         {"problems", std::move(problems)},
                 {"daemon", daemon}};
  o["fix"] = r.live() ? json::value(nullptr) : json::value("warden install " + r.agent);
  return o;
}

void PrintText(const AgentReport& r, const json::object& daemon) {
  if (!r.found && !r.installed) {
    std::cout << r.agent << ": not found here\n";
    return;
  }
  if (r.live()) {
    std::cout << r.agent << ": live — " << r.file << "; daemon on " << JsonText(daemon.at("socket"))
              << (daemon.at("running").as_bool() ? " answers" : " not running: decisions are made in-process") << "\n";
    return;
  }
  std::cout << r.agent << ": NOT LIVE (" << r.file << ")\n";
  for (const auto& p : r.problems) std::cout << "  - " << p << "\n";
  std::cout << "  fix: warden install " << r.agent << "\n";
}

int RunDoctor(const DoctorArgs& a) {
  json::array agents;
  bool all_live = true;
  for (const std::string& agent : HookAgents()) {
    AgentReport r = CheckAgent(agent, a.project);
    const std::string socket = r.socket.empty() ? a.daemon.Socket() : r.socket;
    json::object daemon = DaemonState(socket);
    if ((r.found || r.installed) && !r.live()) all_live = false;
    if (a.json) {
      agents.push_back(ReportJson(r, daemon));
    } else {
      PrintText(r, daemon);
    }
  }
  json::object daemon = DaemonState(a.daemon.Socket());
  if (a.json) {
    PrintJson(json::object{{"agents", std::move(agents)}, {"daemon", std::move(daemon)}, {"ok", all_live}});
  } else if (!daemon.at("running").as_bool()) {
    std::cout << "daemon: not running on " << JsonText(daemon.at("socket"))
              << " (hooks decide in-process, without the audit log and approvals; start it with 'warden serve')\n";
  } else {
    std::cout << "daemon: running on " << JsonText(daemon.at("socket")) << "\n";
  }
  return all_live ? 0 : 1;
}

}  // namespace

void RegisterDoctor(CLI::App& app, Runner* run) {
  auto args = std::make_shared<DoctorArgs>();
  CLI::App* cmd = app.add_subcommand("doctor", "Check that each agent's Warden hook is installed and live");
  cmd->add_flag("--json", args->json, "One JSON object: agents[] (found, installed, live, problems, fix) and the daemon");
  cmd->add_flag("--project", args->project, "Check the project's settings (./.claude/…) instead of your home's");
  AddDaemonFlags(cmd, &args->daemon);
  cmd->footer(R"(For Claude Code, Codex CLI, Gemini CLI, Cursor, Qwen Code, GitHub Copilot CLI and Factory Droid: an agent counts as found when
its program is on PATH or its settings directory exists. Live means: Warden's hook is in the
file the agent reads, under a matcher that covers every tool kind, trusted (Codex: the
trusted_hash in config.toml matches the hook as installed), fail-closed (Cursor), and runs a
binary that exists. Each problem comes with the command that fixes it.

Exit status: 0 when every agent found is live, 1 otherwise.

Examples:
  warden doctor
  warden doctor --json | jq '.agents[] | select(.live | not)'
)");
  cmd->callback([run, args] { *run = [args] { return RunDoctor(*args); }; });
}

}  // namespace warden::cli
