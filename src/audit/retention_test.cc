#include "audit/retention.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "audit/anchor.h"
#include "audit/scan.h"
#include "audit/segment.h"
#include "audit/test_util.h"
#include "audit/verify.h"
#include "audit/writer.h"

namespace warden::audit {
namespace {

using testing::MakeRecord;
using testing::ScratchDir;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
constexpr int64_t kStart = int64_t{1714521600} * 1000 * 1000;  // 2024-05-01T00:00:00Z

// A log written by the real Writer in small segments, its clock set by the test, and the
// retention options a daemon would use on it (the writer announces removals).
class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenLog(); }

  void OpenLog() {
    WriterOptions o;
    o.dir = tmp_.audit();
    o.segment_bytes = 4096;
    o.clock = [this] { return now_.load(); };
    writer_ = testing::OpenWriter(o);
    ASSERT_NE(writer_, nullptr);
  }

  void Write(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(writer_->Append(MakeRecord(written_++)).ok());
      now_ += 1000 * 1000;
    }
    ASSERT_TRUE(writer_->Flush().ok());
  }

  RetentionOptions Options(RetentionPolicy policy = {}) {
    RetentionOptions o;
    o.dir = tmp_.audit();
    o.policy = policy;
    o.key_file = KeyFile();
    o.clock = [this] { return now_.load(); };
    o.announce = [this](const Record& r) {
      auto seq = writer_->Append(r);
      return seq.ok() ? writer_->Flush() : seq.status();
    };
    return o;
  }

  RetentionResult Apply(RetentionPolicy policy) {
    auto r = ApplyRetention(Options(policy));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : RetentionResult{};
  }

  VerifyReport VerifyLog() {
    auto r = Verify(tmp_.audit(), VerifyOptions{KeyFile()});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : VerifyReport{};
  }

  std::string KeyFile() const { return tmp_.path() + "/audit.key"; }
  std::vector<Segment> Segments() { return testing::SegmentsOf(tmp_.audit()); }
  uint64_t SegmentBytes() {
    uint64_t total = 0;
    for (const auto& s : Segments()) total += SegmentFileBytes(s);
    return total;
  }
  // The size of the log once compressed, as a size limit sees it.
  uint64_t CompressedBytes() {
    Apply({});
    return SegmentBytes();
  }

  static RetentionPolicy BySize(uint64_t max_bytes) {
    RetentionPolicy p;
    p.max_bytes = max_bytes;
    return p;
  }

  ScratchDir tmp_;
  std::atomic<int64_t> now_{kStart};
  int written_ = 0;
  std::unique_ptr<Writer> writer_;
};

std::string Problem(const VerifyReport& r) {
  return r.problem ? std::string(ProblemKindName(r.problem->kind)) + ": " + r.problem->message : "none";
}

TEST_F(RetentionTest, CompressionKeepsTheLogVerifiableAndReadable) {
  Write(300);
  std::vector<Segment> before = Segments();
  ASSERT_GT(before.size(), 6u);
  RetentionResult r = Apply({});
  EXPECT_EQ(r.compressed, before.size() - 2);
  EXPECT_LT(r.compressed_bytes_after * 2, r.compressed_bytes_before);
  std::vector<Segment> after = Segments();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].compressed, i + 2 < after.size()) << after[i].path;  // the newest two stay plain
  }
  EXPECT_FALSE(std::filesystem::exists(before.front().path));

  VerifyReport v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_EQ(v.records, 300u);
  EXPECT_EQ(v.compressed_segments, before.size() - 2);
  EXPECT_FALSE(v.retention.has_value());

  // query, stats and tail read the compressed segments.
  std::vector<uint64_t> seqs;
  auto scanned = Scan(tmp_.audit(), Filter{}, [&](const ScanRecord& rec) {
    seqs.push_back(rec.fields.seq);
    return true;
  });
  ASSERT_TRUE(scanned.ok());
  ASSERT_EQ(seqs.size(), 300u);
  EXPECT_EQ(seqs.front(), 1u);
  EXPECT_EQ(seqs.back(), 300u);
  auto stats = ComputeStats(tmp_.audit(), Filter{});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 300u);
  auto tail = Tail(tmp_.audit(), 250);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->lines.size(), 250u);

  // The writer goes on, and a second pass compresses what has closed since.
  Write(100);
  Apply({});
  v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_EQ(v.records, 400u);
}

TEST_F(RetentionTest, RemovesTheOldestSegmentsBySizeAndVerifyReportsThem) {
  Write(400);
  uint64_t total = CompressedBytes();
  RetentionResult r = Apply(BySize(total / 3));
  ASSERT_GT(r.removed_segments, 0u);
  EXPECT_FALSE(r.over_limit);
  EXPECT_LE(SegmentBytes(), total / 3);
  EXPECT_EQ(r.bytes, SegmentBytes());
  ASSERT_TRUE(r.anchor.has_value());
  EXPECT_EQ(r.anchor->removed_records, r.removed_records);
  EXPECT_EQ(r.anchor->first_seq, r.removed_records + 1);
  EXPECT_FALSE(r.anchor->mac.empty());
  EXPECT_EQ(Segments().front().index, r.anchor->first_segment);

  VerifyReport v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  ASSERT_TRUE(v.retention.has_value());
  EXPECT_EQ(v.retention->anchor, *r.anchor);
  EXPECT_EQ(v.retention->mac, "verified");
  EXPECT_EQ(v.retention->announcements, 1u);
  EXPECT_EQ(v.records, 400u + 1 - r.removed_records);  // + the retention record
  EXPECT_EQ(v.last_seq, 401u);

  // Later passes extend the anchor; its totals add up.
  Write(200);
  RetentionResult r2 = Apply(BySize(total / 3));
  ASSERT_GT(r2.removed_segments, 0u);
  EXPECT_EQ(r2.anchor->removed_records, r.removed_records + r2.removed_records);
  EXPECT_EQ(r2.anchor->removed_bytes, r.removed_bytes + r2.removed_bytes);
  EXPECT_EQ(r2.anchor->oldest_ts, r.anchor->oldest_ts);
  v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_GE(v.retention->announcements, 1u);  // the first one may have been removed with its segment
}

TEST_F(RetentionTest, RemovesByAgeOnlyWhatIsOlder) {
  Write(200);  // one record a second from kStart
  now_ = kStart + 40 * kDay;
  Write(200);
  RetentionPolicy p;
  p.compress = false;
  p.max_age_micros = 30 * kDay;
  RetentionResult r = Apply(p);
  ASSERT_GT(r.removed_segments, 0u);
  std::string cutoff = FormatTimestamp(now_ - 30 * kDay);
  EXPECT_LT(r.anchor->through_ts, cutoff);
  // What is left starts in the segment where the old records end: the one after it holds new ones.
  std::vector<Segment> left = Segments();
  auto second = FirstLineOfSegment(left[1]);
  ASSERT_TRUE(second.ok());
  LineFields f;
  FieldStorage storage;
  ASSERT_TRUE(ReadFields(*second, &f, &storage).ok());
  EXPECT_GE(std::string(f.ts), cutoff);
  VerifyReport v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_EQ(v.retention->anchor.through_ts, r.anchor->through_ts);

  // Nothing more is old enough: a second pass removes nothing.
  RetentionResult again = Apply(p);
  EXPECT_EQ(again.removed_segments, 0u);
}

TEST_F(RetentionTest, NeverTouchesTheNewestTwoSegments) {
  Write(200);
  RetentionResult r = Apply(BySize(1));
  EXPECT_TRUE(r.over_limit);
  std::vector<Segment> left = Segments();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_FALSE(left[0].compressed);
  EXPECT_FALSE(left[1].compressed);
  // A crash right after a rotation leaves an empty newest segment: a new writer still finds
  // the last record in the plain one before it.
  ASSERT_TRUE(writer_->Close().ok());
  writer_.reset();
  testing::WriteAll(tmp_.audit() + "/" + SegmentName(left.back().index + 1), "");
  OpenLog();
  EXPECT_EQ(writer_->recovery().next_seq, 202u);
  Write(1);
  VerifyReport v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
}

TEST_F(RetentionTest, ASegmentRemovedOutsideRetentionIsMissing) {
  Write(400);
  RetentionResult r = Apply(BySize(CompressedBytes() / 2));
  ASSERT_GT(r.removed_segments, 0u);
  std::vector<Segment> left = Segments();
  ASSERT_EQ(unlink(left.front().path.c_str()), 0);
  VerifyReport v = VerifyLog();
  EXPECT_FALSE(v.ok);
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kMissing) << Problem(v);
  EXPECT_NE(v.problem->message.find("anchor covers records 1 to " + std::to_string(r.anchor->first_seq - 1)),
            std::string::npos)
      << v.problem->message;

  // And without any anchor, a removed prefix is missing as it always was.
  ScratchDir other;
  std::filesystem::copy(tmp_.audit(), other.audit());
  std::filesystem::remove(other.audit() + "/anchor.json");
  auto plain = Verify(other.audit());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->problem->kind, ProblemKind::kMissing);
}

TEST_F(RetentionTest, AnEditedAnchorIsCaughtByItsMac) {
  Write(400);
  RetentionResult r = Apply(BySize(CompressedBytes() / 2));
  ASSERT_TRUE(r.anchor.has_value());
  Anchor forged = *r.anchor;
  forged.removed_bytes += 1;
  ASSERT_TRUE(WriteAnchor(tmp_.audit(), forged).ok());
  VerifyReport v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kAnchor);
  EXPECT_NE(v.problem->message.find("MAC does not match"), std::string::npos) << v.problem->message;
  // Retention does not extend (and so sign) a forged anchor.
  Write(200);
  auto refused = ApplyRetention(Options(BySize(CompressedBytes() / 2)));
  EXPECT_FALSE(refused.ok());

  forged.mac.clear();  // stripping the MAC does not help while the key exists
  ASSERT_TRUE(WriteAnchor(tmp_.audit(), forged).ok());
  v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kAnchor);

  testing::WriteAll(tmp_.audit() + "/anchor.json", "{\"garbage\":");
  v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kAnchor);
}

// Without the key (or with it, by someone who holds it), an anchor rewritten to cover one more
// removed segment links correctly — and disagrees with the retention record in the log.
TEST_F(RetentionTest, AnAnchorRewrittenToCoverMoreIsCaughtByTheRetentionRecord) {
  Write(400);
  RetentionResult r = Apply(BySize(CompressedBytes() / 2));
  ASSERT_GT(r.removed_segments, 0u);
  std::vector<Segment> left = Segments();
  ASSERT_GT(left.size(), 3u);
  // The attacker removes the first retained segment and anchors the log after it.
  auto last = LastLineOfSegment(left[0]);
  ASSERT_TRUE(last.ok());
  LineFields f;
  FieldStorage storage;
  std::string_view prev_hex, hash_hex;
  ASSERT_TRUE(ReadFields(*last, &f, &storage).ok() && ExtractHashes(*last, &prev_hex, &hash_hex));
  Anchor forged = *r.anchor;
  forged.first_segment = left[1].index;
  forged.first_seq = f.seq + 1;
  forged.removed_records = f.seq;
  forged.removed_segments++;
  forged.prev_hash = std::string(hash_hex);
  forged.through_ts = std::string(f.ts);
  auto key = LoadAnchorKey(KeyFile());
  ASSERT_TRUE(key.ok() && key->has_value());
  forged.mac = AnchorMac(forged, **key);  // even with the key
  ASSERT_EQ(unlink(left[0].path.c_str()), 0);
  ASSERT_TRUE(WriteAnchor(tmp_.audit(), forged).ok());
  VerifyReport v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kAnchor) << Problem(v);
  EXPECT_NE(v.problem->message.find("announced the removal of records 1 to " + std::to_string(r.anchor->first_seq - 1)),
            std::string::npos)
      << v.problem->message;
}

TEST_F(RetentionTest, AnAnchorThatClaimsMoreThanWasRemovedOrLinksWronglyIsReported) {
  Write(400);
  RetentionResult r = Apply(BySize(CompressedBytes() / 2));
  auto key = LoadAnchorKey(KeyFile());
  ASSERT_TRUE(key.ok() && key->has_value());
  Anchor claims_more = *r.anchor;
  claims_more.first_seq += 5;
  claims_more.removed_records += 5;
  claims_more.mac = AnchorMac(claims_more, **key);
  ASSERT_TRUE(WriteAnchor(tmp_.audit(), claims_more).ok());
  VerifyReport v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kAnchor) << Problem(v);

  Anchor wrong_link = *r.anchor;
  wrong_link.prev_hash = std::string(64, 'e');
  wrong_link.mac = AnchorMac(wrong_link, **key);
  ASSERT_TRUE(WriteAnchor(tmp_.audit(), wrong_link).ok());
  v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kBrokenLink) << Problem(v);
}

TEST_F(RetentionTest, ACorruptCompressedSegmentIsMalformed) {
  Write(200);
  Apply({});
  Segment first = Segments().front();
  ASSERT_TRUE(first.compressed);
  std::string data = testing::ReadAll(first.path);
  testing::WriteAll(first.path, data.substr(0, data.size() / 2));
  VerifyReport v = VerifyLog();
  ASSERT_TRUE(v.problem.has_value());
  EXPECT_EQ(v.problem->kind, ProblemKind::kMalformed) << Problem(v);
  EXPECT_NE(v.problem->message.find("truncated"), std::string::npos) << v.problem->message;
}

TEST_F(RetentionTest, WhatAnInterruptedPassLeavesVerifiesAndIsCompletedByTheNext) {
  Write(300);
  std::vector<Segment> before = Segments();
  // Stopped after the copy was renamed, before the original was removed: both exist.
  std::string plain = testing::ReadAll(before[0].path);
  Apply({});
  testing::WriteAll(before[0].path, plain);
  testing::WriteAll(tmp_.audit() + "/." + CompressedSegmentName(before[1].index) + ".tmp", "partial");
  std::vector<Segment> listed = Segments();
  EXPECT_FALSE(listed[0].compressed);  // the plain one is listed
  VerifyReport v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  Apply({});
  EXPECT_TRUE(Segments()[0].compressed);
  EXPECT_FALSE(std::filesystem::exists(tmp_.audit() + "/." + CompressedSegmentName(before[1].index) + ".tmp"));

  // Stopped after the anchor was written, before the segments were removed.
  std::string saved_dir = tmp_.path() + "/saved";
  std::filesystem::copy(tmp_.audit(), saved_dir);
  RetentionResult r = Apply(BySize(CompressedBytes() / 2));
  ASSERT_GT(r.removed_segments, 0u);
  for (const auto& e : std::filesystem::directory_iterator(saved_dir)) {
    std::string target = tmp_.audit() + "/" + e.path().filename().string();
    if (!std::filesystem::exists(target)) std::filesystem::copy(e.path(), target);
  }
  v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_EQ(v.retention->awaiting_removal, r.removed_segments);
  Apply({});
  EXPECT_EQ(Segments().front().index, r.anchor->first_segment);
  v = VerifyLog();
  EXPECT_TRUE(v.ok) << Problem(v);
  EXPECT_EQ(v.retention->awaiting_removal, 0u);
}

TEST_F(RetentionTest, NothingIsRemovedWithoutAnAnnouncementOrAcrossABrokenChain) {
  Write(300);
  size_t before = Segments().size();
  RetentionOptions o = Options(BySize(1));
  o.announce = nullptr;
  EXPECT_FALSE(ApplyRetention(o).ok());
  o.announce = [](const Record&) { return Status::IoError("disk full"); };
  EXPECT_FALSE(ApplyRetention(o).ok());
  EXPECT_EQ(Segments().size(), before);
  EXPECT_FALSE(std::filesystem::exists(tmp_.audit() + "/anchor.json"));

  // A record edited at the cut: the link is not checked by hand-waving.
  std::vector<Segment> segments = Segments();
  size_t cut = segments.size() - 2;
  auto lines = testing::Lines(segments[cut].path);
  lines[0].replace(lines[0].find("\"prev_hash\":\"") + 13, 1,
                   lines[0][lines[0].find("\"prev_hash\":\"") + 13] == '0' ? "1" : "0");
  testing::WriteLines(segments[cut].path, lines);
  auto refused = ApplyRetention(Options(BySize(1)));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(Segments().size(), before);
}

TEST(RetentionFlagsTest, AgesAndSizes) {
  EXPECT_EQ(*ParseRetentionAge("90s"), 90 * 1000 * 1000);
  EXPECT_EQ(*ParseRetentionAge("30d"), 30 * kDay);
  EXPECT_EQ(*ParseRetentionAge("2w"), 14 * kDay);
  EXPECT_EQ(*ParseRetentionAge("0"), 0);
  for (const char* bad : {"", "30", "d", "-1d", "1.5d", "30 d", "99999999999999999d"}) {
    EXPECT_FALSE(ParseRetentionAge(bad).ok()) << bad;
  }
  EXPECT_EQ(*ParseRetentionBytes("1048576"), 1048576u);
  EXPECT_EQ(*ParseRetentionBytes("64K"), 65536u);
  EXPECT_EQ(*ParseRetentionBytes("500M"), 500u << 20);
  EXPECT_EQ(*ParseRetentionBytes("1GiB"), 1u << 30);
  EXPECT_EQ(*ParseRetentionBytes("1GB"), 1u << 30);
  EXPECT_EQ(*ParseRetentionBytes("100B"), 100u);
  EXPECT_EQ(*ParseRetentionBytes("0"), 0u);
  for (const char* bad : {"", "G", "1X", "-1", "1.5G", "99999999999999T"}) {
    EXPECT_FALSE(ParseRetentionBytes(bad).ok()) << bad;
  }
}

TEST(SegmentEdgesTest, FirstAndLastLinesOfPlainAndCompressedSegments) {
  ScratchDir tmp;
  std::filesystem::create_directories(tmp.audit());
  std::string long_line(200 * 1024, 'x');
  testing::WriteAll(tmp.audit() + "/" + SegmentName(1), "first\nmiddle\n" + long_line + "\ntorn");
  testing::WriteAll(tmp.audit() + "/" + SegmentName(2), "");
  testing::WriteAll(tmp.audit() + "/" + SegmentName(3), "only\n");
  std::vector<Segment> s = testing::SegmentsOf(tmp.audit());
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(*FirstLineOfSegment(s[0]), "first");
  EXPECT_EQ(*LastLineOfSegment(s[0]), long_line);
  EXPECT_EQ(*FirstLineOfSegment(s[1]), "");
  EXPECT_EQ(*LastLineOfSegment(s[1]), "");
  EXPECT_EQ(*LastLineOfSegment(s[2]), "only");
}

}  // namespace
}  // namespace warden::audit
