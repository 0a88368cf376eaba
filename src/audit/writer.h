// The audit writer: appends records to the hash-chained segments of one directory
// (segment.h), from any number of threads, without ever dropping one.
//
// Append assigns the record its seq and ts, serializes the caller's fields on the calling
// thread and puts the record on a bounded queue. One background thread takes everything
// queued at once (group commit): it chains and formats the lines, writes them with one
// write() per segment touched, rotates to a new segment when the current one would grow past
// `segment_bytes`, and calls fdatasync:
//
//   kBatch   Append returns as soon as the record is queued; the writer gathers what arrives
//            for up to `batch_delay` after the first record of a batch (or until
//            `batch_records` are queued) before writing, so that under load it wakes about once
//            a millisecond instead of once per record; fdatasync runs at least every
//            `sync_interval` while there is unsynced data (and on Flush and Close). A crash
//            can lose the last interval's records; the chain on disk stays intact.
//   kAlways  Append returns only once the batch holding the record has been fdatasync'ed.
//            Appenders arriving during a sync share the next one.
//
// Backpressure, not loss: when `queue_capacity` records are queued or being written, Append
// blocks until there is room (counted in WriterStats::backpressure_waits).
//
// Failing closed: when a write or sync fails, the writer cuts the segment back to its last
// complete record and stops. Append, Flush and Close return the error (naming the file) from
// then on, so the caller denies; open a new Writer to retry. Records queued but not yet
// written at that moment are lost, and the error says so (kBatch already returned their seq).
//
// Open recovers from a crash: an incomplete last line (no '\n') in the last segment is cut
// off and reported in Recovery; seq and the chain continue from the last complete record.
// One Writer per directory at a time: Open takes an exclusive flock on the directory.
//
// Thread-safety: Append, Flush, Close and stats may be called from any thread concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "audit/record.h"
#include "audit/segment.h"
#include "core/status.h"

namespace warden::audit {

enum class SyncMode { kBatch, kAlways };

struct WriterOptions {
  std::string dir;  // created (mode 0700) if missing
  SyncMode sync = SyncMode::kBatch;
  uint64_t segment_bytes = uint64_t{64} << 20;
  size_t queue_capacity = 65536;
  std::chrono::microseconds sync_interval = std::chrono::milliseconds(10);
  std::chrono::microseconds batch_delay = std::chrono::milliseconds(1);  // kBatch only
  size_t batch_records = 4096;                                           // kBatch: write at once past this
  // The time for `ts`, in microseconds since the epoch; NowMicros when empty (tests set it).
  std::function<int64_t()> clock;
};

struct WriterStats {
  uint64_t records_written = 0;
  uint64_t batches = 0;
  uint64_t fsyncs = 0;
  uint64_t queue_depth = 0;  // queued or being written right now
  uint64_t backpressure_waits = 0;
  uint64_t rotations = 0;
};

// What Open found on disk.
struct Recovery {
  uint64_t next_seq = 1;
  std::string segment;      // the segment appends go to
  uint64_t torn_bytes = 0;  // size of the incomplete last line that was cut off (0: none)
};

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> Open(WriterOptions options);
  ~Writer();  // Close()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues the record (kAlways: and waits until it is on disk); returns its seq.
  Result<uint64_t> Append(const Record& record);
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
  Status ContinueChain(const std::vector<Segment>& segments);
  Status OpenSegment(uint64_t index);
  void Run();
  bool WaitForWork(std::unique_lock<std::mutex>& lock);
  void Fail(const Status& cause);
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
  std::chrono::steady_clock::time_point first_queued_;  // GUARDED_BY(mu_): when queue_ last became non-empty
  Status failure_;                    // GUARDED_BY(mu_): sticky
  WriterStats stats_;                 // GUARDED_BY(mu_), except the three below
  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> rotations_{0};
  std::mutex close_mu_;  // serializes Close
  std::thread thread_;

  // Owned by the writer thread once it runs (by Open before that).
  int dir_fd_ = -1;
  int fd_ = -1;
  uint64_t segment_index_ = 0;
  uint64_t segment_size_ = 0;
  std::string segment_path_;
  HashBytes prev_{};
  std::string out_;
  std::chrono::steady_clock::time_point last_sync_;
};

}  // namespace warden::audit
