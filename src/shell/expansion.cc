// Word expansion: what a word becomes before a command sees it, in bash's order — brace
// expansion, tilde expansion, parameters and substitutions, field splitting (on IFS, only
// inside unquoted expansions) — as far as the analyzer can know the values. What it cannot
// know is marked dynamic, never guessed.
#include <algorithm>
#include <optional>

#include "core/glob.h"
#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

constexpr std::string_view kDefaultIfs = " \t\n";

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

// Brace expansion of a word: each unquoted text part may multiply the word.
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
                           [](const Word& x) {
                             return std::all_of(x.parts.begin(), x.parts.end(), [](const WordPart& p) {
                               return p.kind == WordPart::Kind::kText && !p.quoted && p.text.empty();
                             });
                           }),
            out.end());
  return out;
}

// Applies ${name OP operands} to a known value; nullopt when the result is not known.
std::optional<std::string> ApplyOperator(const std::string& value, std::string_view op,
                                         const std::vector<std::optional<std::string>>& operands) {
  auto operand = [&](size_t i) -> std::optional<std::string> {
    return i < operands.size() ? operands[i] : std::optional<std::string>(std::string());
  };
  if (op == "^^" || op == ",,") {
    std::string out = value;
    for (char& c : out) c = static_cast<char>(op == "^^" ? toupper(static_cast<unsigned char>(c)) : tolower(static_cast<unsigned char>(c)));
    return out;
  }
  if (op == "^" || op == ",") {
    std::string out = value;
    if (!out.empty()) out[0] = static_cast<char>(op == "^" ? toupper(static_cast<unsigned char>(out[0])) : tolower(static_cast<unsigned char>(out[0])));
    return out;
  }
  if (op == "len") return std::to_string(value.size());
  if (value.size() > 4096) return std::nullopt;
  if (op == "#" || op == "##" || op == "%" || op == "%%") {
    auto pattern = operand(0);
    if (!pattern) return std::nullopt;
    auto glob = Glob::Compile(*pattern, Glob::Mode::kText);
    if (!glob.ok()) return std::nullopt;
    const bool prefix = op[0] == '#', longest = op.size() == 2;
    const size_t n = value.size();
    std::optional<size_t> cut;
    for (size_t k = 0; k <= n; ++k) {
      size_t len = longest ? n - k : k;
      std::string_view piece = prefix ? std::string_view(value).substr(0, len) : std::string_view(value).substr(n - len);
      if (glob->Match(piece)) {
        cut = len;
        break;
      }
    }
    if (!cut) return value;
    return prefix ? value.substr(*cut) : value.substr(0, n - *cut);
  }
  if (op == "/" || op == "//" || op == "/#" || op == "/%") {
    auto pattern = operand(0), replacement = operand(1);
    if (!pattern || !replacement) return std::nullopt;
    auto glob = Glob::Compile(*pattern, Glob::Mode::kText);
    if (!glob.ok()) return std::nullopt;
    std::string out;
    size_t i = 0;
    bool replaced = false;
    while (i <= value.size()) {
      if (replaced && op != "//") break;
      if (op == "/#" && i > 0) break;
      std::optional<size_t> match;
      for (size_t len = value.size() - i + 1; len-- > 0;) {  // longest match first
        if (op == "/%" && i + len != value.size()) continue;
        if (glob->Match(std::string_view(value).substr(i, len)) && (len > 0 || pattern->empty())) {
          match = len;
          break;
        }
      }
      if (match && *match > 0) {
        out += *replacement;
        i += *match;
        replaced = true;
        continue;
      }
      if (i < value.size()) out += value[i];
      ++i;
    }
    if (i < value.size()) out += value.substr(i);
    return out;
  }
  if (op == ":") {
    auto off = operand(0), len = operand(1);
    if (!off) return std::nullopt;
    long o = 0, l = -1;
    try {
      o = std::stol(*off);
      if (operands.size() > 1 && len) l = std::stol(*len);
    } catch (...) {
      return std::nullopt;
    }
    long n = static_cast<long>(value.size());
    if (o < 0) o = std::max(0L, n + o);
    if (o > n) return std::string();
    if (l < 0 && operands.size() > 1) l = std::max(0L, n - o + l);
    return l < 0 ? value.substr(static_cast<size_t>(o)) : value.substr(static_cast<size_t>(o), static_cast<size_t>(l));
  }
  return std::nullopt;
}

}  // namespace

const Value* Analyzer::Lookup(std::string_view name, const State& st, Value* scratch) const {
  if (auto it = st.vars.find(name); it != st.vars.end()) return &it->second;
  if (name == "PWD" && st.cwds.size() == 1 && !st.cwd_unknown) {
    scratch->text = st.cwds[0];
    scratch->known = true;
    return scratch;
  }
  if (name == "IFS") {
    scratch->text = std::string(kDefaultIfs);
    scratch->known = true;
    return scratch;
  }
  if (name == "FUNCNAME" && !call_stack_.empty()) {
    scratch->text = call_stack_.back();
    scratch->known = true;
    return scratch;
  }
  return nullptr;
}

std::vector<Expanded> Analyzer::ExpandWords(const std::vector<Word>& words, State& st, const Ctx& ctx) {
  std::vector<Expanded> out;
  Value scratch;
  const Value* ifs_value = Lookup("IFS", st, &scratch);
  const bool ifs_known = ifs_value && ifs_value->known;
  const std::string ifs = ifs_known ? ifs_value->text : std::string(kDefaultIfs);
  for (const auto& word : words) {
    for (const auto& w : BraceWord(word, kMaxBraceWords)) {
      Expanded e = Expand(w, st, ctx);
      if (e.fields.empty()) {
        out.push_back(std::move(e));
        continue;
      }
      if (!ifs_known) {
        e.bits |= kArgDynamic;  // splitting depends on an IFS we do not know
        out.push_back(std::move(e));
        continue;
      }
      // Field splitting: only characters from unquoted expansions separate words.
      auto in_field = [&](size_t i) {
        return std::any_of(e.fields.begin(), e.fields.end(), [&](const auto& r) { return i >= r.first && i < r.second; });
      };
      std::vector<std::string> pieces;
      std::string cur;
      bool have = false;
      for (size_t i = 0; i < e.text.size(); ++i) {
        char c = e.text[i];
        if (!in_field(i) || ifs.find(c) == std::string::npos) {
          cur += c;
          have = true;
          continue;
        }
        if (!IsBlank(c) || have) pieces.push_back(std::move(cur));
        cur.clear();
        have = false;
      }
      if (have) pieces.push_back(std::move(cur));
      if (pieces.empty() && e.fields.size() == 1 && e.fields[0].first == 0 && e.fields[0].second == e.text.size()) {
        continue;  // an unquoted expansion that is empty disappears
      }
      for (auto& piece : pieces) {
        Expanded x = e;
        x.text = std::move(piece);
        x.fields.clear();
        if (!HasGlobChar(x.text)) x.bits &= static_cast<uint8_t>(~kArgGlob);
        out.push_back(std::move(x));
      }
    }
  }
  return out;
}

Expanded Analyzer::Expand(const Word& w, State& st, const Ctx& ctx, bool assignment) {
  Expanded e;
  Value scratch;
  auto field = [&](size_t from, bool quoted) {
    if (!quoted && !assignment && e.text.size() > from) {
      e.fields.emplace_back(static_cast<uint32_t>(from), static_cast<uint32_t>(e.text.size()));
      if (HasGlobChar(std::string_view(e.text).substr(from))) e.bits |= kArgGlob;
    }
  };
  for (size_t i = 0; i < w.parts.size(); ++i) {
    const WordPart& p = w.parts[i];
    switch (p.kind) {
      case WordPart::Kind::kText: {
        std::string_view text = p.text;
        // Tilde: at the start of a word, after the first '=' of an assignment-like word
        // ("of=~/x", which bash expands too), and after ':' in assignments.
        auto tilde_at = [&](size_t at) -> std::optional<size_t> {
          if (at >= text.size() || text[at] != '~') return std::nullopt;
          size_t end = text.find_first_of(assignment ? "/:" : "/", at);
          bool whole = end != std::string_view::npos || i + 1 == w.parts.size();
          if (!whole) return std::nullopt;
          return end == std::string_view::npos ? text.size() : end;
        };
        auto expand_tilde = [&](std::string_view prefix) {
          const Value* home = Lookup("HOME", st, &scratch);
          std::string_view user = prefix.substr(1);
          if (user.empty()) {
            if (home && home->known) {
              e.text += home->text;
            } else {
              e.text += opt_.home;
              if (home) e.bits |= kArgDynamic;
            }
          } else if (user == "+") {
            const Value* pwd = Lookup("PWD", st, &scratch);
            if (pwd && pwd->known) {
              e.text += pwd->text;
            } else {
              e.text += "${PWD}";
              e.bits |= kArgDynamic;
            }
          } else if (user == "-") {
            const Value* old = Lookup("OLDPWD", st, &scratch);
            if (old && old->known) {
              e.text += old->text;
            } else {
              e.text += "${OLDPWD}";
              e.bits |= kArgDynamic;
            }
          } else if (IsIdentifier(user) || user.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string_view::npos) {
            e.text += ExpandTilde(prefix, opt_.home);
          } else {
            e.text += prefix;
          }
        };
        if (!p.quoted && i == 0) {
          size_t at = 0;
          if (!assignment) {
            // name=~… in an argument
            size_t eq = text.find('=');
            if (eq != std::string_view::npos && eq > 0 && IsIdentifier(text.substr(0, eq)) && eq + 1 < text.size() &&
                text[eq + 1] == '~') {
              e.text += text.substr(0, eq + 1);
              at = eq + 1;
            }
          }
          if (auto end = tilde_at(at)) {
            expand_tilde(text.substr(at, *end - at));
            text = text.substr(*end);
          } else if (at > 0) {
            text = text.substr(at);
          }
        }
        if (!p.quoted && assignment) {
          // After ':' in an assignment value: PATH=~/bin:~/x
          std::string out;
          size_t k = 0;
          while (k < text.size()) {
            size_t colon = text.find(':', k);
            if (colon == std::string_view::npos || colon + 1 >= text.size() || text[colon + 1] != '~') break;
            e.text += text.substr(k, colon + 1 - k);
            std::string_view rest = text.substr(colon + 1);
            size_t end = rest.find_first_of("/:");
            expand_tilde(rest.substr(0, end));
            k = colon + 1 + (end == std::string_view::npos ? rest.size() : end);
          }
          text = text.substr(k);
        }
        if (!p.quoted && HasGlobChar(text) && !assignment) e.bits |= kArgGlob;
        e.text += text;
        break;
      }
      case WordPart::Kind::kParam: {
        size_t from = e.text.size();
        ExpandParam(p, st, ctx, &e);
        field(from, p.quoted);
        break;
      }
      case WordPart::Kind::kCommandSub: {
        size_t from = e.text.size();
        Stream s = Substitute(p.body, st, ctx);
        if (s.kind == Stream::Kind::kLiteral) {
          e.text += StripTrailingNewlines(s.text);
          e.bits |= s.bits;
          field(from, p.quoted);
        } else {
          e.bits |= kArgDynamic;
          if (s.tainted()) e.taint = s;
          e.text += "$(…)";
        }
        break;
      }
      case WordPart::Kind::kProcessSub: {
        Ctx c = Inner(ctx, "", false, p.direction == '>' ? ">(…)" : "<(…)");
        State copy = st;
        Stream s;
        Stream feed = p.direction == '>' ? UnknownStream() : Stream{};
        for (const auto& b : p.body) s = Walk(b, copy, c, feed);
        e.procsub = true;
        e.procsub_stream = p.direction == '<' ? s : Stream{};
        e.text += "/dev/fd/63";
        break;
      }
      case WordPart::Kind::kArith:
        ScanWords(p.inner, st, ctx);
        // Variables named in arithmetic are evaluated as expressions themselves.
        for (const auto& inner : p.inner) {
          if (inner.parts.size() == 1 && inner.parts[0].kind == WordPart::Kind::kText &&
              IsIdentifier(inner.parts[0].text)) {
            if (const Value* v = Lookup(inner.parts[0].text, st, &scratch); v && v->known) {
              ScanEvaluated(v->text, "arithmetic", st, ctx);
            }
          }
        }
        e.bits |= kArgDynamic;
        e.text += "$((…))";
        break;
      case WordPart::Kind::kOpaque:
        ScanWords(p.inner, st, ctx);
        e.bits |= kArgDynamic;
        e.text += "?";
        break;
    }
  }
  return e;
}

void Analyzer::ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out) {
  // Expand the operands once, which also analyzes their substitutions: expanding them a second
  // time below was exponential in the nesting of ${a:-${b:-…}}.
  std::vector<Expanded> expanded;
  for (const auto& inner : p.inner) expanded.push_back(Expand(inner, st, ctx));
  Value scratch;
  const std::string& op = p.op;
  auto dynamic = [&](const Value* v) {
    out->bits |= kArgDynamic;
    if (v && v->taint.tainted()) out->taint = v->taint;
    out->text += "${" + p.text + "}";
  };
  if (op == "[]") {
    // ${a[i]}: the index is arithmetic, so a variable named there is evaluated.
    for (const auto& inner : p.inner) {
      if (inner.parts.size() == 1 && inner.parts[0].kind == WordPart::Kind::kText && IsIdentifier(inner.parts[0].text)) {
        if (const Value* v = Lookup(inner.parts[0].text, st, &scratch); v && v->known) {
          ScanEvaluated(v->text, "array index", st, ctx);
        }
      }
    }
    return dynamic(nullptr);
  }
  if (op == "indirect") return dynamic(nullptr);
  const Value* v = Lookup(p.text, st, &scratch);
  const bool known = v && v->known;
  if (op.empty()) {
    if (!known) return dynamic(v);
    out->text += v->text;
    out->bits |= v->bits;
    if (v->taint.tainted()) out->taint = v->taint;
    return;
  }
  if (op == "@P" || op == "@E") {
    // Prompt expansion runs the command substitutions the value holds.
    if (known && op == "@P") ScanEvaluated(v->text, "${…@P}", st, ctx);
    return dynamic(v);
  }
  // Operands: the inner words expanded above.
  std::vector<std::optional<std::string>> operands;
  for (const Expanded& x : expanded) {
    operands.push_back((x.bits & kArgDynamic) ? std::nullopt : std::optional<std::string>(x.text));
  }
  if (op == ":-" || op == "-" || op == ":=" || op == "=") {
    bool use_value = known && (!v->text.empty() || op.size() == 1);
    if (use_value) {
      out->text += v->text;
      out->bits |= v->bits;
      return;
    }
    return dynamic(v);  // unset here, but the environment may set it
  }
  if (op == ":+" || op == "+") {
    if (known && (!v->text.empty() || op.size() == 1) && !operands.empty() && operands[0]) {
      out->text += *operands[0];
      return;
    }
    return dynamic(v);
  }
  if (op == ":?" || op == "?") {
    if (known) {
      out->text += v->text;
      return;
    }
    return dynamic(v);
  }
  if (!known) return dynamic(v);
  if (auto r = ApplyOperator(v->text, op, operands)) {
    out->text += *r;
    if (HasGlobChar(*r)) out->bits |= v->bits & kArgPattern;
    return;
  }
  dynamic(v);
}

void Analyzer::ScanEvaluated(std::string_view text, std::string_view origin, State& st, const Ctx& ctx) {
  if (text.find("$(") == std::string_view::npos && text.find('`') == std::string_view::npos &&
      text.find("<(") == std::string_view::npos) {
    return;
  }
  // Read the value as an argument so its substitutions are found and analyzed.
  Expanded code;
  code.text = ": " + std::string(text);
  CodeString(code, origin, st, ctx);
}

Stream Analyzer::Substitute(const std::vector<Node>& body, State& st, const Ctx& ctx) {
  State copy = st;
  Ctx c = Inner(ctx, "", false, "$(…)");
  Stream s;
  for (const auto& b : body) s = Walk(b, copy, c, Stream{});
  return s;
}

}  // namespace warden::shell
