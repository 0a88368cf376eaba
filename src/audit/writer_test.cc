#include "audit/writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <future>
#include <thread>

#include "audit/line.h"
#include "audit/test_util.h"
#include "audit/verify.h"

namespace warden::audit {
namespace {

using testing::Lines;
using testing::MakeRecord;
using testing::OpenWriter;
using testing::ScratchDir;
using testing::SegmentsOf;

// The seq of every line of every segment, in order.
std::vector<uint64_t> SeqsOnDisk(const std::string& dir) {
  std::vector<uint64_t> out;
  for (const auto& segment : SegmentsOf(dir)) {
    for (const auto& line : Lines(segment.path)) {
      LineFields f;
      EXPECT_TRUE(ExtractFields(line, &f)) << line;
      out.push_back(f.seq);
    }
  }
  return out;
}

void ExpectSoundLog(const std::string& dir, uint64_t records) {
  auto report = Verify(dir);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->ok) << report->problem->segment << ":" << report->problem->line << ": "
                          << report->problem->message;
  EXPECT_EQ(report->records, records);
  EXPECT_EQ(report->last_seq, records);
}

std::vector<uint64_t> Iota(uint64_t n) {
  std::vector<uint64_t> out(n);
  for (uint64_t i = 0; i < n; ++i) out[i] = i + 1;
  return out;
}

TEST(AuditWriterTest, ChainAndSeqContinueAcrossRotation) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .segment_bytes = 4096});
  ASSERT_TRUE(w);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_GT(w->stats().rotations, 3u);

  auto segments = SegmentsOf(tmp.audit());
  ASSERT_GT(segments.size(), 3u);
  for (size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(segments[i].index, i + 1);
    EXPECT_EQ(segments[i].path, tmp.audit() + "/" + SegmentName(i + 1));
    EXPECT_LE(std::filesystem::file_size(segments[i].path), 4096u);
  }
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(100));
  ExpectSoundLog(tmp.audit(), 100);
}

TEST(AuditWriterTest, OneRecordLargerThanASegmentStillGetsWritten) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .segment_bytes = 256});
  ASSERT_TRUE(w);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(SegmentsOf(tmp.audit()).size(), 3u);
  ExpectSoundLog(tmp.audit(), 3);
}

TEST(AuditWriterTest, RestartContinuesTheChain) {
  ScratchDir tmp;
  {
    auto w = OpenWriter({.dir = tmp.audit(), .segment_bytes = 2048});
    ASSERT_TRUE(w);
    EXPECT_EQ(w->recovery().next_seq, 1u);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  }
  auto w = OpenWriter({.dir = tmp.audit(), .segment_bytes = 2048});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->recovery().next_seq, 21u);
  EXPECT_EQ(w->recovery().torn_bytes, 0u);
  EXPECT_EQ(w->recovery().segment, SegmentsOf(tmp.audit()).back().path);
  auto seq = w->Append(MakeRecord(20));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 21u);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(21));
  ExpectSoundLog(tmp.audit(), 21);
}

TEST(AuditWriterTest, RestartAfterAnEmptyNewSegmentFindsTheChainInTheOneBefore) {
  ScratchDir tmp;
  {
    auto w = OpenWriter({.dir = tmp.audit()});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  }
  testing::WriteAll(tmp.audit() + "/" + SegmentName(2), "");  // a crash right after a rotation
  auto w = OpenWriter({.dir = tmp.audit()});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->recovery().next_seq, 6u);
  ASSERT_TRUE(w->Append(MakeRecord(5)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(Lines(tmp.audit() + "/" + SegmentName(2)).size(), 1u);
  ExpectSoundLog(tmp.audit(), 6);
}

TEST(AuditWriterTest, TornLastLineIsCutOffAndTheChainContinues) {
  ScratchDir tmp;
  {
    auto w = OpenWriter({.dir = tmp.audit()});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  }
  std::string segment = SegmentsOf(tmp.audit()).back().path;
  std::string intact = testing::ReadAll(segment);
  const std::string torn = R"({"seq":6,"ts":"2024-05-01T12:00:00.0)";
  testing::WriteAll(segment, intact + torn);

  auto before = Verify(tmp.audit());
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->ok);  // crash residue, not tampering
  EXPECT_EQ(before->torn_tail_bytes, torn.size());

  auto w = OpenWriter({.dir = tmp.audit()});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->recovery().torn_bytes, torn.size());
  EXPECT_EQ(w->recovery().next_seq, 6u);
  EXPECT_EQ(testing::ReadAll(segment), intact);
  ASSERT_TRUE(w->Append(MakeRecord(5)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(6));
  ExpectSoundLog(tmp.audit(), 6);
}

TEST(AuditWriterTest, AMalformedLastRecordStopsOpen) {
  ScratchDir tmp;
  {
    auto w = OpenWriter({.dir = tmp.audit()});
    ASSERT_TRUE(w->Append(MakeRecord(0)).ok());
  }
  std::string segment = SegmentsOf(tmp.audit()).back().path;
  testing::WriteAll(segment, testing::ReadAll(segment) + "not a record\n");
  auto w = Writer::Open({.dir = tmp.audit()});
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find(segment), std::string::npos) << w.status().message();
  EXPECT_NE(w.status().message().find("warden audit verify"), std::string::npos);
}

// A garbage line (or an edited record) inside the segment appends would go to: Open names it,
// and appends go to a new segment instead of after it.
TEST(AuditWriterTest, AProblemInsideTheLastSegmentIsReportedAndNotAppendedAfter) {
  ScratchDir tmp;
  {
    auto w = OpenWriter({.dir = tmp.audit()});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  }
  std::string segment = SegmentsOf(tmp.audit()).back().path;
  auto lines = Lines(segment);
  ASSERT_EQ(lines.size(), 3u);
  testing::WriteAll(segment, lines[0] + "\ngarbage in the middle\n" + lines[1] + "\n" + lines[2] + "\n");
  auto w = OpenWriter({.dir = tmp.audit()});
  ASSERT_TRUE(w);
  EXPECT_NE(w->recovery().problem.find(segment + ":2: malformed"), std::string::npos) << w->recovery().problem;
  ASSERT_TRUE(w->Append(MakeRecord(3)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(Lines(segment).size(), 4u);  // nothing appended after the garbage
  auto segments = SegmentsOf(tmp.audit());
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(Lines(segments[1].path).size(), 1u);

  // A sound last segment reports nothing and is appended to.
  ScratchDir clean;
  { ASSERT_TRUE(OpenWriter({.dir = clean.audit()})->Append(MakeRecord(0)).ok()); }
  auto again = OpenWriter({.dir = clean.audit()});
  EXPECT_EQ(again->recovery().problem, "");
  ASSERT_TRUE(again->Append(MakeRecord(1)).ok());
  ASSERT_TRUE(again->Close().ok());
  EXPECT_EQ(SegmentsOf(clean.audit()).size(), 1u);
}

TEST(AuditWriterTest, OnlyOneWriterPerDirectory) {
  ScratchDir tmp;
  auto first = OpenWriter({.dir = tmp.audit()});
  ASSERT_TRUE(first);
  auto second = Writer::Open({.dir = tmp.audit()});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("another audit writer"), std::string::npos);
  ASSERT_TRUE(first->Close().ok());
  EXPECT_TRUE(Writer::Open({.dir = tmp.audit()}).ok());
}

TEST(AuditWriterTest, BatchModeWithEightAppendersLosesNothingAndKeepsSeqOrder) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync = SyncMode::kBatch, .segment_bytes = 256 * 1024});
  ASSERT_TRUE(w);
  constexpr int kThreads = 8, kPerThread = 5000;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = w->Append(MakeRecord(t * kPerThread + i));
        if (seq.ok()) seqs[t].push_back(*seq);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(w->Close().ok());

  std::vector<uint64_t> all;
  for (const auto& s : seqs) {
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));  // one thread's records keep their order
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, Iota(kThreads * kPerThread));
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(kThreads * kPerThread));
  WriterStats stats = w->stats();
  EXPECT_EQ(stats.records_written, uint64_t{kThreads * kPerThread});
  EXPECT_LE(stats.batches, stats.records_written);
  EXPECT_GE(stats.fsyncs, 1u);
  EXPECT_EQ(stats.queue_depth, 0u);
  ExpectSoundLog(tmp.audit(), kThreads * kPerThread);
}

TEST(AuditWriterTest, AlwaysModeRecordIsOnDiskWhenAppendReturns) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync = SyncMode::kAlways});
  ASSERT_TRUE(w);
  std::string segment = tmp.audit() + "/" + SegmentName(1);
  for (int i = 0; i < 20; ++i) {
    auto seq = w->Append(MakeRecord(i));
    ASSERT_TRUE(seq.ok()) << seq.status().message();
    auto lines = Lines(segment);
    ASSERT_EQ(lines.size(), static_cast<size_t>(i + 1));
    LineFields f;
    ASSERT_TRUE(ExtractFields(lines.back(), &f));
    EXPECT_EQ(f.seq, *seq);
    EXPECT_GE(w->stats().fsyncs, static_cast<uint64_t>(i + 1));
  }
  ASSERT_TRUE(w->Close().ok());
}

TEST(AuditWriterTest, AlwaysModeGroupsConcurrentAppenders) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync = SyncMode::kAlways});
  ASSERT_TRUE(w);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(w->Append(MakeRecord(i)).ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(w->Close().ok());
  WriterStats stats = w->stats();
  EXPECT_EQ(stats.records_written, 400u);
  EXPECT_EQ(stats.fsyncs, stats.batches);  // one sync per batch, each acknowledged after it
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(400));
}

TEST(AuditWriterTest, BackpressureWithATinyQueueNeverDrops) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .queue_capacity = 2});
  ASSERT_TRUE(w);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_TRUE(w->Append(MakeRecord(i)).ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(w->Close().ok());
  WriterStats stats = w->stats();
  EXPECT_GT(stats.backpressure_waits, 0u);
  EXPECT_EQ(stats.records_written, 4000u);
  EXPECT_EQ(SeqsOnDisk(tmp.audit()), Iota(4000));
  ExpectSoundLog(tmp.audit(), 4000);
}

TEST(AuditWriterTest, FlushWritesAndSyncsEverythingAppendedBefore) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync_interval = std::chrono::seconds(3600)});
  ASSERT_TRUE(w);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(w->Append(MakeRecord(i)).ok());
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(Lines(tmp.audit() + "/" + SegmentName(1)).size(), 10u);
  EXPECT_GE(w->stats().fsyncs, 1u);
  ASSERT_TRUE(w->Flush().ok());  // nothing new: returns at once
}

TEST(AuditWriterTest, BatchModeSyncsUnsyncedDataWithoutBeingAsked) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync_interval = std::chrono::milliseconds(10)});
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->Append(MakeRecord(0)).ok());
  for (int i = 0; i < 500 && w->stats().fsyncs == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(w->stats().fsyncs, 1u);
}

TEST(AuditWriterTest, AppendAfterCloseFails) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit()});
  ASSERT_TRUE(w->Close().ok());
  EXPECT_TRUE(w->Close().ok());
  auto seq = w->Append(MakeRecord(0));
  ASSERT_FALSE(seq.ok());
  EXPECT_NE(seq.status().message().find("closed"), std::string::npos);
}

// The file size limit makes write(2) fail with EFBIG as a full disk makes it fail with ENOSPC:
// a real kernel error, set and lifted from the test. SIGXFSZ is ignored, as the daemon does.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit small = old_;
    small.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &small) == 0;
  }
  ~FileSizeLimit() { Lift(); }
  void Lift() { setrlimit(RLIMIT_FSIZE, &old_); }
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  bool ok_ = false;
};

// Appends until one fails; returns that failure.
Status AppendUntilFailure(Writer& w) {
  for (int i = 0; i < 1000; ++i) {
    auto seq = w.Append(MakeRecord(i));
    if (!seq.ok()) return seq.status();
  }
  return Status::Ok();
}

// A write error fails closed — every append refused with a message naming the file — and the
// writer retries by itself: once writing works again, an outage record goes on the chain and
// appends succeed, with no new Writer.
TEST(AuditWriterTest, AWriteErrorFailsClosedThenRecoversByItself) {
  for (SyncMode mode : {SyncMode::kBatch, SyncMode::kAlways}) {
    ScratchDir tmp;
    FileSizeLimit limit(3000);
    ASSERT_TRUE(limit.ok());
    auto w = OpenWriter({.dir = tmp.audit(), .sync = mode});
    ASSERT_TRUE(w);
    Status failure = AppendUntilFailure(*w);
    ASSERT_FALSE(failure.ok());
    EXPECT_NE(failure.message().find(SegmentName(1)), std::string::npos) << failure.message();
    EXPECT_NE(failure.message().find("deny"), std::string::npos) << failure.message();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // retries fail meanwhile
    EXPECT_FALSE(w->Append(MakeRecord(0)).ok());
    WriterStats during = w->stats();
    EXPECT_TRUE(during.in_outage);
    EXPECT_EQ(during.outages, 1u);
    EXPECT_GE(during.refused, 1u);
    EXPECT_GE(during.retries, 1u);
    EXPECT_NE(during.last_error.find("write failed"), std::string::npos) << during.last_error;

    limit.Lift();
    Result<uint64_t> seq = Status::Internal("never tried");
    for (int i = 0; i < 200 && !seq.ok(); ++i) {  // the backoff is capped at 250 ms
      seq = w->Append(MakeRecord(1));
      if (!seq.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(seq.ok()) << seq.status().message();
    ASSERT_TRUE(w->Close().ok());
    WriterStats after = w->stats();
    EXPECT_FALSE(after.in_outage);
    EXPECT_GT(after.outage_ms, 0u);

    auto report = Verify(tmp.audit());
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->problem->message;
    EXPECT_EQ(report->last_seq, *seq);
    auto lines = Lines(tmp.audit() + "/" + SegmentName(1));
    ASSERT_GE(lines.size(), 2u);
    const std::string& outage = lines[lines.size() - 2];
    EXPECT_NE(outage.find("\"kind\":\"audit\""), std::string::npos) << outage;
    EXPECT_NE(outage.find("\"decision\":\"outage\""), std::string::npos) << outage;
    EXPECT_NE(outage.find("refused"), std::string::npos) << outage;
  }
}

// A record queued when the outage began is never acknowledged, not even after its seq is
// taken by the outage record. (kAlways: every record goes through the queue; in kBatch an idle
// writer's record is written by the appender, whose Enqueue then fails at once — below.)
TEST(AuditWriterTest, ARecordLostToAnOutageIsNeverAcknowledged) {
  ScratchDir tmp;
  FileSizeLimit limit(0);
  ASSERT_TRUE(limit.ok());
  {
    ScratchDir batch_dir;
    auto batch = OpenWriter({.dir = batch_dir.audit(), .sync = SyncMode::kBatch});
    ASSERT_TRUE(batch);
    auto refused = batch->Enqueue(MakeRecord(0));
    EXPECT_FALSE(refused.ok());
    batch->Close();
  }
  auto w = OpenWriter({.dir = tmp.audit(), .sync = SyncMode::kAlways});
  ASSERT_TRUE(w);
  auto ticket = w->Enqueue(MakeRecord(0));
  ASSERT_TRUE(ticket.ok());
  std::promise<Status> first;
  w->WhenAcknowledged(*ticket, [&](const Status& s) { first.set_value(s); });
  Status told = first.get_future().get();
  EXPECT_FALSE(told.ok());
  limit.Lift();
  Result<uint64_t> seq = Status::Internal("never tried");
  for (int i = 0; i < 200 && !seq.ok(); ++i) {
    seq = w->Append(MakeRecord(1));
    if (!seq.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(seq.ok()) << seq.status().message();
  EXPECT_EQ(*seq, 2u);  // 1 is the outage record, in the seq the lost record had
  Status late;
  w->WhenAcknowledged(*ticket, [&](const Status& s) { late = s; });
  EXPECT_FALSE(late.ok());
  ASSERT_TRUE(w->Close().ok());
  ExpectSoundLog(tmp.audit(), 2);
}

// Close in the middle of an outage returns at once with the error.
TEST(AuditWriterTest, CloseDuringAnOutageReturnsTheError) {
  ScratchDir tmp;
  FileSizeLimit limit(0);
  auto w = OpenWriter({.dir = tmp.audit(), .retry_min = std::chrono::seconds(5), .retry_max = std::chrono::seconds(5)});
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->Append(MakeRecord(0)).ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(w->Close().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

// Batch mode acknowledges a record once write(2) has returned: what Append returned, or what a
// WhenAcknowledged callback confirmed, is in the file (read back through the page cache).
TEST(AuditWriterTest, BatchModeAcknowledgesOnlyWhatIsInTheFile) {
  ScratchDir tmp;
  auto w = OpenWriter({.dir = tmp.audit(), .sync = SyncMode::kBatch});
  ASSERT_TRUE(w);
  std::string segment = tmp.audit() + "/" + SegmentName(1);
  for (int i = 0; i < 50; ++i) {
    auto seq = w->Append(MakeRecord(i));
    ASSERT_TRUE(seq.ok()) << seq.status().message();
    auto lines = Lines(segment);
    ASSERT_EQ(lines.size(), *seq);
  }
  for (int i = 0; i < 50; ++i) {
    auto ticket = w->Enqueue(MakeRecord(i));
    ASSERT_TRUE(ticket.ok());
    std::promise<size_t> lines_then;
    w->WhenAcknowledged(*ticket, [&](const Status& s) { lines_then.set_value(s.ok() ? Lines(segment).size() : 0); });
    EXPECT_EQ(lines_then.get_future().get(), ticket->seq);
  }
  ASSERT_TRUE(w->Close().ok());
}

}  // namespace
}  // namespace warden::audit
