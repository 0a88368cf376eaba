// The daemon's audit log: the hash-chained writer in <state_dir>/audit (audit/writer.h), its
// retention worker, and what `warden status`, /metrics and GET /v1/audit say of them.
//
// Thread-safety: every method may be called from any thread; Close once, after the last append.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/retention.h"
#include "audit/scan.h"
#include "audit/ticket.h"
#include "audit/writer.h"
#include "core/status.h"
#include "server/http_metrics.h"

namespace warden::server {

struct AuditLogOptions {
  std::string state_dir;
  bool always = false;         // fsync before each answer; else group commit (batch)
  uint64_t segment_bytes = 0;  // 0: the writer's default
  audit::RetentionPolicy retention;
};

class AuditLog {
 public:
  using LogFn = std::function<void(const std::string&)>;
  static Result<std::unique_ptr<AuditLog>> Open(AuditLogOptions options, LogFn log);
  ~AuditLog();

  // Retention announces each removal in the log through `announce` (which stamps the record).
  void StartRetention(std::function<Status(const audit::Record&)> announce);

  // Written (and in `always` mode synced) when this returns OK.
  Status Append(const audit::Record& record);
  // Queued: the ticket says when it is acknowledged (WhenAcknowledged).
  Result<audit::Ticket> Enqueue(const audit::Record& record);
  void WhenAcknowledged(const audit::Ticket& ticket, std::function<void(const Status&)> done);
  Status Flush();
  Status Close();
  // The last `limit` records matching `filter`, oldest first.
  Result<boost::json::array> Query(const audit::Filter& filter, size_t limit);

  boost::json::object StatusJson();
  void AddGauges(std::vector<GaugeValue>* out);
  uint64_t errors() const { return errors_.load(); }

 private:
  AuditLog() = default;
  boost::json::object RetentionJson() const;

  AuditLogOptions opt_;
  LogFn log_;
  std::string dir_;
  std::unique_ptr<audit::Writer> writer_;
  std::unique_ptr<audit::RetentionWorker> retention_;  // after writer_: destroyed before it
  std::atomic<uint64_t> errors_{0};
};

}  // namespace warden::server
