// `warden hook AGENT`: the command a coding agent runs before each tool call. It reads the
// agent's hook JSON on stdin, decides the call against the policy and answers in the agent's
// own format (src/clients/hook.h; docs/HOOKS.md).
//
// Whatever goes wrong — a payload that is too big or malformed, a bad flag value, a policy
// with errors, an exception — the answer is the agent's block answer with the reason, never
// an exit code the agent would read as "go ahead". Only a mistyped subcommand or an unknown
// flag, which CLI11 rejects before this file runs, exits 64 (test the hook command once).
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/agent_settings.h"
#include "cli/common.h"
#include "cli/decide_client.h"
#include "clients/hook.h"
#include "core/path.h"
#include "core/strings.h"

namespace warden::cli {
namespace {

using clients::Agent;
using clients::HookAnswer;

struct HookArgs {
  std::string agent;
  std::string context;
  PolicyFlags policy;
  DaemonFlags daemon;
  bool no_daemon = false;
  bool answer_default_allow = false;
  bool sandbox = false;  // rewrite allowed shell commands to run under `warden sandbox`
  std::string wait;  // seconds to wait for a person on ask (checked by the command itself)
};

// The longest --wait: the daemon's own cap on a pending approval (local::kMaxWaitMs).
constexpr int kMaxWaitS = 600;

// Exit code for an agent Warden does not know: 2 blocks in every supported agent.
constexpr int kExitBlock = 2;

// Reads all of standard input, refusing more than `cap` bytes.
Result<std::string> ReadStdin(size_t cap) {
  std::string data;
  char buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, stdin);
    if (n > 0) {
      if (data.size() + n > cap) {
        return Status::TooLarge("the hook payload is larger than " + std::to_string(cap) + " bytes");
      }
      data.append(buf, n);
    }
    if (n < sizeof buf) break;
  }
  if (std::ferror(stdin)) return Status::IoError("could not read the hook payload from standard input");
  return data;
}

[[noreturn]] void Answer(const HookAnswer& answer) {
  std::cout << answer.stdout_text;
  std::cerr << answer.stderr_text;
  ExitNow(answer.exit_code);
}

// --wait's value: whole seconds, 0 to kMaxWaitS.
Result<int> WaitSeconds(const std::string& text) {
  if (text.empty()) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > kMaxWaitS) return Status::InvalidArgument("--wait must be 0 to 600 seconds");
    value = value * 10 + (c - '0');
  }
  if (value > kMaxWaitS) return Status::InvalidArgument("--wait must be 0 to 600 seconds");
  return value;
}

[[noreturn]] void Decide(Agent agent, const HookArgs& a, const clients::HookCall& call, int wait_s) {
  // --sandbox: the rewritten command runs this binary's `sandbox` with the hook's own policy
  // choice (policy files made absolute: the command may run in another directory).
  clients::SandboxRewrite rewrite;
  const clients::SandboxRewrite* sandbox = nullptr;
  if (a.sandbox) {
    rewrite.warden = WardenBinaryPath();
    if (!a.context.empty()) rewrite.flags.insert(rewrite.flags.end(), {"--context", a.context});
    for (const std::string& file : a.policy.files) {
      rewrite.flags.insert(rewrite.flags.end(), {"--policy", ResolvePath(file, CurrentDir(), HomeDir())});
    }
    if (!a.policy.profile.empty()) rewrite.flags.insert(rewrite.flags.end(), {"--profile", a.policy.profile});
    if (a.policy.isolated) rewrite.flags.push_back("--isolated");
    sandbox = &rewrite;
  }
  if (!call.unsupported.empty()) Answer(clients::RenderHook(agent, call, policy::Decision::kAllow, "", "", clients::DefaultAllow::kNoOpinion, sandbox));
  // Through the daemon when it runs, else in-process from the same files (cli/decide_client.h).
  // With --wait, an ask becomes the daemon's approval flow — but only while someone watches the
  // daemon's events and can answer it; with nobody watching it stays the agent's ask at once.
  DecideOptions options;
  options.daemon = a.daemon;
  options.policy = a.policy;
  options.no_daemon = a.no_daemon;
  options.wait_ms = wait_s * 1000;
  options.if_watched = true;
  std::string failure;  // the first request nothing could be decided for blocks the call
  clients::HookVerdict verdict = clients::DecideHook(call, [&](const policy::Request& request) {
    Verdict v = DecideRequest(options, request);
    if (!v.decided) {
      if (failure.empty()) failure = v.error;
      return clients::HookVerdict{policy::Decision::kDeny, v.error, ""};
    }
    return clients::HookVerdict{v.decision, std::move(v.reason), std::move(v.rule)};
  });
  if (!failure.empty()) Answer(clients::RenderHookError(agent, failure));
  Answer(clients::RenderHook(agent, call, verdict.decision, verdict.reason, verdict.rule,
                             a.answer_default_allow ? clients::DefaultAllow::kAllow : clients::DefaultAllow::kNoOpinion,
                             sandbox));
}

[[noreturn]] void RunHook(Agent agent, const HookArgs& a) {
  // Confinement asked for where the agent cannot rewrite a call: every call is blocked, with
  // why, rather than run unconfined by a user who believes it is confined.
  if (a.sandbox && !clients::AgentCanConfine(agent)) Answer(clients::RenderHookError(agent, clients::SandboxRefusal(agent)));
  clients::HookDefaults defaults;
  if (!a.context.empty()) {
    auto context = policy::ParseContext(a.context);
    if (!context) Answer(clients::RenderHookError(agent, "--context must be ai, human or service"));
    defaults.context = *context;
  }
  auto wait_s = WaitSeconds(a.wait);
  if (!wait_s.ok()) Answer(clients::RenderHookError(agent, wait_s.status().message()));
  auto input = ReadStdin(clients::kMaxHookInputBytes);
  if (!input.ok()) Answer(clients::RenderHookError(agent, input.status().message()));
  defaults.cwd = CurrentDir();
  defaults.home = HomeDir();
  defaults.find_workspace = FindWorkspace;
  auto call = clients::ParseHook(agent, *input, defaults);
  if (!call.ok()) Answer(clients::RenderHookError(agent, call.status().message()));
  Decide(agent, a, *call, *wait_s);
}

int StartHook(const HookArgs& a) {
  auto agent = clients::ParseAgent(a.agent);
  if (!agent) {
    std::cerr << "warden: unknown agent '" << Printable(a.agent, 40)
              << "' (claude, codex, gemini, cursor, qwen, copilot or droid); blocking the call\n";
    ExitNow(kExitBlock);
  }
  try {
    RunHook(*agent, a);
  } catch (const std::exception& e) {
    Answer(clients::RenderHookError(*agent, std::string("internal error: ") + e.what()));
  } catch (...) {
    Answer(clients::RenderHookError(*agent, "internal error"));
  }
}

constexpr const char* kHookHelp =
    R"(Reads the agent's hook JSON on stdin and answers in the agent's format: allow, ask or deny
for shell commands, file reads/writes, Claude Code's URL fetches (WebFetch) and MCP tool calls
(mcp__SERVER__TOOL: the policy's mcp rules, and its file and command rules for the arguments
mcp_tools declares); web searches, to-dos and plans get the agent's "no opinion" answer, a tool
of the agent Warden does not know is an mcp call from AGENT:builtin (the default profile asks).
When no rule matched and only the default allows, the answer is "no opinion" too, so the agent's
own permission prompt still happens (--answer-default-allow answers allow instead).
With --sandbox (Claude Code, Gemini CLI), an allowed shell command is answered with the agent's
input rewrite instead: it runs as `WARDEN sandbox -- bash -c 'COMMAND'`, confined by the kernel.
A malformed payload, a policy with errors or any failure blocks the call with the reason. Details and limits: docs/HOOKS.md.

Install (merge into the agent's settings file):
  Claude Code  ~/.claude/settings.json (or .claude/settings.json)
    {"hooks": {"PreToolUse": [{"matcher": "*",
      "hooks": [{"type": "command", "command": "warden hook claude"}]}]}}
  Codex CLI    ~/.codex/hooks.json, and trusted in ~/.codex/config.toml (use `warden install codex`)
    {"hooks": {"PreToolUse": [{"matcher": "Bash|apply_patch|mcp__.*",
      "hooks": [{"type": "command", "command": "warden hook codex", "timeout": 30}]}]}}
  Gemini CLI   ~/.gemini/settings.json (or .gemini/settings.json)
    {"hooks": {"BeforeTool": [{"matcher": ".*",
      "hooks": [{"type": "command", "command": "warden hook gemini"}]}]}}
  Qwen Code    ~/.qwen/settings.json (or .qwen/settings.json)
    {"hooks": {"PreToolUse": [{"matcher": "*",
      "hooks": [{"type": "command", "command": "warden hook qwen"}]}]}}
  Copilot CLI  ~/.copilot/hooks/warden.json (or .github/hooks/warden.json)
    {"version": 1, "hooks": {"preToolUse": [{"type": "command", "bash": "warden hook copilot", "timeoutSec": 30}]}}
  Droid        ~/.factory/hooks.json (or .factory/hooks.json; without one, the "hooks" key of settings.json)
    {"PreToolUse": [{"matcher": "*",
      "hooks": [{"type": "command", "command": "warden hook droid"}]}]}
  Cursor       ~/.cursor/hooks.json (or .cursor/hooks.json)
    {"version": 1, "hooks": {
      "beforeShellExecution": [{"command": "warden hook cursor", "failClosed": true}],
      "beforeReadFile": [{"command": "warden hook cursor", "failClosed": true}],
      "beforeMCPExecution": [{"command": "warden hook cursor", "failClosed": true}],
      "preToolUse": [{"command": "warden hook cursor", "failClosed": true}]}}

Examples:
  echo '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf /"},"cwd":"/tmp"}' \
    | warden hook claude
  echo '{"hook_event_name":"beforeShellExecution","command":"git status","cwd":"/tmp"}' | warden hook cursor
  warden hook gemini --profile strict < payload.json
  warden hook codex --policy team.yaml < payload.json

Exit codes: the agent's own: 0 with the answer on stdout; 2 when the call is blocked because of an
error (the reason on stderr and, as the agent's deny answer, on stdout).)";

}  // namespace

void RegisterHook(CLI::App& app, Runner* run) {
  auto args = std::make_shared<HookArgs>();
  CLI::App* cmd =
      app.add_subcommand("hook", "Answer a coding agent's pre-tool hook (Claude Code, Codex, Gemini, Cursor, Qwen Code, Copilot CLI, Factory Droid)");
  cmd->add_option("agent", args->agent, "claude, codex, gemini, cursor, qwen, copilot or droid")->required()->type_name("AGENT");
  // Values are checked by the command itself, so that a wrong one blocks the call in the
  // agent's format instead of exiting with a code the agent would ignore.
  cmd->add_option("--context", args->context, "Who is acting: ai (default), human or service")->type_name("CTX");
  cmd->add_option("--policy", args->policy.files, "Add a policy file as the last layer (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_option("--profile", args->policy.profile, "Built-in profile: default, strict or none")
      ->type_name("NAME")
      ->envname("WARDEN_PROFILE");
  cmd->add_flag(
      "--isolated", args->policy.isolated,
      "Ignore ~/.config/warden/policy.yaml and .warden/policy.yaml (use only the built-in profile and --policy)");
  AddDaemonFlags(cmd, &args->daemon);
  cmd->add_flag("--no-daemon", args->no_daemon, "Decide in-process even if the daemon runs");
  cmd->add_flag("--answer-default-allow", args->answer_default_allow,
                "Answer an explicit allow also when no rule matched and only the context's default allows "
                "(in Claude Code this skips Claude's own permission prompt); without it such calls get the "
                "agent's no-opinion answer");
  cmd->add_flag("--sandbox", args->sandbox,
                "Rewrite each allowed shell command (a rule's allow or the default's) to run under "
                "`warden sandbox -- bash -c '…'`, the policy's kernel sandbox (Claude Code, Gemini CLI; "
                "other agents cannot rewrite a call, and --sandbox blocks their every call)");
  cmd->add_option("--wait", args->wait,
                  "On ask, wait up to this many seconds (0-600) for a person to approve it through the daemon "
                  "(warden monitor, warden approve) — only while someone watches the daemon; keep it below the "
                  "agent's hook timeout. Without it, or with nobody watching, the ask is answered at once "
                  "(Codex and Gemini: as a deny)")
      ->type_name("SECONDS");
  cmd->footer(kHookHelp);
  cmd->callback([run, args] { *run = [args] { return StartHook(*args); }; });
}

}  // namespace warden::cli
