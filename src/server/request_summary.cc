#include "server/request_summary.h"

#include <algorithm>

#include "core/json_text.h"
#include "local/protocol.h"
#include "server/redact.h"

namespace warden::server {

namespace json = boost::json;

namespace {

constexpr size_t kMaxSummaryCommand = 4096;

// A JSON string of `s`, redacted; escapes as Boost.JSON's serializer does.
void AppendSummaryString(std::string* out, std::string_view s) {
  std::string redacted;
  if (MayHoldSecret(s)) {
    redacted = RedactSecrets(s);
    s = redacted;
  }
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendField(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
  AppendSummaryString(out, value);
}

}  // namespace

json::object RequestSummary(const policy::Request& req) {
  json::object o = local::RequestJson(req);
  if (auto* c = o.if_contains("command"); c && c->is_string() && c->as_string().size() > kMaxSummaryCommand) {
    *c = json::string(std::string_view(c->as_string()).substr(0, kMaxSummaryCommand));
    o["truncated"] = true;
  }
  // A tool call's arguments may carry a whole file (write_file): the audit keeps the start.
  if (auto* a = o.if_contains("arguments"); a && JsonText(*a).size() > kMaxSummaryCommand) {
    std::string text = JsonText(*a);
    size_t cut = kMaxSummaryCommand;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 sequences
    text.resize(cut);
    *a = json::object{{"json_start", json::string(text)}};
    o["truncated"] = true;
  }
  json::value v = std::move(o);
  RedactJson(v);
  return std::move(v.as_object());
}

std::string RequestSummaryJson(const policy::Request& req) {
  if (req.kind == policy::RequestKind::kMcp) return JsonText(RequestSummary(req));  // rare enough
  std::string out;
  out.reserve(128 + std::min(req.command.size(), kMaxSummaryCommand));
  out += "{\"kind\":";
  AppendSummaryString(&out, policy::KindName(req.kind));
  AppendField(&out, "context", policy::ContextName(req.context));
  bool truncated = false;
  switch (req.kind) {
    case policy::RequestKind::kExec:
      if (req.has_argv) {
        out += ",\"argv\":[";
        for (size_t i = 0; i < req.argv.size(); ++i) {
          if (i) out.push_back(',');
          AppendSummaryString(&out, req.argv[i]);
        }
        out.push_back(']');
      } else {
        truncated = req.command.size() > kMaxSummaryCommand;
        AppendField(&out, "command", std::string_view(req.command).substr(0, kMaxSummaryCommand));
      }
      if (!req.sandbox.empty()) AppendField(&out, "sandbox", req.sandbox);
      break;
    case policy::RequestKind::kFile:
      AppendField(&out, "op", shell::FileOpName(req.op));
      AppendField(&out, "path", req.path);
      if (req.recursive) out += ",\"recursive\":true";
      break;
    case policy::RequestKind::kHttp:
      AppendField(&out, "method", req.http.method);
      AppendField(&out, req.http.has_host() ? "url" : "path", req.http.url);
      break;
    case policy::RequestKind::kAction:
      AppendField(&out, "subject", req.subject);
      AppendField(&out, "action", req.action);
      out += ",\"resource\":{\"type\":";
      AppendSummaryString(&out, req.resource_type);
      out += ",\"id\":";
      AppendSummaryString(&out, req.resource_id);
      out += "}}";
      return out;
    default:
      break;
  }
  if (!req.cwd.empty()) AppendField(&out, "cwd", req.cwd);
  if (!req.workspace.empty()) AppendField(&out, "workspace", req.workspace);
  if (!req.home.empty()) AppendField(&out, "home", req.home);
  if (truncated) out += ",\"truncated\":true";
  out.push_back('}');
  return out;
}

}  // namespace warden::server
