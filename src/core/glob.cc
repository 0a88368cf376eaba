#include "core/glob.h"

#include <algorithm>

namespace warden {
namespace {

constexpr size_t kMaxAlternatives = 64;
constexpr size_t kMaxPatternLength = 4096;
// The ε-closure table takes states² bits. 4096 bytes without braces need at most ~6150 states
// ("*a*a…"); braces may multiply that by 64, which is what this bounds (8 MiB of table).
constexpr size_t kMaxStates = 8192;

bool IsSpecial(char c) { return c == '*' || c == '?' || c == '[' || c == '{' || c == '\\'; }

// Position of the ']' closing the "[…]" at `open`, or npos: the scan of Builder::Class, so
// that brace handling never looks inside a set.
size_t ClassEnd(std::string_view p, size_t open) {
  size_t j = open + 1;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
  for (bool first = true; j < p.size(); ++j, first = false) {
    if (p[j] == ']' && !first) return j;
    if (p[j] == '\\' && j + 1 < p.size()) ++j;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') j += 2;
  }
  return std::string_view::npos;
}

// Position of the '}' closing the '{' at `open`, or npos; sets `has_comma` if a top-level
// comma separates alternatives.
size_t FindBraceClose(std::string_view p, size_t open, bool* has_comma) {
  int depth = 0;
  *has_comma = false;
  for (size_t i = open; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      if (size_t end = ClassEnd(p, i); end != std::string_view::npos) i = end;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) return i;
    } else if (c == ',' && depth == 1) {
      *has_comma = true;
    }
  }
  return std::string_view::npos;
}

// Expands the first top-level {a,b} group, recursively, into `out`.
Status ExpandBraces(std::string_view p, std::vector<std::string>* out) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] != '{') continue;
    bool has_comma;
    size_t close = FindBraceClose(p, i, &has_comma);
    if (close == std::string_view::npos) return Status::InvalidArgument("unclosed '{'");
    if (!has_comma) continue;  // "{}" or "{a}" is literal text, as in the shell
    std::string_view head = p.substr(0, i), body = p.substr(i + 1, close - i - 1),
                     tail = p.substr(close + 1);
    int depth = 0;
    size_t start = 0;
    for (size_t k = 0; k <= body.size(); ++k) {
      bool end = k == body.size();
      char c = end ? ',' : body[k];
      if (!end && c == '\\') {
        ++k;
        continue;
      }
      if (!end && c == '[') {
        // A ',' or '}' in a set is a member, as FindBraceClose saw it.
        if (size_t cls_end = ClassEnd(body, k); cls_end != std::string_view::npos) k = cls_end;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c == ',' && depth == 0) {
        std::string alt = std::string(head) + std::string(body.substr(start, k - start)) + std::string(tail);
        if (Status s = ExpandBraces(alt, out); !s.ok()) return s;
        if (out->size() > kMaxAlternatives) {
          return Status::InvalidArgument("more than 64 alternatives after expanding {…}");
        }
        start = k + 1;
      }
    }
    return Status::Ok();
  }
  out->emplace_back(p);
  return Status::Ok();
}

std::string LiteralPrefix(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      out += p[++i];
      continue;
    }
    if (IsSpecial(p[i])) break;
    out += p[i];
  }
  return out;
}

// The literal text every match of one alternative ends with ("" if it ends in a wildcard).
// After "**" a leading '/' is left out: "**/.env" also matches ".env".
std::string LiteralSuffix(std::string_view p) {
  std::string out;
  bool after_double_star = false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      out += p[++i];
      continue;
    }
    if (!IsSpecial(p[i])) {
      out += p[i];
      continue;
    }
    out.clear();
    after_double_star = p[i] == '*' && i + 1 < p.size() && p[i + 1] == '*';
    if (p[i] == '[') {
      size_t end = ClassEnd(p, i);
      if (end != std::string_view::npos) i = end;
    }
    while (i + 1 < p.size() && p[i + 1] == '*') ++i;
  }
  if (after_double_star && !out.empty() && out.front() == '/') out.erase(0, 1);
  return out;
}

// The longest run of literal characters every match of one brace-free alternative contains
// ("" if none). The '/' of "**/" is not literal: "**/" also matches nothing. Runs are kept as
// ranges of the pattern (compiling the packs' globs is most of loading a policy).
std::string LongestLiteralRun(std::string_view p, Glob::Mode mode) {
  size_t best_from = 0, best_to = 0, best_len = 0;
  size_t from = 0, len = 0;
  auto end_run = [&](size_t to) {
    if (len > best_len) best_from = from, best_to = to, best_len = len;
    len = 0;
  };
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    const bool literal = (c == '\\' && i + 1 < p.size()) || !(IsSpecial(c) || c == '}');
    if (literal) {
      if (len == 0) from = i;
      if (c == '\\') ++i;
      ++len;
      continue;
    }
    end_run(i);
    if (c == '*') {
      size_t stars = 1;
      while (i + 1 < p.size() && p[i + 1] == '*') ++i, ++stars;
      if (stars > 1 && mode != Glob::Mode::kShell && i + 1 < p.size() && p[i + 1] == '/') ++i;
    } else if (c == '[') {
      if (size_t close = ClassEnd(p, i); close != std::string_view::npos) i = close;
    }
  }
  end_run(p.size());
  std::string out;
  out.reserve(best_len);
  for (size_t i = best_from; i < best_to; ++i) out += p[i] == '\\' ? p[++i] : p[i];
  return out;
}

}  // namespace

class Glob::Builder {
 public:
  Builder(Glob* g, Mode mode, size_t expected_states) : g_(g), mode_(mode) {
    edges_.reserve(expected_states + 4);
    eps_.reserve(expected_states + 4);
  }

  uint32_t NewState() { return states_++; }
  size_t states() const { return states_; }
  void AddEdge(uint32_t from, EdgeKind kind, uint32_t to, uint8_t ch = 0, uint16_t cls = 0) {
    edges_.push_back({from, Edge{kind, ch, cls, to}});
  }
  void AddEps(uint32_t from, uint32_t to) { eps_.push_back({from, to}); }

  // Lays the edges out by source state (a counting sort, order within a state kept) and
  // computes every state's epsilon closure.
  void Finish() {
    const size_t n = states_;
    g_->edge_start_.assign(n + 1, 0);
    for (const auto& [from, e] : edges_) ++g_->edge_start_[from + 1];
    for (size_t s = 0; s < n; ++s) g_->edge_start_[s + 1] += g_->edge_start_[s];
    g_->edges_.resize(edges_.size());
    std::vector<uint32_t> fill(g_->edge_start_.begin(), g_->edge_start_.end() - 1);
    for (const auto& [from, e] : edges_) g_->edges_[fill[from]++] = e;
    // Epsilon edges by source, the same way; only the closure needs them.
    std::vector<uint32_t> eps_start(n + 1, 0), eps_to(eps_.size());
    for (const auto& [from, to] : eps_) ++eps_start[from + 1];
    for (size_t s = 0; s < n; ++s) eps_start[s + 1] += eps_start[s];
    fill.assign(eps_start.begin(), eps_start.end() - 1);
    for (const auto& [from, to] : eps_) eps_to[fill[from]++] = to;
    const size_t words = (n + 63) / 64;
    g_->words_ = words;
    g_->closure_.assign(n * words, 0);
    std::vector<uint32_t> stack;
    stack.reserve(16);
    for (size_t s = 0; s < n; ++s) {
      uint64_t* row = &g_->closure_[s * words];
      stack.assign(1, static_cast<uint32_t>(s));
      while (!stack.empty()) {
        uint32_t t = stack.back();
        stack.pop_back();
        uint64_t bit = uint64_t{1} << (t & 63);
        if (row[t >> 6] & bit) continue;
        row[t >> 6] |= bit;
        for (uint32_t k = eps_start[t]; k < eps_start[t + 1]; ++k) stack.push_back(eps_to[k]);
      }
    }
  }

  EdgeKind OneChar() const { return mode_ == Mode::kText ? EdgeKind::kAny : EdgeKind::kAnyButSlash; }

  // Builds the NFA for one brace-free alternative starting at `start`; returns the accept state.
  Result<uint32_t> Alternative(std::string_view p, uint32_t start) {
    uint32_t cur = start;
    const bool shell = mode_ == Mode::kShell;
    for (size_t i = 0; i < p.size(); ++i) {
      char c = p[i];
      // In kShell mode a wildcard at the start of a path component does not match a leading '.'.
      const bool component_start = mode_ != Mode::kText && (i == 0 || p[i - 1] == '/');
      if (c == '\\') {
        if (i + 1 >= p.size()) return Status::InvalidArgument("pattern ends with a lone '\\'");
        uint32_t next = NewState();
        AddEdge(cur, EdgeKind::kChar, next, static_cast<uint8_t>(p[++i]));
        cur = next;
      } else if (c == '*') {
        bool dbl = i + 1 < p.size() && p[i + 1] == '*';
        if (dbl) {
          while (i + 1 < p.size() && p[i + 1] == '*') ++i;
          if (shell) dbl = false;  // bash without globstar: ** is *
        }
        if (dbl && i + 1 < p.size() && p[i + 1] == '/') {
          ++i;  // "**/": nothing, or anything ending in '/'
          uint32_t loop = NewState(), after = NewState();
          AddEps(cur, loop);
          AddEps(cur, after);
          AddEdge(loop, EdgeKind::kAny, loop);
          AddEdge(loop, EdgeKind::kChar, after, '/');
          cur = after;
          continue;
        }
        uint32_t loop = NewState(), after = NewState();
        EdgeKind each = dbl ? EdgeKind::kAny : OneChar();
        if (shell && component_start) {
          // First character: anything but '/' and '.'; then the usual loop.
          AddEdge(cur, EdgeKind::kAnyButSlashDot, loop);
          AddEps(cur, after);
        } else {
          AddEps(cur, loop);
        }
        AddEdge(loop, each, loop);
        AddEps(loop, after);
        cur = after;
      } else if (c == '?') {
        uint32_t next = NewState();
        AddEdge(cur, shell && component_start ? EdgeKind::kAnyButSlashDot : OneChar(), next);
        cur = next;
      } else if (c == '[') {
        auto cls = Class(p, &i, shell && component_start);
        if (!cls.ok()) return cls.status();
        uint32_t next = NewState();
        AddEdge(cur, EdgeKind::kClass, next, 0, *cls);
        cur = next;
      } else {
        uint32_t next = NewState();
        AddEdge(cur, EdgeKind::kChar, next, static_cast<uint8_t>(c));
        cur = next;
      }
    }
    return cur;
  }

 private:
  // Parses "[...]" at *i; leaves *i on the closing ']'.
  Result<uint16_t> Class(std::string_view p, size_t* i, bool no_dot) {
    size_t j = *i + 1;
    bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
    if (negate) ++j;
    std::array<uint64_t, 4> bits{};
    auto set = [&](unsigned char ch) { bits[ch >> 6] |= uint64_t{1} << (ch & 63); };
    bool first = true;
    for (; j < p.size(); ++j, first = false) {
      unsigned char c = static_cast<unsigned char>(p[j]);
      if (c == ']' && !first) break;
      if (c == '\\' && j + 1 < p.size()) c = static_cast<unsigned char>(p[++j]);
      if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
        unsigned char hi = static_cast<unsigned char>(p[j + 2]);
        if (hi < c) return Status::InvalidArgument("character range out of order in '[…]'");
        for (unsigned v = c; v <= hi; ++v) set(static_cast<unsigned char>(v));
        j += 2;
      } else {
        set(c);
      }
    }
    if (j >= p.size()) return Status::InvalidArgument("unclosed '['");
    if (negate) {
      for (auto& w : bits) w = ~w;
    }
    if (mode_ != Mode::kText) bits['/' >> 6] &= ~(uint64_t{1} << ('/' & 63));
    if (no_dot) bits['.' >> 6] &= ~(uint64_t{1} << ('.' & 63));
    *i = j;
    if (g_->classes_.size() >= 0xFFFF) return Status::InvalidArgument("too many '[…]' sets");
    g_->classes_.push_back(bits);
    return static_cast<uint16_t>(g_->classes_.size() - 1);
  }

  Glob* g_;
  Mode mode_;
  uint32_t states_ = 0;
  std::vector<std::pair<uint32_t, Edge>> edges_;
  std::vector<std::pair<uint32_t, uint32_t>> eps_;
};

Result<Glob> Glob::Compile(std::string_view pattern, Mode mode, bool subtree) {
  if (pattern.size() > kMaxPatternLength) return Status::InvalidArgument("pattern longer than 4096 bytes");
  Glob g;
  g.pattern_ = pattern;
  std::vector<std::string> alts;
  if (Status s = ExpandBraces(pattern, &alts); !s.ok()) return s;

  bool literal = alts.size() == 1 &&
                 std::none_of(alts[0].begin(), alts[0].end(), [](char c) { return IsSpecial(c); });
  g.prefix_ = LiteralPrefix(alts[0]);
  for (size_t k = 1; k < alts.size(); ++k) {
    std::string other = LiteralPrefix(alts[k]);
    size_t n = 0;
    while (n < g.prefix_.size() && n < other.size() && g.prefix_[n] == other[n]) ++n;
    g.prefix_.resize(n);
  }
  if (!subtree) {
    g.suffix_ = LiteralSuffix(alts[0]);
    for (size_t k = 1; k < alts.size() && !g.suffix_.empty(); ++k) {
      std::string other = LiteralSuffix(alts[k]);
      size_t n = 0;
      while (n < g.suffix_.size() && n < other.size() &&
             g.suffix_[g.suffix_.size() - 1 - n] == other[other.size() - 1 - n]) {
        ++n;
      }
      g.suffix_.erase(0, g.suffix_.size() - n);
    }
  }
  // A required literal per alternative, when every one has some and there are few.
  if (alts.size() <= 8) {
    for (const auto& alt : alts) {
      std::string run = LongestLiteralRun(alt, mode);
      if (run.size() < 2) {
        g.required_.clear();
        break;
      }
      if (std::find(g.required_.begin(), g.required_.end(), run) == g.required_.end()) g.required_.push_back(std::move(run));
    }
  }
  size_t expanded = 0;
  for (const auto& alt : alts) expanded += alt.size();
  Builder b(&g, mode, std::min<size_t>(kMaxStates, 2 * expanded + alts.size() + 4));
  uint32_t start = b.NewState();
  std::vector<uint32_t> accepts;
  for (const auto& alt : alts) {
    uint32_t s = b.NewState();
    b.AddEps(start, s);
    auto acc = b.Alternative(alt, s);
    if (!acc.ok()) return acc.status();
    if (b.states() > kMaxStates) {
      return Status::InvalidArgument("pattern too complex: its {…} alternatives together are too long");
    }
    accepts.push_back(*acc);
  }
  if (subtree) {
    // From every accept state: "/" then anything, also accepting.
    uint32_t slash = b.NewState(), rest = b.NewState();
    for (size_t k = 0; k < alts.size(); ++k) {
      b.AddEdge(accepts[k], EdgeKind::kChar, slash, '/');
      // A match that already ends in '/' ("/", "/tmp/") has what follows it below it. (After
      // a "**/" that matched nothing this over-approximates, which only widens the subtree.)
      if (!alts[k].empty() && alts[k].back() == '/') b.AddEps(accepts[k], slash);
    }
    b.AddEdge(slash, EdgeKind::kAny, rest);
    b.AddEdge(rest, EdgeKind::kAny, rest);
    accepts.push_back(slash);
    accepts.push_back(rest);
    literal = false;
  }
  if (literal) {
    // Still validated above (escapes); matching is plain equality.
    g.literal_ = true;
    g.literal_text_ = alts[0];
  }
  b.Finish();
  g.accept_.assign(g.words_, 0);
  for (uint32_t a : accepts) g.accept_[a >> 6] |= uint64_t{1} << (a & 63);
  return g;
}

std::array<uint64_t, 4> Glob::EdgeSet(const Edge& e) const {
  constexpr uint64_t kAll = ~uint64_t{0};
  std::array<uint64_t, 4> set{};
  switch (e.kind) {
    case EdgeKind::kChar: set[e.ch >> 6] = uint64_t{1} << (e.ch & 63); break;
    case EdgeKind::kAny: set = {kAll, kAll, kAll, kAll}; break;
    case EdgeKind::kAnyButSlash:
    case EdgeKind::kAnyButSlashDot:
      set = {kAll, kAll, kAll, kAll};
      set['/' >> 6] &= ~(uint64_t{1} << ('/' & 63));
      if (e.kind == EdgeKind::kAnyButSlashDot) set['.' >> 6] &= ~(uint64_t{1} << ('.' & 63));
      break;
    case EdgeKind::kClass: set = classes_[e.cls]; break;
  }
  return set;
}

bool Glob::Intersects(const Glob& o) const {
  // Every match starts with its glob's literal prefix: if the prefixes disagree, nothing
  // matches both.
  const size_t common = std::min(prefix_.size(), o.prefix_.size());
  if (prefix_.compare(0, common, o.prefix_, 0, common) != 0) return false;
  // The same for the literal suffixes ("**/*.pem" and "src/**/*.pyc" share no path).
  const size_t tail = std::min(suffix_.size(), o.suffix_.size());
  if (suffix_.compare(suffix_.size() - tail, tail, o.suffix_, o.suffix_.size() - tail, tail) != 0) return false;
  if (literal_ && o.literal_) return literal_text_ == o.literal_text_;
  if (literal_) return o.Match(literal_text_);
  if (o.literal_) return Match(o.literal_text_);
  const size_t na = state_count(), nb = o.state_count();
  std::vector<uint8_t> seen(na * nb, 0);
  std::vector<std::pair<uint32_t, uint32_t>> todo;
  auto each_in = [](const std::vector<uint64_t>& closure, size_t words, uint32_t state, auto&& fn) {
    const uint64_t* row = &closure[state * words];
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t bits = row[w]; bits; bits &= bits - 1) fn(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
    }
  };
  auto push = [&](uint32_t a, uint32_t b) {
    each_in(closure_, words_, a, [&](uint32_t x) {
      each_in(o.closure_, o.words_, b, [&](uint32_t y) {
        uint8_t& s = seen[x * nb + y];
        if (!s) {
          s = 1;
          todo.emplace_back(x, y);
        }
      });
    });
  };
  push(0, 0);
  while (!todo.empty()) {
    auto [a, b] = todo.back();
    todo.pop_back();
    if (Accepts(a) && o.Accepts(b)) return true;
    for (const Edge& ea : EdgesOf(a)) {
      auto sa = EdgeSet(ea);
      for (const Edge& eb : o.EdgesOf(b)) {
        auto sb = o.EdgeSet(eb);
        if ((sa[0] & sb[0]) | (sa[1] & sb[1]) | (sa[2] & sb[2]) | (sa[3] & sb[3])) push(ea.to, eb.to);
      }
    }
  }
  return false;
}

std::string Glob::Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsSpecial(c) || c == ']' || c == '}' || c == ',') out += '\\';
    out += c;
  }
  return out;
}

bool Glob::EdgeMatches(const Edge& e, unsigned char c) const {
  switch (e.kind) {
    case EdgeKind::kChar: return e.ch == c;
    case EdgeKind::kAny: return true;
    case EdgeKind::kAnyButSlash: return c != '/';
    case EdgeKind::kAnyButSlashDot: return c != '/' && c != '.';
    case EdgeKind::kClass: return (classes_[e.cls][c >> 6] >> (c & 63)) & 1;
  }
  return false;
}

bool Glob::Match(std::string_view subject) const {
  if (literal_) return subject == literal_text_;
  if (subject.substr(0, prefix_.size()) != prefix_ || !subject.ends_with(suffix_)) return false;
  if (!required_.empty() && std::none_of(required_.begin(), required_.end(), [&](const std::string& r) {
        return subject.find(r) != std::string_view::npos;
      })) {
    return false;
  }
  const size_t w = words_;
  // Small fixed buffers cover every realistic pattern; fall back to the heap otherwise.
  uint64_t small_cur[4], small_next[4];
  std::vector<uint64_t> heap_cur, heap_next;
  uint64_t* cur = small_cur;
  uint64_t* next = small_next;
  if (w > 4) {
    heap_cur.resize(w);
    heap_next.resize(w);
    cur = heap_cur.data();
    next = heap_next.data();
  }
  std::copy_n(&closure_[0], w, cur);
  for (char ch : subject) {
    const auto c = static_cast<unsigned char>(ch);
    std::fill_n(next, w, 0);
    bool any = false;
    for (size_t word = 0; word < w; ++word) {
      for (uint64_t bits = cur[word]; bits; bits &= bits - 1) {
        size_t s = word * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        for (const Edge& e : EdgesOf(static_cast<uint32_t>(s))) {
          if (!EdgeMatches(e, c)) continue;
          const uint64_t* cl = &closure_[e.to * w];
          for (size_t k = 0; k < w; ++k) next[k] |= cl[k];
          any = true;
        }
      }
    }
    if (!any) return false;
    std::swap(cur, next);
  }
  for (size_t k = 0; k < w; ++k) {
    if (cur[k] & accept_[k]) return true;
  }
  return false;
}

}  // namespace warden
