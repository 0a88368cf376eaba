#include "local/protocol.h"

#include <algorithm>

#include "core/json_text.h"

namespace warden::local {

namespace json = boost::json;

namespace {

bool Fail(ProtocolError* e, std::string_view code, std::string message) {
  e->code = code;
  e->message = std::move(message);
  return false;
}

bool ParseOp(std::string_view name, Op* op) {
  if (name == "decide") *op = Op::kDecide;
  else if (name == "status") *op = Op::kStatus;
  else if (name == "reload") *op = Op::kReload;
  else if (name == "subscribe") *op = Op::kSubscribe;
  else if (name == "approvals") *op = Op::kApprovals;
  else if (name == "approve") *op = Op::kApprove;
  else if (name == "deny") *op = Op::kDeny;
  else if (name == "record") *op = Op::kRecord;
  else return false;
  return true;
}

bool AllowedField(Op op, std::string_view key) {
  switch (op) {
    case Op::kDecide: return key == "request" || key == "wait_ms" || key == "if_watched";
    case Op::kApprove: return key == "approval" || key == "key" || key == "remember_s";
    case Op::kDeny: return key == "approval" || key == "key" || key == "reason";
    case Op::kRecord: return key == "event";
    default: return false;
  }
}

bool StringField(const json::object& o, std::string_view name, size_t max, bool required, std::string* out,
                 ProtocolError* error) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return !required || Fail(error, kErrBadMessage, "\"" + std::string(name) + "\" is missing");
  if (!v->is_string()) return Fail(error, kErrBadMessage, "\"" + std::string(name) + "\" must be a string");
  if (v->as_string().size() > max) {
    return Fail(error, kErrBadMessage, "\"" + std::string(name) + "\" is longer than " + std::to_string(max) + " bytes");
  }
  *out = std::string(v->as_string());
  return true;
}

bool ApprovalFields(const json::object& o, Message* out, ProtocolError* error) {
  if (!StringField(o, "approval", 64, true, &out->approval, error)) return false;
  if (!StringField(o, "key", 128, true, &out->key, error)) return false;
  if (!StringField(o, "reason", 1000, false, &out->reason, error)) return false;
  if (const json::value* r = o.if_contains("remember_s")) {
    if (!r->is_int64() && !r->is_uint64()) return Fail(error, kErrBadMessage, "\"remember_s\" must be an integer");
    std::error_code ec;
    out->remember_s = r->to_number<int64_t>(ec);
    if (ec || out->remember_s < 0 || out->remember_s > kMaxRememberS) {
      return Fail(error, kErrBadMessage, "\"remember_s\" must be between 0 and " + std::to_string(kMaxRememberS));
    }
  }
  return true;
}

// {"kind":"mcp","server":S,"tool":T,"type":TYPE,"decision":D,"detail":TEXT,"context":C}
// {"kind":"sandbox","command":TEXT,"sandbox":HASH,"cwd":DIR,"type":TYPE,"decision":D,…}
bool RecordFields(const json::object& o, Message* out, ProtocolError* error) {
  const json::value* e = o.if_contains("event");
  if (e == nullptr || !e->is_object()) return Fail(error, kErrBadMessage, "record needs \"event\" (an object)");
  const json::object& ev = e->as_object();
  for (const auto& [key, value] : ev) {
    (void)value;
    if (key != "kind" && key != "server" && key != "tool" && key != "type" && key != "decision" && key != "detail" &&
        key != "context" && key != "command" && key != "sandbox" && key != "cwd") {
      return Fail(error, kErrBadMessage, "unknown field \"event." + std::string(key.substr(0, 40)) + "\"");
    }
  }
  std::string kind, context = "ai";
  if (!StringField(ev, "kind", 16, true, &kind, error)) return false;
  if (kind == "sandbox") {  // warden sandbox: a program confined without a decision
    out->request.kind = policy::RequestKind::kExec;
    if (!StringField(ev, "command", policy::kMaxRequestJsonBytes, true, &out->request.command, error)) return false;
    if (!StringField(ev, "sandbox", 128, true, &out->request.sandbox, error)) return false;
    if (!StringField(ev, "cwd", policy::kMaxPathBytes, false, &out->request.cwd, error)) return false;
  } else if (kind == "mcp") {
    out->request.kind = policy::RequestKind::kMcp;
    if (!StringField(ev, "server", policy::kMaxNameBytes, true, &out->request.server, error)) return false;
    if (!StringField(ev, "tool", policy::kMaxNameBytes, false, &out->request.tool, error)) return false;
  } else {
    return Fail(error, kErrBadMessage, "\"event.kind\" must be mcp or sandbox");
  }
  if (!StringField(ev, "type", 40, true, &out->event_type, error)) return false;
  if (!StringField(ev, "decision", 8, true, &out->event_decision, error)) return false;
  if (!policy::ParseDecision(out->event_decision)) return Fail(error, kErrBadMessage, "\"event.decision\" must be allow, ask or deny");
  if (!StringField(ev, "detail", 2000, false, &out->reason, error)) return false;
  if (!StringField(ev, "context", 16, false, &context, error)) return false;
  auto ctx = policy::ParseContext(context);
  if (!ctx) return Fail(error, kErrBadMessage, "\"event.context\" must be ai, human or service");
  out->request.context = *ctx;
  return true;
}

}  // namespace

bool ParseMessage(std::string_view line, Message* out, ProtocolError* error) {
  if (line.size() > kMaxMessageBytes) {
    return Fail(error, kErrTooLarge, "message of " + std::to_string(line.size()) + " bytes; the limit is " +
                                         std::to_string(kMaxMessageBytes));
  }
  json::parse_options opts;
  opts.max_depth = 64;
  std::error_code ec;
  json::value v = json::parse(json::string_view(line.data(), line.size()), ec, {}, opts);
  if (ec) return Fail(error, kErrBadMessage, "not JSON: " + ec.message());
  if (!v.is_object()) return Fail(error, kErrBadMessage, "a message is a JSON object");
  json::object& o = v.as_object();
  if (const json::value* id = o.if_contains("id")) {
    if (id->is_object() || id->is_array()) return Fail(error, kErrBadMessage, "\"id\" must be a string, number or null");
    out->id = *id;
    error->id = *id;
  }
  const json::value* op = o.if_contains("op");
  if (op == nullptr || !op->is_string()) return Fail(error, kErrBadMessage, "\"op\" (a string) is missing");
  if (!ParseOp(std::string_view(op->as_string()), &out->op)) {
    return Fail(error, kErrBadMessage,
                "unknown op \"" + std::string(std::string_view(op->as_string()).substr(0, 40)) + "\": use decide, status, reload, subscribe, approvals, approve, deny or record");
  }
  for (const auto& [key, value] : o) {
    if (key == "op" || key == "id" || AllowedField(out->op, key)) continue;
    return Fail(error, kErrBadMessage, "unknown field \"" + std::string(key.substr(0, 40)) + "\"");
  }
  if (out->op == Op::kApprove || out->op == Op::kDeny) return ApprovalFields(o, out, error);
  if (out->op == Op::kRecord) return RecordFields(o, out, error);
  if (out->op != Op::kDecide) return true;
  if (const json::value* w = o.if_contains("wait_ms")) {
    if (!w->is_int64() && !w->is_uint64()) return Fail(error, kErrBadMessage, "\"wait_ms\" must be an integer");
    ec.clear();
    out->wait_ms = w->to_number<int64_t>(ec);
    if (ec || out->wait_ms < 0 || out->wait_ms > kMaxWaitMs) {
      return Fail(error, kErrBadMessage, "\"wait_ms\" must be between 0 and " + std::to_string(kMaxWaitMs));
    }
  }
  if (const json::value* w = o.if_contains("if_watched")) {
    if (!w->is_bool()) return Fail(error, kErrBadMessage, "\"if_watched\" must be true or false");
    out->if_watched = w->as_bool();
  }
  const json::value* req = o.if_contains("request");
  if (req == nullptr || !req->is_object()) return Fail(error, kErrBadRequest, "decide needs \"request\" (an object)");
  // The request goes through the one request parser every front end uses.
  Result<policy::Request> r = policy::ParseRequestJson(JsonText(*req), &out->present);
  if (!r.ok()) return Fail(error, kErrBadRequest, "request: " + r.status().message());
  out->request = std::move(r).value();
  return true;
}

json::object RequestJson(const policy::Request& req) {
  json::object o;
  o["kind"] = std::string(policy::KindName(req.kind));
  o["context"] = std::string(policy::ContextName(req.context));
  switch (req.kind) {
    case policy::RequestKind::kExec:
      if (req.has_argv) {
        json::array argv;
        for (const auto& a : req.argv) argv.emplace_back(a);
        o["argv"] = std::move(argv);
      } else {
        o["command"] = req.command;
      }
      if (!req.sandbox.empty()) o["sandbox"] = req.sandbox;
      break;
    case policy::RequestKind::kFile:
      o["op"] = std::string(shell::FileOpName(req.op));
      o["path"] = req.path;
      if (req.recursive) o["recursive"] = true;
      break;
    case policy::RequestKind::kHttp:  // the normalized target parses back to itself
      o["method"] = req.http.method;
      o[req.http.has_host() ? "url" : "path"] = req.http.url;
      break;
    case policy::RequestKind::kMcp:
      o["server"] = req.server;
      o["tool"] = req.tool;
      o["arguments"] = req.arguments;
      break;
    case policy::RequestKind::kAction: {
      o["subject"] = req.subject;
      o["action"] = req.action;
      json::object res;
      res["type"] = req.resource_type;
      res["id"] = req.resource_id;
      o["resource"] = std::move(res);
      return o;
    }
    default: break;
  }
  if (!req.cwd.empty()) o["cwd"] = req.cwd;
  if (!req.workspace.empty()) o["workspace"] = req.workspace;
  if (!req.home.empty()) o["home"] = req.home;
  return o;
}

std::string ErrorLine(const ProtocolError& e) {
  json::object o;
  if (!e.id.is_null()) o["id"] = e.id;
  o["ok"] = false;
  json::object err;
  err["code"] = std::string(e.code);
  err["message"] = e.message;
  o["error"] = std::move(err);
  std::string line = JsonText(o);
  line += '\n';
  return line;
}

std::string ReplyLine(json::object reply, const json::value& id) {
  json::object o;
  if (!id.is_null()) o["id"] = id;
  o["ok"] = true;
  for (auto& [k, v] : reply) o[k] = std::move(v);
  std::string line = JsonText(o);
  line += '\n';
  return line;
}

}  // namespace warden::local
