// `warden audit tail|verify|stats|query`: reading the audit log in <state-dir>/audit/.
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include "core/json_text.h"
#include "audit/record.h"
#include "audit/scan.h"
#include "audit/segment.h"
#include "audit/verify.h"
#include "cli/common.h"
#include "core/strings.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

constexpr int kExitProblem = 1;  // verify found a problem, or the log could not be read

struct AuditArgs {
  std::string state_dir;
  bool json = false;
  size_t lines = 10;
  bool follow = false;
  std::string since;
  std::string by;
  std::optional<std::string> decision, rule, kind;
};

std::string AuditDir(const AuditArgs& a) {
  std::string state = a.state_dir.empty() ? HomeDir() + "/.local/state/warden" : a.state_dir;
  return state + "/audit";
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

json::object VerifyJson(const std::string& dir, const audit::VerifyReport& r) {
  json::object o;
  o["ok"] = r.ok;
  o["dir"] = dir;
  o["records"] = r.records;
  o["segments"] = r.segments;
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

void PrintVerifyText(const audit::VerifyReport& r) {
  if (r.problem) {
    const audit::Problem& p = *r.problem;
    std::cout << p.segment << ":" << p.line << ": " << audit::ProblemKindName(p.kind)
              << (p.seq ? " (seq " + std::to_string(p.seq) + ")" : "") << ": " << p.message << "\n"
              << "not ok: " << r.records << " record(s) before it are intact; verification stopped here\n";
    return;
  }
  std::cout << "ok: " << r.records << " record(s) in " << r.segments << " segment(s); the hash chain is intact";
  if (r.records) std::cout << "; last seq " << r.last_seq << ", hash " << r.last_hash;
  std::cout << "\n";
  if (r.torn_tail_bytes) {
    std::cout << "note: the last segment ends with an incomplete line of " << r.torn_tail_bytes
              << " bytes (a write cut short by a crash, or one in progress); the writer cuts it off when it reopens\n";
  }
}

int RunVerify(const AuditArgs& a) {
  std::string dir = AuditDir(a);
  auto report = audit::Verify(dir);
  if (!report.ok()) {
    if (a.json) {
      PrintJson(json::object{{"ok", false}, {"dir", dir}, {"error", report.status().message()}});
      return kExitProblem;
    }
    return Fail(report.status());
  }
  if (a.json) {
    PrintJson(VerifyJson(dir, *report));
  } else {
    PrintVerifyText(*report);
  }
  return report->ok ? 0 : kExitProblem;
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
  auto stats = audit::ComputeStats(AuditDir(a), *filter);
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
  auto summary = audit::Scan(AuditDir(a), *filter, [&](const audit::ScanRecord& r) {
    PrintRecord(r.line, a.json);
    return true;
  });
  if (!summary.ok()) return Fail(summary.status());
  if (summary->malformed) {
    std::cerr << "warden: skipped " << summary->malformed << " line(s) that are not records, the first at "
              << summary->first_malformed << "; run `warden audit verify`\n";
  }
  return 0;
}

void AddStateDir(CLI::App* cmd, AuditArgs* a) {
  cmd->add_option("--state-dir", a->state_dir,
                  "Warden's state directory; the log is in its audit/ folder (default: $WARDEN_STATE_DIR, else "
                  "~/.local/state/warden)")
      ->type_name("DIR")
      ->envname("WARDEN_STATE_DIR");
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
  AddStateDir(c, a.get());
  c->add_flag("--json", a->json,
              "One object: ok, dir, records, segments, last_seq, last_hash, torn_tail_bytes, problem "
              "({kind, segment, line, seq, message} or null)");
  c->footer(R"(Examples:
  warden audit verify
  warden audit verify --json --state-dir /var/lib/warden

Every record's hash is recomputed and every link and seq checked; the first problem is reported
with its file and line: edited (hash mismatch), missing (seq gap), reordered (seq out of order),
broken_link (prev_hash mismatch) or malformed (not a record).
Exit codes: 0 the log is intact · 1 a problem was found, or the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunVerify(*a); }; });
}

void RegisterStats(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("stats", "Count records by decision, rule and kind");
  AddStateDir(c, a.get());
  AddFilterFlags(c, a.get());
  c->add_option("--by", a->by, "Only one breakdown: rule, decision or kind (default: all three)")
      ->check(CLI::IsMember({"rule", "decision", "kind"}));
  c->add_flag("--json", a->json, "One object: records, malformed, since, by: {KEY: {VALUE: count, …}}");
  c->footer(R"(Examples:
  warden audit stats
  warden audit stats --since 24h --by rule
  warden audit stats --since 2024-05-01T00:00:00Z --json

Under rule, (default) counts the decisions no rule matched (the context default decided).
Exit codes: 0 done · 1 the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunStats(*a); }; });
}

void RegisterQuery(CLI::App* audit, Runner* run) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* c = audit->add_subcommand("query", "Print the records that match every filter given");
  AddStateDir(c, a.get());
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

Exit codes: 0 done (also when nothing matched) · 1 the log could not be read · 64 usage error)");
  c->callback([run, a] { *run = [a] { return RunQuery(*a); }; });
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

The log is <state-dir>/audit/audit-NNNNNN.jsonl: one hash-chained JSON record per decision.
Run 'warden audit COMMAND --help' for a command's flags and exit codes.)");
  RegisterTail(audit, run);
  RegisterVerify(audit, run);
  RegisterStats(audit, run);
  RegisterQuery(audit, run);
}

}  // namespace warden::cli
