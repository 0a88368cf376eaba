#include "audit/verify.h"

#include <gtest/gtest.h>

#include "audit/line.h"
#include "audit/test_util.h"

namespace warden::audit {
namespace {

using testing::Lines;
using testing::MakeRecord;
using testing::ScratchDir;
using testing::SegmentsOf;
using testing::WriteLines;

// 30 records in three segments of 10 lines each.
class AuditVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = testing::OpenWriter({.dir = tmp_.audit(), .segment_bytes = 10 * LineSize() + 1});
    ASSERT_TRUE(w);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(w->Append(MakeRecord(i % 10, i % 3 ? "allow" : "deny")).ok());
    ASSERT_TRUE(w->Close().ok());
    segments_ = SegmentsOf(tmp_.audit());
    ASSERT_EQ(segments_.size(), 3u);
    for (const auto& s : segments_) ASSERT_EQ(Lines(s.path).size(), 10u);
  }

  // The longest test line (allow, two-digit seq); the others are at most 2 bytes shorter, so
  // a segment of 10 such lines holds exactly 10 records.
  static size_t LineSize() {
    HashBytes prev{};
    std::string line;
    AppendLine(10, NowMicros(), SerializeRecordFields(MakeRecord(1)), &prev, &line);
    return line.size();
  }

  const Problem& ExpectProblem(ProblemKind kind, size_t segment, uint64_t line) {
    auto report = Verify(tmp_.audit());
    EXPECT_TRUE(report.ok()) << report.status().message();
    report_ = std::move(report).value();
    EXPECT_FALSE(report_.ok);
    if (!report_.problem) {
      static const Problem kNone;
      ADD_FAILURE() << "no problem found";
      return kNone;
    }
    const Problem& p = *report_.problem;
    EXPECT_EQ(ProblemKindName(p.kind), ProblemKindName(kind)) << p.message;
    EXPECT_EQ(p.segment, segments_[segment].path);
    EXPECT_EQ(p.line, line) << p.message;
    return p;
  }

  std::vector<std::string> LinesOf(size_t segment) { return Lines(segments_[segment].path); }
  void Rewrite(size_t segment, const std::vector<std::string>& lines) { WriteLines(segments_[segment].path, lines); }

  ScratchDir tmp_;
  std::vector<Segment> segments_;
  VerifyReport report_;
};

TEST_F(AuditVerifyTest, AnUntouchedLogIsSound) {
  auto report = Verify(tmp_.audit());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records, 30u);
  EXPECT_EQ(report->segments, 3u);
  EXPECT_EQ(report->last_seq, 30u);
  EXPECT_EQ(report->last_hash.size(), 64u);
}

TEST_F(AuditVerifyTest, FindsAnEditedRecord) {
  auto lines = LinesOf(1);
  size_t at = lines[2].find("\"deny\"");
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, 6, "\"allo\"");
  Rewrite(1, lines);
  const Problem& p = ExpectProblem(ProblemKind::kEdited, 1, 3);
  EXPECT_EQ(p.seq, 13u);
  EXPECT_NE(p.message.find("hash mismatch"), std::string::npos);
  EXPECT_EQ(report_.records, 12u);
}

TEST_F(AuditVerifyTest, FindsAnEditedPrevHash) {
  auto lines = LinesOf(0);
  size_t at = lines[4].find("\"prev_hash\":\"") + 13;
  lines[4][at] = lines[4][at] == 'a' ? 'b' : 'a';
  Rewrite(0, lines);
  ExpectProblem(ProblemKind::kEdited, 0, 5);
}

TEST_F(AuditVerifyTest, FindsARemovedRecord) {
  auto lines = LinesOf(0);
  lines.erase(lines.begin() + 3);  // seq 4
  Rewrite(0, lines);
  const Problem& p = ExpectProblem(ProblemKind::kMissing, 0, 4);
  EXPECT_EQ(p.seq, 5u);
  EXPECT_NE(p.message.find("expected seq 4, found 5"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("record 4 is missing"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsARemovedSegment) {
  std::filesystem::remove(segments_[1].path);
  auto report = Verify(tmp_.audit());
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->problem);
  EXPECT_EQ(report->problem->kind, ProblemKind::kMissing);
  EXPECT_EQ(report->problem->segment, segments_[2].path);
  EXPECT_EQ(report->problem->line, 1u);
  EXPECT_NE(report->problem->message.find("records 11 to 20 are missing"), std::string::npos);
}

TEST_F(AuditVerifyTest, FindsRemovedFirstRecords) {
  auto lines = LinesOf(0);
  lines.erase(lines.begin(), lines.begin() + 2);
  Rewrite(0, lines);
  const Problem& p = ExpectProblem(ProblemKind::kMissing, 0, 1);
  EXPECT_NE(p.message.find("records 1 to 2 are missing"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsSwappedRecords) {
  auto lines = LinesOf(2);
  std::swap(lines[5], lines[6]);
  Rewrite(2, lines);
  const Problem& p = ExpectProblem(ProblemKind::kReordered, 2, 6);
  EXPECT_EQ(p.seq, 27u);
  EXPECT_NE(p.message.find("seq 26 comes later, at " + segments_[2].path + ":7"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsARecordMovedToALaterSegment) {
  auto first = LinesOf(0), last = LinesOf(2);
  last.push_back(first[9]);
  first.pop_back();
  Rewrite(0, first);
  Rewrite(2, last);
  const Problem& p = ExpectProblem(ProblemKind::kReordered, 1, 1);
  EXPECT_NE(p.message.find(segments_[2].path + ":11"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsARepeatedRecordAsSeqGoingBackwards) {
  auto lines = LinesOf(1);
  lines.insert(lines.begin() + 5, lines[2]);
  Rewrite(1, lines);
  const Problem& p = ExpectProblem(ProblemKind::kReordered, 1, 6);
  EXPECT_NE(p.message.find("seq 13 comes after seq 15"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsAMalformedLine) {
  auto lines = LinesOf(1);
  lines[3] = lines[3].substr(0, 40);
  Rewrite(1, lines);
  const Problem& p = ExpectProblem(ProblemKind::kMalformed, 1, 4);
  EXPECT_NE(p.message.find("not valid JSON"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsAnEmptyLineAndAMissingField) {
  auto lines = LinesOf(0);
  lines.insert(lines.begin() + 1, "");
  Rewrite(0, lines);
  ExpectProblem(ProblemKind::kMalformed, 0, 2);
  lines[1] = R"({"seq":2})";
  Rewrite(0, lines);
  const Problem& p = ExpectProblem(ProblemKind::kMalformed, 0, 2);
  EXPECT_NE(p.message.find("\"ts\" is missing"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, FindsAnIncompleteLineInsideTheLog) {
  auto data = testing::ReadAll(segments_[0].path);
  testing::WriteAll(segments_[0].path, data + R"({"seq":11,"ts")");
  ExpectProblem(ProblemKind::kMalformed, 0, 11);
}

// A record whose own hash is consistent but whose prev_hash points elsewhere: what renumbering
// seq after removing a record (without re-hashing what follows) leaves behind.
TEST_F(AuditVerifyTest, FindsABrokenLink) {
  auto lines = LinesOf(0);
  HashBytes elsewhere;
  ASSERT_TRUE(FromHex(std::string(64, '1'), &elsewhere));
  std::string forged;
  AppendLine(9, NowMicros(), SerializeRecordFields(MakeRecord(9)), &elsewhere, &forged);
  forged.pop_back();
  lines[8] = forged;
  Rewrite(0, lines);
  const Problem& p = ExpectProblem(ProblemKind::kBrokenLink, 0, 9);
  EXPECT_NE(p.message.find("seq 8 at " + segments_[0].path + ":8"), std::string::npos) << p.message;
}

TEST_F(AuditVerifyTest, ATornFinalLineIsNotAProblem) {
  auto data = testing::ReadAll(segments_[2].path);
  testing::WriteAll(segments_[2].path, data + R"({"seq":31,"ts")");
  auto report = Verify(tmp_.audit());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records, 30u);
  EXPECT_EQ(report->torn_tail_bytes, 14u);
}

TEST(AuditVerifyEmptyTest, EmptyAndMissingDirectories) {
  ScratchDir tmp;
  auto empty = Verify(tmp.path());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ok);
  EXPECT_EQ(empty->records, 0u);
  auto missing = Verify(tmp.path() + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("/nope"), std::string::npos);
}

}  // namespace
}  // namespace warden::audit
