// Asks waiting for a person: each is opened by the instance whose client waits, listed and
// answered by anyone with the right to (the approver key on the socket, admin:approvals over
// HTTP), and delivered exactly once to whoever opened it — an answer, or a deny when nobody
// answered within its wait. An approval given "remember for N s" turns later asks for the very
// same request (kind, context, directory, the whole command or path) into allows for N s.
//
// LocalApprovalQueue keeps them in this process. A shared implementation lists and answers
// them across instances; both pass the same interface tests.
//
// Thread-safety: every method may be called from any thread; `deliver` is called once, from
// any thread, never while a lock of the queue is held.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "policy/request.h"

namespace warden::server {

struct ApprovalAnswer {
  bool allow = false;
  std::string reason;  // what the decision's record and the client are told
};

struct ApprovalAsk {
  policy::Request req;
  boost::json::object outcome;  // the ask decision (its reason and rule are listed)
  int pid = 0;                  // the waiting client, for the person who answers
  int64_t wait_ms = 0;
  std::function<void(const std::string& id, const ApprovalAnswer&)> deliver;
};

// What "remember" applies to: the exact request, never a command name.
std::string RememberKey(const policy::Request& req);

class ApprovalQueue {
 public:
  virtual ~ApprovalQueue() = default;
  // The new approval's id. Its deliver is called once: with the answer, or a deny at the end of wait_ms.
  virtual std::string Open(ApprovalAsk ask) = 0;
  // kNotFound when no such approval is pending (answered, expired, or never asked). An allow
  // with remember_s > 0 is remembered for that long.
  virtual Status Answer(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) = 0;
  // The pending approvals: approval_id, request (summarized, redacted), reason, rule, pid,
  // created (Unix s), expires_in_s.
  virtual boost::json::array List() = 0;
  virtual bool Remembered(const policy::Request& req) = 0;
  virtual size_t pending() = 0;
  virtual size_t remembered() = 0;
};

class LocalApprovalQueue final : public ApprovalQueue {
 public:
  explicit LocalApprovalQueue(boost::asio::io_context& io) : io_(io) {}
  std::string Open(ApprovalAsk ask) override;
  Status Answer(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) override;
  boost::json::array List() override;
  bool Remembered(const policy::Request& req) override;
  size_t pending() override;
  size_t remembered() override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string id;
    ApprovalAsk ask;
    std::string remember_key;
    std::chrono::system_clock::time_point created;
    Clock::time_point deadline;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void Resolve(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s, bool* found);

  boost::asio::io_context& io_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;  // GUARDED_BY(mu_)
  std::map<std::string, Clock::time_point> remembered_;      // GUARDED_BY(mu_)
  uint64_t next_ = 1;                                        // GUARDED_BY(mu_)
};

}  // namespace warden::server
