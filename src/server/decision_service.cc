#include "server/decision_service.h"

#include <algorithm>
#include <chrono>

#include "core/json_text.h"
#include "local/protocol.h"
#include "policy/evaluator.h"
#include "policy/outcome_json.h"
#include "server/redact.h"
#include "server/request_summary.h"

namespace warden::server {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

DecisionService::DecisionService(DecisionServiceOptions options, PolicyStore& policy, AuditLog* audit, EventBus& events,
                                 ApprovalQueue& approvals, StatusFn status)
    : opt_(std::move(options)), policy_(policy), audit_(audit), events_(events), approvals_(approvals),
      status_(std::move(status)) {}

std::string DecisionService::NextId() {
  char id[40];
  std::snprintf(id, sizeof id, "%s-%llu", opt_.instance_id.c_str(), static_cast<unsigned long long>(next_id_++));
  return id;
}

Result<json::object> DecisionService::Decide(policy::Request& req, const policy::RequestPresence& present,
                                             const security::Principal& who, bool audit,
                                             std::optional<audit::Ticket>* gate) {
  return Decide(req, present, who.id, 0, audit, gate);
}

Result<json::object> DecisionService::Decide(policy::Request& req, const policy::RequestPresence& present,
                                             const std::string& subject, int pid, bool audit,
                                             std::optional<audit::Ticket>* gate) {
  auto start = Clock::now();
  // What the request does not say: the daemon cannot know the client's directory, so a
  // missing cwd is "/" (where `rm -rf *` is as dangerous as it gets) and never the daemon's.
  if (!present.home) req.home = opt_.home;
  if (!present.cwd && req.cwd.empty()) req.cwd = "/";
  if (!present.workspace && req.workspace.empty()) req.workspace = req.cwd;
  std::string error;
  auto snap = policy_.ForRequest(req, &error);
  if (!snap) return Status::InvalidArgument(error);
  policy::Outcome out = policy::Evaluate(*snap, req);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  counts_.decisions++;
  json::object o = policy::OutcomeJson(out, req, *snap);
  if (out.decision == policy::Decision::kAsk && approvals_.Remembered(req)) {
    // A person approved exactly this request earlier and asked to remember it. Only an ask
    // is turned into an allow: a deny stays a deny.
    o["decision"] = "allow";
    o["reason"] = "approved earlier by a person for this exact request (remembered): " + std::string(o["reason"].as_string());
    o["approval"] = "remembered";
    counts_.allow++;
  } else {
    (out.decision == policy::Decision::kAllow ? counts_.allow
     : out.decision == policy::Decision::kDeny ? counts_.deny
                                                : counts_.ask)++;
  }
  o["decision_id"] = NextId();
  o["latency_ns"] = ns;
  if (audit) {
    if (Status s = Audit(req, o, subject, gate); !s.ok()) {
      return Status::Internal("the decision could not be written to the audit log: " + s.message());
    }
  }
  if (events_.HasListeners()) {
    json::object ev = o;
    ev["event"] = "decision";
    if (pid != 0) ev["pid"] = pid;
    if (!subject.empty()) ev["subject"] = subject;
    if (req.kind == policy::RequestKind::kExec) ev["request"] = RequestSummary(req);
    json::value facts = ev["facts"];
    RedactJson(facts);
    ev["facts"] = std::move(facts);
    ev["reason"] = RedactSecrets(std::string_view(ev["reason"].as_string()));
    events_.Publish(ev);
  }
  return o;
}

// Appends the decision's record; an error means the decision must not be acted on. With a
// gate, the record is only queued (its ticket in *gate); without, Audit returns once it is written.
Status DecisionService::Audit(const policy::Request& req, const json::object& reply, const std::string& subject,
                              std::optional<audit::Ticket>* gate) {
  if (!audit_) return Status::Ok();
  audit::Record rec;
  rec.decision_id = std::string(reply.at("decision_id").as_string());
  rec.kind = std::string(policy::KindName(req.kind));
  rec.context = std::string(policy::ContextName(req.context));
  rec.decision = std::string(reply.at("decision").as_string());
  if (reply.at("rule").is_string()) rec.rule = std::string(reply.at("rule").as_string());
  rec.latency_ns = static_cast<uint64_t>(reply.at("latency_ns").to_number<int64_t>());
  rec.policy_revision = std::string(reply.at("policy_revision").as_string());
  if (req.kind == policy::RequestKind::kAction) rec.subject = req.subject;
  if (!subject.empty()) rec.subject = subject;  // the HTTP caller (token id or JWT subject)
  rec.reason = RedactSecrets(std::string_view(reply.at("reason").as_string()));
  rec.request_json = RequestSummaryJson(req);
  const json::value& facts = reply.at("facts");
  if (JsonMayHoldSecret(facts)) {  // copy only when something needs redacting
    json::value redacted = facts;
    RedactJson(redacted);
    rec.facts_json = JsonText(redacted);
  } else {
    rec.facts_json = JsonText(facts);
  }
  if (gate) {
    auto ticket = audit_->Enqueue(rec);
    if (!ticket.ok()) return ticket.status();
    *gate = *ticket;
    return Status::Ok();
  }
  return audit_->Append(rec);
}

void DecisionService::AfterAudit(const audit::Ticket& ticket, std::function<void(const Status&)> done) {
  if (!audit_) {
    done(Status::Ok());
    return;
  }
  audit_->WhenAcknowledged(ticket, std::move(done));
}

Status DecisionService::AppendAudit(audit::Record rec) {
  if (!audit_) return Status::Ok();
  rec.decision_id = NextId();
  rec.reason = RedactSecrets(rec.reason);
  if (auto b = policy_.Base()) rec.policy_revision = b->revision;
  return audit_->Append(rec);
}

json::object DecisionService::Ask(const policy::Request& req, json::object outcome, int pid, int64_t wait_ms,
                                  Deliver deliver) {
  wait_ms = std::min<int64_t>(wait_ms, static_cast<int64_t>(opt_.approval_timeout_s) * 1000);
  ApprovalAsk ask;
  ask.req = req;
  ask.outcome = outcome;
  ask.pid = pid;
  ask.wait_ms = wait_ms;
  ask.deliver = [this, req, outcome, deliver = std::move(deliver)](const std::string& id, const ApprovalAnswer& a) {
    Resolved(req, outcome, id, a, deliver);
  };
  std::string id = approvals_.Open(std::move(ask));
  json::object ev;
  ev["event"] = "approval-pending";
  ev["approval_id"] = id;
  ev["request"] = RequestSummary(req);
  ev["reason"] = RedactSecrets(std::string_view(outcome["reason"].as_string()));
  ev["rule"] = outcome["rule"];
  ev["pid"] = pid;
  events_.Publish(ev);
  opt_.log("approval " + id + " pending (pid " + std::to_string(pid) + "): warden approve " + id);
  outcome["pending"] = true;
  outcome["approval_id"] = id;
  outcome["wait_ms"] = wait_ms;
  return outcome;
}

// An approval answered (or expired): its own audit record, the event, and the final decision
// to the client that waits.
void DecisionService::Resolved(const policy::Request& req, const json::object& outcome, const std::string& id,
                               const ApprovalAnswer& answer, const Deliver& deliver) {
  json::object o = outcome;
  o["decision"] = answer.allow ? "allow" : "deny";
  o["reason"] = answer.reason;
  o["approval_id"] = id;
  o["decision_id"] = std::string(outcome.at("decision_id").as_string()) + "/" + id;
  bool audited = Audit(req, o, std::string(), nullptr).ok();
  json::object ev;
  ev["event"] = "approval-resolved";
  ev["approval_id"] = id;
  ev["decision"] = o["decision"];
  ev["reason"] = RedactSecrets(answer.reason);
  events_.Publish(ev);
  opt_.log("approval " + id + ": " + (answer.allow ? "approved" : "denied") + " (" + answer.reason + ")");
  if (!audited) {
    deliver(Status::Internal("the decision could not be written to the audit log"));
    return;
  }
  deliver(std::move(o));
}

Status DecisionService::AnswerApproval(const std::string& id, bool allow, const std::string& reason, int64_t remember_s,
                                       const std::string& who) {
  remember_s = std::clamp<int64_t>(remember_s, 0, local::kMaxRememberS);
  ApprovalAnswer a;
  a.allow = allow;
  if (allow) {
    std::string how = remember_s > 0 ? ", remembered for " + std::to_string(remember_s) + " s" : "";
    a.reason = "approved by a person (" + who + how + ")";
  } else {
    a.reason = "denied by a person (" + who + ")" + (reason.empty() ? "" : ": " + reason);
    remember_s = 0;
  }
  return approvals_.Answer(id, a, remember_s);
}

Result<std::string> DecisionService::Reload(const std::string& why) { return policy_.Reload(why); }

Result<json::array> DecisionService::QueryAudit(const AuditQuery& query) {
  if (!audit_) return Status::NotFound("this daemon keeps no audit log");
  return audit_->Query(query.filter, query.limit);
}

}  // namespace warden::server
