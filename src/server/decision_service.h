// The decision service: every operation of the daemon, once, for both of its transports — the
// Unix socket (daemon.cc) and the HTTP API (http_api.h, through HttpBackend). It decides with
// the policy store, writes the audit record before anything is answered, publishes the event,
// opens approvals for asks a client waits on and delivers their answers, lists and answers
// approvals, records events reported by clients, reloads, and queries the audit log.
//
// The stores it sits on (PolicyStore, AuditLog, EventBus, ApprovalQueue; the HTTP stack's token
// store and rate limiter) are passed in: local ones for one instance, shared ones for several.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "server/approval_queue.h"
#include "server/audit_log.h"
#include "server/event_bus.h"
#include "server/http_api.h"
#include "server/policy_store.h"

namespace warden::server {

struct DecisionCounts {
  std::atomic<uint64_t> decisions{0}, allow{0}, deny{0}, ask{0};
};

struct DecisionServiceOptions {
  std::string home;             // for requests that do not say theirs
  int approval_timeout_s = 120; // the longest an ask waits for a person
  std::string instance_id;      // prefix of every decision id (8 hex digits, random by default)
  std::function<void(const std::string&)> log = [](const std::string&) {};
  std::function<std::string()> not_ready;  // readyz: why not ready (empty: ready)
};

class DecisionService final : public HttpBackend {
 public:
  using StatusFn = std::function<boost::json::object()>;
  // `audit` may be null (no audit log); `status` gives `warden status`'s answer.
  DecisionService(DecisionServiceOptions options, PolicyStore& policy, AuditLog* audit, EventBus& events,
                  ApprovalQueue& approvals, StatusFn status);

  // Decides `req` (remembered approvals included), writes its audit record (unless `audit` is
  // false) and publishes the event. An error means nothing was audited and the decision must
  // not be acted on: kInvalidArgument when the policy for the request does not load, kInternal
  // when the record could not be written. `subject`: the HTTP caller; `pid`: the socket's.
  Result<boost::json::object> Decide(policy::Request& req, const policy::RequestPresence& present,
                                     const std::string& subject, int pid, bool audit = true,
                                     std::optional<audit::Ticket>* gate = nullptr);
  // Opens an approval for an ask decision `outcome` a client waits for (at most the
  // approval timeout): returns the interim reply naming it; `deliver` gets the final decision
  // (audited) or the error that keeps it from being acted on.
  using Deliver = std::function<void(Result<boost::json::object>)>;
  boost::json::object Ask(const policy::Request& req, boost::json::object outcome, int pid, int64_t wait_ms,
                          Deliver deliver);

  // ---- HttpBackend (and the socket's ops of the same names) --------------------------------
  std::shared_ptr<const policy::Snapshot> Policy() override { return policy_.Base(); }
  std::string NotReady() override { return opt_.not_ready ? opt_.not_ready() : std::string(); }
  Result<boost::json::object> Decide(policy::Request& req, const policy::RequestPresence& present,
                                     const security::Principal& who, bool audit,
                                     std::optional<audit::Ticket>* gate) override;
  void AfterAudit(const audit::Ticket& ticket, std::function<void(const Status&)> done) override;
  // A record made elsewhere (the HTTP audit stage, a client's `record`, retention): stamped
  // with a decision id, the policy revision, and its reason redacted.
  Status AppendAudit(audit::Record record) override;
  boost::json::object StatusJson() override { return status_(); }
  Result<std::string> Reload(const std::string& why) override;
  boost::json::array Approvals() override { return approvals_.List(); }
  // kNotFound when no such approval is pending. `who` names the person's channel ("pid 4242",
  // "token ops-1") in the reason.
  Status AnswerApproval(const std::string& id, bool allow, const std::string& reason, int64_t remember_s,
                        const std::string& who) override;
  Result<boost::json::array> QueryAudit(const AuditQuery& query) override;
  uint64_t SubscribeEvents(std::function<void(const std::string&)> sink) override {
    return events_.Subscribe(EventBus::Via::kHttp, std::move(sink));
  }
  void UnsubscribeEvents(uint64_t id) override { events_.Unsubscribe(id); }

  const DecisionCounts& counts() const { return counts_; }
  PolicyStore& policy() { return policy_; }
  EventBus& events() { return events_; }
  ApprovalQueue& approvals() { return approvals_; }

 private:
  std::string NextId();
  Status Audit(const policy::Request& req, const boost::json::object& reply, const std::string& subject,
               std::optional<audit::Ticket>* gate);
  void Resolved(const policy::Request& req, const boost::json::object& outcome, const std::string& id,
                const ApprovalAnswer& answer, const Deliver& deliver);

  DecisionServiceOptions opt_;
  PolicyStore& policy_;
  AuditLog* audit_;
  EventBus& events_;
  ApprovalQueue& approvals_;
  StatusFn status_;
  DecisionCounts counts_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace warden::server
