#include "shell/literal.h"

#include <cstdint>

namespace warden::shell {
namespace {

void AddText(Word* w, std::string_view text, bool quoted) {
  if (text.empty()) return;
  if (!w->parts.empty()) {
    WordPart& last = w->parts.back();
    if (last.kind == WordPart::Kind::kText && last.quoted == quoted) {
      last.text += text;
      return;
    }
  }
  WordPart p;
  p.quoted = quoted;
  p.text = std::string(text);
  w->parts.push_back(std::move(p));
}

void AddChar(Word* w, char c, bool quoted) { AddText(w, std::string_view(&c, 1), quoted); }

// Escapes inside double quotes or an unquoted here-document: `special` lists the characters a
// backslash can escape (besides newline, which it removes).
void AppendEscaped(std::string_view raw, Word* w, std::string_view special) {
  std::string buf;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      if (n == '\n') {
        ++i;
        continue;
      }
      if (special.find(n) != std::string_view::npos) {
        buf += n;
        ++i;
        continue;
      }
    }
    buf += c;
  }
  if (buf.empty() && raw.empty()) return;
  if (buf.empty()) return;
  AddText(w, buf, true);
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0x10FFFF) {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void AppendUnquoted(std::string_view raw, Word* w) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char n = raw[++i];
      if (n == '\n') continue;
      AddChar(w, n, true);
      continue;
    }
    AddChar(w, c, false);
  }
}

void AppendQuotedText(std::string_view text, Word* w) {
  if (text.empty()) {
    WordPart p;
    p.quoted = true;
    w->parts.push_back(std::move(p));
    return;
  }
  AddText(w, text, true);
}

void AppendDoubleQuotedText(std::string_view raw, Word* w) { AppendEscaped(raw, w, "$`\"\\"); }

void AppendHeredocText(std::string_view raw, Word* w) { AppendEscaped(raw, w, "$`\\"); }

std::string DecodeAnsiC(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out += c;
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'e': case 'E': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case '?': out += '?'; break;
      case 'c':
        if (i + 1 < raw.size()) out += static_cast<char>(raw[++i] & 0x1F);
        break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && i + 1 < raw.size() && HexValue(raw[i + 1]) >= 0) v = v * 16 + HexValue(raw[++i]), ++n;
        if (n == 0) {
          out += "\\x";
        } else {
          out += static_cast<char>(v);
        }
        break;
      }
      case 'u':
      case 'U': {
        int max = e == 'u' ? 4 : 8, n = 0;
        uint32_t v = 0;
        while (n < max && i + 1 < raw.size() && HexValue(raw[i + 1]) >= 0) v = v * 16 + static_cast<uint32_t>(HexValue(raw[++i])), ++n;
        if (n == 0) {
          out += '\\';
          out += e;
        } else {
          AppendUtf8(v, &out);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', n = 1;
          while (n < 3 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7') v = v * 8 + (raw[++i] - '0'), ++n;
          out += static_cast<char>(v & 0xFF);
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

namespace {

// Whether MergeTextParts would change the word: adjacent text parts quoted alike, or an empty
// quoted part beside others.
bool HasPartsToMerge(const Word& w) {
  const auto& parts = w.parts;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].kind != WordPart::Kind::kText) continue;
    if (parts.size() > 1 && parts[i].quoted && parts[i].text.empty()) return true;
    if (i > 0 && parts[i - 1].kind == WordPart::Kind::kText && parts[i - 1].quoted == parts[i].quoted) return true;
  }
  return false;
}

}  // namespace

void MergeTextParts(Word* w) {
  if (!HasPartsToMerge(*w)) return;
  std::vector<WordPart> merged;
  merged.reserve(w->parts.size());
  for (auto& p : w->parts) {
    if (p.kind == WordPart::Kind::kText && !merged.empty() && merged.back().kind == WordPart::Kind::kText &&
        merged.back().quoted == p.quoted) {
      if (p.text.empty() && p.quoted) {
        continue;
      }
      if (merged.back().text.empty()) {
        merged.back().text = std::move(p.text);
        continue;
      }
      merged.back().text += p.text;
      continue;
    }
    merged.push_back(std::move(p));
  }
  // An empty quoted part next to real text adds nothing ("a""" is "a").
  if (merged.size() > 1) {
    std::vector<WordPart> cleaned;
    for (auto& p : merged) {
      if (p.kind == WordPart::Kind::kText && p.quoted && p.text.empty()) continue;
      cleaned.push_back(std::move(p));
    }
    if (cleaned.empty()) cleaned.push_back(std::move(merged.front()));
    merged = std::move(cleaned);
  }
  w->parts = std::move(merged);
}

namespace {

bool Blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (Blank(c)) continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0 || padding) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> DecodeBase32(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (Blank(c) || c == '=') continue;
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
    if (v < 0) return std::nullopt;
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> DecodeHex(std::string_view text) {
  std::string out;
  int high = -1;
  for (char c : text) {
    if (Blank(c)) continue;
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out += static_cast<char>(high * 16 + v);
      high = -1;
    }
  }
  return out;
}

}  // namespace warden::shell
