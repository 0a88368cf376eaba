#include "audit/writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "audit/line.h"
#include "audit/segment.h"
#include "audit/verify.h"

namespace warden::audit {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Errno(int err) {
  return std::strerror(err);
}

Status Stopped(const std::string& what) {
  return Status::IoError(what + "; the audit writer stopped: deny decisions until it is reopened");
}

Result<std::string> ReadAt(int fd, uint64_t offset, size_t size, const std::string& path) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": " + Errno(errno));
    if (n == 0) return Status::IoError(path + ": shrank while being read");
    done += static_cast<size_t>(n);
  }
  return out;
}

// The offset just past the last '\n' before `end` (0 if there is none), reading backwards.
Result<uint64_t> FindLineStart(int fd, uint64_t end, const std::string& path) {
  constexpr uint64_t kStep = 64 * 1024;
  while (end > 0) {
    uint64_t start = end > kStep ? end - kStep : 0;
    auto chunk = ReadAt(fd, start, static_cast<size_t>(end - start), path);
    if (!chunk.ok()) return chunk.status();
    if (const void* nl = memrchr(chunk->data(), '\n', chunk->size())) {
      return start + static_cast<uint64_t>(static_cast<const char*>(nl) - chunk->data()) + 1;
    }
    end = start;
  }
  return uint64_t{0};
}

Result<uint64_t> FileSize(int fd, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status::IoError(path + ": " + Errno(errno));
  return static_cast<uint64_t>(st.st_size);
}

// The last line of a file of complete lines ("" when it is empty).
Result<std::string> LastLine(int fd, const std::string& path) {
  auto size = FileSize(fd, path);
  if (!size.ok() || *size == 0) return size.ok() ? Result<std::string>(std::string()) : size.status();
  auto last = ReadAt(fd, *size - 1, 1, path);
  if (!last.ok()) return last.status();
  if (*last != "\n") {
    return Status::ParseError(path + ": ends with an incomplete line; run `warden audit verify`");
  }
  auto start = FindLineStart(fd, *size - 1, path);
  if (!start.ok()) return start.status();
  return ReadAt(fd, *start, static_cast<size_t>(*size - 1 - *start), path);
}

Status PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  if (ec) return Status::IoError(dir + ": cannot create the audit directory: " + ec.message());
  return Status::Ok();
}

}  // namespace

Writer::Writer(WriterOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Writer>> Writer::Open(WriterOptions options) {
  if (options.dir.empty()) return Status::InvalidArgument("the audit writer needs a directory");
  options.queue_capacity = std::max<size_t>(options.queue_capacity, 1);
  if (!options.clock) options.clock = NowMicros;
  std::unique_ptr<Writer> writer(new Writer(std::move(options)));
  Status s = writer->Recover();
  if (!s.ok()) return s;
  writer->last_sync_ = SteadyClock::now();
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

Writer::~Writer() {
  Close();
}

Status Writer::Recover() {
  const std::string& dir = options_.dir;
  if (Status s = PrepareDirectory(dir); !s.ok()) return s;
  dir_fd_ = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) return Status::IoError(dir + ": " + Errno(errno));
  if (flock(dir_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return Status::IoError(dir + ": another audit writer has this directory open");
    return Status::IoError(dir + ": cannot lock: " + Errno(errno));
  }
  auto segments = ListSegments(dir);
  if (!segments.ok()) return segments.status();
  if (Status s = OpenSegment(segments->empty() ? 1 : segments->back().index); !s.ok()) return s;
  if (Status s = CutTornTail(); !s.ok()) return s;
  if (Status s = ContinueChain(*segments); !s.ok()) return s;
  return CheckLastSegment();
}

// The segment appends go to must verify; if it does not, say where and start a new one.
Status Writer::CheckLastSegment() {
  auto report = Verify(options_.dir, {.tail_segments = 1});
  if (!report.ok() || report->ok || !report->problem) return Status::Ok();
  const Problem& p = *report->problem;
  recovery_.problem = p.segment + ":" + std::to_string(p.line) + ": " + std::string(ProblemKindName(p.kind)) + ": " +
                      p.message;
  if (segment_size_ == 0) return Status::Ok();
  close(std::exchange(fd_, -1));
  return OpenSegment(segment_index_ + 1);
}

// A crash in the middle of a write leaves an incomplete last line: cut it off.
Status Writer::CutTornTail() {
  auto start = FindLineStart(fd_, segment_size_, segment_path_);
  if (!start.ok()) return start.status();
  if (*start == segment_size_) return Status::Ok();
  if (ftruncate(fd_, static_cast<off_t>(*start)) != 0 || fdatasync(fd_) != 0) {
    return Status::IoError(segment_path_ + ": cannot cut off the incomplete last line: " + Errno(errno));
  }
  recovery_.torn_bytes = segment_size_ - *start;
  segment_size_ = *start;
  return Status::Ok();
}

// Takes seq and prev_hash from the last record on disk (the last segment may be empty).
Status Writer::ContinueChain(const std::vector<Segment>& segments) {
  recovery_.segment = segment_path_;
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    auto line = it->index == segment_index_ ? LastLine(fd_, segment_path_) : LastLineOfSegment(*it);
    if (!line.ok()) return line.status();
    if (line->empty()) continue;
    LineFields fields;
    FieldStorage storage;
    std::string_view prev_hex, hash_hex;
    if (!ReadFields(*line, &fields, &storage).ok() || !ExtractHashes(*line, &prev_hex, &hash_hex) ||
        !FromHex(hash_hex, &prev_)) {
      return Status::ParseError(it->path +
                                ": the last record is malformed, so the hash chain cannot continue; run "
                                "`warden audit verify`");
    }
    next_seq_ = fields.seq + 1;
    written_seq_ = synced_seq_ = file_seq_ = fields.seq;
    break;
  }
  recovery_.next_seq = next_seq_;
  file_prev_ = prev_;
  return Status::Ok();
}

Status Writer::OpenSegment(uint64_t index) {
  segment_index_ = index;
  segment_path_ = options_.dir + "/" + SegmentName(index);
  fd_ = open(segment_path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return Status::IoError(segment_path_ + ": cannot open: " + Errno(errno));
  auto size = FileSize(fd_, segment_path_);
  if (!size.ok()) return size.status();
  segment_size_ = *size;
  // The new file's directory entry must be durable before records in it are acknowledged.
  if (fsync(dir_fd_) != 0) return Status::IoError(options_.dir + ": fsync: " + Errno(errno));
  return Status::Ok();
}

Result<Ticket> Writer::Enqueue(const Record& record) {
  std::string fields = SerializeRecordFields(record);
  std::unique_lock lock(mu_);
  if (queue_.size() + in_flight_ >= options_.queue_capacity && failure_.ok() && !closing_) {
    ++stats_.backpressure_waits;
    space_cv_.wait(lock,
                   [&] { return queue_.size() + in_flight_ < options_.queue_capacity || !failure_.ok() || closing_; });
  }
  if (!failure_.ok()) {
    ++refused_in_outage_;
    ++stats_.refused;
    return failure_;
  }
  if (closing_) return Status::Internal(options_.dir + ": the audit writer is closed");
  uint64_t seq = next_seq_++;
  Ticket ticket{seq, epoch_};
  if (options_.sync == SyncMode::kBatch && queue_.empty() && !writing_) {
    WriteInline(seq, std::move(fields), lock);
    if (epoch_ != ticket.epoch) return Lost();
    return ticket;
  }
  if (queue_.empty()) work_cv_.notify_one();
  queue_.push_back({seq, options_.clock(), std::move(fields)});
  return ticket;
}

// Nothing queued, nobody writing: the appender writes its record itself, sparing two thread
// hand-offs. The writer thread is woken only if it must start counting toward a sync or has
// records to write that arrived meanwhile.
void Writer::WriteInline(uint64_t seq, std::string fields, std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  in_flight_ = 1;
  std::vector<Pending> one;
  one.push_back({seq, options_.clock(), std::move(fields)});
  lock.unlock();
  Status s = WriteBatch(one);
  lock.lock();
  in_flight_ = 0;
  TakeWritten(1, s);
  writing_ = false;
  if (!s.ok()) Fail(s);
  if (!queue_.empty() || writer_untimed_wait_ || closing_ || !s.ok()) work_cv_.notify_one();
  Notify(lock);
}

// After a write (mu_ held): what reached the file is written, whatever the status says.
void Writer::TakeWritten(size_t records, const Status& s) {
  if (file_seq_ > written_seq_) {
    stats_.records_written += file_seq_ - written_seq_;
    written_seq_ = file_seq_;
  }
  if (records > 0 && s.ok()) ++stats_.batches;
  space_cv_.notify_all();
}

Result<uint64_t> Writer::Append(const Record& record) {
  auto ticket = Enqueue(record);
  if (!ticket.ok()) return ticket.status();
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return epoch_ != ticket->epoch || Acknowledged() >= ticket->seq; });
  if (epoch_ != ticket->epoch) return Lost();
  return ticket->seq;
}

void Writer::WhenAcknowledged(const Ticket& ticket, std::function<void(const Status&)> done) {
  std::unique_lock lock(mu_);
  if (epoch_ != ticket.epoch || Acknowledged() >= ticket.seq) {
    Status result = epoch_ != ticket.epoch ? Lost() : Status::Ok();
    lock.unlock();
    done(result);
    return;
  }
  waiters_.emplace(ticket.seq, std::move(done));
}

// What "acknowledged" means in this mode (see the header).
uint64_t Writer::Acknowledged() const {
  return options_.sync == SyncMode::kBatch ? written_seq_ : synced_seq_;
}

// Why a record queued in `epoch` will never be acknowledged.
Status Writer::Lost() const {
  if (!failure_.ok()) return failure_;
  return Stopped(lost_cause_ + "; this record was not written (the log has recovered since)");
}

Status Writer::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = next_seq_ - 1;
  uint64_t epoch = epoch_;
  if (synced_seq_ >= target || !failure_.ok()) return failure_;
  flush_seq_ = std::max(flush_seq_, target);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return synced_seq_ >= target || epoch_ != epoch; });
  return epoch_ == epoch ? Status::Ok() : Lost();
}

Status Writer::Close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  work_cv_.notify_one();
  space_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(std::exchange(fd_, -1));
  if (dir_fd_ >= 0) close(std::exchange(dir_fd_, -1));  // releases the flock
  std::unique_lock lock(mu_);
  Status result = failure_;
  if (result.ok() && !waiters_.empty()) result = Stopped(options_.dir + ": closed with records unacknowledged");
  if (!waiters_.empty()) Fail(result);
  Notify(lock);
  return result;
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  WriterStats s = stats_;
  s.queue_depth = queue_.size() + in_flight_;
  s.fsyncs = fsyncs_.load(std::memory_order_relaxed);
  s.rotations = rotations_.load(std::memory_order_relaxed);
  s.in_outage = !failure_.ok();
  if (s.in_outage) {
    s.outage_ms += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - outage_start_).count());
  } else {
    s.outage_since_us = 0;
  }
  return s;
}

// The writer thread: takes what is queued, writes it, syncs when due, tells the waiters; in an
// outage, retries with backoff until a write goes through.
void Writer::Run() {
  std::unique_lock lock(mu_);
  std::vector<Pending> batch;
  for (;;) {
    if (!failure_.ok()) {
      if (!WaitToRetry(lock)) break;
      TryToResume(lock);
      continue;
    }
    if (!WaitForWork(lock)) break;
    batch.clear();
    batch.swap(queue_);
    in_flight_ = batch.size();
    bool sync_now = options_.sync == SyncMode::kAlways || closing_ || flush_seq_ > synced_seq_;
    writing_ = true;
    lock.unlock();
    Status s = batch.empty() ? Status::Ok() : WriteBatch(batch);
    lock.lock();
    in_flight_ = 0;
    TakeWritten(batch.size(), s);
    if (s.ok() && written_seq_ > synced_seq_ &&
        (sync_now || SteadyClock::now() - last_sync_ >= options_.sync_interval)) {
      uint64_t target = written_seq_;
      lock.unlock();
      s = Sync();
      lock.lock();
      if (s.ok()) {
        synced_seq_ = std::max(synced_seq_, target);
        last_sync_ = SteadyClock::now();
      }
    }
    writing_ = false;
    if (!s.ok()) Fail(s);
    Notify(lock);
  }
  Notify(lock);
}

// Waits for something to write or sync. Records are written as soon as they are queued: the
// grouping comes from what arrives while a write is under way. False: closing, nothing left.
bool Writer::WaitForWork(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    bool unsynced = written_seq_ > synced_seq_;
    if (writing_ || (queue_.empty() && !unsynced && !closing_)) {  // an appender writes, or nothing to do
      writer_untimed_wait_ = true;
      work_cv_.wait(lock);
      writer_untimed_wait_ = false;
      continue;
    }
    if (!queue_.empty()) return true;
    if (unsynced && (closing_ || flush_seq_ > synced_seq_)) return true;
    if (closing_) return false;
    auto deadline = last_sync_ + options_.sync_interval;
    if (SteadyClock::now() >= deadline) return true;
    work_cv_.wait_until(lock, deadline);
  }
}

// In an outage: waits until the next retry is due. False: closing.
bool Writer::WaitToRetry(std::unique_lock<std::mutex>& lock) {
  while (!closing_ && SteadyClock::now() < retry_at_) work_cv_.wait_until(lock, retry_at_);
  return !closing_;
}

// One attempt to leave the outage: write and sync the outage record. Success ends the outage;
// failure doubles the delay before the next attempt.
void Writer::TryToResume(std::unique_lock<std::mutex>& lock) {
  uint64_t seq = file_seq_ + 1;
  Record record = OutageRecord();
  lock.unlock();
  Status s = WriteOutageRecord(seq, record);
  lock.lock();
  if (!s.ok()) {
    ++stats_.retries;
    retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
    retry_at_ = SteadyClock::now() + retry_delay_;
    return;
  }
  written_seq_ = synced_seq_ = seq;
  next_seq_ = seq + 1;
  ++stats_.records_written;
  stats_.outage_ms += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - outage_start_).count());
  lost_cause_ = failure_.message();
  failure_ = Status::Ok();
  done_cv_.notify_all();
  if (options_.on_outage) {
    std::string said = "writing again after " + std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - outage_start_).count()) +
        " ms; " + std::to_string(refused_in_outage_) + " decisions were refused meanwhile";
    lock.unlock();
    options_.on_outage(said);
    lock.lock();
  }
}

Record Writer::OutageRecord() const {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - outage_start_).count();
  Record r;
  r.kind = "audit";
  r.context = "service";
  r.decision = "outage";
  r.reason = "the audit log could not be written from " + FormatTimestamp(stats_.outage_since_us) + " for " +
             std::to_string(ms) + " ms (" + stats_.last_error + "); " + std::to_string(refused_in_outage_) +
             " appends were refused meanwhile (their decisions were denied)";
  r.request = boost::json::object{{"outage_ms", ms}, {"refused", refused_in_outage_}, {"error", stats_.last_error}};
  return r;
}

// Writer thread, unlocked: cuts the segment back to its last whole record (reopening it when a
// rotation failed half-way), then writes and syncs one record. On failure the file is left as
// it was, so the next attempt starts from the same place.
Status Writer::WriteOutageRecord(uint64_t seq, const Record& record) {
  if (fd_ < 0) {
    if (Status s = OpenSegment(segment_index_); !s.ok()) return s;
    if (Status s = CutTornTail(); !s.ok()) return s;
  } else if (ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
    return Status::IoError(segment_path_ + ": cannot cut off a partial record: " + Errno(errno));
  }
  prev_ = file_prev_;
  out_.clear();
  AppendLine(seq, options_.clock(), SerializeRecordFields(record), &prev_, &out_);
  if (Status s = WriteOut(out_); !s.ok()) return s;
  if (Status s = Sync(); !s.ok()) {
    segment_size_ -= out_.size();
    if (ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) return Status::IoError(s.message() + "; " + Errno(errno));
    return s;
  }
  file_seq_ = seq;
  file_prev_ = prev_;
  return Status::Ok();
}

// Begins an outage (the writer thread, holding mu_): every record not acknowledged is lost, and
// appends are refused until a retry succeeds.
void Writer::Fail(const Status& cause) {
  uint64_t first = Acknowledged() + 1, last = next_seq_ - 1;
  std::string lost;
  if (first == last) lost = "; record " + std::to_string(first) + " was not acknowledged";
  if (first < last) {
    lost = "; records " + std::to_string(first) + " to " + std::to_string(last) + " were not acknowledged";
  }
  failure_ = Stopped(cause.message() + lost);
  ++epoch_;
  next_seq_ = file_seq_ + 1;
  queue_.clear();
  for (auto& [seq, done] : waiters_) doomed_.push_back(std::move(done));
  waiters_.clear();
  outage_start_ = SteadyClock::now();
  retry_delay_ = options_.retry_min;
  retry_at_ = outage_start_ + retry_delay_;
  refused_in_outage_ = 0;
  ++stats_.outages;
  stats_.outage_since_us = options_.clock();
  stats_.last_error = cause.message();
  space_cv_.notify_all();
  if (options_.on_outage) options_.on_outage("outage: " + failure_.message() + "; retrying");
}

// Wakes Append and Flush, and calls back every waiter whose answer is known (outside the lock).
void Writer::Notify(std::unique_lock<std::mutex>& lock) {
  done_cv_.notify_all();
  std::vector<std::function<void(const Status&)>> acknowledged, doomed;
  for (auto it = waiters_.begin(); it != waiters_.end() && it->first <= Acknowledged();) {
    acknowledged.push_back(std::move(it->second));
    it = waiters_.erase(it);
  }
  doomed.swap(doomed_);
  if (acknowledged.empty() && doomed.empty()) return;
  Status failure = failure_.ok() ? Stopped(options_.dir + ": the audit writer stopped") : failure_;
  lock.unlock();
  for (auto& done : acknowledged) done(Status::Ok());
  for (auto& done : doomed) done(failure);
  lock.lock();
}

// Writer thread: formats and writes the batch; file_seq_ and file_prev_ follow what is wholly
// in the file, also when a failure stops the batch half-way.
Status Writer::WriteBatch(const std::vector<Pending>& batch) {
  out_.clear();
  uint64_t last_in_out = 0;
  for (const Pending& p : batch) {
    size_t before = out_.size();
    HashBytes chain_before = prev_;
    AppendLine(p.seq, p.ts, p.fields, &prev_, &out_);
    if (segment_size_ + out_.size() > options_.segment_bytes && segment_size_ + before > 0) {
      // This line would not fit: finish the segment with the lines before it.
      if (Status s = WriteOut(std::string_view(out_).substr(0, before)); !s.ok()) return s;
      if (before > 0) {
        file_seq_ = last_in_out;
        file_prev_ = chain_before;
      }
      if (Status s = Rotate(); !s.ok()) return s;
      out_.erase(0, before);
    }
    last_in_out = p.seq;
  }
  if (Status s = WriteOut(out_); !s.ok()) return s;
  file_seq_ = last_in_out;
  file_prev_ = prev_;
  return Status::Ok();
}

// One write() (more only if the kernel takes part of it); on failure the segment is cut back
// to its last complete line, so that the chain on disk stays whole.
Status Writer::WriteOut(std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      if (ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
        return Status::IoError(segment_path_ + ": write failed (" + Errno(err) +
                               ") and the partial record could not be cut off (" + Errno(errno) + ")");
      }
      return Status::IoError(segment_path_ + ": write failed: " + Errno(err));
    }
    done += static_cast<size_t>(n);
  }
  segment_size_ += data.size();
  return Status::Ok();
}

Status Writer::Rotate() {
  if (Status s = Sync(); !s.ok()) return s;
  close(std::exchange(fd_, -1));
  if (Status s = OpenSegment(segment_index_ + 1); !s.ok()) return s;
  rotations_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

Status Writer::Sync() {
  if (fdatasync(fd_) != 0) return Status::IoError(segment_path_ + ": fdatasync failed: " + Errno(errno));
  fsyncs_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

}  // namespace warden::audit
