#include "audit/retention.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "audit/chain.h"
#include "audit/line.h"
#include "audit/segment.h"

namespace warden::audit {

namespace {

constexpr size_t kCompressChunk = size_t{1} << 20;
// More than a retention record's line takes (its fields are numbers, hashes and timestamps).
constexpr uint64_t kAnnouncementBytes = 2048;

std::string Errno() {
  return std::strerror(errno);
}

Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(dir + ": " + Errno());
  int rc = fsync(fd);
  std::string err = rc == 0 ? "" : Errno();
  close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError(dir + ": fsync: " + err);
}

// What an interrupted pass leaves: ".audit-N.jsonl.gz.tmp" and ".anchor.json.tmp".
void RemoveTemporaries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    bool ours = name == "." + std::string(kAnchorFile) + ".tmp" ||
                (name.starts_with(".audit-") && name.ends_with(".jsonl.gz.tmp"));
    if (ours) stale.push_back(dir + "/" + std::string(name));
  }
  closedir(d);
  for (const auto& path : stale) unlink(path.c_str());
}

Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": " + Errno());
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// gzip from one descriptor to another.
class Deflater {
 public:
  explicit Deflater(int level) { ok_ = deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
  ~Deflater() {
    if (ok_) deflateEnd(&z_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  Status Copy(int in, const std::string& in_path, int out, const std::string& out_path,
              const std::function<bool()>& cancelled) {
    if (!ok_) return Status::Internal("zlib did not initialize");
    std::vector<Bytef> src(kCompressChunk), dst(kCompressChunk);
    for (;;) {
      if (cancelled && cancelled()) return Status::Internal("cancelled");
      ssize_t n = read(in, src.data(), src.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IoError(in_path + ": " + Errno());
      z_.next_in = src.data();
      z_.avail_in = static_cast<uInt>(n);
      int flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
      int rc = Z_OK;
      do {
        z_.next_out = dst.data();
        z_.avail_out = static_cast<uInt>(dst.size());
        rc = deflate(&z_, flush);
        if (rc == Z_STREAM_ERROR) return Status::Internal(out_path + ": zlib failed");
        if (Status s = WriteAll(out, dst.data(), dst.size() - z_.avail_out, out_path); !s.ok()) return s;
      } while (z_.avail_out == 0);
      if (rc == Z_STREAM_END) return Status::Ok();
    }
  }

 private:
  z_stream z_{};
  bool ok_ = false;
};

// audit-N.jsonl → audit-N.jsonl.gz (see the header); returns the compressed size.
Result<uint64_t> CompressSegment(const std::string& dir, const Segment& segment, const RetentionOptions& options) {
  std::string tmp = dir + "/." + CompressedSegmentName(segment.index) + ".tmp";
  std::string final_path = dir + "/" + CompressedSegmentName(segment.index);
  int in = open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::IoError(segment.path + ": " + Errno());
  int out = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out < 0) {
    std::string err = Errno();
    close(in);
    return Status::IoError(tmp + ": " + err);
  }
  Status s = Deflater(options.compression_level).Copy(in, segment.path, out, tmp, options.cancelled);
  if (s.ok() && fsync(out) != 0) s = Status::IoError(tmp + ": fsync: " + Errno());
  struct stat st;
  if (s.ok() && fstat(in, &st) == 0) {
    timespec times[2] = {st.st_atim, st.st_mtim};  // the copy keeps the segment's times
    futimens(out, times);
  }
  struct stat out_st;
  uint64_t size = s.ok() && fstat(out, &out_st) == 0 ? static_cast<uint64_t>(out_st.st_size) : 0;
  close(in);
  close(out);
  if (s.ok() && rename(tmp.c_str(), final_path.c_str()) != 0) s = Status::IoError(final_path + ": rename: " + Errno());
  if (!s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  if (Status synced = SyncDir(dir); !synced.ok()) return synced;  // the copy is durable before the original goes
  if (unlink(segment.path.c_str()) != 0) return Status::IoError(segment.path + ": " + Errno());
  return size;
}

// A record's seq, ts and hashes, from its line.
struct Link {
  uint64_t seq = 0;
  std::string ts;
  std::string prev_hash;
  std::string hash;
};

Result<Link> ReadLink(const std::string& line, const std::string& where) {
  LineFields fields;
  FieldStorage storage;
  std::string_view prev_hex, hash_hex;
  HashBytes prev;
  if (!ReadFields(line, &fields, &storage).ok() || !ExtractHashes(line, &prev_hex, &hash_hex) ||
      !FromHex(prev_hex, &prev) || !LineHashMatches(line, prev)) {
    return Status::ParseError(where + ": not a sound record; nothing was removed; run `warden audit verify`");
  }
  return Link{fields.seq, std::string(fields.ts), std::string(prev_hex), std::string(hash_hex)};
}

// The first (last) record of the first (last) non-empty segment of segments[from, to),
// searching forward (backward); nullopt when they are all empty.
Result<std::optional<Link>> EdgeRecord(const std::vector<Segment>& segments, size_t from, size_t to, bool last) {
  for (size_t n = 0; n < to - from; ++n) {
    const Segment& s = segments[last ? to - 1 - n : from + n];
    auto line = last ? LastLineOfSegment(s) : FirstLineOfSegment(s);
    if (!line.ok()) return line.status();
    if (line->empty()) continue;
    auto link = ReadLink(*line, s.path);
    if (!link.ok()) return link.status();
    return std::optional<Link>(std::move(link).value());
  }
  return std::optional<Link>();
}

// How many of the oldest segments hold only records older than `cutoff`.
Result<size_t> AgePrefix(const std::vector<Segment>& segments, size_t removable, int64_t cutoff_micros) {
  std::string cutoff = FormatTimestamp(cutoff_micros);
  size_t k = 0;
  for (; k < removable; ++k) {
    auto next = FirstLineOfSegment(segments[k + 1]);  // its first record is newer than all of segment k's
    if (!next.ok()) return next.status();
    LineFields fields;
    FieldStorage storage;
    if (next->empty() || !ReadFields(*next, &fields, &storage).ok() || std::string(fields.ts) >= cutoff) break;
  }
  return k;
}

size_t SizePrefix(const std::vector<uint64_t>& sizes, size_t removable, uint64_t max_bytes, uint64_t* total) {
  size_t k = 0;
  while (*total > max_bytes && k < removable) *total -= sizes[k++];
  return k;
}

class Pass {
 public:
  explicit Pass(const RetentionOptions& options) : o_(options) {
    if (!o_.clock) o_.clock = NowMicros;
    o_.policy.keep_uncompressed = std::max(o_.policy.keep_uncompressed, kRetentionKeepNewest);
  }

  Result<RetentionResult> Run() {
    RemoveTemporaries(o_.dir);
    auto anchor = ReadAnchor(o_.dir);
    if (!anchor.ok())
      return Status::ParseError(anchor.status().message() + "; nothing was removed; run `warden audit verify`");
    anchor_ = *anchor;
    auto segments = ListSegments(o_.dir);
    if (!segments.ok()) return segments.status();
    segments_ = std::move(segments).value();
    if (Status s = FinishRemoval(); !s.ok()) return s;
    size_t removable = segments_.size() > kRetentionKeepNewest ? segments_.size() - kRetentionKeepNewest : 0;
    size_t by_age = 0;
    if (o_.policy.max_age_micros > 0 && removable > 0) {
      auto k = AgePrefix(segments_, removable, o_.clock() - o_.policy.max_age_micros);
      if (!k.ok()) return k.status();
      by_age = *k;
    }
    if (o_.policy.compress) Compress(by_age);
    if (o_.cancelled && o_.cancelled()) return Status::Internal("cancelled");
    std::vector<uint64_t> sizes;
    uint64_t total = 0;
    for (const Segment& s : segments_) total += sizes.emplace_back(SegmentFileBytes(s));
    size_t k = by_age;
    if (o_.policy.max_bytes > 0) {
      // Room for the retention record the removal appends.
      uint64_t target =
          o_.policy.max_bytes > 2 * kAnnouncementBytes ? o_.policy.max_bytes - kAnnouncementBytes : o_.policy.max_bytes;
      uint64_t left = total;
      k = std::max(k, SizePrefix(sizes, removable, target, &left));
    }
    if (k > 0) {
      if (Status s = RemovePrefix(k, sizes); !s.ok()) return s;
    }
    if (Status s = CountWhatIsLeft(); !s.ok()) return s;
    result_.over_limit = o_.policy.max_bytes > 0 && result_.bytes > o_.policy.max_bytes;
    result_.anchor = anchor_;
    return result_;
  }

 private:
  // The segments after the pass (the writer may have appended meanwhile).
  Status CountWhatIsLeft() {
    auto segments = ListSegments(o_.dir);
    if (!segments.ok()) return segments.status();
    result_.segments = segments->size();
    for (const Segment& s : *segments) result_.bytes += SegmentFileBytes(s);
    return Status::Ok();
  }

  // Segments below the anchor are covered by it: a pass stopped before it removed them all.
  Status FinishRemoval() {
    if (!anchor_) return Status::Ok();
    auto keep = std::find_if(segments_.begin(), segments_.end(),
                             [&](const Segment& s) { return s.index >= anchor_->first_segment; });
    bool any = keep != segments_.begin();
    for (auto it = segments_.begin(); it != keep; ++it) {
      if (unlink(it->path.c_str()) != 0 && errno != ENOENT) return Status::IoError(it->path + ": " + Errno());
    }
    segments_.erase(segments_.begin(), keep);
    return any ? SyncDir(o_.dir) : Status::Ok();
  }

  void Compress(size_t from) {
    size_t end = segments_.size() > o_.policy.keep_uncompressed ? segments_.size() - o_.policy.keep_uncompressed : 0;
    for (size_t i = from; i < end; ++i) {
      Segment& s = segments_[i];
      if (s.compressed) continue;
      uint64_t before = SegmentFileBytes(s);
      auto after = CompressSegment(o_.dir, s, o_);
      if (!after.ok()) {
        result_.problems.push_back("cannot compress " + s.path + ": " + after.status().message());
        if (o_.cancelled && o_.cancelled()) return;
        continue;
      }
      result_.compressed++;
      result_.compressed_bytes_before += before;
      result_.compressed_bytes_after += *after;
      s.path = o_.dir + "/" + CompressedSegmentName(s.index);
      s.compressed = true;
    }
  }

  Result<std::string> Key(bool* existed) {
    *existed = false;
    if (o_.key_file.empty()) return std::string();
    auto key = LoadAnchorKey(o_.key_file);
    if (!key.ok()) return key.status();
    if (*key) {
      *existed = true;
      return **key;
    }
    return LoadOrCreateAnchorKey(o_.key_file);
  }

  // The anchor that covers segments_[0, k) (see the header).
  Result<Anchor> NextAnchor(size_t k, const std::vector<uint64_t>& sizes) {
    auto last = EdgeRecord(segments_, 0, k, /*last=*/true);
    if (!last.ok()) return last.status();
    auto first = EdgeRecord(segments_, k, segments_.size(), /*last=*/false);
    if (!first.ok()) return first.status();
    if (!*last || !*first) return Status::InvalidArgument("no record on one side of the cut");
    if ((*first)->seq != (*last)->seq + 1 || (*first)->prev_hash != (*last)->hash) {
      return Status::ParseError("the hash chain does not link " + segments_[k - 1].path + " to " + segments_[k].path +
                                "; nothing was removed; run `warden audit verify`");
    }
    Anchor a;
    a.first_segment = segments_[k].index;
    a.first_seq = (*first)->seq;
    a.prev_hash = (*last)->hash;
    a.removed_segments = (anchor_ ? anchor_->removed_segments : 0) + k;
    a.removed_records = (*last)->seq;
    a.removed_bytes = anchor_ ? anchor_->removed_bytes : 0;
    for (size_t i = 0; i < k; ++i) a.removed_bytes += sizes[i];
    a.through_ts = (*last)->ts;
    if (anchor_) {
      a.oldest_ts = anchor_->oldest_ts;
    } else {
      auto oldest = EdgeRecord(segments_, 0, k, /*last=*/false);
      if (!oldest.ok()) return oldest.status();
      a.oldest_ts = (*oldest)->ts;
    }
    a.updated = FormatTimestamp(o_.clock());
    return a;
  }

  Status Sign(Anchor* a) {
    bool existed = false;
    auto key = Key(&existed);
    if (!key.ok()) return key.status();
    if (key->empty()) return Status::Ok();
    if (anchor_ && existed && !AnchorMacMatches(*anchor_, *key)) {
      return Status::ParseError(o_.dir + "/" + std::string(kAnchorFile) + " does not carry a valid MAC (" +
                                o_.key_file +
                                "): it was changed outside Warden; nothing was removed; run `warden audit verify`");
    }
    a->mac = AnchorMac(*a, *key);
    return Status::Ok();
  }

  Status RemovePrefix(size_t k, const std::vector<uint64_t>& sizes) {
    if (!o_.announce) return Status::InvalidArgument("removing audit segments needs a writer to record it");
    auto next = NextAnchor(k, sizes);
    if (!next.ok()) return next.status();
    Anchor a = std::move(next).value();
    if (Status s = Sign(&a); !s.ok()) return s;
    if (Status s = o_.announce(RetentionRecord(a)); !s.ok()) {
      return Status::IoError("the retention record could not be written (" + s.message() + "); nothing was removed");
    }
    if (Status s = WriteAnchor(o_.dir, a); !s.ok()) return s;
    for (size_t i = 0; i < k; ++i) {
      if (unlink(segments_[i].path.c_str()) != 0 && errno != ENOENT)
        return Status::IoError(segments_[i].path + ": " + Errno());
    }
    if (Status s = SyncDir(o_.dir); !s.ok()) return s;
    result_.removed_segments = k;
    result_.removed_records = a.removed_records - (anchor_ ? anchor_->removed_records : 0);
    result_.removed_bytes = a.removed_bytes - (anchor_ ? anchor_->removed_bytes : 0);
    anchor_ = a;
    return Status::Ok();
  }

  RetentionOptions o_;
  std::optional<Anchor> anchor_;
  std::vector<Segment> segments_;
  RetentionResult result_;
};

// "<digits><unit>" with the unit's multiplier from `units`; digits alone need a unit "".
Result<uint64_t> ParseScaled(std::string_view text,
                             std::initializer_list<std::pair<std::string_view, uint64_t>> units) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) return Status::InvalidArgument("");
  uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  std::string_view unit = text.substr(digits);
  for (const auto& [name, scale] : units) {
    if (unit != name) continue;
    if (n != 0 && scale > UINT64_MAX / 2 / n) return Status::InvalidArgument("");
    return n * scale;
  }
  return Status::InvalidArgument("");
}

}  // namespace

Result<int64_t> ParseRetentionAge(std::string_view text) {
  constexpr uint64_t kSecond = 1000 * 1000;
  if (text == "0") return 0;
  auto v = ParseScaled(
      text,
      {{"s", kSecond}, {"m", 60 * kSecond}, {"h", 3600 * kSecond}, {"d", 86400 * kSecond}, {"w", 7 * 86400 * kSecond}});
  if (!v.ok() || *v > uint64_t{INT64_MAX}) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not an age: a number with s, m, h, d or w (90s, 12h, 30d), or 0");
  }
  return static_cast<int64_t>(*v);
}

Result<uint64_t> ParseRetentionBytes(std::string_view text) {
  constexpr uint64_t kKi = 1024;
  std::string_view t = text;
  if (t.ends_with("iB"))
    t.remove_suffix(2);
  else if (t.ends_with("B"))
    t.remove_suffix(1);
  auto v = ParseScaled(t, {{"", 1},
                           {"K", kKi},
                           {"M", kKi * kKi},
                           {"G", kKi * kKi * kKi},
                           {"T", kKi * kKi * kKi * kKi},
                           {"k", kKi},
                           {"m", kKi * kKi},
                           {"g", kKi * kKi * kKi},
                           {"t", kKi * kKi * kKi * kKi}});
  if (!v.ok()) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a size: bytes, or a number with K, M, G or T (500M, 1G)");
  }
  return *v;
}

Result<RetentionResult> ApplyRetention(const RetentionOptions& options) {
  return Pass(options).Run();
}

RetentionWorker::RetentionWorker(RetentionOptions options, std::function<uint64_t()> rotations,
                                 std::function<void(const std::string&)> log)
    : options_(std::move(options)), rotations_(std::move(rotations)), log_(std::move(log)) {
  options_.cancelled = [this] { return cancel_.load(std::memory_order_relaxed); };
  thread_ = std::thread([this] { Run(); });
}

RetentionWorker::~RetentionWorker() {
  Stop();
}

void RetentionWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RetentionCounters RetentionWorker::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void RetentionWorker::Run() {
  // Compression is background work: it yields to the threads that answer requests.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  using Clock = std::chrono::steady_clock;
  uint64_t seen = rotations_ ? rotations_() : 0;
  auto next = Clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    uint64_t now_rotations = rotations_ ? rotations_() : 0;
    if (Clock::now() >= next || now_rotations != seen) {
      seen = now_rotations;
      lock.unlock();
      Pass();
      lock.lock();
      next = Clock::now() + options_.policy.interval;
    }
    // Polling the rotation count is a lock and a load: cheap enough to notice a rotation soon.
    cv_.wait_until(lock, std::min(next, Clock::now() + std::chrono::milliseconds(200)), [&] { return stopping_; });
  }
}

void RetentionWorker::Pass() {
  auto result = ApplyRetention(options_);
  std::lock_guard lock(mu_);
  RetentionCounters& c = counters_;
  c.passes++;
  c.last_pass_micros = NowMicros();
  if (!result.ok()) {
    c.failed_passes++;
    bool repeated = c.last_error == result.status().message();
    c.last_error = result.status().message();
    if (log_ && !repeated && !cancel_) log_("audit retention: " + c.last_error);
    return;
  }
  const RetentionResult& r = *result;
  c.compressed += r.compressed;
  c.compressed_bytes_saved += r.compressed_bytes_before - std::min(r.compressed_bytes_before, r.compressed_bytes_after);
  c.removed_segments += r.removed_segments;
  c.removed_records += r.removed_records;
  c.removed_bytes += r.removed_bytes;
  c.segments = r.segments;
  c.bytes = r.bytes;
  if (r.over_limit && !c.over_limit && log_) {
    log_("audit retention: " + std::to_string(r.bytes) + " bytes are above --audit-max-bytes " +
         std::to_string(options_.policy.max_bytes) + ": the newest two segments are never removed");
  }
  c.over_limit = r.over_limit;
  c.last_error = r.problems.empty() ? "" : r.problems.front();
  if (!r.problems.empty()) c.failed_passes++;
  if (!log_) return;
  for (const auto& p : r.problems) log_("audit retention: " + p);
  if (r.removed_segments > 0) {
    log_("audit retention: removed " + std::to_string(r.removed_segments) + " segment(s), " +
         std::to_string(r.removed_records) + " record(s), " + std::to_string(r.removed_bytes) +
         " bytes; the log now starts at seq " + std::to_string(r.anchor->first_seq));
  }
}

}  // namespace warden::audit
