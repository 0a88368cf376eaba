#include "local/decide.h"

#include "core/json_text.h"
#include "local/protocol.h"

namespace warden::local {

namespace json = boost::json;

namespace {

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool IsPending(const json::object& o) {
  const json::value* p = o.if_contains("pending");
  return p && p->is_bool() && p->as_bool();
}

}  // namespace

json::object DecideMessage(const policy::Request& req, int wait_ms, bool if_watched) {
  json::object m;
  m["op"] = "decide";
  m["request"] = RequestJson(req);
  if (wait_ms > 0) m["wait_ms"] = wait_ms;
  if (wait_ms > 0 && if_watched) m["if_watched"] = true;
  return m;
}

DecideReply ParseDecideReply(const json::object& o) {
  DecideReply r;
  const json::value* ok = o.if_contains("ok");
  if (ok == nullptr || !ok->is_bool() || !ok->as_bool()) {
    const json::value* err = o.if_contains("error");
    const json::value* msg = err && err->is_object() ? err->as_object().if_contains("message") : nullptr;
    r.error = "the daemon could not decide: " + (msg && msg->is_string() ? std::string(msg->as_string()) : JsonText(o));
    return r;
  }
  const json::value* d = o.if_contains("decision");
  if (d == nullptr || !d->is_string()) {
    r.error = "the daemon's reply has no decision";
    return r;
  }
  auto decision = policy::ParseDecision(d->as_string());
  if (!decision) {
    r.error = "the daemon's reply has an unknown decision";
    return r;
  }
  r.decided = true;
  r.decision = *decision;
  r.reason = StringAt(o, "reason");
  r.rule = StringAt(o, "rule");
  return r;
}

DecideReply Decide(Client& c, const policy::Request& req, int wait_ms, bool if_watched,
                   const std::function<void(const Pending&)>& on_pending) {
  auto reply = c.Call(DecideMessage(req, wait_ms, if_watched));
  if (reply.ok() && IsPending(*reply)) {
    if (on_pending) on_pending(Pending{StringAt(*reply, "approval_id"), StringAt(*reply, "reason")});
    reply = c.Next(wait_ms + 5000);
  }
  if (!reply.ok()) {
    DecideReply r;
    r.error = "the daemon did not answer: " + reply.status().message();
    r.transport_failed = true;
    return r;
  }
  return ParseDecideReply(*reply);
}

}  // namespace warden::local
