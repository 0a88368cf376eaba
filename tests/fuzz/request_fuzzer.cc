// Request JSON parsing on arbitrary bytes; a request that parses is evaluated against the
// default policy (cwd, workspace and home filled in when the JSON left them out).
//
// Checks that nothing crashes or hangs, that a rejection carries a message, that the decision
// is one of allow/ask/deny, that outside the human context a command Warden could not
// analyze is never allowed, and that an http request's normalized target parses back to
// itself (what the daemon protocol relies on).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/request.h"

namespace warden::policy {
namespace {

std::shared_ptr<const Snapshot> DefaultPolicy() {
  static const auto snap = [] {
    std::vector<PolicyText> texts;
    if (!BuiltinProfile("default", &texts)) __builtin_trap();
    auto loaded = LoadPolicyTexts(texts);
    if (!loaded.ok()) __builtin_trap();
    return loaded.snapshot;
  }();
  return snap;
}

void FuzzRequest(std::string_view json) {
  RequestPresence present;
  auto parsed = ParseRequestJson(json, &present);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) __builtin_trap();
    return;
  }
  Request req = std::move(parsed).value();
  if (req.kind == RequestKind::kHttp) {
    const HttpTarget& t = req.http;
    auto again = t.has_host() ? ParseHttpUrl(t.url, "url") : ParseHttpPath(t.url, "path");
    if (!again.ok() || again->url != t.url || again->host != t.host || again->path != t.path) __builtin_trap();
  }
  if (req.cwd.empty()) req.cwd = "/home/u/p";
  if (req.workspace.empty()) req.workspace = req.cwd;
  if (req.home.empty()) req.home = "/home/u";

  EvalOptions eo;
  eo.resolve_symlinks = false;
  Outcome out = Evaluate(*DefaultPolicy(), req, eo);
  if (out.decision != Decision::kAllow && out.decision != Decision::kAsk && out.decision != Decision::kDeny) {
    __builtin_trap();
  }
  // The default policy lets only the human context through what Warden cannot analyze.
  if (req.context != Context::kHuman && out.decision == Decision::kAllow) {
    for (const auto& signal : out.facts.signals) {
      if (IsAnalysisProblem(signal.type)) __builtin_trap();
    }
  }
}

}  // namespace
}  // namespace warden::policy

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  warden::policy::FuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
