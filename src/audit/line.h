// One record line (format in record.h, hashing in chain.h): writing it, and reading its
// fields back.
//
// Reading comes in two speeds. ExtractFields reads the leading scalar fields of a line with a
// few prefix comparisons, relying on the writer's fixed key order and escaping; it refuses
// (returns false) anything else, including strings that contain an escape. ParseFields parses
// the whole line with Boost.JSON and accepts any key order. ReadFields tries the first, then
// the second. Views returned point into the line or into the caller's FieldStorage.
//
// Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/chain.h"
#include "core/status.h"

namespace warden::audit {

// Appends the complete line for a record (with its trailing '\n') to `out`:
// {"seq":…,"ts":"…",<fields>,"prev_hash":"<*prev>","hash":"…"}, `ts` being `ts_micros` as
// FormatTimestamp writes it and `fields` coming from SerializeRecordFields. On return *prev
// holds this record's hash, for the next one.
void AppendLine(uint64_t seq, int64_t ts_micros, std::string_view fields, HashBytes* prev, std::string* out);

struct LineFields {
  uint64_t seq = 0;
  std::string_view ts;
  std::string_view kind;
  std::string_view context;
  std::string_view decision;
  bool has_rule = false;  // false: "rule" is null
  std::string_view rule;
};

// The fast path: true only for a line shaped exactly as the writer writes it, up to "rule".
bool ExtractFields(std::string_view line, LineFields* out);

// `prev_hash` and `hash` from the fixed-size end of a line; false unless the line ends with
// `,"prev_hash":"<64 hex>","hash":"<64 hex>"}`.
bool ExtractHashes(std::string_view line, std::string_view* prev_hash, std::string_view* hash);

// Owns the unescaped strings of a line the slow path had to parse.
struct FieldStorage {
  std::string ts, kind, context, decision, rule;
};

// The slow path: a full parse. Fails with kParseError naming the problem ("not valid JSON: …",
// "\"seq\" is missing or not an unsigned integer", …).
Status ParseFields(std::string_view line, LineFields* out, FieldStorage* storage);

// ExtractFields, else ParseFields.
Status ReadFields(std::string_view line, LineFields* out, FieldStorage* storage);

// True if the line's `hash` is the hash of the rest of the line chained to `prev` (chain.h).
// The line must end with the hash suffix.
bool LineHashMatches(std::string_view line, const HashBytes& prev);

}  // namespace warden::audit
