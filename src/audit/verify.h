// Verifying an audit directory: every segment in order (compressed ones read through zlib),
// every line parsed, every hash recomputed (chain.h), seq continuity and prev_hash links
// checked. Stops at the first problem and says exactly where it is (segment file, 1-based
// line) and what it is:
//
//   kMalformed    the line is not a record: not JSON, a field missing or of the wrong type, no
//                 `prev_hash`/`hash` at its end, an incomplete line before the last segment, or
//                 a compressed segment that does not decompress
//   kEdited       the record's hash does not match its content: it was changed after writing
//   kMissing      seq jumps forward (records were removed) and the missing seq is nowhere later
//   kReordered    seq goes backwards, or jumps forward to a record whose predecessor comes later
//   kBrokenLink   seq is right but prev_hash is not the previous record's hash (records were
//                 removed and the rest renumbered, or segments were mixed up)
//   kAnchor       the retention anchor (anchor.h) is not one, its MAC does not match (or is
//                 missing while the key exists), it claims records removed that are still
//                 there, or it disagrees with the last retention record in the log (it covers
//                 more than retention announced: segments were removed and the anchor
//                 rewritten), or no retention record announces it
//
// What retention removed is not a problem: with an anchor, the chain starts at its first_seq
// and must link to its prev_hash, and the report's `retention` says what was removed (segments,
// records, bytes, from when to when) and whether the MAC was checked. Segments below the
// anchor's first_segment that are still there (a pass stopped before it removed them) are
// counted as awaiting removal and not read. A gap that no anchor covers is kMissing as before:
// a segment removed by hand, before or after the anchor, is found.
//
// An incomplete final line in the last segment is what a crash in the middle of a write leaves
// (the writer cuts it off when it reopens): it is reported in `torn_tail_bytes` and is not a
// problem. Pure function of the files; safe to run while a writer appends (what it has not
// written yet is simply not checked) and while retention compresses or removes segments (a
// segment that disappears while being verified makes the whole check start again, up to
// three times).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/anchor.h"
#include "core/status.h"

namespace warden::audit {

enum class ProblemKind { kMalformed, kEdited, kMissing, kReordered, kBrokenLink, kAnchor };

// "malformed", "edited", "missing", "reordered", "broken_link", "anchor".
std::string_view ProblemKindName(ProblemKind kind);

struct Problem {
  ProblemKind kind = ProblemKind::kMalformed;
  std::string segment;  // path of the segment file
  uint64_t line = 0;    // 1-based line within it
  uint64_t seq = 0;     // the record's seq, when it could be read (else 0)
  std::string message;
};

// What retention removed, from the anchor.
struct RetentionReport {
  Anchor anchor;
  std::string mac;                // "verified", "unsigned", or "not checked: <why>"
  uint64_t awaiting_removal = 0;  // segments below anchor.first_segment still present (not read)
  uint64_t announcements = 0;     // retention records found in the retained log
  std::string note;               // e.g. a removal announced whose segments are still there
};

struct VerifyReport {
  bool ok = true;
  uint64_t records = 0;              // records found sound (before the problem, if any)
  uint64_t segments = 0;             // segment files read
  uint64_t compressed_segments = 0;  // of which compressed
  uint64_t last_seq = 0;             // of the last sound record
  std::string last_hash;             // of the last sound record (64 zeros when there is none)
  std::optional<Problem> problem;
  uint64_t torn_tail_bytes = 0;
  std::optional<RetentionReport> retention;  // set when the directory has an anchor
};

struct VerifyOptions {
  // The anchor's MAC key (<state dir>/audit.key); "" or a missing file: the MAC is not checked.
  std::string key_file;
  // > 0: only the newest `tail_segments` segments, the chain taken up from the last record of
  // the one before them (unchecked); no anchor or retention checks; lines read for their head
  // fields, links and hashes, not parsed whole. What the writer checks of the segment it
  // appends to when it opens.
  size_t tail_segments = 0;
};

// Fails (kNotFound, kIoError) only when the directory or a segment cannot be read; problems
// in the content are in the report.
Result<VerifyReport> Verify(const std::string& dir, const VerifyOptions& options = {});

}  // namespace warden::audit
