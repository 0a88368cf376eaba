// The audit writer: appends records to the hash-chained segments of one directory
// (segment.h), from any number of threads, without ever dropping one.
//
// Enqueue assigns the record its seq and ts, serializes the caller's fields on the calling
// thread and puts the record on a bounded queue. One background thread takes everything queued
// at once (group commit: records that arrive while it writes go together in its next write):
// it chains and formats the lines, writes them with one write() per segment touched, rotates to
// a new segment when the current one would grow past `segment_bytes`, and calls fdatasync.
// In kBatch mode, a record that finds nothing queued and nobody writing is written by the
// appending thread itself (one write(2), no hand-off to the writer thread and back); fdatasync
// stays with the writer thread. Whoever writes holds `writing_`: one writer of the file at a time.
//
// Acknowledgement — when a caller may act on a decision whose record it appended:
//   kBatch   once the record has been handed to the kernel (write(2) returned). The page cache
//            survives a crash of the process (SIGKILL), so an acknowledged record is lost only
//            by a crash of the whole machine; fdatasync runs at least every `sync_interval`
//            while there is unsynced data (and on Flush and Close), which bounds that loss.
//   kAlways  once the batch holding the record has been fdatasync'ed. Appenders arriving
//            during a sync share the next one.
// Append blocks until its record is acknowledged. Enqueue returns a Ticket at once and
// WhenAcknowledged calls back — so a server thread can answer other clients meanwhile and send
// its answer only from the callback.
//
// Backpressure, not loss: when `queue_capacity` records are queued or being written, Enqueue
// blocks until there is room (counted in WriterStats::backpressure_waits).
//
// Failing closed, then recovering: when a write, an fdatasync or the opening of a segment
// fails, the writer cuts the segment back to its last complete record and enters an outage:
// Enqueue and Append fail at once with the error (naming the file), so the caller denies —
// counted in WriterStats::refused. A record queued or being written but not yet acknowledged
// at that moment is never acknowledged: Append returns the error and WhenAcknowledged calls
// back with it. The writer thread retries with backoff (`retry_min`, doubling up to
// `retry_max`); a retry appends an outage record (kind "audit", decision "outage") that says
// when writing stopped, for how long, why and how many appends were refused, and fdatasyncs it.
// Once that succeeds the chain goes on from it and appends succeed again — no new Writer
// needed. Under kAlways, records that were written but whose fdatasync failed stay in the file
// (their appenders were refused): the log may hold a record of a decision that was denied for
// want of it, never the reverse.
//
// Open recovers from a crash: an incomplete last line (no '\n') in the last segment is cut
// off and reported in Recovery; seq and the chain continue from the last complete record.
// Open also verifies the last segment (every line parsed and hashed, every link checked: about
// 0.15 s for a full 64 MiB segment): a problem is reported in Recovery::problem and appends start
// a new segment, so nothing is silently appended after it.
// One Writer per directory at a time: Open takes an exclusive flock on the directory.
//
// Thread-safety: every public member may be called from any thread concurrently. Callbacks run
// on the writer thread (or on the caller's, when the answer is already known): keep them short.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "audit/record.h"
#include "audit/segment.h"
#include "audit/ticket.h"
#include "core/status.h"

namespace warden::audit {

enum class SyncMode { kBatch, kAlways };

struct WriterOptions {
  std::string dir;  // created (mode 0700) if missing
  SyncMode sync = SyncMode::kBatch;
  uint64_t segment_bytes = uint64_t{64} << 20;
  size_t queue_capacity = 65536;
  std::chrono::microseconds sync_interval = std::chrono::milliseconds(10);
  std::chrono::microseconds retry_min = std::chrono::milliseconds(10);   // first retry after a failure
  std::chrono::microseconds retry_max = std::chrono::milliseconds(250);  // backoff doubles up to this
  // The time for `ts`, in microseconds since the epoch; NowMicros when empty (tests set it).
  std::function<int64_t()> clock;
  // Told (on the writer thread) when an outage begins and when it ends, in a sentence.
  std::function<void(const std::string&)> on_outage;
};

struct WriterStats {
  uint64_t records_written = 0;
  uint64_t batches = 0;
  uint64_t fsyncs = 0;
  uint64_t queue_depth = 0;  // queued or being written right now
  uint64_t backpressure_waits = 0;
  uint64_t rotations = 0;
  // Outages: spans during which nothing could be written (see the contract above).
  bool in_outage = false;
  uint64_t outages = 0;            // begun since Open
  uint64_t outage_ms = 0;          // their total length, the current one included
  int64_t outage_since_us = 0;     // when the current one began (0: none)
  uint64_t refused = 0;            // appends refused during outages
  uint64_t retries = 0;            // attempts to resume that failed
  std::string last_error;          // why the last outage began ("" if none)
};


// What Open found on disk.
struct Recovery {
  uint64_t next_seq = 1;
  std::string segment;      // the segment appends go to
  uint64_t torn_bytes = 0;  // size of the incomplete last line that was cut off (0: none)
  // A problem in the segment appends would go to (a garbage line, an edited record, …), as
  // "FILE:LINE: kind: message"; "" when it verified. Appends then go to a new segment, never
  // after the problem.
  std::string problem;
};

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> Open(WriterOptions options);
  ~Writer();  // Close()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues the record and waits until it is acknowledged (see above); returns its seq.
  Result<uint64_t> Append(const Record& record);
  // Queues the record and returns at once; nothing may be acted on until WhenAcknowledged says so.
  Result<Ticket> Enqueue(const Record& record);
  // Calls `done` exactly once: Ok when the record is acknowledged, else why it never will be.
  void WhenAcknowledged(const Ticket& ticket, std::function<void(const Status&)> done);
  // Returns once every record appended before the call is written and fdatasync'ed.
  Status Flush();
  // Writes and syncs everything queued, then stops; later Appends fail. Idempotent.
  Status Close();

  WriterStats stats() const;
  const Recovery& recovery() const { return recovery_; }

 private:
  struct Pending {
    uint64_t seq;
    int64_t ts;
    std::string fields;
  };

  explicit Writer(WriterOptions options);
  Status Recover();
  Status CutTornTail();
  Status CheckLastSegment();
  Status ContinueChain(const std::vector<Segment>& segments);
  Status OpenSegment(uint64_t index);
  void Run();
  void WriteInline(uint64_t seq, std::string fields, std::unique_lock<std::mutex>& lock);
  void TakeWritten(size_t records, const Status& s);
  bool WaitForWork(std::unique_lock<std::mutex>& lock);
  bool WaitToRetry(std::unique_lock<std::mutex>& lock);
  void TryToResume(std::unique_lock<std::mutex>& lock);
  Status WriteOutageRecord(uint64_t seq, const Record& record);
  Record OutageRecord() const;
  uint64_t Acknowledged() const;
  Status Lost() const;
  void Fail(const Status& cause);
  void Notify(std::unique_lock<std::mutex>& lock);
  Status WriteBatch(const std::vector<Pending>& batch);
  Status WriteOut(std::string_view data);
  Status Rotate();
  Status Sync();

  const WriterOptions options_;
  Recovery recovery_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // the writer thread: work, a flush request or Close
  std::condition_variable space_cv_;  // appenders: room in the queue
  std::condition_variable done_cv_;   // appenders and flushers: progress or failure
  std::vector<Pending> queue_;        // GUARDED_BY(mu_)
  size_t in_flight_ = 0;              // GUARDED_BY(mu_): taken by the writer thread, not yet written
  uint64_t next_seq_ = 1;             // GUARDED_BY(mu_)
  uint64_t written_seq_ = 0;          // GUARDED_BY(mu_): highest seq written to the file
  uint64_t synced_seq_ = 0;           // GUARDED_BY(mu_): highest seq fdatasync'ed
  uint64_t flush_seq_ = 0;            // GUARDED_BY(mu_): a Flush waits for this seq to be synced
  bool closing_ = false;              // GUARDED_BY(mu_)
  bool writing_ = false;              // GUARDED_BY(mu_): a thread owns the file (the members below)
  bool writer_untimed_wait_ = false;  // GUARDED_BY(mu_): the writer thread sleeps until notified
  std::chrono::steady_clock::time_point last_sync_;  // GUARDED_BY(mu_)
  Status failure_;                    // GUARDED_BY(mu_): set during an outage
  uint64_t epoch_ = 0;                // GUARDED_BY(mu_): outages begun
  std::string lost_cause_;            // GUARDED_BY(mu_): why the records of an earlier epoch were lost
  std::multimap<uint64_t, std::function<void(const Status&)>> waiters_;  // GUARDED_BY(mu_), by seq
  std::vector<std::function<void(const Status&)>> doomed_;  // GUARDED_BY(mu_): to be told of a failure
  std::chrono::steady_clock::time_point outage_start_;      // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point retry_at_;          // GUARDED_BY(mu_)
  std::chrono::microseconds retry_delay_{0};                // GUARDED_BY(mu_)
  uint64_t refused_in_outage_ = 0;                          // GUARDED_BY(mu_): this outage's
  WriterStats stats_;                 // GUARDED_BY(mu_), except the three below
  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> rotations_{0};
  std::mutex close_mu_;  // serializes Close
  std::thread thread_;

  // Owned by whoever holds writing_ (by Open before the writer thread runs).
  int dir_fd_ = -1;
  int fd_ = -1;
  uint64_t segment_index_ = 0;
  uint64_t segment_size_ = 0;
  std::string segment_path_;
  HashBytes prev_{};
  uint64_t file_seq_ = 0;   // the last record wholly written to the file ...
  HashBytes file_prev_{};   // ... and the chain's hash after it (prev_ runs ahead while formatting)
  std::string out_;
};

}  // namespace warden::audit
