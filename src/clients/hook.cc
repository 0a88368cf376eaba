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

HookAnswer RenderHook(Agent agent, const HookCall& call, policy::Decision decision, std::string_view reason,
                      std::string_view rule, DefaultAllow default_allow) {
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
