#include "audit/scan.h"

#include <algorithm>
#include <deque>
#include <tuple>
#include <vector>
#include <unordered_map>

#include "audit/segment.h"

namespace warden::audit {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Counts by key. A log has few distinct decisions, kinds and rules, so a small cache indexed by
// a hash cheaper than the map's (length and two bytes) answers most lookups.
class Counter {
 public:
  void Add(std::string_view key) {
    Slot& slot =
        cache_[key.empty()
                   ? 0
                   : (key.size() * 31 + static_cast<uint8_t>(key[0]) + static_cast<uint8_t>(key.back()) * 7) % kSlots];
    if (slot.count == nullptr || slot.key != key) {
      auto it = counts_.find(key);
      if (it == counts_.end()) it = counts_.emplace(std::string(key), 0).first;
      slot = {it->first, &it->second};  // map nodes do not move: the view and pointer stay valid
    }
    ++*slot.count;
  }

  std::vector<std::pair<std::string, uint64_t>> Sorted() const {
    std::vector<std::pair<std::string, uint64_t>> out(counts_.begin(), counts_.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
  }

 private:
  struct Slot {
    std::string_view key;
    uint64_t* count = nullptr;
  };
  static constexpr size_t kSlots = 16;
  std::unordered_map<std::string, uint64_t, StringHash, std::equal_to<>> counts_;
  Slot cache_[kSlots];
};

std::string_view RuleKey(const LineFields& f) {
  return f.has_rule ? f.rule : kDefaultRule;
}

// A segment retention removed since it was listed is skipped: its records are gone.
Result<bool> ScanSegment(const Segment& segment, const Filter& filter,
                         const std::function<bool(const ScanRecord&)>& callback, ScanSummary* summary) {
  auto reader = LineReader::OpenSegment(segment);
  if (!reader.ok()) {
    if (reader.status().code() == Status::Code::kNotFound) return true;
    return reader.status();
  }
  std::string_view line;
  LineFields fields;
  FieldStorage storage;
  for (;;) {
    auto more = reader->Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) return true;
    ++summary->lines;
    if (!ReadFields(line, &fields, &storage).ok()) {
      if (summary->malformed++ == 0)
        summary->first_malformed = segment.path + ":" + std::to_string(reader->line_number());
      continue;
    }
    if (!filter.Matches(fields)) continue;
    ++summary->matched;
    if (!callback(ScanRecord{fields, line, segment.path, reader->line_number()})) return false;
  }
}

// The last `n` complete lines of one segment, and the offset past its last complete line.
Status TailOfSegment(const Segment& segment, size_t n, std::deque<std::string>* lines, uint64_t* end) {
  auto reader = LineReader::OpenSegment(segment);
  if (!reader.ok()) return reader.status().code() == Status::Code::kNotFound ? Status::Ok() : reader.status();
  std::string_view line;
  for (;;) {
    auto more = reader->Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (n == 0) continue;
    if (lines->size() == n) lines->pop_front();
    lines->emplace_back(line);
  }
  *end = reader->offset();
  return Status::Ok();
}

}  // namespace

bool Filter::Matches(const LineFields& f) const {
  if (!since.empty() && f.ts < since) return false;
  if (decision && f.decision != *decision) return false;
  if (kind && f.kind != *kind) return false;
  if (rule && RuleKey(f) != *rule) return false;
  return true;
}

Result<ScanSummary> Scan(const std::string& dir, const Filter& filter,
                         const std::function<bool(const ScanRecord&)>& callback) {
  ScanSummary summary;
  auto segments = ListSegments(dir);
  if (!segments.ok()) {
    if (segments.status().code() == Status::Code::kNotFound) return summary;
    return segments.status();
  }
  for (const Segment& segment : *segments) {
    auto go_on = ScanSegment(segment, filter, callback, &summary);
    if (!go_on.ok()) return go_on.status();
    if (!*go_on) break;
  }
  return summary;
}

std::string_view StatsKeyName(StatsKey key) {
  switch (key) {
    case StatsKey::kDecision:
      return "decision";
    case StatsKey::kRule:
      return "rule";
    case StatsKey::kKind:
      return "kind";
  }
  return "unknown";
}

const std::vector<std::pair<std::string, uint64_t>>& Stats::By(StatsKey key) const {
  return key == StatsKey::kDecision ? by_decision : key == StatsKey::kRule ? by_rule : by_kind;
}

Result<Stats> ComputeStats(const std::string& dir, const Filter& filter) {
  return ComputeStats(std::vector<std::string>{dir}, filter);
}

Result<Stats> ComputeStats(const std::vector<std::string>& dirs, const Filter& filter) {
  Counter decisions, rules, kinds;
  Stats stats;
  for (const auto& dir : dirs) {
    auto summary = Scan(dir, filter, [&](const ScanRecord& r) {
      decisions.Add(r.fields.decision);
      rules.Add(RuleKey(r.fields));
      kinds.Add(r.fields.kind);
      return true;
    });
    if (!summary.ok()) return summary.status();
    stats.scan.lines += summary->lines;
    stats.scan.matched += summary->matched;
    if (summary->malformed && stats.scan.first_malformed.empty()) stats.scan.first_malformed = summary->first_malformed;
    stats.scan.malformed += summary->malformed;
  }
  stats.records = stats.scan.matched;
  stats.by_decision = decisions.Sorted();
  stats.by_rule = rules.Sorted();
  stats.by_kind = kinds.Sorted();
  return stats;
}

Result<ScanSummary> ScanMerged(const std::vector<std::string>& dirs, const Filter& filter,
                               const std::function<void(std::string_view line)>& callback) {
  struct Entry {
    std::string ts;
    size_t log;
    std::string line;
  };
  std::vector<Entry> all;
  ScanSummary total;
  for (size_t i = 0; i < dirs.size(); ++i) {
    auto summary = Scan(dirs[i], filter, [&](const ScanRecord& r) {
      all.push_back({std::string(r.fields.ts), i, std::string(r.line)});
      return true;
    });
    if (!summary.ok()) return summary.status();
    total.lines += summary->lines;
    total.matched += summary->matched;
    if (summary->malformed && total.first_malformed.empty()) total.first_malformed = summary->first_malformed;
    total.malformed += summary->malformed;
  }
  // Each log is in time order already; a stable sort by (ts, log) merges them.
  std::stable_sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return std::tie(a.ts, a.log) < std::tie(b.ts, b.log); });
  for (const auto& e : all) callback(e.line);
  return total;
}

Result<TailResult> Tail(const std::string& dir, size_t n) {
  TailResult result;
  auto segments = ListSegments(dir);
  if (!segments.ok()) return segments.status();
  std::deque<std::string> lines;
  for (size_t i = segments->size(); i-- > 0;) {
    std::deque<std::string> older;
    uint64_t end = 0;
    if (Status s = TailOfSegment((*segments)[i], n - lines.size(), &older, &end); !s.ok()) return s;
    if (i + 1 == segments->size()) {
      result.segment = (*segments)[i].path;
      result.offset = end;
    }
    lines.insert(lines.begin(), std::make_move_iterator(older.begin()), std::make_move_iterator(older.end()));
    if (lines.size() >= n) break;
  }
  result.lines.assign(std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
  return result;
}

}  // namespace warden::audit
