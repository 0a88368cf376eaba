// The retention anchor: where the retained part of an audit log starts once retention
// (retention.h) has removed its oldest segments, and the record retention appends to the log
// to announce each removal.
//
// anchor.json, in the audit directory, is one JSON object (written with its keys in this order;
// read in any order, but no key missing and no other):
//
//   {"format":"warden-audit-anchor/1",
//    "first_segment":N,      the lowest segment index retained (segments below it are removed)
//    "first_seq":N,          the seq of the first retained record
//    "prev_hash":"<64 hex>", the hash of the last removed record: the prev_hash the first
//                            retained record must carry
//    "removed_segments":N, "removed_records":N, "removed_bytes":N,   totals over every removal
//    "oldest_ts":TS, "through_ts":TS,   ts of the first and the last record removed
//    "updated":TS,           when the last removal happened
//    "mac":"<64 hex>"|null}  keyed BLAKE2b-256 of the fields above (AnchorMacText), with the
//                            key in <state dir>/audit.key; null when retention ran without one
//
// removed_records is always first_seq - 1 (the log starts at seq 1). The anchor is protected
// three ways: the retained chain must link to it (prev_hash); the MAC, which only a holder of
// the key can recompute; and the retention record, appended to the chain itself before the
// anchor is written, which names the same first_seq and prev_hash — so an anchor rewritten to
// cover more removed segments disagrees with the last such record in the log.
//
// The retention record is an ordinary record (record.h): kind "action", context "service",
// decision "allow", rule kRetentionRule, subject "warden", and a request object
// {"action":"audit.retention", then the anchor's fields from first_segment to through_ts}.
//
// Everything here is pure and thread-safe except the key and file functions, which touch only
// the files they name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/record.h"
#include "core/status.h"

namespace warden::audit {

inline constexpr std::string_view kAnchorFile = "anchor.json";
inline constexpr std::string_view kAnchorFormat = "warden-audit-anchor/1";
inline constexpr std::string_view kRetentionRule = "warden:audit-retention";
inline constexpr std::string_view kRetentionAction = "audit.retention";
inline constexpr size_t kMaxAnchorBytes = 16 * 1024;
inline constexpr size_t kAnchorKeyBytes = 32;

struct Anchor {
  uint64_t first_segment = 0;
  uint64_t first_seq = 0;
  std::string prev_hash;
  uint64_t removed_segments = 0;
  uint64_t removed_records = 0;
  uint64_t removed_bytes = 0;
  std::string oldest_ts;
  std::string through_ts;
  std::string updated;
  std::string mac;  // "" when unsigned

  bool operator==(const Anchor&) const = default;
};

// Parses anchor.json's text; kParseError naming the problem for anything but the format
// above (a field missing, of the wrong type or out of range, an unknown key, more than
// kMaxAnchorBytes, removed_records != first_seq - 1, …).
Result<Anchor> ParseAnchor(std::string_view text);

// The file's text (ending in '\n'); ParseAnchor(SerializeAnchor(a)) == a for a valid anchor.
std::string SerializeAnchor(const Anchor& anchor);

// The text the MAC covers: every field but the MAC, one "name=value" line each, in order.
std::string AnchorMacText(const Anchor& anchor);
// hex(BLAKE2b-256 keyed with `key` over AnchorMacText).
std::string AnchorMac(const Anchor& anchor, std::string_view key);
// Constant-time comparison of the anchor's MAC with the one computed with `key`.
bool AnchorMacMatches(const Anchor& anchor, std::string_view key);

// <dir>/anchor.json: nullopt when there is none; kParseError when it is not an anchor.
Result<std::optional<Anchor>> ReadAnchor(const std::string& dir);
// Replaces <dir>/anchor.json atomically: a temporary file, fsync'ed, renamed, the directory
// fsync'ed.
Status WriteAnchor(const std::string& dir, const Anchor& anchor);

// The MAC key: 32 random bytes stored as 64 hex digits in `path`, mode 0600. LoadAnchorKey
// returns nullopt when the file does not exist; LoadOrCreateAnchorKey creates it then.
Result<std::optional<std::string>> LoadAnchorKey(const std::string& path);
Result<std::string> LoadOrCreateAnchorKey(const std::string& path);

// The record retention appends to announce a removal (see above).
Record RetentionRecord(const Anchor& anchor);
// The anchor fields a retention record's line announces; nullopt when the line is not a
// retention record (any line may be given; only one whose rule is kRetentionRule is parsed).
std::optional<Anchor> ReadRetentionRecord(std::string_view line);

}  // namespace warden::audit
