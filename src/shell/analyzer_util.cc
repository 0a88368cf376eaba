#include "shell/analyzer_util.h"

#include <algorithm>

namespace warden::shell {

Stream UnknownStream(std::string source) {
  Stream s;
  s.kind = Stream::Kind::kUnknown;
  s.source = std::move(source);
  return s;
}

Stream LiteralStream(std::string text, std::string source) {
  Stream s;
  s.kind = Stream::Kind::kLiteral;
  s.text = std::move(text);
  s.source = std::move(source);
  return s;
}

Stream MakeStream(Stream::Kind kind, std::string source, std::string text) {
  Stream s;
  s.kind = kind;
  s.source = std::move(source);
  s.text = std::move(text);
  return s;
}

bool HasGlobChar(std::string_view s) {
  if (s.find_first_of("*?[") != std::string_view::npos) return true;
  for (size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    size_t close = s.find('}', open);
    if (close == std::string_view::npos) return false;
    std::string_view body = s.substr(open + 1, close - open - 1);
    if (body.find(',') != std::string_view::npos || body.find("..") != std::string_view::npos) return true;
  }
  return false;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::vector<std::string> SplitQuoted(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (IsBlank(c)) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    cur += c;
    in_word = true;
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

std::vector<std::string> SplitFields(std::string_view s, std::string_view ifs) {
  std::vector<std::string> out;
  if (ifs.empty()) {
    out.emplace_back(s);
    return out;
  }
  auto is_sep = [&](char c) { return ifs.find(c) != std::string_view::npos; };
  auto is_ws_sep = [&](char c) { return is_sep(c) && IsBlank(c); };
  size_t i = 0;
  while (i < s.size() && is_ws_sep(s[i])) ++i;
  std::string cur;
  bool pending = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (!is_sep(c)) {
      cur += c;
      pending = true;
      continue;
    }
    // A separator: IFS whitespace around a non-whitespace separator counts once.
    out.push_back(std::move(cur));
    cur.clear();
    pending = false;
    size_t j = i + 1;
    while (j < s.size() && is_ws_sep(s[j])) ++j;
    if (IsBlank(c) && j < s.size() && is_sep(s[j]) && !IsBlank(s[j])) ++j;
    while (j < s.size() && is_ws_sep(s[j])) ++j;
    i = j - 1;
  }
  if (pending || !cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string SingleQuoted(std::string_view word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace warden::shell
