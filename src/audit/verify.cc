#include "audit/verify.h"

#include <vector>

#include "audit/anchor.h"
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
  Verifier(std::string dir, std::vector<Segment> segments, const VerifyOptions& options)
      : dir_(std::move(dir)), segments_(std::move(segments)), options_(options) {
    report_.last_hash = std::string(kZeroHashHex);
  }

  Result<VerifyReport> Run() {
    if (options_.tail_segments > 0) {
      if (Status s = StartFromTail(); !s.ok()) return s;
    } else if (!StartFromAnchor()) {
      return report_;
    }
    for (size_t i = 0; i < segments_.size() && report_.ok; ++i) {
      if (Status s = VerifySegment(i); !s.ok()) return s;
    }
    if (report_.ok) CheckAnnouncements();
    return report_;
  }

 private:
  std::string AnchorPath() const { return dir_ + "/" + std::string(kAnchorFile); }

  // tail_segments: drops the older segments; the chain goes on from the last record of the
  // newest one dropped (taken as it is: it is not what is being checked).
  Status StartFromTail() {
    if (segments_.size() <= options_.tail_segments) return Status::Ok();
    size_t drop = segments_.size() - options_.tail_segments;
    auto last = LastLineOfSegment(segments_[drop - 1]);
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(drop));
    if (!last.ok() || last->empty()) return Status::Ok();  // nothing to continue from: links unchecked
    LineFields fields;
    FieldStorage storage;
    std::string_view prev_hex, hash_hex;
    if (ReadFields(*last, &fields, &storage).ok() && ExtractHashes(*last, &prev_hex, &hash_hex)) {
      report_.last_seq = fields.seq;
      report_.last_hash = std::string(hash_hex);
    }
    return Status::Ok();
  }

  // Reads the anchor, checks its MAC and sets the chain to start where it says; segments it
  // covers are dropped. False when the anchor itself is the problem.
  bool StartFromAnchor() {
    auto anchor = ReadAnchor(dir_);
    if (!anchor.ok()) return Report(ProblemKind::kAnchor, AnchorPath(), 0, 0, anchor.status().message());
    if (!*anchor) return true;
    anchor_ = **anchor;
    RetentionReport& r = report_.retention.emplace();
    r.anchor = *anchor_;
    if (!CheckMac(&r.mac)) return false;
    while (!segments_.empty() && segments_.front().index < anchor_->first_segment) {
      segments_.erase(segments_.begin());
      r.awaiting_removal++;
    }
    report_.last_seq = anchor_->first_seq - 1;
    report_.last_hash = anchor_->prev_hash;
    return true;
  }

  bool CheckMac(std::string* verdict) {
    if (options_.key_file.empty()) {
      *verdict = anchor_->mac.empty() ? "unsigned" : "not checked: no key given";
      return true;
    }
    auto key = LoadAnchorKey(options_.key_file);
    if (!key.ok()) {
      *verdict = "not checked: " + key.status().message();
      return true;
    }
    if (!*key) {
      *verdict = anchor_->mac.empty() ? "unsigned" : "not checked: no key at " + options_.key_file;
      return true;
    }
    if (anchor_->mac.empty()) {
      return Report(
          ProblemKind::kAnchor, AnchorPath(), 0, 0,
          "the anchor carries no MAC although the key " + options_.key_file + " exists: it was written outside Warden");
    }
    if (!AnchorMacMatches(*anchor_, **key)) {
      return Report(ProblemKind::kAnchor, AnchorPath(), 0, 0,
                    "the anchor's MAC does not match (key " + options_.key_file + "): it was changed outside Warden");
    }
    *verdict = "verified";
    return true;
  }

  // The anchor must be what the last retention record in the log announced (anchor.h).
  void CheckAnnouncements() {
    if (!anchor_) return;
    RetentionReport& r = *report_.retention;
    r.announcements = announcements_;
    if (!announced_) {
      Report(ProblemKind::kAnchor, AnchorPath(), 0, 0,
             "no retention record in the retained log announces the removal this anchor describes (records 1 to " +
                 std::to_string(anchor_->first_seq - 1) + ")");
      return;
    }
    const Anchor& a = *announced_;
    std::string said = "the last retention record (seq " + std::to_string(announced_seq_) + " at " + announced_where_ +
                       ") announced the removal of records 1 to " + std::to_string(a.first_seq - 1);
    if (a.first_seq < anchor_->first_seq) {
      Report(ProblemKind::kAnchor, AnchorPath(), 0, 0,
             "the anchor says records 1 to " + std::to_string(anchor_->first_seq - 1) + " were removed, but " + said +
                 ": segments were removed outside retention and the anchor rewritten");
    } else if (a.first_seq == anchor_->first_seq &&
               (a.prev_hash != anchor_->prev_hash || a.first_segment != anchor_->first_segment)) {
      Report(ProblemKind::kAnchor, AnchorPath(), 0, 0,
             "the anchor disagrees with what " + said + " (prev_hash or first segment)");
    } else if (a.first_seq > anchor_->first_seq) {
      r.note = said + "; the anchor still starts at seq " + std::to_string(anchor_->first_seq) +
               " (a pass stopped before writing it; the next one completes it)";
    }
  }

  Status VerifySegment(size_t index) {
    auto reader = LineReader::OpenSegment(segments_[index]);
    if (!reader.ok()) return reader.status();
    ++report_.segments;
    if (reader->path().ends_with(".gz")) ++report_.compressed_segments;
    std::string_view line;
    for (;;) {
      auto more = reader->Next(&line);
      if (!more.ok()) {
        if (more.status().code() != Status::Code::kParseError) return more.status();
        Report(ProblemKind::kMalformed, reader->path(), reader->line_number() + 1, 0, more.status().message());
        return Status::Ok();
      }
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
    // The writer's start-up check (tail_segments) reads the head fields only: a whole parse of
    // every line of a 64 MiB segment would hold the start for most of a second.
    Status parsed = options_.tail_segments > 0 ? ReadFields(line, &fields, &storage) : ParseFields(line, &fields, &storage);
    if (!parsed.ok()) return Report(ProblemKind::kMalformed, path, line_no, 0, parsed.message());
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
    if (report_.records == 0 && anchor_ && fields.seq < anchor_->first_seq) {
      return Report(ProblemKind::kAnchor, path, line_no, fields.seq,
                    "the anchor says records 1 to " + std::to_string(anchor_->first_seq - 1) +
                        " were removed, but this record is still here: the anchor was rewritten");
    }
    if (!CheckSeq(fields.seq, reader, index)) return false;
    if (prev_hex != report_.last_hash) return Report(ProblemKind::kBrokenLink, path, line_no, fields.seq, BrokenLink());
    report_.records++;
    report_.last_seq = fields.seq;
    report_.last_hash = std::string(hash_hex);
    last_where_ = Where(path, line_no);
    if (fields.has_rule && fields.rule == kRetentionRule) NoteAnnouncement(line, path, line_no, fields.seq);
    return true;
  }

  std::string BrokenLink() const {
    if (report_.records > 0) {
      return "prev_hash is not the hash of the previous record (seq " + std::to_string(report_.last_seq) + " at " +
             last_where_ + ")";
    }
    if (anchor_) {
      return "the first retained record's prev_hash is not the anchor's (the hash of record " +
             std::to_string(anchor_->first_seq - 1) + ", the last one retention removed)";
    }
    return "the first record's prev_hash is not 64 zeros: earlier records are missing";
  }

  void NoteAnnouncement(std::string_view line, const std::string& path, uint64_t line_no, uint64_t seq) {
    std::optional<Anchor> a = ReadRetentionRecord(line);
    if (!a) return;
    announcements_++;
    announced_ = std::move(a);
    announced_seq_ = seq;
    announced_where_ = Where(path, line_no);
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
    std::string covered = !anchor_               ? (report_.records == 0 ? " (no retention anchor covers them)" : "")
                          : report_.records == 0 ? " (the retention anchor covers records 1 to " +
                                                       std::to_string(anchor_->first_seq - 1) + " only)"
                                                 : "";
    return Report(ProblemKind::kMissing, path, line_no, seq,
                  "expected seq " + std::to_string(expected) + ", found " + std::to_string(seq) + ": " + missing +
                      " missing" + covered);
  }

  // Where a record with `seq` appears after the reader's position ("" if nowhere). Consumes
  // the reader: verification stops at this problem anyway.
  std::string FindLater(uint64_t seq, LineReader& reader, size_t index) {
    if (std::string at = FindIn(seq, reader); !at.empty()) return at;
    for (size_t i = index + 1; i < segments_.size(); ++i) {
      auto next = LineReader::OpenSegment(segments_[i]);
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

  std::string dir_;
  std::vector<Segment> segments_;
  const VerifyOptions& options_;
  VerifyReport report_;
  std::string last_where_;
  std::optional<Anchor> anchor_;
  std::optional<Anchor> announced_;  // by the last retention record read
  uint64_t announced_seq_ = 0;
  std::string announced_where_;
  uint64_t announcements_ = 0;
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
    case ProblemKind::kAnchor:
      return "anchor";
  }
  return "unknown";
}

Result<VerifyReport> Verify(const std::string& dir, const VerifyOptions& options) {
  // Segments are listed before the anchor is read: retention writes the anchor before it
  // removes what the anchor covers, so a segment missing from the listing is covered by the
  // anchor read after it. One removed after the listing makes its reading fail: start again.
  for (int attempt = 1;; ++attempt) {
    auto segments = ListSegments(dir);
    if (!segments.ok()) return segments.status();
    auto report = Verifier(dir, std::move(segments).value(), options).Run();
    if (report.ok() || report.status().code() != Status::Code::kNotFound || attempt == 3) return report;
  }
}

}  // namespace warden::audit
