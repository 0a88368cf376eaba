// The audit log's line reader and field extractors on arbitrary bytes, plus a round trip
// through the writer's line format.
//
// Checks that nothing crashes or reads out of bounds; that LineReader splits a file into the
// same lines as a plain split on '\n' (the part after the last '\n' being partial()); and, for
// a record built from the input, that the line the writer makes parses as JSON, carries a hash
// that verifies, and reads back the same fields by the fast path (whenever it accepts the
// line; it must when no field needs escaping) and by the full parse.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/chain.h"
#include "audit/line.h"
#include "audit/record.h"
#include "audit/segment.h"
#include "core/strings.h"

namespace warden::audit {
namespace {

void ReadArbitraryLine(std::string_view line) {
  LineFields fields;
  FieldStorage storage;
  if (ExtractFields(line, &fields) && fields.ts.size() != kTimestampSize) __builtin_trap();
  Status s = ParseFields(line, &fields, &storage);
  if (!s.ok() && s.message().empty()) __builtin_trap();
  std::string_view prev, hash;
  if (ExtractHashes(line, &prev, &hash) && (prev.size() != kHashHexSize || hash.size() != kHashHexSize)) {
    __builtin_trap();
  }
  LineHashMatches(line, HashBytes{});
}

void SplitLikeLineReader(std::string_view data) {
  int fd = memfd_create("audit_line_fuzzer", MFD_CLOEXEC);
  if (fd < 0) return;
  if (write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) __builtin_trap();
  auto reader = LineReader::Open("/proc/self/fd/" + std::to_string(fd));
  close(fd);
  if (!reader.ok()) return;
  std::vector<std::string_view> expected = Split(data, '\n');
  std::string_view line;
  for (size_t i = 0; i + 1 < expected.size(); ++i) {
    auto more = reader->Next(&line);
    if (!more.ok() || !*more || line != expected[i] || reader->line_number() != i + 1) __builtin_trap();
    ReadArbitraryLine(line);
  }
  auto more = reader->Next(&line);
  if (!more.ok() || *more || reader->partial() != expected.back()) __builtin_trap();
}

bool NeedsEscape(std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

std::string Clean(std::string s) { return JsonSafe(std::move(s), /*escape=*/false); }

// Fields separated by 0x01 bytes: decision_id, kind, context, decision, rule ("" is null), reason.
void RoundTrip(std::string_view data) {
  std::vector<std::string_view> parts = Split(data, '\x01');
  parts.resize(6);
  Record r;
  r.decision_id = parts[0];
  r.kind = parts[1];
  r.context = parts[2];
  r.decision = parts[3];
  if (!parts[4].empty()) r.rule = std::string(parts[4]);
  r.reason = parts[5];
  r.request = boost::json::object{{"command", parts[5]}};
  uint64_t seq = data.size() * 2654435761u + 1;
  HashBytes prev{}, before = prev;
  std::string line;
  AppendLine(seq, static_cast<int64_t>(seq) * 1000003, SerializeRecordFields(r), &prev, &line);
  line.pop_back();

  LineFields full;
  FieldStorage storage;
  if (!ParseFields(line, &full, &storage).ok()) __builtin_trap();
  if (full.seq != seq || full.kind != Clean(r.kind) || full.context != Clean(r.context) ||
      full.decision != Clean(r.decision) || full.has_rule != r.rule.has_value() ||
      (r.rule && full.rule != Clean(*r.rule))) {
    __builtin_trap();
  }
  LineFields fast;
  bool plain =
      !NeedsEscape(r.kind) && !NeedsEscape(r.context) && !NeedsEscape(r.decision) && !(r.rule && NeedsEscape(*r.rule));
  bool extracted = ExtractFields(line, &fast);
  if (plain && !extracted) __builtin_trap();
  if (extracted &&
      (fast.seq != full.seq || fast.ts != full.ts || fast.kind != full.kind || fast.context != full.context ||
       fast.decision != full.decision || fast.has_rule != full.has_rule || fast.rule != full.rule)) {
    __builtin_trap();
  }
  std::string_view prev_hex, hash_hex;
  if (!ExtractHashes(line, &prev_hex, &hash_hex) || hash_hex != ToHex(prev) || !LineHashMatches(line, before)) {
    __builtin_trap();
  }
}

}  // namespace
}  // namespace warden::audit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  warden::audit::ReadArbitraryLine(input);
  warden::audit::SplitLikeLineReader(input);
  warden::audit::RoundTrip(input);
  return 0;
}
