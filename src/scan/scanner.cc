#include "scan/scanner.h"

#include <algorithm>
#include <tuple>

#include "scan/anchor_index.h"
#include "scan/detector.h"

namespace warden::scan {
namespace {

constexpr auto kBefore = [](const Finding& a, const Finding& b) {
  return std::tie(a.begin, a.end, a.detector) < std::tie(b.begin, b.end, b.detector);
};

// Sorted, each finding once, and touching or overlapping escape sequences as one.
void Normalize(std::vector<Finding>& found) {
  std::sort(found.begin(), found.end(), kBefore);
  found.erase(std::unique(found.begin(), found.end()), found.end());
  size_t last_ansi = SIZE_MAX;
  size_t out = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    const Finding& f = found[i];
    if (f.category == Category::kAnsi && last_ansi != SIZE_MAX && f.begin <= found[last_ansi].end) {
      found[last_ansi].end = std::max(found[last_ansi].end, f.end);
      continue;
    }
    if (f.category == Category::kAnsi) last_ansi = out;
    found[out++] = f;
  }
  found.resize(out);
  std::sort(found.begin(), found.end(), kBefore);  // a merged sequence may now end later
}

}  // namespace

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::kSecret:
      return "secret";
    case Category::kInjection:
      return "injection";
    case Category::kInvisible:
      return "invisible";
    case Category::kAnsi:
      return "ansi";
  }
  return "unknown";
}

Scanner::Scanner()
    : index_(std::make_unique<internal::AnchorIndex>(internal::AllAnchors())),
      escapes_(std::make_unique<internal::AnchorIndex>(
          std::vector<internal::Anchor>(internal::AnsiAnchors().begin(), internal::AnsiAnchors().end()))) {}
Scanner::~Scanner() = default;

const Scanner& Scanner::Default() {
  static const auto* scanner = new Scanner();
  return *scanner;
}

void Scanner::Run(std::string_view text, std::vector<Finding>* out, bool first_only) const {
  internal::Context ctx(text, out, first_only);
  index_->Run(ctx);
}

std::vector<Finding> Scanner::Scan(std::string_view text) const {
  std::vector<Finding> found;
  Run(text, &found, false);
  Normalize(found);
  return found;
}

std::vector<Finding> Scanner::Escapes(std::string_view text) const {
  std::vector<Finding> found;
  internal::Context ctx(text, &found, false);
  escapes_->Run(ctx);
  Normalize(found);
  return found;
}

bool Scanner::Any(std::string_view text) const {
  std::vector<Finding> first;
  Run(text, &first, true);
  return !first.empty();
}

}  // namespace warden::scan
