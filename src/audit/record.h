// An audit record: what the caller supplies for one decision, and the one line of JSON the
// writer makes of it.
//
// Line format. Every record is exactly one line, written by SerializeRecord + the writer, with
// the keys always in this order and no whitespace (Boost.JSON's serializer escapes strings):
//
//   {"seq":N,"ts":"YYYY-MM-DDTHH:MM:SS.ffffffZ","decision_id":S,"kind":S,"context":S,
//    "decision":S,"rule":S|null,"latency_ns":N,"policy_revision":S,"subject":S|null,"reason":S,
//    "request":V,"facts":V,"prev_hash":"<64 hex>","hash":"<64 hex>"}\n
//
// The small scalar fields come first and the caller's free-form values (subject, reason,
// request, facts) last, so that `warden audit stats` can read kind, decision, rule and ts from
// the start of a line without parsing the rest (see line_fields.h). `hash` is last so that the
// hashed text is the line with its `hash` member cut off (see chain.h). `ts` is UTC with
// exactly six fractional digits, so timestamps compare correctly as strings.
//
// Everything here is pure and thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace warden::audit {

// The caller-supplied part of a record; the writer adds seq, ts, prev_hash and hash.
struct Record {
  std::string decision_id;
  std::string kind;                 // exec, file, mcp, http, action
  std::string context;              // ai, human, service
  std::string decision;             // allow, ask, deny
  std::optional<std::string> rule;  // null: the context's default decided
  uint64_t latency_ns = 0;
  std::string policy_revision;
  std::optional<std::string> subject;
  std::string reason;
  boost::json::value request = boost::json::object();  // a redacted summary, stored as given
  boost::json::value facts = boost::json::array();
  // Already serialized (valid JSON, redacted): written instead of `request` / `facts` when not
  // empty. The daemon's hot path writes these directly rather than building a JSON tree to be
  // serialized again.
  std::string request_json;
  std::string facts_json;
};

// The record's members from "decision_id" to "facts", as `"decision_id":…,…,"facts":…` (no
// braces). So that every line stays valid JSON, invalid UTF-8 in any string becomes U+FFFD and
// a NaN or infinite number in `request` or `facts` becomes null.
std::string SerializeRecordFields(const Record& record);

// Microseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always 27 bytes; years
// outside 0000-9999 are not represented faithfully).
inline constexpr size_t kTimestampSize = 27;
std::string FormatTimestamp(int64_t unix_micros);
// The same into out[0 .. kTimestampSize).
void FormatTimestamp(int64_t unix_micros, char* out);

// Parses an RFC 3339 date-time ("2024-05-01T12:00:00Z", "…T12:00:00.5+02:00") or a date
// ("2024-05-01", midnight UTC) into microseconds since the epoch.
Result<int64_t> ParseTimestamp(std::string_view text);

// Parses a --since value: RFC 3339 as above, or an age relative to `now_micros` such as 90s,
// 10m, 24h, 7d. Returns the canonical timestamp string (FormatTimestamp), which compares with
// records' `ts` as a string.
Result<std::string> ParseSince(std::string_view text, int64_t now_micros);

// The current time in microseconds since the epoch.
int64_t NowMicros();

}  // namespace warden::audit
