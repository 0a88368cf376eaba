// Micro-benchmarks of the audit log (targets in DESIGN.md §5):
//   BM_AuditAppendBatch/<threads>  sustained writer throughput in batch mode: each iteration
//                                  enqueues 100k realistic (~400-byte) records from <threads>
//                                  threads (Enqueue: the daemon's socket path, which answers
//                                  from the acknowledgement callback) and waits for Flush, so
//                                  writing and fdatasync are counted, not just queueing.
//                                  Target ≥ 500k records/s.
//   BM_AuditAppendAcknowledged/<threads>  the same with Append, each thread waiting for its
//                                  record's acknowledgement (write(2) done) before the next:
//                                  bound by the hand-off to the writer thread, not by the disk
//   BM_AuditStats                  `warden audit stats` over a log of 1M such records
//                                  (ComputeStats, all three breakdowns). Target ≥ 5M records/s.
//   BM_AuditStatsSince             the same with a --since that keeps the newer half
//   BM_AuditVerify                 `warden audit verify` over the same log (full parse + BLAKE2b)
// Read items_per_second. The logs live in scratch directories under $TMPDIR, removed at exit;
// the stats log (~400 MB) is written once, on first use, and is read from the page cache.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "audit/line.h"
#include "audit/record.h"
#include "audit/scan.h"
#include "audit/verify.h"
#include "audit/writer.h"

namespace warden::audit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kStatsRecords = 1000000;

std::string ScratchDir() {
  std::string tmpl = (fs::temp_directory_path() / "warden_audit_bench.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

// A record shaped like a real exec decision (~400 bytes as a line); `i` varies the decision,
// rule, kind and command.
Record Realistic(size_t i) {
  static const char* kDecisions[] = {"allow", "allow", "allow", "deny", "ask"};
  static const char* kRules[] = {"", "allow-git-read", "allow-build", "no-force-push", "ask-network"};
  Record r;
  r.decision_id = "01HZX" + std::to_string(1000000 + i);
  r.kind = i % 7 == 0 ? "file" : "exec";
  r.context = "ai";
  r.decision = kDecisions[i % 5];
  if (i % 5) r.rule = kRules[i % 5];
  r.latency_ns = 4200 + i % 3000;
  r.policy_revision = "c4f1a9e2";
  r.subject = "claude-code";
  r.reason = i % 5 == 3 ? "force-push rewrites history" : "allowed";
  r.request = boost::json::object{{"command", "git push -f origin f" + std::to_string(i % 100)}};
  r.facts = boost::json::array{boost::json::array{"git", "push", "-f", "origin"}};
  return r;
}

// Append (queue and wait for the acknowledgement) or Enqueue (queue only; acknowledged later).
template <bool kWait>
void AppendBatch(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  constexpr size_t kPerIteration = 100000;
  std::string dir = ScratchDir();
  auto writer = Writer::Open({.dir = dir + "/audit", .sync = SyncMode::kBatch});
  if (!writer.ok()) {
    state.SkipWithError(writer.status().message().c_str());
    return;
  }
  std::vector<Record> records;
  for (size_t i = 0; i < 1000; ++i) records.push_back(Realistic(i));
  for (auto _ : state) {
    auto start = Clock::now();
    std::vector<std::thread> appenders;
    for (int t = 0; t < threads; ++t) {
      appenders.emplace_back([&] {
        for (size_t i = 0; i < kPerIteration / static_cast<size_t>(threads); ++i) {
          const Record& r = records[i % records.size()];
          if (!(kWait ? (*writer)->Append(r).ok() : (*writer)->Enqueue(r).ok())) std::abort();
        }
      });
    }
    for (auto& a : appenders) a.join();
    if (!(*writer)->Flush().ok()) std::abort();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
  }
  WriterStats stats = (*writer)->stats();
  state.SetItemsProcessed(static_cast<int64_t>(stats.records_written));
  state.counters["records_per_batch"] =
      static_cast<double>(stats.records_written) / static_cast<double>(std::max<uint64_t>(stats.batches, 1));
  state.counters["backpressure_waits"] = static_cast<double>(stats.backpressure_waits);
  (*writer)->Close();
  std::string line;
  HashBytes prev{};
  AppendLine(stats.records_written, NowMicros(), SerializeRecordFields(records[1]), &prev, &line);
  state.counters["bytes_per_record"] = static_cast<double>(line.size());
  fs::remove_all(dir);
}
void BM_AuditAppendBatch(benchmark::State& state) { AppendBatch<false>(state); }
void BM_AuditAppendAcknowledged(benchmark::State& state) { AppendBatch<true>(state); }
BENCHMARK(BM_AuditAppendBatch)->Arg(1)->Arg(4)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AuditAppendAcknowledged)->Arg(1)->Arg(4)->Arg(16)->UseManualTime()->Unit(benchmark::kMillisecond);

// The log the stats benchmarks read: kStatsRecords records, one every 10 ms.
const std::string& StatsLog() {
  // Never destroyed: the exit handler that removes the directory runs after static destructors
  // registered later than itself.
  static const std::string* const dir = [] {
    auto* d = new std::string(ScratchDir() + "/audit");
    std::atexit([] { fs::remove_all(fs::path(StatsLog()).parent_path()); });
    auto tick = std::make_shared<int64_t>(0);
    auto writer = Writer::Open({.dir = *d, .clock = [tick] { return 1714564800000000 + 10000 * (*tick)++; }});
    if (!writer.ok()) std::abort();
    for (size_t i = 0; i < kStatsRecords; ++i) {
      if (!(*writer)->Append(Realistic(i)).ok()) std::abort();
    }
    if (!(*writer)->Close().ok()) std::abort();
    return d;
  }();
  return *dir;
}

void RunStats(benchmark::State& state, const Filter& filter) {
  const std::string& dir = StatsLog();
  uint64_t scanned = 0;
  for (auto _ : state) {
    auto stats = ComputeStats(dir, filter);
    if (!stats.ok()) std::abort();
    benchmark::DoNotOptimize(stats->records);
    scanned += stats->scan.lines;
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
}

void BM_AuditStats(benchmark::State& state) {
  RunStats(state, Filter{});
}
BENCHMARK(BM_AuditStats)->Unit(benchmark::kMillisecond);

void BM_AuditStatsSince(benchmark::State& state) {
  Filter filter;
  filter.since = FormatTimestamp(1714564800000000 + 10000 * static_cast<int64_t>(kStatsRecords / 2));
  RunStats(state, filter);
}
BENCHMARK(BM_AuditStatsSince)->Unit(benchmark::kMillisecond);

void BM_AuditVerify(benchmark::State& state) {
  const std::string& dir = StatsLog();
  uint64_t records = 0;
  for (auto _ : state) {
    auto report = Verify(dir);
    if (!report.ok() || !report->ok) std::abort();
    records += report->records;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_AuditVerify)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden::audit

BENCHMARK_MAIN();
