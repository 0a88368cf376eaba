// The audit directory's files and how they are read.
//
// The log is a directory of segments audit-000001.jsonl, audit-000002.jsonl, … (at least six
// digits; more when the index needs them). Records are appended to the highest-numbered one;
// seq and the hash chain continue from one segment into the next. Retention (retention.h) may
// replace a closed segment by its gzip-compressed copy, audit-000001.jsonl.gz (never one of the
// newest two, so the segment being appended to and the one before it are always plain files),
// and may remove the oldest ones, leaving anchor.json (anchor.h). Other files in the directory
// are ignored.
//
// LineReader reads one segment line by line (no line is parsed), compressed or not: a plain
// file as it is when opened through a read-only mapping, so that a line costs one memchr and no
// copy, and what is appended later through read(); a .gz file through zlib, streaming (a
// corrupt or truncated one makes Next fail with kParseError). A reader is not thread-safe;
// separate readers of the same file are independent. Caveat of the mapping: a file cut shorter
// while mapped (the writer only does that to an incomplete last line, when it reopens after a
// crash or fails to write) makes reading its lost end raise SIGBUS.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden::audit {

struct Segment {
  uint64_t index = 0;
  std::string path;
  bool compressed = false;  // path ends in .gz
};

// "audit-000042.jsonl".
std::string SegmentName(uint64_t index);
// "audit-000042.jsonl.gz".
std::string CompressedSegmentName(uint64_t index);

// The index of a segment file name, plain or compressed (*compressed says which); 0 when
// `name` is not one.
uint64_t ParseSegmentName(std::string_view name, bool* compressed = nullptr);

// The segments of `dir` in index order. When an index has both a plain and a compressed file
// (retention stopped between writing the copy and removing the original), the plain one is
// listed. Fails with kNotFound when `dir` does not exist.
Result<std::vector<Segment>> ListSegments(const std::string& dir);

// The size of the segment's file (compressed size for a .gz); 0 when it cannot be read.
uint64_t SegmentFileBytes(const Segment& segment);

// The first and the last complete line of a segment, compressed or not ("" when it has none).
// The first is read without mapping the file; the last of a plain file is read backwards from
// its end, of a compressed one by decompressing it whole.
Result<std::string> FirstLineOfSegment(const Segment& segment);
Result<std::string> LastLineOfSegment(const Segment& segment);

class LineReader {
 public:
  // Opens `path` to read from byte `start` on (line numbers then count from there); lines
  // longer than `max_line` bytes make Next fail with kTooLarge.
  // A path ending in .gz is decompressed (`start` then counts decompressed bytes).
  static Result<LineReader> Open(const std::string& path, uint64_t start = 0, size_t max_line = size_t{256} << 20);
  // Opens a listed segment; when a plain one has just been replaced by its compressed copy
  // (retention running meanwhile), opens the copy. kNotFound when neither exists any more
  // (retention removed it).
  static Result<LineReader> OpenSegment(const Segment& segment, size_t max_line = size_t{256} << 20);
  // As Open from the start, but reading through read() (or zlib) without mapping the file: for
  // reading only the first lines of a large one.
  static Result<LineReader> OpenUnmapped(const std::string& path, size_t max_line = size_t{256} << 20);

  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&& other) noexcept;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // Sets *line to the next complete line, without its '\n', and returns true; returns false
  // at the end of the file. The view is valid until the next call. Bytes after the last '\n'
  // are not a line: they are partial(). Calling Next again after the end reads what has been
  // appended since (for following a growing file).
  Result<bool> Next(std::string_view* line);

  // 1-based number of the line Next returned last.
  uint64_t line_number() const { return line_number_; }
  // The file offset just past the line Next returned last (past its '\n').
  uint64_t offset() const { return offset_; }
  // After Next returned false: the bytes at the end of the file that lack a '\n'.
  std::string_view partial() const { return std::string_view(buf_.data() + begin_, end_ - begin_); }
  const std::string& path() const { return path_; }

 private:
  class Inflater;

  LineReader(int fd, std::string path, uint64_t start, size_t max_line);
  Status Skip(uint64_t bytes);
  void Map();
  bool NextMapped(std::string_view* line);
  void Unmap();
  Result<size_t> Fill();

  int fd_ = -1;
  std::string path_;
  size_t max_line_;
  std::vector<char> buf_;
  size_t begin_ = 0;  // first byte not yet returned
  size_t scan_ = 0;   // bytes before this (from begin_) hold no '\n'
  size_t end_ = 0;    // end of the data read
  uint64_t line_number_ = 0;
  uint64_t offset_ = 0;
  const char* map_ = nullptr;  // the file's first map_size_ bytes, while they are being read
  size_t map_size_ = 0;
  size_t map_pos_ = 0;
  std::unique_ptr<Inflater> inflater_;  // a .gz segment
};

}  // namespace warden::audit
