// `warden audit tail|verify|stats|query|prune`: reading the audit log in <state-dir>/audit/,
// and retention for a log no daemon is writing.
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include "core/json_text.h"
#include "audit/record.h"
#include "audit/retention.h"
#include "audit/scan.h"
#include "audit/segment.h"
#include "audit/verify.h"
#include "audit/writer.h"
#include "cli/common.h"
#include "core/strings.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

constexpr int kExitProblem = 1;  // verify found a problem, or the log could not be read

struct AuditArgs {
  std::vector<std::string> state_dirs;  // verify, stats and query take several instances' logs
  bool json = false;
  size_t lines = 10;
  bool follow = false;
  std::string since;
  std::string by;
  std::optional<std::string> decision, rule, kind;
  // prune
  std::string max_age, max_bytes;
  bool compress = false;
  uint64_t compress_after = audit::kRetentionKeepNewest;
};

std::string StateDir(const AuditArgs& a) {
  return a.state_dirs.empty() ? HomeDir() + "/.local/state/warden" : a.state_dirs.front();
}

std::string AuditDir(const AuditArgs& a) {
  return StateDir(a) + "/audit";
}

// Every log asked for: one per --state-dir (several instances' logs), else the default one.
std::vector<std::string> AuditDirs(const AuditArgs& a) {
  if (a.state_dirs.empty()) return {AuditDir(a)};
  std::vector<std::string> dirs;
  for (const auto& d : a.state_dirs) dirs.push_back(d + "/audit");
  return dirs;
}

// The retention anchor's MAC key (audit/anchor.h).
std::string AnchorKeyFile(const AuditArgs& a) {
  return StateDir(a) + "/audit.key";
}

int Fail(const Status& s) {
  std::cerr << "warden: " << s.message() << "\n";
  return kExitProblem;
}

// What a person reads about the request: its command or path when it has one, else its JSON.
std::string RequestSummary(const json::value* request) {
  if (request == nullptr || !request->is_object()) return "";
  const json::object& o = request->get_object();
  for (const char* key : {"command", "url", "path", "tool", "action"}) {
    if (const json::value* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  }
  return o.empty() ? "" : JsonText(o);
}

std::string StringOr(const json::object& o, std::string_view key, std::string_view otherwise) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string(otherwise);
}

// One line per record: ts #seq decision kind context rule: request — reason. Text from the
// record goes through Printable, so no escape sequence reaches the terminal.
std::string HumanLine(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(line.data(), line.size()), ec);
  if (ec || !v.is_object()) return "(not a record) " + Printable(line, 200);
  const json::object& o = v.get_object();
  const json::value* seq = o.if_contains("seq");
  std::string out = StringOr(o, "ts", "?") + " #" + (seq ? JsonText(*seq) : "?") + " " +
                    StringOr(o, "decision", "?") + " " + StringOr(o, "kind", "?") + " " + StringOr(o, "context", "?") +
                    " " + StringOr(o, "rule", std::string(audit::kDefaultRule));
  std::string request = RequestSummary(o.if_contains("request"));
  if (!request.empty()) out += ": " + Printable(request, 160);
  std::string reason = StringOr(o, "reason", "");
  if (!reason.empty()) out += " — " + Printable(reason, 160);
  return Printable(out, 600);
}

void PrintRecord(std::string_view line, bool as_json) {
  if (as_json) {
    std::cout << line << "\n";
  } else {
    std::cout << HumanLine(line) << "\n";
  }
}

void PrintNewLines(std::optional<audit::LineReader>& reader, bool as_json) {
  std::string_view line;
  while (reader) {
    auto more = reader->Next(&line);
    if (!more.ok() || !*more) break;
    PrintRecord(line, as_json);
  }
  std::cout.flush();
}

// The first segment after `segment` ("": none yet).
std::string NextSegment(const std::string& dir, const std::string& segment) {
  uint64_t current = segment.empty() ? 0 : audit::ParseSegmentName(segment.substr(segment.rfind('/') + 1));
  auto segments = audit::ListSegments(dir);
  if (!segments.ok()) return "";
  for (const auto& s : *segments) {
    if (s.index > current) return s.path;
  }
  return "";
}

// Prints what is appended to the log from `segment`'s `offset` on, moving to the next segment
// when the writer rotates; never returns.
[[noreturn]] void Follow(const std::string& dir, std::string segment, uint64_t offset, bool as_json) {
  std::optional<audit::LineReader> reader;
  for (;;) {
    if (!reader && !segment.empty()) {
      if (auto r = audit::LineReader::Open(segment, offset); r.ok()) reader.emplace(std::move(r).value());
    }
    PrintNewLines(reader, as_json);
    if (std::string next = NextSegment(dir, segment); !next.empty()) {
      PrintNewLines(reader, as_json);  // the writer finishes a segment before it starts the next
      reader.reset();
      segment = next;
      offset = 0;
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int RunTail(const AuditArgs& a) {
  std::string dir = AuditDir(a);
  auto tail = audit::Tail(dir, a.lines);
  if (!tail.ok() && !(a.follow && tail.status().code() == Status::Code::kNotFound)) return Fail(tail.status());
  audit::TailResult start = tail.ok() ? std::move(tail).value() : audit::TailResult{};
  for (const auto& line : start.lines) PrintRecord(line, a.json);
  std::cout.flush();
  if (a.follow) Follow(dir, start.segment, start.offset, a.json);
  return 0;
}

json::value RetentionJson(const std::optional<audit::RetentionReport>& r) {
  if (!r) return nullptr;
  const audit::Anchor& a = r->anchor;
  json::object o{{"removed_segments", a.removed_segments},
                 {"removed_records", a.removed_records},
                 {"removed_bytes", a.removed_bytes},
                 {"removed_through_seq", a.first_seq - 1},
                 {"oldest_ts", a.oldest_ts},
                 {"through_ts", a.through_ts},
                 {"updated", a.updated},
                 {"first_segment", a.first_segment},
                 {"first_seq", a.first_seq},
                 {"prev_hash", a.prev_hash},
                 {"mac", r->mac},
                 {"awaiting_removal", r->awaiting_removal},
                 {"announcements", r->announcements}};
  o["note"] = r->note.empty() ? json::value(nullptr) : json::value(r->note);
  return o;
}

json::object VerifyJson(const std::string& dir, const audit::VerifyReport& r) {
  json::object o;
  o["ok"] = r.ok;
  o["dir"] = dir;
  o["records"] = r.records;
  o["segments"] = r.segments;
  o["compressed_segments"] = r.compressed_segments;
  o["retention"] = RetentionJson(r.retention);
  o["last_seq"] = r.last_seq;
  o["last_hash"] = r.last_hash;
  o["torn_tail_bytes"] = r.torn_tail_bytes;
  if (r.problem) {
    o["problem"] = json::object{{"kind", std::string(audit::ProblemKindName(r.problem->kind))},
                                {"segment", r.problem->segment},
                                {"line", r.problem->line},
                                {"seq", r.problem->seq},
                                {"message", r.problem->message}};
  } else {
    o["problem"] = nullptr;
  }
  return o;
}

// What retention removed, in a sentence: not a problem, but the reader should know.
void PrintRetentionText(const audit::RetentionReport& r, bool ok) {
  const audit::Anchor& a = r.anchor;
  std::cout << "retention: removed " << a.removed_segments << " segment(s) before segment " << a.first_segment << ", "
            << a.removed_records << " record(s) (seq 1 to " << a.first_seq - 1 << ", " << a.oldest_ts << " to "
            << a.through_ts << ", " << a.removed_bytes << " bytes), last on " << a.updated;
  if (ok) {
    std::cout << "; the retained chain starts at seq " << a.first_seq << " and links to the anchor (MAC " << r.mac
              << ")";
  } else {
    std::cout << ", says " << audit::kAnchorFile;
  }
  std::cout << "\n";
  if (r.awaiting_removal) {
    std::cout << "note: " << r.awaiting_removal
              << " segment(s) the anchor covers are still present (a retention pass stopped early; the next one "
                 "removes them); they were not read\n";
  }
  if (!r.note.empty()) std::cout << "note: " << r.note << "\n";
}

void PrintVerifyText(const audit::VerifyReport& r) {
  if (r.retention) PrintRetentionText(*r.retention, r.ok);
  if (r.problem) {
    const audit::Problem& p = *r.problem;
    std::cout << p.segment << ":" << p.line << ": " << audit::ProblemKindName(p.kind)
              << (p.seq ? " (seq " + std::to_string(p.seq) + ")" : "") << ": " << p.message << "\n"
              << "not ok: " << r.records << " record(s) before it are intact; verification stopped here\n";
    return;
  }
  std::cout << "ok: " << r.records << " record(s) in " << r.segments << " segment(s)"
            << (r.compressed_segments ? " (" + std::to_string(r.compressed_segments) + " compressed)" : "")
            << "; the hash chain is intact";
  if (r.records) std::cout << "; last seq " << r.last_seq << ", hash " << r.last_hash;
  std::cout << "\n";
  if (r.torn_tail_bytes) {
    std::cout << "note: the last segment ends with an incomplete line of " << r.torn_tail_bytes
              << " bytes (a write cut short by a crash, or one in progress); the writer cuts it off when it reopens\n";
  }
}

int VerifyOne(const AuditArgs& a, const std::string& state_dir, json::array* logs) {
  std::string dir = state_dir + "/audit";
  auto report = audit::Verify(dir, audit::VerifyOptions{state_dir + "/audit.key"});
  if (!report.ok()) {
    if (a.json) {
      logs->push_back(json::object{{"ok", false}, {"dir", dir}, {"error", report.status().message()}});
      return kExitProblem;
    }
    return Fail(report.status());
  }
  if (a.json) {
    logs->push_back(VerifyJson(dir, *report));
  } else {
    PrintVerifyText(*report);
  }
  return report->ok ? 0 : kExitProblem;
}

// Each instance's log is its own chain: verified one by one; any problem fails the whole.
int RunVerify(const AuditArgs& a) {
  std::vector<std::string> dirs = a.state_dirs.empty() ? std::vector<std::string>{StateDir(a)} : a.state_dirs;
  json::array logs;
  int code = 0;
  for (const auto& d : dirs) {
    if (!a.json && dirs.size() > 1) std::cout << d << "/audit:\n";
    if (VerifyOne(a, d, &logs) != 0) code = kExitProblem;
  }
  if (a.json) {
    if (logs.size() == 1) PrintJson(logs[0]);
    else PrintJson(json::object{{"ok", code == 0}, {"logs", std::move(logs)}});
  }
  return code;
}

Result<audit::RetentionPolicy> PrunePolicy(const AuditArgs& a) {
  audit::RetentionPolicy p;
  p.compress = a.compress;
  p.keep_uncompressed = a.compress_after;
  if (!a.max_age.empty()) {
    auto age = audit::ParseRetentionAge(a.max_age);
    if (!age.ok()) return Status::InvalidArgument("--max-age: " + age.status().message());
    p.max_age_micros = *age;
  }
  if (!a.max_bytes.empty()) {
    auto bytes = audit::ParseRetentionBytes(a.max_bytes);
    if (!bytes.ok()) return Status::InvalidArgument("--max-bytes: " + bytes.status().message());
    p.max_bytes = *bytes;
  }
  if (!p.active()) return Status::InvalidArgument("nothing to do: give --max-age, --max-bytes or --compress");
  return p;
}

json::object PruneJson(const std::string& dir, const audit::RetentionResult& r) {
  json::object o{{"ok", true},
                 {"dir", dir},
                 {"compressed", r.compressed},
                 {"compressed_bytes_before", r.compressed_bytes_before},
                 {"compressed_bytes_after", r.compressed_bytes_after},
                 {"removed_segments", r.removed_segments},
                 {"removed_records", r.removed_records},
                 {"removed_bytes", r.removed_bytes},
                 {"segments", r.segments},
                 {"bytes", r.bytes},
                 {"over_limit", r.over_limit}};
  o["first_seq"] = r.anchor ? json::value(r.anchor->first_seq) : json::value(1);
  json::array problems;
  for (const auto& p : r.problems) problems.emplace_back(p);
  o["problems"] = std::move(problems);
  return o;
}

void PrintPruneText(const audit::RetentionResult& r) {
  std::cout << "compressed " << r.compressed << " segment(s)";
  if (r.compressed) std::cout << " (" << r.compressed_bytes_before << " → " << r.compressed_bytes_after << " bytes)";
  std::cout << "; removed " << r.removed_segments << " segment(s)";
  if (r.removed_segments) {
    std::cout << " (" << r.removed_records << " record(s), " << r.removed_bytes << " bytes; the log now starts at seq "
              << r.anchor->first_seq << ")";
  }
  std::cout << "; " << r.segments << " segment(s), " << r.bytes << " bytes left\n";
  if (r.over_limit) std::cout << "note: still above --max-bytes: the newest two segments are never removed\n";
  for (const auto& p : r.problems) std::cerr << "warden: " << p << "\n";
}

int PruneFailed(const AuditArgs& a, const std::string& dir, const std::string& message) {
  if (a.json) {
    PrintJson(json::object{{"ok", false}, {"dir", dir}, {"error", message}});
  } else {
    std::cerr << "warden: " << message << "\n";
  }
  return kExitProblem;
}

// Runs one retention pass as the directory's writer: the writer's flock keeps a daemon out
// meanwhile (and this out while a daemon writes), and it appends the retention record.
int RunPrune(const AuditArgs& a) {
  auto policy = PrunePolicy(a);
  if (!policy.ok()) {
    std::cerr << "warden audit prune: " << policy.status().message() << "\n";
    return kExitUsage;
  }
  std::string dir = AuditDir(a);
  if (::access(dir.c_str(), F_OK) != 0) return PruneFailed(a, dir, dir + ": no audit log here");
  audit::WriterOptions wo;
  wo.dir = dir;
  auto writer = audit::Writer::Open(wo);
  if (!writer.ok()) {
    std::string why = writer.status().message();
    if (why.find("another audit writer") != std::string::npos) {
      why = dir + " is being written by a running daemon (or another prune): stop it first, or let the daemon "
                  "prune with `warden serve --audit-max-age AGE --audit-max-bytes SIZE`";
    }
    return PruneFailed(a, dir, why);
  }
  audit::RetentionOptions ro;
  ro.dir = dir;
  ro.policy = *policy;
  ro.key_file = AnchorKeyFile(a);
  audit::Writer* w = writer->get();
  ro.announce = [w](const audit::Record& r) {
    audit::Record rec = r;
    rec.decision_id = "prune-" + std::to_string(::getpid()) + "-" + std::to_string(audit::NowMicros());
    auto seq = w->Append(rec);
    return seq.ok() ? w->Flush() : seq.status();
  };
  auto result = audit::ApplyRetention(ro);
  Status closed = (*writer)->Close();
  if (!result.ok()) return PruneFailed(a, dir, result.status().message());
  if (!closed.ok()) return PruneFailed(a, dir, closed.message());
  if (a.json) {
    PrintJson(PruneJson(dir, *result));
  } else {
    PrintPruneText(*result);
  }
  return result->problems.empty() ? 0 : kExitProblem;
}

Result<audit::Filter> MakeFilter(const AuditArgs& a) {
  audit::Filter f;
  if (!a.since.empty()) {
    auto since = audit::ParseSince(a.since, audit::NowMicros());
    if (!since.ok()) return Status::InvalidArgument("--since: " + since.status().message());
    f.since = *since;
  }
  f.decision = a.decision;
  f.rule = a.rule;
  f.kind = a.kind;
  return f;
}

std::vector<audit::StatsKey> Keys(const std::string& by) {
  if (by == "decision") return {audit::StatsKey::kDecision};
  if (by == "rule") return {audit::StatsKey::kRule};
  if (by == "kind") return {audit::StatsKey::kKind};
  return {audit::StatsKey::kDecision, audit::StatsKey::kRule, audit::StatsKey::kKind};
}

void PrintStatsText(const audit::Stats& s, const audit::Filter& f, const std::vector<audit::StatsKey>& keys) {
  std::cout << s.records << " record(s)" << (f.since.empty() ? "" : " since " + f.since) << "\n";
  for (audit::StatsKey key : keys) {
    std::cout << "\nby " << audit::StatsKeyName(key) << ":\n";
    for (const auto& [value, count] : s.By(key)) {
      double percent = s.records ? 100.0 * static_cast<double>(count) / static_cast<double>(s.records) : 0;
      char numbers[64];
      std::snprintf(numbers, sizeof numbers, "  %12llu  %5.1f%%  ", static_cast<unsigned long long>(count), percent);
      std::cout << numbers << Printable(value) << "\n";
    }
  }
}

int RunStats(const AuditArgs& a) {
  auto filter = MakeFilter(a);
  if (!filter.ok()) {
    std::cerr << "warden: " << filter.status().message() << "\n";
    return kExitUsage;
  }
  auto stats = audit::ComputeStats(AuditDirs(a), *filter);
  if (!stats.ok()) return Fail(stats.status());
  std::vector<audit::StatsKey> keys = Keys(a.by);
  if (a.json) {
    json::object o{{"records", stats->records}, {"malformed", stats->scan.malformed}};
    o["since"] = filter->since.empty() ? json::value(nullptr) : json::value(filter->since);
    json::object by;
    for (audit::StatsKey key : keys) {
      json::object counts;
      for (const auto& [value, count] : stats->By(key)) counts[value] = count;
      by[audit::StatsKeyName(key)] = std::move(counts);
    }
    o["by"] = std::move(by);
    PrintJson(o);
  } else {
    PrintStatsText(*stats, *filter, keys);
  }
  if (stats->scan.malformed) {
    std::cerr << "warden: skipped " << stats->scan.malformed << " line(s) that are not records, the first at "
              << stats->scan.first_malformed << "; run `warden audit verify`\n";
  }
  return 0;
}

int RunQuery(const AuditArgs& a) {
  auto filter = MakeFilter(a);
  if (!filter.ok()) {
    std::cerr << "warden: " << filter.status().message() << "\n";
    return kExitUsage;
  }
  auto summary = audit::ScanMerged(AuditDirs(a), *filter, [&](std::string_view line) { PrintRecord(line, a.json); });
  if (!summary.ok()) return Fail(summary.status());
  if (summary->malformed) {
    std::cerr << "warden: skipped " << summary->malformed << " line(s) that are not records, the first at "
              << summary->first_malformed << "; run `warden audit verify`\n";
  }
  return 0;
}

void AddStateDir(CLI::App* cmd, AuditArgs* a, bool several = false) {
  auto* o = cmd->add_option("--state-dir", a->state_dirs,
                            several ? "Warden's state directory; the log is in its audit/ folder (default: $WARDEN_STATE_DIR, "
                                      "else ~/.local/state/warden). Repeat it for several instances' logs: merged by time"
                                    : "Warden's state directory; the log is in its audit/ folder (default: $WARDEN_STATE_DIR, "
                                      "else ~/.local/state/warden)");
  o->type_name("DIR")->envname("WARDEN_STATE_DIR");
  if (!several) o->expected(1);
}

void AddFilterFlags(CLI::App* cmd, AuditArgs* a) {
  cmd->add_option("--since", a->since, "Only records from this time on: RFC 3339, a date, or an age (10m, 24h, 7d)")
      ->type_name("TIME");
}

void RegisterTail(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("tail", "Print the last records of the audit log");
  AddStateDir(c, a.get());
  c->add_option("-n,--lines", a->lines, "How many records (default 10)")->type_name("N");
  c->add_flag("-f,--follow", a->follow, "Keep printing records as they are appended (Ctrl-C stops)");
  c->add_flag("--json", a->json, "Print the records as stored: one JSON object per line");
  c->footer(R"(Examples:
  warden audit tail
  warden audit tail -n 50 --json
  warden audit tail -f --state-dir /var/lib/warden

Text lines read: TS #SEQ DECISION KIND CONTEXT RULE: REQUEST — REASON ((default): no rule matched).
Exit codes: 0 done · 1 the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunTail(*a); }; });
}

void RegisterVerify(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("verify", "Check the hash chain: find edited, removed, reordered or bad records");
  AddStateDir(c, a.get(), true);
  c->add_flag("--json", a->json,
              "One object: ok, dir, records, segments, compressed_segments, last_seq, last_hash, torn_tail_bytes, "
              "retention (what retention removed: removed_segments, removed_records, removed_bytes, "
              "removed_through_seq, oldest_ts, through_ts, updated, first_segment, first_seq, prev_hash, mac, "
              "awaiting_removal, announcements, note; or null), problem ({kind, segment, line, seq, message} or null)");
  c->footer(R"(Examples:
  warden audit verify
  warden audit verify --json --state-dir /var/lib/warden
  warden audit verify --state-dir /var/lib/warden/1 --state-dir /var/lib/warden/2   # each instance's chain

Every record's hash is recomputed and every link and seq checked; the first problem is reported
with its file and line: edited (hash mismatch), missing (seq gap), reordered (seq out of order),
broken_link (prev_hash mismatch), malformed (not a record) or anchor (audit/anchor.json forged:
its MAC, with <state-dir>/audit.key, does not match, or it covers more than the log's last
retention record announced). What retention removed is not a problem: it is reported, and the
first retained record must link to the anchor; anything else missing is still reported.
Exit codes: 0 the log is intact · 1 a problem was found, or the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunVerify(*a); }; });
}

void RegisterStats(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("stats", "Count records by decision, rule and kind");
  AddStateDir(c, a.get(), true);
  AddFilterFlags(c, a.get());
  c->add_option("--by", a->by, "Only one breakdown: rule, decision or kind (default: all three)")
      ->check(CLI::IsMember({"rule", "decision", "kind"}));
  c->add_flag("--json", a->json, "One object: records, malformed, since, by: {KEY: {VALUE: count, …}}");
  c->footer(R"(Examples:
  warden audit stats
  warden audit stats --since 24h --by rule
  warden audit stats --since 2024-05-01T00:00:00Z --json
  warden audit stats --state-dir /var/lib/warden/1 --state-dir /var/lib/warden/2   # instances together

Under rule, (default) counts the decisions no rule matched (the context default decided).
Exit codes: 0 done · 1 the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunStats(*a); }; });
}

void RegisterQuery(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("query", "Print the records that match every filter given");
  AddStateDir(c, a.get(), true);
  AddFilterFlags(c, a.get());
  c->add_option("--decision", a->decision, "allow, ask or deny")->check(CLI::IsMember({"allow", "ask", "deny"}));
  c->add_option("--rule", a->rule, "A rule ID, or (default) for decisions no rule matched")->type_name("ID");
  c->add_option("--kind", a->kind, "exec, file, mcp, http or action")
      ->check(CLI::IsMember({"exec", "file", "mcp", "http", "action"}));
  c->add_flag("--json", a->json, "Print the records as stored: one JSON object per line");
  c->footer(R"(Examples:
  warden audit query --decision deny --since 1h
  warden audit query --rule no-force-push --json
  warden audit query --kind mcp --decision ask --since 2024-05-01
  # several instances' logs (warden serve --redis), merged by time; each decision_id starts
  # with its instance's --instance-id
  warden audit query --state-dir /var/lib/warden/1 --state-dir /var/lib/warden/2 --decision deny

Exit codes: 0 done (also when nothing matched) · 1 the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunQuery(*a); }; });
}

void RegisterPrune(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("prune", "Compress and remove old segments of a log no daemon is writing");
  AddStateDir(c, a.get());
  c->add_option("--max-age", a->max_age,
                "Remove the segments whose records are all older than this (90s, 12h, 30d, 2w)")
      ->type_name("AGE");
  c->add_option("--max-bytes", a->max_bytes, "Remove the oldest segments while the log is larger than this (500M, 1G)")
      ->type_name("SIZE");
  c->add_flag("--compress", a->compress, "Gzip every segment but the newest N (--compress-after, default 2)");
  c->add_option("--compress-after", a->compress_after,
                "With --compress: keep the newest N segments uncompressed (at least 2)")
      ->check(CLI::Range(uint64_t{2}, uint64_t{1} << 20))
      ->type_name("N");
  c->add_flag("--json", a->json,
              "One object: ok, dir, compressed, compressed_bytes_before/after, removed_segments, removed_records, "
              "removed_bytes, segments, bytes, over_limit, first_seq, problems (or ok false and error)");
  c->footer(R"(Examples:
  warden audit prune --compress
  warden audit prune --max-age 90d --max-bytes 2G --compress
  warden audit prune --max-bytes 500M --json --state-dir /var/lib/warden   # e.g. from cron

For a stopped daemon; a running one prunes by itself with `warden serve --audit-max-age AGE
--audit-max-bytes SIZE` (and compresses by default), and prune refuses to run beside it: it takes
the directory's lock as its writer does. The newest two segments are never compressed or removed.
Before removing anything it appends a retention record to the log and writes audit/anchor.json
(MAC'ed with <state-dir>/audit.key), so `warden audit verify` checks the rest of the chain and says
what retention removed.
Exit codes: 0 done · 1 a daemon holds the log, a removal was refused, or a segment could not be
compressed · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunPrune(*a); }; });
}

}  // namespace

void RegisterAudit(CLI::App& app, Runner* run) {
  CLI::App* audit = app.add_subcommand("audit", "Read, verify and summarize the audit log");
  audit->require_subcommand(1);
  audit->footer(R"(Examples:
  warden audit tail -f
  warden audit verify
  warden audit stats --since 24h --by rule
  warden audit query --decision deny --since 1h --json
  warden audit prune --max-age 90d --compress

The log is <state-dir>/audit/audit-NNNNNN.jsonl: one hash-chained JSON record per decision.
Older segments may be gzipped (audit-NNNNNN.jsonl.gz, read like the others) and the oldest
removed by retention, which leaves audit/anchor.json saying where the retained chain starts.
Run 'warden audit COMMAND --help' for a command's flags and exit codes.)");
  RegisterTail(audit, run);
  RegisterVerify(audit, run);
  RegisterStats(audit, run);
  RegisterQuery(audit, run);
  RegisterPrune(audit, run);
}

}  // namespace warden::cli
