#include "server/audit_log.h"

#include <boost/json/parse.hpp>

#include <deque>

#include "core/path.h"

namespace warden::server {

namespace json = boost::json;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditLogOptions options, LogFn log) {
  std::unique_ptr<AuditLog> a(new AuditLog());
  a->opt_ = std::move(options);
  a->log_ = std::move(log);
  a->dir_ = JoinPath(a->opt_.state_dir, "audit");
  audit::WriterOptions wo;
  wo.dir = a->dir_;
  wo.sync = a->opt_.always ? audit::SyncMode::kAlways : audit::SyncMode::kBatch;
  LogFn l = a->log_;
  wo.on_outage = [l](const std::string& what) { l("audit log: " + what); };
  if (a->opt_.segment_bytes > 0) wo.segment_bytes = a->opt_.segment_bytes;
  auto w = audit::Writer::Open(wo);
  if (!w.ok()) return Status::IoError("cannot open the audit log in " + wo.dir + ": " + w.status().message());
  a->writer_ = std::move(*w);
  const auto& r = a->writer_->recovery();
  if (r.torn_bytes) a->log_("audit log: cut an incomplete last record (" + std::to_string(r.torn_bytes) + " bytes) left by a crash");
  if (!r.problem.empty()) {
    a->log_("audit log: WARNING: the last segment does not verify (" + r.problem +
            "); new records go to a new segment; run `warden audit verify`");
  }
  a->log_("audit log " + wo.dir + " (" + (a->opt_.always ? "always" : "batch") + "), next record " + std::to_string(r.next_seq));
  return a;
}

AuditLog::~AuditLog() { retention_.reset(); }

void AuditLog::StartRetention(std::function<Status(const audit::Record&)> announce) {
  if (!opt_.retention.active()) return;
  audit::RetentionOptions ro;
  ro.dir = dir_;
  ro.policy = opt_.retention;
  ro.key_file = JoinPath(opt_.state_dir, "audit.key");
  ro.announce = [this, announce = std::move(announce)](const audit::Record& r) {
    Status s = announce(r);
    return s.ok() ? writer_->Flush() : s;
  };
  LogFn l = log_;
  retention_ = std::make_unique<audit::RetentionWorker>(
      std::move(ro), [this] { return writer_->stats().rotations; }, [l](const std::string& line) { l(line); });
}

Status AuditLog::Append(const audit::Record& record) {
  auto seq = writer_->Append(record);
  if (!seq.ok()) {
    errors_++;
    return seq.status();
  }
  return Status::Ok();
}

Result<audit::Ticket> AuditLog::Enqueue(const audit::Record& record) {
  auto ticket = writer_->Enqueue(record);
  if (!ticket.ok()) errors_++;
  return ticket;
}

void AuditLog::WhenAcknowledged(const audit::Ticket& ticket, std::function<void(const Status&)> done) {
  writer_->WhenAcknowledged(ticket, [this, done = std::move(done)](const Status& s) {
    if (!s.ok()) errors_++;
    done(s);
  });
}

Status AuditLog::Flush() { return writer_->Flush(); }

Status AuditLog::Close() {
  retention_.reset();  // before the writer it announces through
  return writer_->Close();
}

Result<json::array> AuditLog::Query(const audit::Filter& filter, size_t limit) {
  if (Status s = writer_->Flush(); !s.ok()) return Status::Internal("audit log: " + s.message());
  std::deque<std::string> last;
  auto summary = audit::Scan(dir_, filter, [&](const audit::ScanRecord& r) {
    last.emplace_back(r.line);
    if (last.size() > limit) last.pop_front();
    return true;
  });
  if (!summary.ok()) return Status::Internal("audit log: " + summary.status().message());
  json::array out;
  for (const auto& line : last) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec) out.push_back(std::move(v));
  }
  return out;
}

json::object AuditLog::RetentionJson() const {
  audit::RetentionCounters c = retention_->counters();
  const audit::RetentionPolicy& p = opt_.retention;
  json::object o{{"compress", p.compress},
                 {"max_age_s", p.max_age_micros / 1000000},
                 {"max_bytes", p.max_bytes},
                 {"passes", c.passes},
                 {"failed_passes", c.failed_passes},
                 {"segments_compressed", c.compressed},
                 {"bytes_saved_by_compression", c.compressed_bytes_saved},
                 {"segments_removed", c.removed_segments},
                 {"records_removed", c.removed_records},
                 {"bytes_removed", c.removed_bytes},
                 {"segments", c.segments},
                 {"bytes", c.bytes},
                 {"over_limit", c.over_limit}};
  if (c.last_pass_micros) o["last_pass"] = audit::FormatTimestamp(c.last_pass_micros);
  if (!c.last_error.empty()) o["last_error"] = c.last_error;
  return o;
}

json::object AuditLog::StatusJson() {
  json::object audit;
  audit::WriterStats ws = writer_->stats();
  audit["enabled"] = true;
  audit["sync"] = opt_.always ? "always" : "batch";
  audit["queue_depth"] = ws.queue_depth;
  audit["records_written"] = ws.records_written;
  audit["fsyncs"] = ws.fsyncs;
  audit["backpressure_waits"] = ws.backpressure_waits;
  audit["errors"] = errors_.load();
  // An outage: nothing can be written, every decision is denied until a retry succeeds.
  audit["healthy"] = !ws.in_outage;
  audit["outages"] = ws.outages;
  audit["outage_ms"] = ws.outage_ms;
  audit["refused_in_outages"] = ws.refused;
  audit["retries"] = ws.retries;
  if (ws.in_outage) audit["outage_since"] = audit::FormatTimestamp(ws.outage_since_us);
  if (!ws.last_error.empty()) audit["last_error"] = ws.last_error;
  if (!writer_->recovery().problem.empty()) audit["problem_at_start"] = writer_->recovery().problem;
  if (retention_) audit["retention"] = RetentionJson();
  return audit;
}

void AuditLog::AddGauges(std::vector<GaugeValue>* out) {
  audit::WriterStats ws = writer_->stats();
  out->push_back({"warden_audit_queue_depth", "Audit records queued, not yet written.", static_cast<double>(ws.queue_depth)});
  out->push_back({"warden_audit_records_written_total", "Audit records written.", static_cast<double>(ws.records_written), true});
  out->push_back({"warden_audit_backpressure_waits_total", "Appends that waited for room in the audit queue.",
                  static_cast<double>(ws.backpressure_waits), true});
  out->push_back({"warden_audit_healthy", "1 while the audit log can be written; 0 during an outage (every decision denied).",
                  ws.in_outage ? 0.0 : 1.0});
  out->push_back({"warden_audit_outages_total", "Audit outages begun (a write, sync or open failed).",
                  static_cast<double>(ws.outages), true});
  out->push_back({"warden_audit_outage_seconds_total", "Time spent in audit outages, the current one included.",
                  static_cast<double>(ws.outage_ms) / 1000.0, true});
  out->push_back({"warden_audit_refused_total", "Decisions refused because the audit log could not be written.",
                  static_cast<double>(ws.refused), true});
  if (!retention_) return;
  audit::RetentionCounters rc = retention_->counters();
  out->push_back({"warden_audit_retention_segments_compressed_total", "Audit segments compressed by retention.",
                  static_cast<double>(rc.compressed), true});
  out->push_back({"warden_audit_retention_segments_removed_total", "Audit segments removed by retention.",
                  static_cast<double>(rc.removed_segments), true});
  out->push_back({"warden_audit_retention_bytes_removed_total", "Bytes of audit segments removed by retention.",
                  static_cast<double>(rc.removed_bytes), true});
  out->push_back({"warden_audit_retention_failed_passes_total", "Retention passes that failed.",
                  static_cast<double>(rc.failed_passes), true});
  out->push_back({"warden_audit_log_bytes", "Size of the audit segments after the last retention pass.",
                  static_cast<double>(rc.bytes)});
}

}  // namespace warden::server
