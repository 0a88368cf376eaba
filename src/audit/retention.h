// Audit retention: closed segments compressed, the oldest removed by age and by total size,
// and the chain still verifiable across what was removed (anchor.h).
//
// One pass (ApplyRetention) over an audit directory (segment.h):
//
//   1. Leftovers of an interrupted pass are cleaned up: temporary files, and segments below
//      the anchor's first_segment (the anchor was written, their removal did not finish).
//   2. Compression: every plain segment but the newest `keep_uncompressed` (at least 2) is
//      written to .audit-N.jsonl.gz.tmp with gzip, fsync'ed, renamed to audit-N.jsonl.gz, the
//      directory fsync'ed, and only then the original removed. Its bytes are unchanged, so the
//      chain verifies as before.
//   3. Removal of a prefix of the oldest segments, as long as the newest two stay: every
//      segment whose records are all older than `max_age` (judged by the first record of the
//      segment after it, so no segment is decompressed whole), then more of the oldest while
//      the segment files total more than `max_bytes` (less 2 KiB, room for the retention record
//      the removal appends). Before anything is removed, the link
//      across the cut is checked (the first retained record's seq and prev_hash follow the last
//      removed record's; if not, nothing is removed and the pass fails), the retention record
//      is appended through `announce` (which must return once it is on disk), and anchor.json
//      is written (MAC'ed with the key in `key_file`, created if missing); then the segments
//      are unlinked. If the key existed, a previous anchor whose MAC does not match is not
//      extended: the pass fails instead of signing a forgery.
//
// A crash at any point leaves a directory that verifies: a copy not yet renamed is a
// temporary file; a copy renamed before its original was removed is listed as the original
// (segment.h); an announcement without an anchor is only a note to verify; an anchor whose
// segments are still there makes them "awaiting removal", removed by the next pass.
//
// Guarantee for the writer: the newest two segments are never compressed or removed, so the
// segment appended to and the one before it (where the writer finds the last record when the
// newest is still empty) are always plain files. After a pass the log is therefore within
// max_bytes or the size of the newest two segments, whichever is larger; between passes it
// grows by what is written. (LastLineOfSegment, segment.h, reads a compressed segment too, for
// a writer that would look further back.)
//
// Thread-safety: a pass may run while the directory's Writer appends (it only touches segments
// older than the newest two), but not at the same time as another pass on the same directory:
// the daemon runs them on one RetentionWorker thread, `warden audit prune` as the directory's
// writer (holding its flock). RetentionWorker's methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "audit/anchor.h"
#include "audit/record.h"
#include "core/status.h"

namespace warden::audit {

// The newest segments no pass ever compresses or removes.
inline constexpr uint64_t kRetentionKeepNewest = 2;

// What the user chooses (warden serve --audit-…, warden audit prune).
struct RetentionPolicy {
  bool compress = true;
  uint64_t keep_uncompressed = kRetentionKeepNewest;  // raised to kRetentionKeepNewest if lower
  int64_t max_age_micros = 0;                         // 0: no age limit
  uint64_t max_bytes = 0;                             // 0: no size limit
  std::chrono::milliseconds interval{60000};          // RetentionWorker: a pass at least this often

  bool removes() const { return max_age_micros > 0 || max_bytes > 0; }
  bool active() const { return compress || removes(); }
};

// The flags' values: an age such as 90s, 30m, 12h, 30d or 2w, in microseconds; a size such as
// 1048576, 64K, 500M, 1G or 1T (powers of 1024; a trailing B or iB is allowed). "0" is 0: no
// limit. kInvalidArgument saying what is expected otherwise.
Result<int64_t> ParseRetentionAge(std::string_view text);
Result<uint64_t> ParseRetentionBytes(std::string_view text);

struct RetentionOptions {
  std::string dir;
  RetentionPolicy policy;
  std::string key_file;  // the anchor's MAC key (created if missing); "": anchors are not MAC'ed
  // Appends the retention record and returns once it is on disk; needed to remove anything.
  std::function<Status(const Record&)> announce;
  std::function<int64_t()> clock;   // microseconds since the epoch; NowMicros when empty
  std::function<bool()> cancelled;  // checked while compressing; a cancelled pass stops early
  int compression_level = 6;
};

struct RetentionResult {
  uint64_t compressed = 0;               // segments compressed in this pass
  uint64_t compressed_bytes_before = 0;  // their size before
  uint64_t compressed_bytes_after = 0;   // and after
  uint64_t removed_segments = 0;         // segments removed in this pass
  uint64_t removed_records = 0;
  uint64_t removed_bytes = 0;
  uint64_t segments = 0;              // segment files left
  uint64_t bytes = 0;                 // their total size
  bool over_limit = false;            // still above max_bytes: the newest two are larger
  std::optional<Anchor> anchor;       // the anchor after the pass, if any
  std::vector<std::string> problems;  // what failed without stopping the pass (a segment not compressed)
};

// One pass; fails when the directory cannot be read, the anchor is unreadable or forged, or
// a removal could not be done safely (nothing is removed then).
Result<RetentionResult> ApplyRetention(const RetentionOptions& options);

// Totals of a RetentionWorker, for `warden status` and /metrics.
struct RetentionCounters {
  uint64_t passes = 0;
  uint64_t failed_passes = 0;
  uint64_t compressed = 0;
  uint64_t compressed_bytes_saved = 0;
  uint64_t removed_segments = 0;
  uint64_t removed_records = 0;
  uint64_t removed_bytes = 0;
  uint64_t segments = 0;  // after the last pass
  uint64_t bytes = 0;
  bool over_limit = false;
  int64_t last_pass_micros = 0;
  std::string last_error;  // of the last pass ("" when it succeeded)
};

// Runs ApplyRetention on its own thread (at a lowered CPU priority), never on the caller's:
// once at start, then every policy.interval, and within 200 ms after `rotations` (the writer's
// rotation count) changes — so the log outgrows max_bytes by at most what is written in that
// time and during a pass.
class RetentionWorker {
 public:
  RetentionWorker(RetentionOptions options, std::function<uint64_t()> rotations,
                  std::function<void(const std::string&)> log);
  ~RetentionWorker();  // Stop()
  RetentionWorker(const RetentionWorker&) = delete;
  RetentionWorker& operator=(const RetentionWorker&) = delete;

  // Cancels a pass in progress and joins the thread. Idempotent.
  void Stop();
  RetentionCounters counters() const;

 private:
  void Run();
  void Pass();

  RetentionOptions options_;
  std::function<uint64_t()> rotations_;
  std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;       // GUARDED_BY(mu_)
  RetentionCounters counters_;  // GUARDED_BY(mu_)
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace warden::audit
