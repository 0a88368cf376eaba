// Verifying an audit directory: every segment in order, every line parsed, every hash
// recomputed (chain.h), seq continuity and prev_hash links checked. Stops at the first
// problem and says exactly where it is (segment file, 1-based line) and what it is:
//
//   kMalformed    the line is not a record: not JSON, a field missing or of the wrong type, no
//                 `prev_hash`/`hash` at its end, or an incomplete line before the last segment
//   kEdited       the record's hash does not match its content: it was changed after writing
//   kMissing      seq jumps forward (records were removed) and the missing seq is nowhere later
//   kReordered    seq goes backwards, or jumps forward to a record whose predecessor comes later
//   kBrokenLink   seq is right but prev_hash is not the previous record's hash (records were
//                 removed and the rest renumbered, or segments were mixed up)
//
// An incomplete final line in the last segment is what a crash in the middle of a write leaves
// (the writer cuts it off when it reopens): it is reported in `torn_tail_bytes` and is not a
// problem. Pure function of the files; safe to run while a writer appends (what it has not
// written yet is simply not checked).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace warden::audit {

enum class ProblemKind { kMalformed, kEdited, kMissing, kReordered, kBrokenLink };

// "malformed", "edited", "missing", "reordered", "broken_link".
std::string_view ProblemKindName(ProblemKind kind);

struct Problem {
  ProblemKind kind = ProblemKind::kMalformed;
  std::string segment;  // path of the segment file
  uint64_t line = 0;    // 1-based line within it
  uint64_t seq = 0;     // the record's seq, when it could be read (else 0)
  std::string message;
};

struct VerifyReport {
  bool ok = true;
  uint64_t records = 0;   // records found sound (before the problem, if any)
  uint64_t segments = 0;  // segment files read
  uint64_t last_seq = 0;  // of the last sound record
  std::string last_hash;  // of the last sound record (64 zeros when there is none)
  std::optional<Problem> problem;
  uint64_t torn_tail_bytes = 0;
};

// Fails (kNotFound, kIoError) only when the directory or a segment cannot be read; problems
// in the content are in the report.
Result<VerifyReport> Verify(const std::string& dir);

}  // namespace warden::audit
