#include "policy/decision.h"

namespace warden::policy {

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow: return "allow";
    case Decision::kAsk: return "ask";
    case Decision::kDeny: return "deny";
  }
  return "?";
}

std::string_view ContextName(Context c) {
  switch (c) {
    case Context::kAi: return "ai";
    case Context::kHuman: return "human";
    case Context::kService: return "service";
  }
  return "?";
}

std::string_view KindName(RequestKind k) {
  switch (k) {
    case RequestKind::kExec: return "exec";
    case RequestKind::kFile: return "file";
    case RequestKind::kAction: return "action";
    case RequestKind::kMcp: return "mcp";
    case RequestKind::kHttp: return "http";
  }
  return "?";
}

std::optional<Decision> ParseDecision(std::string_view s) {
  if (s == "allow") return Decision::kAllow;
  if (s == "ask") return Decision::kAsk;
  if (s == "deny") return Decision::kDeny;
  return std::nullopt;
}

std::optional<Context> ParseContext(std::string_view s) {
  if (s == "ai") return Context::kAi;
  if (s == "human") return Context::kHuman;
  if (s == "service") return Context::kService;
  return std::nullopt;
}

std::optional<RequestKind> ParseKind(std::string_view s) {
  if (s == "exec") return RequestKind::kExec;
  if (s == "file") return RequestKind::kFile;
  if (s == "action") return RequestKind::kAction;
  if (s == "mcp") return RequestKind::kMcp;
  if (s == "http") return RequestKind::kHttp;
  return std::nullopt;
}

}  // namespace warden::policy
