#include "scan/detector.h"

#include <algorithm>

namespace warden::scan::internal {
namespace {

constexpr ByteSet kAlnumSet = ByteSet().Add('0', '9').Add('a', 'z').Add('A', 'Z');
constexpr ByteSet kWordSet = ByteSet(kAlnumSet).Add("_");
constexpr ByteSet kBase64UrlSet = ByteSet(kAlnumSet).Add("_-");
constexpr ByteSet kBase64Set = ByteSet(kAlnumSet).Add("+/=");
// An unquoted value ends at whitespace, a quote, a separator of shell, URL query or code, or a
// backslash (the start of an escape in JSON-encoded text).
constexpr ByteSet kUnquotedValueSet = ByteSet().Add(" \t\r\n\f\v\"'`,;&|<>(){}[]\\").Add('\0', '\x1f').Invert();

constexpr std::array<ByteSet, static_cast<size_t>(Run::kCount)> kRunSets = {kAlnumSet, kWordSet, kBase64UrlSet,
                                                                            kBase64Set, kUnquotedValueSet};

}  // namespace

void Context::Add(const Detector& d, size_t begin, size_t end) {
  if (begin >= end || end > text_.size()) return;
  found_ = true;
  if (out_ == nullptr) return;
  // Consecutive escape sequences are one finding, so a run of them takes no memory per sequence.
  if (d.category == Category::kAnsi && !out_->empty()) {
    Finding& last = out_->back();
    if (last.category == Category::kAnsi && begin >= last.begin && begin <= last.end) {
      last.end = std::max(last.end, end);
      return;
    }
  }
  out_->push_back(Finding{d.name, d.category, begin, end});
}

size_t Context::RunEnd(size_t from, Run kind) {
  RunMemo& m = runs_[static_cast<size_t>(kind)];
  // A remembered run is maximal, so from anywhere inside it the run ends at the same place.
  if (from >= m.begin && from < m.end) return m.end;
  const ByteSet& set = kRunSets[static_cast<size_t>(kind)];
  size_t i = from;
  while (i < text_.size() && set.Has(text_[i])) ++i;
  if (i > from) m = {from, i};
  return i;
}

bool MarkerEndsAt(std::string_view text, size_t end) {
  if (end == 0 || end > text.size() || text[end - 1] != ']') return false;
  size_t i = end - 1;
  while (i > 0 && end - i < 40 && ((text[i - 1] >= 'a' && text[i - 1] <= 'z') || text[i - 1] == '-')) --i;
  return i >= 10 && text.substr(i - 10, 10) == "[REDACTED:";
}

}  // namespace warden::scan::internal
