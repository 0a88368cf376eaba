// The approval queue of several instances, in Redis: an ask made through any instance (socket
// or HTTP) is listed and answered from any instance, and the answer reaches the client that
// waits on the instance that opened it.
//
// Each pending approval is a field of `<prefix>approvals` (id → what `approvals` lists, with its
// deadline and instance) and of `<prefix>approval-keys` (id → the hash of its remember key).
// Answering runs one script: it removes the approval — only one answer can win, from any
// instance, against the waiting instance's own timeout — records a "remember" as
// `<prefix>remembered:<hash>` with its lifetime, and publishes the answer on `<prefix>approvals`,
// where the instance holding the waiting client delivers it. An approval whose instance died
// stays listed until its deadline and can still be answered (its "remember" then covers the
// client's retry through another instance); nothing pending is lost with an instance.
//
// When Redis is away: asks are opened, listed and answered on this instance alone (and the
// waiting client still gets its answer or its timeout deny); `remembered` falls back to what
// this instance saw. Counted in `warden status`.
//
// Thread-safety: as ApprovalQueue.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "redis/client.h"
#include "redis/hub.h"
#include "server/approval_queue.h"

namespace warden::server {

struct RedisApprovalCounts {
  std::atomic<uint64_t> opened_locally_only{0};  // Redis was away: listed and answerable here only
  std::atomic<uint64_t> answers_received{0};      // answers for this instance's clients, from any instance
  std::atomic<uint64_t> failed{0};                // Redis commands that failed
};

class RedisApprovalQueue final : public ApprovalQueue {
 public:
  // Registers with the hub (before hub.Start()); timers and deliveries run on `io`.
  RedisApprovalQueue(boost::asio::io_context& io, redis::Hub& hub);
  ~RedisApprovalQueue() override;
  std::string Open(ApprovalAsk ask) override;
  Status Answer(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) override;
  boost::json::array List() override;
  bool Remembered(const policy::Request& req) override;
  size_t pending() override;
  size_t remembered() override;
  const RedisApprovalCounts& counts() const { return counts_; }

 private:
  struct Waiting {
    ApprovalAsk ask;
    std::string remember_hash;
    boost::json::object listing;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool shared = false;  // stored in Redis
  };
  void Deliver(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s);
  void Received(const std::string& message);
  void Expire(const std::string& id, int64_t wait_ms);

  boost::asio::io_context& io_;
  redis::Hub& hub_;
  redis::Script answer_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Waiting>> waiting_;   // GUARDED_BY(mu_): this instance's clients
  std::map<std::string, int64_t> remembered_;                // GUARDED_BY(mu_): hash → until (unix ms), seen here
  uint64_t next_ = 1;                                        // GUARDED_BY(mu_)
  RedisApprovalCounts counts_;
  redis::Alive alive_;
};

}  // namespace warden::server
