#include "audit/scan.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "audit/test_util.h"

namespace warden::audit {
namespace {

using testing::MakeRecord;
using testing::ScratchDir;

constexpr int64_t kStart = 1714564800000000;  // 2024-05-01T12:00:00Z
constexpr int64_t kMinute = 60 * 1000000;

std::map<std::string, uint64_t> AsMap(const std::vector<std::pair<std::string, uint64_t>>& v) {
  return {v.begin(), v.end()};
}

// 60 records, one a minute from kStart: every third denied by "no-rm" (kind exec), every
// fifth of the rest asked by "ask-net" (kind http), the others allowed by the default (file).
class AuditScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto minute = std::make_shared<std::atomic<int64_t>>(0);
    auto w = testing::OpenWriter(
        {.dir = tmp_.audit(), .segment_bytes = 8192, .clock = [minute] { return kStart + kMinute * (*minute)++; }});
    ASSERT_TRUE(w);
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(w->Append(RecordFor(i)).ok());
    ASSERT_TRUE(w->Close().ok());
    ASSERT_GT(testing::SegmentsOf(tmp_.audit()).size(), 1u);
  }

  static Record RecordFor(int i) {
    if (i % 3 == 0) return MakeRecord(i, "deny", "no-rm", "exec");
    if (i % 5 == 0) return MakeRecord(i, "ask", "ask-net", "http");
    return MakeRecord(i, "allow", std::nullopt, "file");
  }

  ScratchDir tmp_;
};

TEST_F(AuditScanTest, StatsCountByDecisionRuleAndKind) {
  auto stats = ComputeStats(tmp_.audit(), Filter{});
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->records, 60u);
  EXPECT_EQ(stats->scan.malformed, 0u);
  // i % 3 == 0: 20 deny; of the other 40, i % 5 == 0: 8 ask; 32 allow.
  EXPECT_EQ(AsMap(stats->by_decision), (std::map<std::string, uint64_t>{{"allow", 32}, {"ask", 8}, {"deny", 20}}));
  EXPECT_EQ(AsMap(stats->by_rule), (std::map<std::string, uint64_t>{{"(default)", 32}, {"ask-net", 8}, {"no-rm", 20}}));
  EXPECT_EQ(AsMap(stats->by_kind), (std::map<std::string, uint64_t>{{"exec", 20}, {"file", 32}, {"http", 8}}));
  EXPECT_EQ(stats->by_decision.front().first, "allow");  // highest count first
  EXPECT_EQ(&stats->By(StatsKey::kRule), &stats->by_rule);
}

TEST_F(AuditScanTest, SinceKeepsRecordsAtOrAfterTheTime) {
  Filter filter;
  filter.since = *ParseSince("2024-05-01T12:30:00Z", 0);  // records 30..59
  auto stats = ComputeStats(tmp_.audit(), filter);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 30u);
  // 30..59: multiples of 3: 10 deny; of the other 20, multiples of 5 (35, 40, 50, 55): 4 ask.
  EXPECT_EQ(AsMap(stats->by_decision), (std::map<std::string, uint64_t>{{"allow", 16}, {"ask", 4}, {"deny", 10}}));

  filter.since = *ParseSince("10m", kStart + 60 * kMinute);  // 12:50 on: records 50..59
  EXPECT_EQ(ComputeStats(tmp_.audit(), filter)->records, 10u);
  filter.since = *ParseSince("2024-05-02", 0);
  EXPECT_EQ(ComputeStats(tmp_.audit(), filter)->records, 0u);
}

TEST_F(AuditScanTest, QueryFiltersAndStreamsInOrder) {
  Filter filter;
  filter.decision = "deny";
  filter.kind = "exec";
  std::vector<uint64_t> seqs;
  auto summary = Scan(tmp_.audit(), filter, [&](const ScanRecord& r) {
    seqs.push_back(r.fields.seq);
    EXPECT_EQ(r.line.substr(0, 7), "{\"seq\":");
    EXPECT_GT(r.line_number, 0u);
    return true;
  });
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->lines, 60u);
  EXPECT_EQ(summary->matched, 20u);
  ASSERT_EQ(seqs.size(), 20u);
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], 3 * i + 1);

  filter = Filter{};
  filter.rule = std::string(kDefaultRule);
  EXPECT_EQ(Scan(tmp_.audit(), filter, [](const ScanRecord&) { return true; })->matched, 32u);
  filter.rule = "ask-net";
  EXPECT_EQ(Scan(tmp_.audit(), filter, [](const ScanRecord&) { return true; })->matched, 8u);

  int calls = 0;
  auto stopped = Scan(tmp_.audit(), Filter{}, [&](const ScanRecord&) { return ++calls < 5; });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(stopped->matched, 5u);
}

TEST_F(AuditScanTest, ForeignLinesUseTheSlowPathAndBadLinesAreCounted) {
  auto segments = testing::SegmentsOf(tmp_.audit());
  std::string last = segments.back().path;
  testing::WriteAll(last, testing::ReadAll(last) +
                              R"({"kind":"exec","seq":61,"ts":"2024-05-01T13:01:00.000000Z","context":"ai",)"
                              R"("decision":"deny","rule":"r\u0041"})"
                              "\nnot json\n{\"seq\":63,\"ts\":\"2024");  // the last is a write in progress
  auto stats = ComputeStats(tmp_.audit(), Filter{});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 61u);
  EXPECT_EQ(AsMap(stats->by_rule)["rA"], 1u);
  EXPECT_EQ(stats->scan.malformed, 1u);
  EXPECT_EQ(stats->scan.first_malformed, last + ":" + std::to_string(testing::Lines(last).size() - 1));
}

TEST_F(AuditScanTest, TailReturnsTheLastLinesAcrossSegments) {
  auto segments = testing::SegmentsOf(tmp_.audit());
  size_t in_last = testing::Lines(segments.back().path).size();
  auto tail = Tail(tmp_.audit(), in_last + 3);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->lines.size(), in_last + 3);
  LineFields f;
  ASSERT_TRUE(ExtractFields(tail->lines.front(), &f));
  EXPECT_EQ(f.seq, 60 - in_last - 2);
  ASSERT_TRUE(ExtractFields(tail->lines.back(), &f));
  EXPECT_EQ(f.seq, 60u);
  EXPECT_EQ(tail->segment, segments.back().path);
  EXPECT_EQ(tail->offset, std::filesystem::file_size(segments.back().path));
  EXPECT_EQ(Tail(tmp_.audit(), 1000)->lines.size(), 60u);
  EXPECT_TRUE(Tail(tmp_.audit(), 0)->lines.empty());
}

TEST(AuditScanEmptyTest, AMissingDirectoryIsAnEmptyLog) {
  ScratchDir tmp;
  auto stats = ComputeStats(tmp.path() + "/none", Filter{});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 0u);
}

}  // namespace
}  // namespace warden::audit
