#include "audit/segment.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace warden::audit {

namespace {

constexpr std::string_view kPrefix = "audit-";
constexpr std::string_view kSuffix = ".jsonl";
constexpr size_t kChunk = size_t{1} << 20;      // read() size for a file that is not mapped
constexpr size_t kAfterMap = size_t{64} << 10;  // for what is appended after the mapping

}  // namespace

std::string SegmentName(uint64_t index) {
  std::string digits = std::to_string(index);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return std::string(kPrefix) + digits + std::string(kSuffix);
}

uint64_t ParseSegmentName(std::string_view name) {
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
    uint64_t index = ParseSegmentName(e->d_name);
    if (index != 0) out.push_back({index, dir + "/" + e->d_name});
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) { return a.index < b.index; });
  return out;
}

Result<LineReader> LineReader::Open(const std::string& path, uint64_t start, size_t max_line) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": " + std::strerror(errno));
  if (start != 0 && lseek(fd, static_cast<off_t>(start), SEEK_SET) < 0) {
    int err = errno;
    close(fd);
    return Status::IoError(path + ": " + std::strerror(err));
  }
  LineReader reader(fd, path, start, max_line);
  if (start == 0) reader.Map();
  return reader;
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
  for (;;) {
    ssize_t n = read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n >= 0) {
      end_ += static_cast<size_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) return Status::IoError(path_ + ": " + std::strerror(errno));
  }
}

}  // namespace warden::audit
