#include "clients/hook.h"

#include "clients/hook_payload.h"

namespace warden::clients {

namespace hi = hook_internal;

std::string_view AgentName(Agent agent) {
  switch (agent) {
    case Agent::kClaude:
      return "claude";
    case Agent::kCodex:
      return "codex";
    case Agent::kGemini:
      return "gemini";
    case Agent::kCursor:
      return "cursor";
    case Agent::kQwen:
      return "qwen";
    case Agent::kCopilot:
      return "copilot";
    case Agent::kDroid:
      return "droid";
  }
  return "?";
}

std::optional<Agent> ParseAgent(std::string_view name) {
  for (Agent a : {Agent::kClaude, Agent::kCodex, Agent::kGemini, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    if (AgentName(a) == name) return a;
  }
  return std::nullopt;
}

Result<HookCall> ParseHook(Agent agent, std::string_view stdin_json, const HookDefaults& defaults) {
  auto payload = hi::ParsePayload(stdin_json);
  if (!payload.ok()) return payload.status();
  Result<HookCall> call = Status::Internal("unknown agent");
  switch (agent) {
    case Agent::kClaude:
      call = hi::ParseClaude(*payload, defaults);
      break;
    case Agent::kCodex:
      call = hi::ParseCodex(*payload, defaults);
      break;
    case Agent::kGemini:
      call = hi::ParseGemini(*payload, defaults);
      break;
    case Agent::kCursor:
      call = hi::ParseCursor(*payload, defaults);
      break;
    case Agent::kQwen:
      call = hi::ParseQwen(*payload, defaults);
      break;
    case Agent::kCopilot:
      call = hi::ParseCopilot(*payload, defaults);
      break;
    case Agent::kDroid:
      call = hi::ParseDroid(*payload, defaults);
      break;
  }
  if (call.ok() && call->unsupported.empty() && call->requests.empty()) {
    return Status::Internal("the " + call->tool + " call produced nothing to decide");
  }
  return call;
}

HookVerdict DecideHook(const HookCall& call, const std::function<HookVerdict(const policy::Request&)>& decide) {
  if (call.requests.empty()) return HookVerdict{policy::Decision::kDeny, "nothing to decide", ""};
  HookVerdict strictest;
  bool first = true;
  for (const policy::Request& request : call.requests) {
    HookVerdict v = decide(request);
    // Among allows, one only the default gave stands for the call: the call is allowed by
    // rules only if every part is.
    const bool default_allow = !first && v.decision == policy::Decision::kAllow &&
                               strictest.decision == policy::Decision::kAllow && v.rule.empty();
    if (first || v.decision > strictest.decision || default_allow) strictest = std::move(v);
    first = false;
  }
  return strictest;
}

bool AgentCanConfine(Agent agent) { return agent == Agent::kClaude || agent == Agent::kGemini; }

std::string CannotConfine(Agent agent) {
  std::string why;
  switch (agent) {
    case Agent::kQwen:
      why = "Qwen Code's PreToolUse hook cannot rewrite a tool call (0.15.10 ignores updatedInput)";
      break;
    case Agent::kCopilot:
      why = "Copilot CLI's preToolUse hook cannot rewrite a tool call (it ignores updatedInput)";
      break;
    case Agent::kCodex:
      why = "Codex's rewrite of a hooked call (updatedInput with allow) has not been verified with Warden";
      break;
    case Agent::kCursor:
      why = "Cursor's hooks cannot rewrite a shell command as far as Warden has verified";
      break;
    case Agent::kDroid:
      why = "Factory Droid's rewrite of a hooked call has not been verified with Warden";
      break;
    case Agent::kClaude:
    case Agent::kGemini:
      return "";
  }
  return why;
}

std::string SandboxRefusal(Agent agent) {
  return "--sandbox: " + CannotConfine(agent) +
         ", so its commands would run unconfined; every call is blocked until --sandbox is taken out of the hook "
         "command (confine commands with SHELL=warden-shell or `warden exec --sandbox` instead; docs/HOOKS.md)";
}

namespace {

// Characters of a word the shell takes literally, outside quotes.
constexpr std::string_view kPlainWordChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%=";

bool IsPlainWord(std::string_view word) {
  return !word.empty() && word.find_first_not_of(kPlainWordChars) == std::string_view::npos;
}

std::string QuoteIfNeeded(std::string_view word) {
  if (IsPlainWord(word) && word.find('=') == std::string_view::npos) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Whether `s` is words the shell takes literally, separated by single spaces: each word a run
// of plain characters, single-quoted strings and \' — no expansion, operator, redirection or
// comment that would run anything outside the command they are arguments of.
bool IsLiteralWords(std::string_view s) {
  if (s.empty()) return false;
  bool in_word = false;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == ' ') {
      if (!in_word) return false;  // leading or double space
      in_word = false;
      ++i;
    } else if (c == '\'') {
      size_t close = s.find('\'', i + 1);
      if (close == std::string_view::npos) return false;
      in_word = true;
      i = close + 1;
    } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\'') {
      in_word = true;
      i += 2;
    } else if (kPlainWordChars.find(c) != std::string_view::npos) {
      in_word = true;
      ++i;
    } else {
      return false;
    }
  }
  return in_word;  // no trailing space
}

}  // namespace

namespace {

// `WARDEN sandbox FLAGS -- `
std::string SandboxPrefix(const SandboxRewrite& sandbox) {
  std::string out = QuoteIfNeeded(sandbox.warden) + " sandbox";
  for (const std::string& flag : sandbox.flags) out += " " + QuoteIfNeeded(flag);
  return out + " -- ";
}

}  // namespace

std::string ConfinedCommand(const SandboxRewrite& sandbox, std::string_view command) {
  return SandboxPrefix(sandbox) + "bash -c " + QuoteIfNeeded(command);
}

bool IsConfinedCommand(const SandboxRewrite& sandbox, std::string_view command) {
  std::vector<std::string> prefixes = {SandboxPrefix(sandbox)};
  if (sandbox.flags.empty()) prefixes.push_back(QuoteIfNeeded(sandbox.warden) + " exec --sandbox -- ");
  for (const std::string& prefix : prefixes) {
    if (command.starts_with(prefix) && IsLiteralWords(command.substr(prefix.size()))) return true;
  }
  return false;
}

namespace {

// An allowed shell call of an agent that can rewrite it, answered with its command confined:
// every field of its tool_input as sent, `command` wrapped (unless it already is). `allow`: a
// rule allowed it (or --answer-default-allow), so the agent's allow goes with the rewrite.
HookAnswer RenderConfined(Agent agent, const HookCall& call, const SandboxRewrite& sandbox, const std::string& message,
                          bool allow) {
  if (sandbox.warden.empty() || sandbox.warden.front() != '/') {
    return RenderHookError(agent, "--sandbox: the path of the warden binary is not known");
  }
  boost::system::error_code ec;
  boost::json::value input = boost::json::parse(call.shell_input, ec);
  if (ec || !input.is_object()) return RenderHookError(agent, "internal error: the shell call's input cannot be read back");
  boost::json::value* command = input.as_object().if_contains("command");
  if (command == nullptr || !command->is_string()) return RenderHookError(agent, "tool_input.command is missing");
  const std::string text(command->get_string());
  if (text.find('\0') != std::string::npos) {
    // No argument of an exec can carry a NUL: bash -c would run less than was decided.
    return RenderHookError(agent, "--sandbox: tool_input.command contains a NUL byte, so it cannot be passed to "
                                  "`warden sandbox` as it is; not run");
  }
  if (!IsConfinedCommand(sandbox, text)) *command = ConfinedCommand(sandbox, text);
  if (agent == Agent::kGemini) return hi::RenderGeminiRewrite(input.as_object(), allow);
  return hi::RenderClaudeRewrite(input.as_object(), allow, message);
}

}  // namespace

HookAnswer RenderHook(Agent agent, const HookCall& call, policy::Decision decision, std::string_view reason,
                      std::string_view rule, DefaultAllow default_allow, const SandboxRewrite* sandbox) {
  if (sandbox != nullptr) {
    if (!AgentCanConfine(agent)) return RenderHookError(agent, SandboxRefusal(agent));
    if (call.unsupported.empty() && decision == policy::Decision::kAllow && !call.shell_input.empty()) {
      return RenderConfined(agent, call, *sandbox, hi::Explain(decision, reason, rule),
                            !rule.empty() || default_allow == DefaultAllow::kAllow);
    }
  }
  if (call.unsupported.empty() && decision == policy::Decision::kAllow && rule.empty() &&
      default_allow == DefaultAllow::kNoOpinion) {
    return RenderHook(agent, hi::Unsupported(HookCall(call), "no rule matched; the default allows"), decision, reason, rule);
  }
  std::string message = call.unsupported.empty() ? hi::Explain(decision, reason, rule) : std::string();
  switch (agent) {
    case Agent::kClaude:
    case Agent::kQwen:  // Claude Code's answers
    case Agent::kDroid:
      return hi::RenderClaude(call, decision, message);
    case Agent::kCodex:
      return hi::RenderCodex(call, decision, message);
    case Agent::kGemini:
      return hi::RenderGemini(call, decision, message);
    case Agent::kCursor:
      return hi::RenderCursor(call, decision, message);
    case Agent::kCopilot:
      return hi::RenderCopilot(call, decision, message);
  }
  return RenderHookError(Agent::kClaude, "unknown agent");
}

HookAnswer RenderHookError(Agent agent, std::string_view message) {
  std::string sentence = hi::ExplainError(message);
  switch (agent) {
    case Agent::kClaude:
    case Agent::kQwen:
    case Agent::kDroid:
      return hi::RenderClaudeError(sentence);
    case Agent::kCodex:
      return hi::RenderCodexError(sentence);
    case Agent::kGemini:
      return hi::RenderGeminiError(sentence);
    case Agent::kCursor:
      return hi::RenderCursorError(sentence);
    case Agent::kCopilot:
      return hi::RenderCopilotError(sentence);
  }
  return HookAnswer{"", sentence + "\n", 2};
}

}  // namespace warden::clients
