// Agent hook payloads on arbitrary bytes, parsed as each of the four agents would send them;
// what parses is decided against the default policy and rendered.
//
// Checks that nothing crashes or hangs, that a rejection carries a message and renders as a
// block (exit 2, a JSON deny on stdout), that a parsed call either has requests with absolute
// places or says why it is not decided, and that every answer's stdout is empty or one JSON
// object on one line.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "clients/hook.h"
#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden::clients {
namespace {

std::shared_ptr<const policy::Snapshot> DefaultPolicy() {
  static const auto snap = [] {
    std::vector<policy::PolicyText> texts;
    if (!policy::BuiltinProfile("default", &texts)) __builtin_trap();
    auto loaded = policy::LoadPolicyTexts(texts);
    if (!loaded.ok()) __builtin_trap();
    return loaded.snapshot;
  }();
  return snap;
}

void CheckStdout(const HookAnswer& answer) {
  const std::string& out = answer.stdout_text;
  if (out.empty()) return;
  if (out.back() != '\n' || out.find('\n') != out.size() - 1) __builtin_trap();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(out, ec);
  if (ec || !v.is_object()) __builtin_trap();
}

HookVerdict Decide(const policy::Request& request) {
  if (request.cwd.empty() || request.cwd.front() != '/') __builtin_trap();
  if (request.kind == policy::RequestKind::kFile && (request.path.empty() || request.path.front() != '/')) {
    __builtin_trap();
  }
  if (request.kind == policy::RequestKind::kHttp && (!request.http.has_host() || request.http.url.empty())) {
    __builtin_trap();
  }
  policy::EvalOptions options;
  options.resolve_symlinks = false;
  policy::Outcome out = policy::Evaluate(*DefaultPolicy(), request, options);
  return HookVerdict{out.decision, out.reason, out.rule_id};
}

void FuzzHook(Agent agent, std::string_view payload) {
  HookDefaults defaults;
  defaults.cwd = "/home/u/p";
  defaults.home = "/home/u";
  auto call = ParseHook(agent, payload, defaults);
  if (!call.ok()) {
    if (call.status().message().empty()) __builtin_trap();
    HookAnswer answer = RenderHookError(agent, call.status().message());
    if (answer.exit_code != 2 || answer.stdout_text.find("deny") == std::string::npos) __builtin_trap();
    CheckStdout(answer);
    return;
  }
  if (call->unsupported.empty() == call->requests.empty()) __builtin_trap();
  if (!call->unsupported.empty()) {
    CheckStdout(RenderHook(agent, *call, policy::Decision::kAllow, "", ""));
    return;
  }
  HookVerdict verdict = DecideHook(*call, Decide);
  HookAnswer answer = RenderHook(agent, *call, verdict.decision, verdict.reason, verdict.rule);
  if (answer.exit_code != 0) __builtin_trap();
  CheckStdout(answer);
}

}  // namespace
}  // namespace warden::clients

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  using warden::clients::Agent;
  for (Agent agent : {Agent::kClaude, Agent::kCodex, Agent::kGemini, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    warden::clients::FuzzHook(agent, payload);
  }
  return 0;
}
