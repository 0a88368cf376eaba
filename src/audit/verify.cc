#include "audit/verify.h"

#include <vector>

#include "audit/chain.h"
#include "audit/line.h"
#include "audit/segment.h"

namespace warden::audit {

namespace {

std::string Where(const std::string& segment, uint64_t line) {
  return segment + ":" + std::to_string(line);
}

// Walks the segments once. Holds the chain state: the seq and hash the next record must have.
class Verifier {
 public:
  explicit Verifier(std::vector<Segment> segments) : segments_(std::move(segments)) {
    report_.last_hash = std::string(kZeroHashHex);
  }

  Result<VerifyReport> Run() {
    for (size_t i = 0; i < segments_.size() && report_.ok; ++i) {
      if (Status s = VerifySegment(i); !s.ok()) return s;
    }
    return report_;
  }

 private:
  Status VerifySegment(size_t index) {
    auto reader = LineReader::Open(segments_[index].path);
    if (!reader.ok()) return reader.status();
    ++report_.segments;
    std::string_view line;
    for (;;) {
      auto more = reader->Next(&line);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (!CheckLine(line, *reader, index)) return Status::Ok();
    }
    return CheckEnd(*reader, index);
  }

  Status CheckEnd(const LineReader& reader, size_t index) {
    if (reader.partial().empty()) return Status::Ok();
    if (index + 1 == segments_.size()) {
      report_.torn_tail_bytes = reader.partial().size();
      return Status::Ok();
    }
    Report(ProblemKind::kMalformed, reader.path(), reader.line_number() + 1, 0,
           "incomplete line (no newline) at the end of a segment that is not the last");
    return Status::Ok();
  }

  // Checks one line against the chain; on a problem, fills the report and returns false.
  bool CheckLine(std::string_view line, LineReader& reader, size_t index) {
    const std::string& path = reader.path();
    uint64_t line_no = reader.line_number();
    LineFields fields;
    FieldStorage storage;
    if (Status s = ParseFields(line, &fields, &storage); !s.ok()) {
      return Report(ProblemKind::kMalformed, path, line_no, 0, s.message());
    }
    std::string_view prev_hex, hash_hex;
    HashBytes prev;
    if (!ExtractHashes(line, &prev_hex, &hash_hex) || !FromHex(prev_hex, &prev)) {
      return Report(ProblemKind::kMalformed, path, line_no, fields.seq,
                    "the line does not end with the \"prev_hash\" and \"hash\" members the writer writes");
    }
    if (!LineHashMatches(line, prev)) {
      return Report(ProblemKind::kEdited, path, line_no, fields.seq,
                    "hash mismatch: the record was changed after it was written");
    }
    if (!CheckSeq(fields.seq, reader, index)) return false;
    if (prev_hex != report_.last_hash) {
      return Report(ProblemKind::kBrokenLink, path, line_no, fields.seq,
                    report_.records == 0 ? "the first record's prev_hash is not 64 zeros: earlier records are missing"
                                         : "prev_hash is not the hash of the previous record (seq " +
                                               std::to_string(report_.last_seq) + " at " + last_where_ + ")");
    }
    report_.records++;
    report_.last_seq = fields.seq;
    report_.last_hash = std::string(hash_hex);
    last_where_ = Where(path, line_no);
    return true;
  }

  bool CheckSeq(uint64_t seq, LineReader& reader, size_t index) {
    uint64_t expected = report_.last_seq + 1;
    const std::string path = reader.path();
    uint64_t line_no = reader.line_number();
    if (seq == expected) return true;
    if (seq < expected) {
      return Report(ProblemKind::kReordered, path, line_no, seq,
                    "seq " + std::to_string(seq) + " comes after seq " + std::to_string(report_.last_seq) +
                        ": records are out of order or repeated");
    }
    std::string later = FindLater(expected, reader, index);
    if (!later.empty()) {
      return Report(ProblemKind::kReordered, path, line_no, seq,
                    "expected seq " + std::to_string(expected) + ", found " + std::to_string(seq) + "; seq " +
                        std::to_string(expected) + " comes later, at " + later + ": records are out of order");
    }
    std::string missing = seq - expected == 1
                              ? "record " + std::to_string(expected) + " is"
                              : "records " + std::to_string(expected) + " to " + std::to_string(seq - 1) + " are";
    return Report(
        ProblemKind::kMissing, path, line_no, seq,
        "expected seq " + std::to_string(expected) + ", found " + std::to_string(seq) + ": " + missing + " missing");
  }

  // Where a record with `seq` appears after the reader's position ("" if nowhere). Consumes
  // the reader: verification stops at this problem anyway.
  std::string FindLater(uint64_t seq, LineReader& reader, size_t index) {
    if (std::string at = FindIn(seq, reader); !at.empty()) return at;
    for (size_t i = index + 1; i < segments_.size(); ++i) {
      auto next = LineReader::Open(segments_[i].path);
      if (!next.ok()) return "";
      if (std::string at = FindIn(seq, *next); !at.empty()) return at;
    }
    return "";
  }

  static std::string FindIn(uint64_t seq, LineReader& reader) {
    std::string_view line;
    LineFields fields;
    FieldStorage storage;
    for (;;) {
      auto more = reader.Next(&line);
      if (!more.ok() || !*more) return "";
      if (ReadFields(line, &fields, &storage).ok() && fields.seq == seq) {
        return Where(reader.path(), reader.line_number());
      }
    }
  }

  bool Report(ProblemKind kind, const std::string& segment, uint64_t line, uint64_t seq, std::string message) {
    report_.ok = false;
    report_.problem = Problem{kind, segment, line, seq, std::move(message)};
    return false;
  }

  std::vector<Segment> segments_;
  VerifyReport report_;
  std::string last_where_;
};

}  // namespace

std::string_view ProblemKindName(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kMalformed:
      return "malformed";
    case ProblemKind::kEdited:
      return "edited";
    case ProblemKind::kMissing:
      return "missing";
    case ProblemKind::kReordered:
      return "reordered";
    case ProblemKind::kBrokenLink:
      return "broken_link";
  }
  return "unknown";
}

Result<VerifyReport> Verify(const std::string& dir) {
  auto segments = ListSegments(dir);
  if (!segments.ok()) return segments.status();
  return Verifier(std::move(segments).value()).Run();
}

}  // namespace warden::audit
