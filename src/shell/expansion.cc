// Word expansion: what a word becomes before a command sees it, in bash's order — brace
// expansion (brace.cc), tilde expansion, parameters (parameter.cc) and substitutions, field
// splitting (on IFS, only inside unquoted expansions) — as far as the analyzer can know the
// values. What it cannot know is marked dynamic, never guessed.
#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/brace.h"

namespace warden::shell {
namespace {

constexpr std::string_view kDefaultIfs = " \t\n";

// Field splitting: only characters from unquoted expansions separate words.
std::vector<std::string> FieldPieces(const Expanded& e, std::string_view ifs) {
  auto in_field = [&](size_t i) {
    return std::any_of(e.fields.begin(), e.fields.end(), [&](const auto& r) { return i >= r.first && i < r.second; });
  };
  std::vector<std::string> pieces;
  std::string cur;
  bool have = false;
  for (size_t i = 0; i < e.text.size(); ++i) {
    char c = e.text[i];
    if (!in_field(i) || ifs.find(c) == std::string_view::npos) {
      cur += c;
      have = true;
      continue;
    }
    if (!IsBlank(c) || have) pieces.push_back(std::move(cur));
    cur.clear();
    have = false;
  }
  if (have) pieces.push_back(std::move(cur));
  return pieces;
}

void SplitFieldsInto(const Expanded& e, std::string_view ifs, std::vector<Expanded>* out) {
  std::vector<std::string> pieces = FieldPieces(e, ifs);
  if (pieces.empty() && e.fields.size() == 1 && e.fields[0].first == 0 && e.fields[0].second == e.text.size()) {
    return;  // an unquoted expansion that is empty disappears
  }
  for (auto& piece : pieces) {
    Expanded x = e;
    x.text = std::move(piece);
    x.fields.clear();
    if (!HasGlobChar(x.text)) x.bits &= static_cast<uint8_t>(~kArgGlob);
    out->push_back(std::move(x));
  }
}

// The text an unquoted expansion added from `from` on is subject to field splitting and globbing.
void MarkField(size_t from, bool split, Expanded* e) {
  if (!split || e->text.size() <= from) return;
  e->fields.emplace_back(static_cast<uint32_t>(from), static_cast<uint32_t>(e->text.size()));
  if (HasGlobChar(std::string_view(e->text).substr(from))) e->bits |= kArgGlob;
}

// Where a tilde prefix starting at `at` ends (before '/', or ':' in assignments), if it is one.
std::optional<size_t> TildeEnd(std::string_view text, size_t at, bool assignment, bool last_part) {
  if (at >= text.size() || text[at] != '~') return std::nullopt;
  size_t end = text.find_first_of(assignment ? "/:" : "/", at);
  if (end == std::string_view::npos && !last_part) return std::nullopt;
  return end == std::string_view::npos ? text.size() : end;
}

bool IsUserName(std::string_view user) {
  return IsIdentifier(user) ||
         user.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string_view::npos;
}

}  // namespace

std::vector<Expanded> Analyzer::ExpandWords(const std::vector<Word>& words, State& st, const Ctx& ctx) {
  std::vector<Expanded> out;
  out.reserve(words.size());
  Value scratch;
  const Value* ifs_value = Lookup("IFS", st, &scratch);
  const bool ifs_known = ifs_value && ifs_value->known;
  const std::string ifs = ifs_known ? ifs_value->text : std::string(kDefaultIfs);
  auto expand = [&](const Word& w) {
    Expanded e = Expand(w, st, ctx);
    if (!e.fields.empty() && ifs_known) {
      SplitFieldsInto(e, ifs, &out);
      return;
    }
    if (!e.fields.empty()) e.bits |= kArgDynamic;  // splitting depends on an IFS we do not know
    out.push_back(std::move(e));
  };
  for (const auto& word : words) {
    if (PositionalList(word, st, &out)) continue;
    if (!BraceExpansionChanges(word)) {
      expand(word);  // most words: no copy
      continue;
    }
    for (const auto& w : BraceWord(word, kMaxBraceWords)) expand(w);
  }
  return out;
}

namespace {

// The literal offset and length of ${@:OFFSET:LENGTH} (spaces allowed, "-1" counts from the end).
bool LiteralSlice(const WordPart& p, long* offset, long* length) {
  auto number = [](const Word& w, long* out) {
    std::string text;
    for (const auto& part : w.parts) {
      if (part.kind != WordPart::Kind::kText) return false;
      text += part.text;
    }
    const std::string_view t = Trim(text);
    if (t.empty() || t.size() > 6 || t.find_first_not_of("-0123456789") != std::string_view::npos) return false;
    try {
      *out = std::stol(std::string(t));
    } catch (...) {
      return false;
    }
    return true;
  };
  if (p.inner.empty() || !number(p.inner[0], offset)) return false;
  return p.inner.size() < 2 || number(p.inner[1], length);
}

}  // namespace

// "$@" (and ${@}): one word per positional parameter when they are known one by one; unquoted,
// each is split further at blanks.
bool Analyzer::PositionalList(const Word& word, const State& st, std::vector<Expanded>* out) const {
  if (word.parts.size() != 1 || word.parts[0].kind != WordPart::Kind::kParam) return false;
  const WordPart& p = word.parts[0];
  std::string name;
  long offset = 0, length = -1;
  if ((p.text == "@" || p.text == "*") && p.op == ":") {
    // "${@:N}", "${@:N:L}", "${@: -1}": a slice of the positional parameters ($0 is offset 0).
    if (!LiteralSlice(p, &offset, &length)) return false;
    name = "@";
  } else if (p.text == "@" && p.op.empty()) {
    name = "@";
    offset = 1;
  } else if (p.op == "[]" && p.inner.size() == 1 && p.inner[0].parts.size() == 1 &&
             p.inner[0].parts[0].kind == WordPart::Kind::kText && p.inner[0].parts[0].text == "@") {
    name = p.text.substr(0, p.text.find('['));  // "${a[@]}": every item of a
  } else {
    return false;
  }
  auto it = st.vars.find(name);
  if (it == st.vars.end() || !it->second.known) return false;
  const Value& all = it->second;
  std::vector<std::string> items = all.words;
  if (name == "@") {
    // As bash counts them: offset 0 is $0, negative offsets count from the end.
    const long n = static_cast<long>(items.size()) + 1;
    long from = offset < 0 ? std::max(0L, n + offset) : offset;
    long to = length < 0 ? n : std::min(n, from + length);
    std::vector<std::string> slice;
    for (long i = std::max(1L, from); i < to; ++i) slice.push_back(items[static_cast<size_t>(i - 1)]);
    if (from == 0 && to > 0) {
      auto zero = st.vars.find("0");
      if (zero == st.vars.end() || !zero->second.known) return false;
      slice.insert(slice.begin(), zero->second.text);
    }
    items = std::move(slice);
  }
  for (const std::string& w : items) {
    std::vector<std::string> pieces = word.parts[0].quoted ? std::vector<std::string>{w} : SplitFields(w, kDefaultIfs);
    for (auto& piece : pieces) {
      Expanded e = PlainWord(std::move(piece), static_cast<uint8_t>(all.bits & ~kArgDynamic));
      e.taint = all.taint;
      out->push_back(std::move(e));
    }
  }
  return true;
}

Expanded Analyzer::Expand(const Word& w, State& st, const Ctx& ctx, bool assignment) {
  Expanded e;
  for (size_t i = 0; i < w.parts.size(); ++i) {
    const WordPart& p = w.parts[i];
    const size_t from = e.text.size();
    if (p.kind != WordPart::Kind::kCommandSub && p.kind != WordPart::Kind::kText) e.bits &= ~kArgShellInit;
    const bool split = !p.quoted && !assignment;
    switch (p.kind) {
      case WordPart::Kind::kText: ExpandText(p, i == 0, i + 1 == w.parts.size(), assignment, st, &e); break;
      case WordPart::Kind::kParam:
        ExpandParam(p, st, ctx, &e);
        MarkField(from, split, &e);
        break;
      case WordPart::Kind::kCommandSub: {
        // kArgShellInit stays only while every unknown part is a tool's printed set-up code.
        const bool known = !(e.bits & kArgDynamic) || (e.bits & kArgShellInit);
        const Stream s = ExpandSubstitution(p, split, st, ctx, &e);
        if (s.shell_init && known) {
          e.bits |= kArgShellInit;
        } else if (e.bits & kArgDynamic) {
          e.bits &= ~kArgShellInit;
        }
        break;
      }
      case WordPart::Kind::kProcessSub: ExpandProcessSub(p, st, ctx, &e); break;
      case WordPart::Kind::kArith: ExpandArith(p, st, ctx, &e); break;
      case WordPart::Kind::kOpaque:
        ScanWords(p.inner, st, ctx);
        e.bits |= kArgDynamic;
        e.text += "?";
        break;
    }
  }
  return e;
}

void Analyzer::ExpandText(const WordPart& p, bool first, bool last, bool assignment, const State& st,
                          Expanded* e) const {
  std::string_view text = p.text;
  if (!p.quoted && first) text = LeadingTilde(text, last, assignment, st, e);
  if (!p.quoted && assignment) text = AssignmentTildes(text, st, e);
  if (!p.quoted && HasGlobChar(text) && !assignment) e->bits |= kArgGlob;
  e->text += text;
}

// Tilde at the start of a word, or after the first '=' of an assignment-like argument
// ("of=~/x", which bash expands too). Returns the text after it.
std::string_view Analyzer::LeadingTilde(std::string_view text, bool last, bool assignment, const State& st,
                                        Expanded* e) const {
  size_t at = 0;
  if (!assignment) {
    size_t eq = text.find('=');
    if (eq != std::string_view::npos && eq > 0 && IsIdentifier(text.substr(0, eq)) && eq + 1 < text.size() &&
        text[eq + 1] == '~') {
      e->text += text.substr(0, eq + 1);
      at = eq + 1;
    }
  }
  if (auto end = TildeEnd(text, at, assignment, last)) {
    TildeInto(text.substr(at, *end - at), st, e);
    return text.substr(*end);
  }
  return text.substr(at);
}

// After ':' in an assignment value: PATH=~/bin:~/x. Returns the text after the last one.
std::string_view Analyzer::AssignmentTildes(std::string_view text, const State& st, Expanded* e) const {
  size_t k = 0;
  while (k < text.size()) {
    size_t colon = text.find(':', k);
    if (colon == std::string_view::npos || colon + 1 >= text.size() || text[colon + 1] != '~') break;
    e->text += text.substr(k, colon + 1 - k);
    std::string_view rest = text.substr(colon + 1);
    size_t end = rest.find_first_of("/:");
    TildeInto(rest.substr(0, end), st, e);
    k = colon + 1 + (end == std::string_view::npos ? rest.size() : end);
  }
  return text.substr(k);
}

// ~ (HOME), ~+ (PWD), ~- (OLDPWD), ~user.
void Analyzer::TildeInto(std::string_view prefix, const State& st, Expanded* e) const {
  Value scratch;
  std::string_view user = prefix.substr(1);
  auto variable = [&](const char* name) {
    const Value* v = Lookup(name, st, &scratch);
    if (v && v->known) {
      e->text += v->text;
    } else {
      e->text += std::string("${") + name + "}";
      e->bits |= kArgDynamic;
    }
  };
  if (user.empty()) {
    const Value* home = Lookup("HOME", st, &scratch);
    e->text += home && home->known ? home->text : opt_.home;
    if (home && !home->known) e->bits |= kArgDynamic;
  } else if (user == "+") {
    variable("PWD");
  } else if (user == "-") {
    variable("OLDPWD");
  } else {
    e->text += IsUserName(user) ? ExpandTilde(prefix, opt_.home) : std::string(prefix);
  }
}

Stream Analyzer::ExpandSubstitution(const WordPart& p, bool split, State& st, const Ctx& ctx, Expanded* e) {
  size_t from = e->text.size();
  Stream s = Substitute(p.body, st, ctx);
  if (s.warden) e->bits |= kArgWarden;
  if (s.kind == Stream::Kind::kPaths && !s.text.empty()) {
    // $(find ROOT …): the paths below ROOT (a pattern, as for find | xargs).
    e->text += s.text;
    e->bits |= s.bits;  // a pattern, and whether it stands for whole trees
    return s;
  }
  if (s.kind != Stream::Kind::kLiteral) {
    e->bits |= kArgDynamic;
    if (s.tainted()) e->taint = s;
    e->text += "$(…)";
    return s;
  }
  e->text += StripTrailingNewlines(s.text);
  e->bits |= s.bits;
  MarkField(from, split, e);
  return s;
}

void Analyzer::ExpandProcessSub(const WordPart& p, State& st, const Ctx& ctx, Expanded* e) {
  Ctx c = Inner(ctx, "", false, p.direction == '>' ? ">(…)" : "<(…)");
  State copy = st;
  Stream s;
  Stream feed = p.direction == '>' ? UnknownStream() : Stream{};
  for (const auto& b : p.body) s = Walk(b, copy, c, feed);
  e->procsub = true;
  e->procsub_stream = p.direction == '<' ? s : Stream{};
  e->text += "/dev/fd/63";
}

// Variables named in arithmetic are evaluated as expressions themselves.
void Analyzer::ExpandArith(const WordPart& p, State& st, const Ctx& ctx, Expanded* e) {
  ScanWords(p.inner, st, ctx);
  Value scratch;
  for (const auto& inner : p.inner) {
    if (inner.parts.size() != 1 || inner.parts[0].kind != WordPart::Kind::kText || !IsIdentifier(inner.parts[0].text)) {
      continue;
    }
    if (const Value* v = Lookup(inner.parts[0].text, st, &scratch); v && v->known) {
      ScanEvaluated(v->text, "arithmetic", st, ctx);
    }
  }
  e->bits |= kArgDynamic;
  e->text += "$((…))";
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
