#include "audit/segment.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace warden::audit {

namespace {

constexpr std::string_view kPrefix = "audit-";
constexpr std::string_view kSuffix = ".jsonl";
constexpr std::string_view kGz = ".gz";
constexpr size_t kChunk = size_t{1} << 20;      // read() size for a file that is not mapped
constexpr size_t kAfterMap = size_t{64} << 10;  // for what is appended after the mapping
constexpr size_t kGzInput = size_t{64} << 10;   // compressed bytes read at a time

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<ssize_t> ReadSome(int fd, void* out, size_t size, const std::string& path) {
  for (;;) {
    ssize_t n = read(fd, out, size);
    if (n >= 0) return n;
    if (errno != EINTR) return Status::IoError(path + ": " + std::strerror(errno));
  }
}

}  // namespace

// Streams the decompressed bytes of a gzip file (several members in a row included).
class LineReader::Inflater {
 public:
  Inflater() : in_(kGzInput) { ok_ = inflateInit2(&z_, 15 + 16) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Up to `size` bytes into `out`; 0 at the end of the data.
  Result<size_t> Read(int fd, char* out, size_t size, const std::string& path) {
    if (!ok_) return Status::Internal(path + ": zlib did not initialize");
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(size, uInt{1} << 30));
    const uInt wanted = z_.avail_out;
    while (z_.avail_out == wanted) {
      if (z_.avail_in == 0 && !eof_) {
        auto n = ReadSome(fd, in_.data(), in_.size(), path);
        if (!n.ok()) return n.status();
        eof_ = *n == 0;
        z_.next_in = in_.data();
        z_.avail_in = static_cast<uInt>(*n);
      }
      if (z_.avail_in == 0 && eof_) {
        if (member_ended_) break;
        return Status::ParseError(path + ": the compressed segment is truncated");
      }
      if (member_ended_) {  // another gzip member follows
        inflateReset(&z_);
        member_ended_ = false;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && z_.avail_in == 0)) {  // else it only needs more input
        return Status::ParseError(path + ": the compressed segment is corrupt (" +
                                  (z_.msg != nullptr ? std::string(z_.msg) : "zlib error " + std::to_string(rc)) + ")");
      }
    }
    return static_cast<size_t>(wanted - z_.avail_out);
  }

 private:
  z_stream z_{};
  std::vector<Bytef> in_;
  bool ok_ = false;
  bool eof_ = false;
  bool member_ended_ = false;
};

std::string SegmentName(uint64_t index) {
  std::string digits = std::to_string(index);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return std::string(kPrefix) + digits + std::string(kSuffix);
}

std::string CompressedSegmentName(uint64_t index) {
  return SegmentName(index) + std::string(kGz);
}

uint64_t ParseSegmentName(std::string_view name, bool* compressed) {
  bool gz = EndsWith(name, kGz);
  if (compressed != nullptr) *compressed = gz;
  if (gz) name.remove_suffix(kGz.size());
  if (name.size() < kPrefix.size() + 6 + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return 0;
  }
  std::string_view digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.size() > 18) return 0;
  uint64_t index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    index = index * 10 + static_cast<uint64_t>(c - '0');
  }
  // One spelling per index, so that two files never claim the same one.
  return SegmentName(index) == name ? index : 0;
}

Result<std::vector<Segment>> ListSegments(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(dir + ": no such directory");
    return Status::IoError(dir + ": " + std::strerror(err));
  }
  std::vector<Segment> out;
  while (dirent* e = readdir(d)) {
    bool compressed = false;
    uint64_t index = ParseSegmentName(e->d_name, &compressed);
    if (index != 0) out.push_back({index, dir + "/" + e->d_name, compressed});
  }
  closedir(d);
  // By index, the plain file first, so that it is the one kept of a pair.
  std::sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) {
    return a.index != b.index ? a.index < b.index : !a.compressed && b.compressed;
  });
  out.erase(std::unique(out.begin(), out.end(), [](const Segment& a, const Segment& b) { return a.index == b.index; }),
            out.end());
  return out;
}

uint64_t SegmentFileBytes(const Segment& segment) {
  struct stat st;
  return stat(segment.path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

Result<std::string> FirstLineOfSegment(const Segment& segment) {
  auto reader = LineReader::OpenUnmapped(segment.path, size_t{256} << 20);
  if (!reader.ok()) return reader.status();
  std::string_view line;
  auto more = reader->Next(&line);
  if (!more.ok()) return more.status();
  return *more ? std::string(line) : std::string();
}

namespace {

Result<std::string> ReadAt(int fd, uint64_t offset, size_t size, const std::string& path) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": " + std::strerror(errno));
    if (n == 0) return Status::IoError(path + ": shrank while being read");
    done += static_cast<size_t>(n);
  }
  return out;
}

// The last complete line of a plain file, reading backwards from its end.
Result<std::string> LastLineOfPlainFile(int fd, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status::IoError(path + ": " + std::strerror(errno));
  constexpr uint64_t kStep = 64 * 1024;
  std::string tail;  // the file's bytes from `start` to its end
  uint64_t start = static_cast<uint64_t>(st.st_size);
  while (start > 0) {
    uint64_t from = start > kStep ? start - kStep : 0;
    auto chunk = ReadAt(fd, from, static_cast<size_t>(start - from), path);
    if (!chunk.ok()) return chunk.status();
    tail.insert(0, *chunk);
    start = from;
    size_t end = tail.rfind('\n');
    if (end == std::string::npos) continue;
    size_t before = end == 0 ? std::string::npos : tail.rfind('\n', end - 1);
    if (before != std::string::npos) return tail.substr(before + 1, end - before - 1);
    if (start == 0) return tail.substr(0, end);
  }
  return std::string();
}

}  // namespace

Result<std::string> LastLineOfSegment(const Segment& segment) {
  if (segment.compressed) {
    auto reader = LineReader::OpenUnmapped(segment.path, size_t{256} << 20);
    if (!reader.ok()) return reader.status();
    std::string last;
    std::string_view line;
    for (;;) {
      auto more = reader->Next(&line);
      if (!more.ok()) return more.status();
      if (!*more) return last;
      last.assign(line);
    }
  }
  int fd = open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(segment.path + ": " + std::strerror(errno));
  auto line = LastLineOfPlainFile(fd, segment.path);
  close(fd);
  return line;
}

Result<LineReader> LineReader::Open(const std::string& path, uint64_t start, size_t max_line) {
  if (EndsWith(path, kGz)) {
    auto reader = OpenUnmapped(path, max_line);
    if (!reader.ok() || start == 0) return reader;
    if (Status s = reader->Skip(start); !s.ok()) return s;
    return reader;
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return err == ENOENT ? Status::NotFound(path + ": " + std::strerror(err))
                         : Status::IoError(path + ": " + std::strerror(err));
  }
  if (start != 0 && lseek(fd, static_cast<off_t>(start), SEEK_SET) < 0) {
    int err = errno;
    close(fd);
    return Status::IoError(path + ": " + std::strerror(err));
  }
  LineReader reader(fd, path, start, max_line);
  if (start == 0) reader.Map();
  return reader;
}

Result<LineReader> LineReader::OpenSegment(const Segment& segment, size_t max_line) {
  auto reader = Open(segment.path, 0, max_line);
  if (reader.ok() || segment.compressed || reader.status().code() != Status::Code::kNotFound) return reader;
  return Open(segment.path + std::string(kGz), 0, max_line);
}

// Without a mapping: for a compressed file, and for reading only the first line of a plain one.
Result<LineReader> LineReader::OpenUnmapped(const std::string& path, size_t max_line) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return err == ENOENT ? Status::NotFound(path + ": " + std::strerror(err))
                         : Status::IoError(path + ": " + std::strerror(err));
  }
  LineReader reader(fd, path, 0, max_line);
  if (EndsWith(path, kGz)) reader.inflater_ = std::make_unique<Inflater>();
  return reader;
}

// Decompresses and drops the first `bytes` bytes (a compressed file cannot be seeked).
Status LineReader::Skip(uint64_t bytes) {
  std::vector<char> scratch(std::min<uint64_t>(bytes, kChunk));
  uint64_t left = bytes;
  while (left > 0) {
    auto n = inflater_->Read(fd_, scratch.data(), static_cast<size_t>(std::min<uint64_t>(left, scratch.size())), path_);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    left -= *n;
  }
  offset_ = bytes - left;
  return Status::Ok();
}

LineReader::LineReader(int fd, std::string path, uint64_t start, size_t max_line)
    : fd_(fd), path_(std::move(path)), max_line_(max_line), offset_(start) {}

LineReader::LineReader(LineReader&& other) noexcept {
  *this = std::move(other);
}

LineReader& LineReader::operator=(LineReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    max_line_ = other.max_line_;
    buf_ = std::move(other.buf_);
    begin_ = other.begin_;
    scan_ = other.scan_;
    end_ = other.end_;
    line_number_ = other.line_number_;
    offset_ = other.offset_;
    Unmap();
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = other.map_size_;
    map_pos_ = other.map_pos_;
    inflater_ = std::move(other.inflater_);
  }
  return *this;
}

LineReader::~LineReader() {
  Unmap();
  if (fd_ >= 0) close(fd_);
}

// Maps the file as it is now; without a mapping, reading goes through read() alone.
void LineReader::Map() {
  struct stat st;
  if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return;
  void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, 0);
  if (p == MAP_FAILED) return;
  map_ = static_cast<const char*>(p);
  map_size_ = static_cast<size_t>(st.st_size);
  map_pos_ = 0;
}

void LineReader::Unmap() {
  if (map_ != nullptr) munmap(const_cast<char*>(map_), map_size_);
  map_ = nullptr;
}

bool LineReader::NextMapped(std::string_view* line) {
  const void* nl = std::memchr(map_ + map_pos_, '\n', map_size_ - map_pos_);
  if (nl == nullptr) return false;
  size_t at = static_cast<size_t>(static_cast<const char*>(nl) - map_);
  *line = std::string_view(map_ + map_pos_, at - map_pos_);
  offset_ += at + 1 - map_pos_;
  map_pos_ = at + 1;
  ++line_number_;
  return true;
}

Result<bool> LineReader::Next(std::string_view* line) {
  if (map_ != nullptr) {
    if (NextMapped(line)) return true;
    // The end of the mapping: carry its incomplete last line over, and read on after it.
    size_t rest = map_size_ - map_pos_;
    if (buf_.size() < rest + kAfterMap) buf_.resize(rest + kAfterMap);
    if (rest > 0) std::memcpy(buf_.data(), map_ + map_pos_, rest);
    begin_ = 0;
    end_ = scan_ = rest;
    if (lseek(fd_, static_cast<off_t>(map_size_), SEEK_SET) < 0) {
      return Status::IoError(path_ + ": " + std::strerror(errno));
    }
    Unmap();
  }
  for (;;) {
    size_t unscanned = end_ - begin_ - scan_;
    const void* nl = unscanned ? std::memchr(buf_.data() + begin_ + scan_, '\n', unscanned) : nullptr;
    if (nl != nullptr) {
      size_t at = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      *line = std::string_view(buf_.data() + begin_, at - begin_);
      offset_ += at + 1 - begin_;
      begin_ = at + 1;
      scan_ = 0;
      ++line_number_;
      return true;
    }
    scan_ = end_ - begin_;
    auto n = Fill();
    if (!n.ok()) return n.status();
    if (*n == 0) return false;
  }
}

// Makes room (moving the unread bytes to the front, growing for a long line) and reads.
Result<size_t> LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    if (!buf_.empty() && buf_.size() >= max_line_) {
      return Status::TooLarge(path_ + ": line " + std::to_string(line_number_ + 1) + " is longer than " +
                              std::to_string(max_line_) + " bytes");
    }
    buf_.resize(buf_.empty() ? kChunk : std::min(buf_.size() * 2, max_line_));  // the buffer is made when needed
  }
  if (inflater_) {
    auto n = inflater_->Read(fd_, buf_.data() + end_, buf_.size() - end_, path_);
    if (n.ok()) end_ += *n;
    return n;
  }
  auto n = ReadSome(fd_, buf_.data() + end_, buf_.size() - end_, path_);
  if (!n.ok()) return n.status();
  end_ += static_cast<size_t>(*n);
  return static_cast<size_t>(*n);
}

}  // namespace warden::audit
