#include "shell/brace.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace warden::shell {
namespace {

// Brace expansion of one unquoted text: "{a,b}c" → {"ac","bc"}; "{1..3}" → {"1","2","3"}.
// Returns {text} when there is nothing to expand; at most `cap` results.
std::vector<std::string> BraceText(std::string_view text, size_t cap);

// The matching '}' of the '{' at `open`, whether it separates alternatives (a top-level
// comma) and whether it is a sequence ("a..z", "1..10[..2]").
size_t BraceClose(std::string_view s, size_t open, bool* comma) {
  int depth = 0;
  *comma = false;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '{') ++depth;
    if (s[i] == '}' && --depth == 0) return i;
    if (s[i] == ',' && depth == 1) *comma = true;
  }
  return std::string_view::npos;
}

std::optional<std::vector<std::string>> Sequence(std::string_view body) {
  size_t dots = body.find("..");
  if (dots == std::string_view::npos) return std::nullopt;
  std::string_view a = body.substr(0, dots), rest = body.substr(dots + 2);
  std::string_view b = rest, step_text;
  if (size_t d2 = rest.find(".."); d2 != std::string_view::npos) {
    b = rest.substr(0, d2);
    step_text = rest.substr(d2 + 2);
  }
  auto number = [](std::string_view s, long* v) {
    if (s.empty() || s.size() > 9) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    long r = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      r = r * 10 + (s[i] - '0');
    }
    *v = s[0] == '-' ? -r : r;
    return true;
  };
  long step = 1;
  if (!step_text.empty() && (!number(step_text, &step) || step == 0)) return std::nullopt;
  step = step < 0 ? -step : step;
  std::vector<std::string> out;
  long x, y;
  if (number(a, &x) && number(b, &y)) {
    for (long v = x; (x <= y ? v <= y : v >= y) && out.size() < 1000; v += (x <= y ? step : -step)) {
      out.push_back(std::to_string(v));
    }
    return out;
  }
  if (a.size() == 1 && b.size() == 1) {
    char c1 = a[0], c2 = b[0];
    for (int c = c1; (c1 <= c2 ? c <= c2 : c >= c2) && out.size() < 1000; c += (c1 <= c2 ? step : -step)) {
      out.emplace_back(1, static_cast<char>(c));
    }
    return out;
  }
  return std::nullopt;
}

std::vector<std::string> BraceText(std::string_view text, size_t cap) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    bool comma;
    size_t close = BraceClose(text, i, &comma);
    if (close == std::string_view::npos) break;
    std::string_view body = text.substr(i + 1, close - i - 1);
    std::vector<std::string> alternatives;
    if (comma) {
      int depth = 0;
      size_t start = 0;
      for (size_t k = 0; k <= body.size(); ++k) {
        if (k < body.size() && body[k] == '{') ++depth;
        if (k < body.size() && body[k] == '}') --depth;
        if (k == body.size() || (body[k] == ',' && depth == 0)) {
          alternatives.emplace_back(body.substr(start, k - start));
          start = k + 1;
        }
      }
    } else if (auto seq = Sequence(body)) {
      alternatives = std::move(*seq);
    } else {
      continue;
    }
    std::vector<std::string> out;
    std::string head(text.substr(0, i));
    std::string_view tail = text.substr(close + 1);
    for (const auto& alt : alternatives) {
      for (auto& rest : BraceText(std::string(alt) + std::string(tail), cap)) {
        out.push_back(head + rest);
        if (out.size() >= cap) return out;
      }
    }
    return out;
  }
  return {std::string(text)};
}

}  // namespace

// Brace expansion of a word: each unquoted text part may multiply the word.
namespace {

bool EmptyUnquotedText(const WordPart& p) { return p.kind == WordPart::Kind::kText && !p.quoted && p.text.empty(); }

}  // namespace

bool BraceExpansionChanges(const Word& w) {
  return std::all_of(w.parts.begin(), w.parts.end(), EmptyUnquotedText) ||
         std::any_of(w.parts.begin(), w.parts.end(), [](const WordPart& part) {
           return part.kind == WordPart::Kind::kText && !part.quoted && part.text.find('{') != std::string::npos;
         });
}

std::vector<Word> BraceWord(const Word& w, size_t cap) {
  std::vector<Word> out{Word{{}, w.offset}};
  for (const auto& part : w.parts) {
    std::vector<std::string> texts;
    if (part.kind == WordPart::Kind::kText && !part.quoted && part.text.find('{') != std::string::npos) {
      texts = BraceText(part.text, cap);
    }
    if (texts.size() <= 1) {
      WordPart copy = part;
      if (texts.size() == 1) copy.text = texts[0];
      for (auto& o : out) o.parts.push_back(copy);
      continue;
    }
    std::vector<Word> grown;
    for (const auto& o : out) {
      for (const auto& t : texts) {
        Word x = o;
        WordPart p = part;
        p.text = t;
        x.parts.push_back(std::move(p));
        grown.push_back(std::move(x));
        if (grown.size() >= cap) break;
      }
      if (grown.size() >= cap) break;
    }
    out = std::move(grown);
  }
  // "{,a}" can leave an empty word: bash drops those.
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const Word& x) { return std::all_of(x.parts.begin(), x.parts.end(), EmptyUnquotedText); }),
            out.end());
  return out;
}

}  // namespace warden::shell
