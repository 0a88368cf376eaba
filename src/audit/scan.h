// Reading an audit directory for queries and statistics, fast: each line's kind, decision,
// rule and ts are taken with ExtractFields (line.h) without parsing the rest of the line, and
// only lines that are not shaped as the writer writes them are parsed in full.
//
// Scan does not check the hash chain (that is Verify). Lines that are not records are
// skipped and counted; an incomplete final line (a write in progress) is ignored. Compressed
// segments are read like the others (segment.h); one that retention removes while it is being
// scanned is skipped, and what retention removed before is simply not there. All functions
// are thread-safe; they only read the files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/line.h"
#include "core/status.h"

namespace warden::audit {

// How a record decided by the context's default (rule null) is named in statistics and
// matched by Filter::rule.
inline constexpr std::string_view kDefaultRule = "(default)";

struct Filter {
  std::string since;  // a canonical timestamp (ParseSince): records with ts >= since; "" for all
  std::optional<std::string> decision;
  std::optional<std::string> rule;  // kDefaultRule matches records without a rule
  std::optional<std::string> kind;

  bool Matches(const LineFields& fields) const;
};

struct ScanRecord {
  const LineFields& fields;
  std::string_view line;  // without its '\n'
  const std::string& segment;
  uint64_t line_number;
};

struct ScanSummary {
  uint64_t lines = 0;    // complete lines read
  uint64_t matched = 0;  // records that passed the filter
  uint64_t malformed = 0;
  std::string first_malformed;  // "segment:line" of the first one
};

// Calls `callback` for every record that passes `filter`, in log order; the callback returns
// false to stop early. A missing directory is an empty log.
Result<ScanSummary> Scan(const std::string& dir, const Filter& filter,
                         const std::function<bool(const ScanRecord&)>& callback);

// Several instances' logs (one directory each) as one: every record that passes `filter`, merged
// by time (`ts`; records of the same microsecond in the order of `dirs`), as whole lines. The
// summary adds up the logs' summaries.
Result<ScanSummary> ScanMerged(const std::vector<std::string>& dirs, const Filter& filter,
                               const std::function<void(std::string_view line)>& callback);

enum class StatsKey { kDecision, kRule, kKind };

// "decision", "rule", "kind".
std::string_view StatsKeyName(StatsKey key);

struct Stats {
  uint64_t records = 0;
  // Per key, (value, count) pairs, the highest count first (ties by value).
  std::vector<std::pair<std::string, uint64_t>> by_decision, by_rule, by_kind;
  ScanSummary scan;

  const std::vector<std::pair<std::string, uint64_t>>& By(StatsKey key) const;
};

// Counts the records that pass `filter` by decision, rule and kind — in one log, or in several
// instances' logs together.
Result<Stats> ComputeStats(const std::string& dir, const Filter& filter);
Result<Stats> ComputeStats(const std::vector<std::string>& dirs, const Filter& filter);

// The last `n` complete lines of the log (across segments), oldest first, and where reading
// should resume to follow the log: the last segment's path and the offset past its last line.
struct TailResult {
  std::vector<std::string> lines;
  std::string segment;
  uint64_t offset = 0;
};
Result<TailResult> Tail(const std::string& dir, size_t n);

}  // namespace warden::audit
