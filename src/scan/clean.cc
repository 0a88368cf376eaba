// Scanner::Clean: escape sequences removed, then secrets redacted in what is left, until a scan
// of the result finds no secret.
//
// Escape sequences are found first (a pass over escape bytes only) and removed, and what is
// left is scanned, because a sequence can split a secret ("AKIA\e[0mIOSFODNN7EXAMPLE" shows as
// one key in a terminal) or a phrase. Redaction is
// checked the same way: a marker is shorter or longer than what it replaces and has no line
// break, so a verifier that reads around it (a quoted value's closing quote, a key's body) can
// decide differently on the result; whatever it finds there is redacted too. Each rewrite keeps
// where its pieces came from, so that every finding is reported in the original's offsets.
#include <algorithm>
#include <iterator>

#include "scan/scanner.h"

namespace warden::scan {
namespace {

constexpr std::string_view kGenericSecret = "password-assignment";

// Past this many rounds of redaction (one is usual; a second is rare), the rest of the text from
// the first secret left is redacted whole.
constexpr int kMaxRedactionRounds = 8;

// A text made from another by copying some of its pieces and replacing others with markers.
class Rewrite {
 public:
  void Copy(std::string_view from, size_t begin, size_t end) {
    if (begin >= end) return;
    pieces_.push_back({text.size(), begin, end - begin, true});
    text.append(from.substr(begin, end - begin));
  }
  void Replace(size_t begin, size_t end, std::string_view marker) {
    pieces_.push_back({text.size(), begin, end - begin, false});
    text.append(marker);
  }
  // A span of the text, as the span of the source it came from (a marker stands for all it replaced).
  Finding ToSource(Finding f) const {
    const Piece& first = PieceAt(f.begin);
    const Piece& last = PieceAt(f.end - 1);
    f.begin = first.copied ? first.in + (f.begin - first.out) : first.in;
    f.end = last.copied ? last.in + (f.end - 1 - last.out) + 1 : last.in + last.in_size;
    return f;
  }

  std::string text;

 private:
  struct Piece {
    size_t out, in, in_size;
    bool copied;
  };
  const Piece& PieceAt(size_t pos) const {
    auto it = std::upper_bound(pieces_.begin(), pieces_.end(), pos, [](size_t p, const Piece& s) { return p < s.out; });
    return *(it - 1);
  }
  std::vector<Piece> pieces_;
};

Rewrite Strip(std::string_view text, const std::vector<Finding>& found) {
  Rewrite r;
  r.text.reserve(text.size());
  size_t kept = 0;
  for (const Finding& f : found) {
    if (f.category != Category::kAnsi) continue;
    r.Copy(text, kept, f.begin);
    kept = std::max(kept, f.end);
  }
  r.Copy(text, kept, text.size());
  return r;
}

// Secrets replaced by "[REDACTED:<detector>]"; overlapping ones by one marker, named after the
// first that is not the generic password-assignment (a token assigned to a name is its own kind).
Rewrite Redact(std::string_view text, const std::vector<Finding>& secrets) {
  Rewrite r;
  r.text.reserve(text.size());
  size_t kept = 0;
  for (size_t i = 0; i < secrets.size();) {
    size_t begin = secrets[i].begin, end = secrets[i].end;
    std::string_view name = secrets[i].detector;
    for (++i; i < secrets.size() && secrets[i].begin < end; ++i) {
      end = std::max(end, secrets[i].end);
      if (name == kGenericSecret) name = secrets[i].detector;
    }
    r.Copy(text, kept, begin);
    r.Replace(begin, end, "[REDACTED:" + std::string(name) + "]");
    kept = end;
  }
  r.Copy(text, kept, text.size());
  return r;
}

std::vector<Finding> Only(const std::vector<Finding>& found, bool secrets) {
  std::vector<Finding> out;
  std::copy_if(found.begin(), found.end(), std::back_inserter(out),
               [secrets](const Finding& f) { return (f.category == Category::kSecret) == secrets; });
  return out;
}

bool Has(const std::vector<Finding>& found, Category c) {
  return std::any_of(found.begin(), found.end(), [c](const Finding& f) { return f.category == c; });
}

// A finding of the last rewrite's text, in the original's offsets.
Finding ToOriginal(Finding f, const std::vector<Rewrite>& steps) {
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) f = it->ToSource(f);
  return f;
}

}  // namespace

std::string Scanner::Clean(std::string_view text, std::vector<Finding>* findings) const {
  std::vector<Finding> reported = Escapes(text);
  std::vector<Rewrite> steps;
  if (!reported.empty()) steps.push_back(Strip(text, reported));
  std::vector<Finding> found = Scan(steps.empty() ? text : std::string_view(steps.back().text));
  if (steps.empty() && !Has(found, Category::kSecret)) {
    if (findings != nullptr) findings->insert(findings->end(), found.begin(), found.end());
    return std::string(text);
  }
  for (const Finding& f : Only(found, false)) reported.push_back(ToOriginal(f, steps));
  for (int round = 0; Has(found, Category::kSecret); ++round) {
    std::vector<Finding> secrets = Only(found, true);
    for (const Finding& f : secrets) reported.push_back(ToOriginal(f, steps));
    std::string_view current = text;
    if (!steps.empty()) current = steps.back().text;
    if (round >= kMaxRedactionRounds) {
      // Each such round starts before the last one did: the loop ends.
      secrets = {Finding{secrets[0].detector, Category::kSecret, secrets[0].begin, current.size()}};
    }
    steps.push_back(Redact(current, secrets));
    found = Scan(steps.back().text);
  }
  if (findings != nullptr) {
    std::stable_sort(reported.begin(), reported.end(),
                     [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
    findings->insert(findings->end(), reported.begin(), reported.end());
  }
  return std::move(steps.back().text);
}

}  // namespace warden::scan
