#include "shell/fast_reader.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/strings.h"
#include "shell/literal.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxFastBytes = 4096;
constexpr int kMaxSubstitutionDepth = 4;
constexpr size_t kMaxFastPipeline = 32;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Words that mean something other than a command at the start of one.
bool IsReserved(std::string_view w) {
  static constexpr std::array<std::string_view, 29> kWords = {
      "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function",
      "select", "in", "time", "coproc", "[[", "]]", "{", "}", "!", "export", "declare", "local", "readonly",
      "typeset", "unset", "unsetenv"};
  for (auto k : kWords) {
    if (w == k) return true;
  }
  return false;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !IsIdentStart(s[0]) || s[0] == '_') return false;  // "_=x" is a word to the grammar
  for (char c : s) {
    if (!IsIdentChar(c)) return false;
  }
  return true;
}

// Characters that end an unquoted word.
bool EndsWord(char c) {
  return IsSpace(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>';
}

// Characters never accepted outside quotes (tree-sitter reads them).
bool RefusedUnquoted(unsigned char c) {
  switch (c) {
    case '`': case '(': case ')': case '[': case ']': case '!': case '\r':
      return true;
    default:
      return c < 0x20 && c != '\t' && c != '\n';
  }
}

struct Token {
  enum class Kind { kWord, kOperator, kRedirect };
  Kind kind = Kind::kWord;
  std::string_view text;  // the word as written, or the operator ("\n" for a newline)
  uint32_t offset = 0;
  // kRedirect
  int fd = -1;
  std::string_view op;
  std::string_view target;
  uint32_t target_offset = 0;
};

// The end of the "$…" expansion at s[i] == '$' that the fast reader understands ($NAME,
// ${NAME}, and in `allow_substitution` mode $(…) holding a simple command line), or npos.
size_t ExpansionEnd(std::string_view s, size_t i, bool allow_substitution) {
  size_t j = i + 1;
  // Names start with a letter here: "$_" is a special parameter, and the grammar's reading of
  // what follows one differs from bash's.
  if (j < s.size() && s[j] == '_') return std::string_view::npos;
  if (j < s.size() && IsIdentStart(s[j])) {
    while (j < s.size() && IsIdentChar(s[j])) ++j;
    return j;
  }
  if (j < s.size() && s[j] == '{') {
    size_t k = j + 1;
    if (k >= s.size() || !IsIdentStart(s[k]) || s[k] == '_') return std::string_view::npos;
    while (k < s.size() && IsIdentChar(s[k])) ++k;
    return k < s.size() && s[k] == '}' ? k + 1 : std::string_view::npos;
  }
  if (allow_substitution && j < s.size() && s[j] == '(') {
    // The inside: plain words, spaces and operators; no quotes, parentheses, expansions,
    // escapes or redirections, so that the first ')' closes it.
    for (size_t k = j + 1; k < s.size(); ++k) {
      char c = s[k];
      if (c == ')') return k + 1;
      if (c == '(' || c == '\'' || c == '"' || c == '$' || c == '\\' || c == '`' || c == '<' || c == '>' ||
          c == '#' || c == '\n' || c == '{' || c == '}' || c == '[' || c == ']' || c == '!' ||
          static_cast<unsigned char>(c) < 0x20) {
        return std::string_view::npos;
      }
    }
  }
  return std::string_view::npos;
}

constexpr size_t kRefuse = std::string_view::npos;

// The end of the '…' string at s[i], or npos (unterminated, or a control character in it).
size_t SingleQuoteEnd(std::string_view s, size_t i) {
  size_t close = s.find('\'', i + 1);
  if (close == kRefuse) return kRefuse;
  for (size_t k = i + 1; k < close; ++k) {
    if (static_cast<unsigned char>(s[k]) < 0x20 && s[k] != '\t') return kRefuse;
  }
  return close + 1;
}

// "((" and a parenthesis in a string with an expansion read as something else to the grammar
// ("$D(x", "((${D}").
bool RefusedParen(std::string_view s, size_t open_quote, size_t k, size_t last_in_quotes) {
  if (s[k] == '(' && k + 1 < s.size() && s[k + 1] == '(') return true;
  size_t close = k;
  while (close < s.size() && s[close] != '"') close += s[close] == '\\' ? 2 : 1;
  std::string_view body = s.substr(open_quote, close - open_quote);
  return body.find('$') != std::string_view::npos || last_in_quotes != kRefuse;
}

// The end of the "…" string at s[i], or npos when it holds something the readers disagree on.
size_t DoubleQuoteEnd(std::string_view s, size_t i) {
  size_t k = i + 1;
  size_t last_in_quotes = kRefuse;  // where the last expansion inside ended
  for (; k < s.size() && s[k] != '"'; ++k) {
    char d = s[k];
    if (d == '\\') {
      // Only the escapes that mean the same to both readers.
      if (k + 1 >= s.size() || (s[k + 1] != '"' && s[k + 1] != '\\' && s[k + 1] != '$')) return kRefuse;
      ++k;
    } else if (d == '$') {
      // Blanks before a '$' right after the opening quote or after another expansion: the
      // grammar puts them into the expansion ("$A $B" reads as $A and "$ B").
      size_t blanks_from = last_in_quotes == kRefuse ? i + 1 : last_in_quotes;
      if (k > blanks_from && s.find_first_not_of(" \t", blanks_from) == k) return kRefuse;
      size_t e = ExpansionEnd(s, k, false);
      if (e == kRefuse) return e;
      last_in_quotes = e;
      k = e - 1;
    } else if (d == '`' || (static_cast<unsigned char>(d) < 0x20 && d != '\t')) {
      return kRefuse;
    } else if ((d == '(' || d == ')') && RefusedParen(s, i, k, last_in_quotes)) {
      return kRefuse;
    }
  }
  return k >= s.size() ? kRefuse : k + 1;
}

// Whether the backslash at s[i] escapes something both readers read the same way.
bool BackslashAgrees(std::string_view s, size_t i, size_t start, size_t last_expansion_end) {
  if (i + 1 >= s.size() || s[i + 1] == '\n' || static_cast<unsigned char>(s[i + 1]) < 0x20) return false;
  // An escaped blank at either end of a word the grammar reads differently.
  if (IsSpace(s[i + 1]) && (i == start || i + 2 >= s.size() || EndsWord(s[i + 2]))) return false;
  // The grammar starts a new word at a backslash right after a quote or an expansion ("''\m"
  // is two words to it, one to bash): leave those to tree-sitter.
  if (i == start) return true;
  char p = s[i - 1];
  return !(p == '\'' || p == '"' || p == ')' || p == '}' || p == '{' ||
           (p != '\\' && IsIdentChar(p) && last_expansion_end == i));
}

// The end of the raw word starting at s[i], or npos when it holds something to refuse.
size_t WordEnd(std::string_view s, size_t i) {
  const size_t start = i;
  size_t last_expansion_end = kRefuse;
  bool seen_quote = false;
  int expansions = 0;
  while (i < s.size() && !EndsWord(s[i]) && i != kRefuse) {
    char c = s[i];
    if (c == '\'' || c == '"') seen_quote = true;
    if (c == '\'') {
      i = SingleQuoteEnd(s, i);
    } else if (c == '"') {
      i = DoubleQuoteEnd(s, i);
    } else if (c == '\\') {
      if (!BackslashAgrees(s, i, start, last_expansion_end)) return kRefuse;
      i += 2;
    } else if (c == '$') {
      // After a quote, or after an expansion and more text, the grammar reads a '$' as a
      // literal and splits the word there ("''/$HOME", "$(a)b$HOME"); nor does it always
      // agree on a second expansion ("f$(b)$HOME").
      if (seen_quote || (last_expansion_end != kRefuse && last_expansion_end != i)) return kRefuse;
      if (++expansions > 1) return kRefuse;
      i = last_expansion_end = ExpansionEnd(s, i, true);
    } else if (RefusedUnquoted(static_cast<unsigned char>(c))) {
      return kRefuse;
    } else {
      ++i;
    }
  }
  return i;
}

// A command name made of the characters names are made of (quotes and escapes allowed: "rm"
// and \rm are names too). The grammar splits names at '@', '=', '#', globs, braces, … in
// ways bash does not.
bool IsPlainName(std::string_view word) {
  for (size_t k = 0; k < word.size(); ++k) {
    const auto c = static_cast<unsigned char>(word[k]);
    if (c == '\\') {
      ++k;
      continue;
    }
    if (IsIdentChar(static_cast<char>(c)) || c >= 0x80 || c == '.' || c == '/' || c == '-' || c == '+' ||
        c == '~' || c == '\'' || c == '"' || c == ' ') {
      continue;  // (a blank only occurs inside quotes here)
    }
    return false;
  }
  return true;
}

// The word is one "…" string and nothing else ("export PATH=$PATH:/x").
bool IsOneDoubleQuotedString(std::string_view word) {
  if (word.size() < 2 || word.front() != '"' || word.back() != '"') return false;
  for (size_t k = 1; k + 1 < word.size(); ++k) {
    if (word[k] == '\\') {
      ++k;
    } else if (word[k] == '"') {
      return false;
    }
  }
  return true;
}

// A '{' or '}' in the word that is not part of a "${NAME}".
bool HasLiteralBrace(std::string_view word) {
  for (size_t k = 0; k < word.size(); ++k) {
    if (word[k] == '$' && k + 1 < word.size() && word[k + 1] == '{') {
      size_t close = word.find('}', k);
      if (close == std::string_view::npos) return true;
      k = close;
    } else if (word[k] == '{' || word[k] == '}') {
      return true;
    }
  }
  return false;
}

// A plain word the grammar reads the way bash does (see the comments for what it does not).
bool WordAgrees(std::string_view s, std::string_view word, size_t end) {
  // '#' inside a word is literal to bash, but the grammar reads some of those as comments;
  // keep only the plain case ("a#b"). "==" starts a test operator to the grammar.
  if (word.find('#') != std::string_view::npos && word.find_first_of("$'\"\\=") != std::string_view::npos) return false;
  if (word[0] == '=' && word.size() > 1) return false;
  // After a '#' that follows a digit or a brace the grammar sees a comment or "base#number";
  // a word starting with '}' it splits differently from bash.
  for (size_t k = word.find('#'); k != std::string_view::npos; k = word.find('#', k + 1)) {
    if (k > 0 && (IsDigit(word[k - 1]) || word[k - 1] == '{' || word[k - 1] == '}')) return false;
  }
  if (word[0] == '}') return false;
  // Brace sequences ({1..9}) and nested braces the grammar reads differently.
  if (size_t open = word.find('{'); open != std::string_view::npos &&
      (word.find("..", open) != std::string_view::npos || word.find('{', open + 1) != std::string_view::npos)) {
    return false;
  }
  // A brace and an expansion in one word ("{}$HOME"), or two '=' before one ("X=$AX=$B"):
  // the grammar splits those words in two.
  if (word.find('$') != std::string_view::npos && (HasLiteralBrace(word) || std::count(word.begin(), word.end(), '=') > 1)) {
    return false;
  }
  // An '=' before an expansion in a word that does not start plainly.
  if (size_t eq = word.find('='); eq != std::string_view::npos && word.find('$', eq) != std::string_view::npos &&
      !IsOneDoubleQuotedString(word)) {
    for (size_t k = 0; k < eq; ++k) {
      char ch = word[k];
      if (!(IsIdentChar(ch) || ch == '-' || ch == '.' || ch == '/')) return false;
    }
  }
  // "a2>f" is the word a2 and a redirection for bash, but the grammar's reading of a word run
  // into '>' differs: leave such lines to tree-sitter.
  return !(end < s.size() && (s[end] == '>' || s[end] == '<') && IsDigit(word.back()));
}

// Splits a line into words, operators and redirections; Run is false when something needs
// tree-sitter.
class Tokenizer {
 public:
  Tokenizer(std::string_view s, std::vector<Token>* out) : s_(s), out_(out) {}

  bool Run() {
    while (i_ < s_.size()) {
      if (!Next()) return false;
    }
    return true;
  }

 private:
  bool Next() {
    char c = s_[i_];
    if (IsSpace(c)) {
      ++i_;
      return true;
    }
    if (c == '#') {
      size_t nl = s_.find('\n', i_);
      i_ = nl == std::string_view::npos ? s_.size() : nl;
      return true;
    }
    if (c == '\n') return Newline();
    int fd = -1;
    size_t op_start = Descriptor(&fd);
    if (std::string_view op = RedirectOperator(op_start, fd); !op.empty()) return Redirection(op, op_start, fd);
    if (c == ';' || c == '&' || c == '|') return Operator(c);
    return WordToken();
  }

  bool Newline() {
    // The grammar runs a newline followed by a backslash into the next word.
    size_t next = i_ + 1;
    while (next < s_.size() && IsSpace(s_[next])) ++next;
    if (next < s_.size() && s_[next] == '\\') return false;
    out_->push_back({Token::Kind::kOperator, s_.substr(i_, 1), At()});
    ++i_;
    return true;
  }

  // "N>" (N a whole word of digits): where the operator starts, with *fd = N.
  size_t Descriptor(int* fd) const {
    if (!IsDigit(s_[i_])) return i_;
    size_t k = i_;
    while (k < s_.size() && IsDigit(s_[k])) ++k;
    // The grammar reads the descriptor of "N<" (and of "0>") as a word: only "N>" forms here.
    if (k < s_.size() && s_[k] == '>' && k - i_ <= 4 && s_[i_] != '0') {
      *fd = std::stoi(std::string(s_.substr(i_, k - i_)));
      return k;
    }
    return i_;
  }

  // Redirections: [N]> [N]>> [N]< [N]>&M &> &>>.
  std::string_view RedirectOperator(size_t op_start, int fd) const {
    if (s_.compare(op_start, 3, "&>>") == 0 && fd < 0) return s_.substr(op_start, 3);
    if (s_.compare(op_start, 2, "&>") == 0 && fd < 0) return s_.substr(op_start, 2);
    if (s_.compare(op_start, 2, ">>") == 0 || s_.compare(op_start, 2, ">&") == 0) return s_.substr(op_start, 2);
    if (op_start < s_.size() && (s_[op_start] == '>' || s_[op_start] == '<')) return s_.substr(op_start, 1);
    return {};
  }

  bool Redirection(std::string_view op, size_t op_start, int fd) {
    // The grammar drops a "-" word before a redirection with a descriptor ("x - 2>&1"), and
    // after a substitution reads the descriptor as a word ("$(a) 0<f").
    if (fd >= 0 && !out_->empty() && out_->back().kind == Token::Kind::kWord &&
        (out_->back().text == "-" || out_->back().text.find("$(") != std::string_view::npos)) {
      return false;
    }
    size_t after = op_start + op.size();
    // Here-documents, here-strings, <&, <>, >|, >( and <( are left to tree-sitter.
    if (after < s_.size() && std::string_view("<>|(&").find(s_[after]) != std::string_view::npos) return false;
    while (after < s_.size() && IsSpace(s_[after])) ++after;
    size_t end = WordEnd(s_, after);
    if (end == std::string_view::npos || end == after) return false;
    std::string_view target = s_.substr(after, end - after);
    if (target.find_first_of("${}#") != std::string_view::npos) return false;
    if (op == ">&" && (target == "-" || !std::all_of(target.begin(), target.end(), IsDigit))) return false;
    Token t;
    t.kind = Token::Kind::kRedirect;
    t.offset = At();
    t.fd = fd;
    t.op = op;
    t.target = target;
    t.target_offset = static_cast<uint32_t>(after);
    out_->push_back(t);
    i_ = end;
    return true;
  }

  bool Operator(char c) {
    size_t n = (i_ + 1 < s_.size() && s_[i_ + 1] == c && c != ';') ? 2 : 1;
    std::string_view o = s_.substr(i_, n);
    if (o == "|" && i_ + 1 < s_.size() && s_[i_ + 1] == '&') return false;  // |&
    if (o == ";" && i_ + 1 < s_.size() && s_[i_ + 1] == ';') return false;  // ;;
    out_->push_back({Token::Kind::kOperator, o, At()});
    i_ += n;
    return true;
  }

  bool WordToken() {
    size_t end = WordEnd(s_, i_);
    if (end == std::string_view::npos) return false;
    std::string_view word = s_.substr(i_, end - i_);
    if (!WordAgrees(s_, word, end)) return false;
    out_->push_back({Token::Kind::kWord, word, At()});
    i_ = end;
    return true;
  }

  uint32_t At() const { return static_cast<uint32_t>(i_); }

  std::string_view s_;
  std::vector<Token>* out_;
  size_t i_ = 0;
};

bool Tokenize(std::string_view s, std::vector<Token>* out) { return Tokenizer(s, out).Run(); }

std::optional<ParseResult> ReadLine(std::string_view source, int depth);

// Appends "$NAME" / "${NAME}" / "$(…)" at raw[i] as a part; returns the index after it.
size_t AppendExpansion(std::string_view raw, size_t i, bool quoted, Word* w, int depth, bool* ok) {
  size_t end = ExpansionEnd(raw, i, !quoted);
  WordPart p;
  p.quoted = quoted;
  if (raw[i + 1] == '(') {
    auto inner = ReadLine(raw.substr(i + 2, end - i - 3), depth + 1);
    if (!inner) {
      *ok = false;
      return end;
    }
    p.kind = WordPart::Kind::kCommandSub;
    p.body.push_back(std::move(inner->root));
  } else {
    p.kind = WordPart::Kind::kParam;
    p.text = raw[i + 1] == '{' ? std::string(raw.substr(i + 2, end - i - 3)) : std::string(raw.substr(i + 1, end - i - 1));
  }
  w->parts.push_back(std::move(p));
  return end;
}

// A raw word into IR parts, the way the tree-sitter reader does it.
bool ReadWord(std::string_view raw, uint32_t offset, int depth, Word* w) {
  w->offset = offset;
  bool ok = true;
  size_t i = 0;
  while (i < raw.size() && ok) {
    char q = raw[i];
    if (q == '\'') {
      size_t close = raw.find('\'', i + 1);
      AppendQuotedText(raw.substr(i + 1, close - i - 1), w);
      i = close + 1;
    } else if (q == '"') {
      size_t k = i + 1, text_start = k;
      bool any = false;
      while (raw[k] != '"') {
        if (raw[k] == '\\') {
          k += 2;
        } else if (raw[k] == '$') {
          if (k > text_start) AppendDoubleQuotedText(raw.substr(text_start, k - text_start), w);
          k = AppendExpansion(raw, k, true, w, depth, &ok);
          text_start = k;
          any = true;
        } else {
          ++k;
        }
      }
      if (k > text_start) {
        AppendDoubleQuotedText(raw.substr(text_start, k - text_start), w);
      } else if (!any && k == i + 1) {
        AppendQuotedText("", w);  // "" is an (empty) argument
      }
      i = k + 1;
    } else if (q == '$') {
      i = AppendExpansion(raw, i, false, w, depth, &ok);
    } else {
      size_t j = i;
      while (j < raw.size() && raw[j] != '\'' && raw[j] != '"' && raw[j] != '$') j += raw[j] == '\\' ? 2 : 1;
      AppendUnquoted(raw.substr(i, j - i), w);
      i = j;
    }
  }
  MergeTextParts(w);
  return ok;
}

void Push(Node* seq, Node n, std::string op = ";") {
  seq->children.push_back(std::move(n));
  seq->ops.push_back(std::move(op));
}

// Builds statements from tokens: pipelines inside && / || lists inside the sequence.
class Builder {
 public:
  explicit Builder(int depth) : depth_(depth) {}

  bool Add(const Token& t) {
    switch (t.kind) {
      case Token::Kind::kOperator: return Operator(t.text);
      case Token::Kind::kRedirect: return Redirect(t);
      case Token::Kind::kWord: return WordToken(t);
    }
    return false;
  }

  std::optional<ParseResult> Finish() {
    if (in_command_) {
      FinishCommand();
      FinishPipeline(";");
      FinishList();
    } else if (!list_.children.empty() || !pipeline_.children.empty()) {
      return std::nullopt;  // ends with && / || / |
    }
    if (out_.root.children.empty()) return std::nullopt;
    // A pipeline of three or more commands is where tree-sitter-bash 0.23 goes astray (it
    // nests what follows into it, or runs the next line into its last command): the fast
    // reader takes one only when it is the whole line.
    if (long_pipeline_ && (out_.root.children.size() > 1 || out_.root.children[0].kind != Node::Kind::kPipeline)) {
      return std::nullopt;
    }
    out_.fast_path = true;
    out_.root.kind = Node::Kind::kSequence;
    return std::move(out_);
  }

 private:
  bool Operator(std::string_view op) {
    // "X=1\nls" is one command to the grammar (two to bash).
    if (op == "\n" && in_command_ && command_.words.empty()) return false;
    // "a && b > f && c" and "a && b < f | c": the grammar nests the list before a redirected
    // command; "a | b | c && d" it reads as "a | (b | c && d)".
    if (op != ";" && op != "\n" && op != "&" && in_command_ && !command_.redirects.empty() && !list_.children.empty()) {
      return false;
    }
    if ((op == "&&" || op == "||") && pipeline_.children.size() >= 2) return false;
    if (!FinishCommand()) return false;  // an operator with no command before it
    if (op == "|") {
      // The tree-sitter reader recurses once per pipeline element (and cuts off at its depth
      // limit): very long pipelines are left to it.
      return pipeline_.children.size() < kMaxFastPipeline;
    }
    if (op == "\n" || op == "&") {
      FinishPipeline(";");
      FinishList();
      if (op == "&") out_.root.ops.back() = "&";
      return true;
    }
    FinishPipeline(std::string(op));
    if (op == ";") FinishList();
    return true;
  }

  bool Redirect(const Token& t) {
    if (!in_command_ || command_.words.empty()) return false;  // "> f cmd", "X=1 > f"
    struct Redirect r;
    r.op = std::string(t.op);
    r.fd = t.fd;
    if (!ReadWord(t.target, t.target_offset, depth_, &r.target)) return false;
    command_.redirects.push_back(std::move(r));
    return true;
  }

  bool WordToken(const Token& t) {
    if (!in_command_) {
      command_.kind = Node::Kind::kSimple;
      command_.offset = t.offset;
      command_.words.reserve(8);
      in_command_ = true;
    }
    if (!command_.redirects.empty()) return false;  // words after a redirection
    std::string_view text = t.text;
    if (command_.words.empty()) {
      // Leading NAME=value words are assignments.
      size_t eq = text.find('=');
      size_t special = text.find_first_of("'\"$\\");
      if (eq != std::string_view::npos && eq < special && IsIdentifier(text.substr(0, eq))) {
        if (eq + 1 == text.size()) return false;  // NAME= (empty value)
        if (text[eq + 1] == '\\') return false;   // NAME=\ x: the grammar drops the escape
        Assignment a;
        a.name = std::string(text.substr(0, eq));
        if (!ReadWord(text.substr(eq + 1), t.offset + static_cast<uint32_t>(eq) + 1, depth_, &a.value)) return false;
        command_.assignments.push_back(std::move(a));
        return true;
      }
      // The command word: no keywords, no braces (a group, or a brace expansion the grammar
      // reads differently), nothing the grammar takes for an assignment or a comment ("--x=y",
      // "a#b"), no glob, no leading '-' and no expansion as the name.
      const bool colon = text == ":" && command_.assignments.empty();  // the no-op builtin
      if (IsReserved(text) || IsReserved(text.substr(0, text.find_first_of("'\"\\"))) ||
          (!colon && !IsPlainName(text)) || text[0] == '-') {
        return false;
      }
    }
    // A lone brace is a keyword to the grammar wherever it stands.
    if (text == "{" || text == "}") return false;
    Word w;
    if (!ReadWord(text, t.offset, depth_, &w)) return false;
    command_.words.push_back(std::move(w));
    return true;
  }

  bool FinishCommand() {
    if (!in_command_) return false;
    if (command_.words.empty() && !command_.redirects.empty()) return false;
    pipeline_.kind = Node::Kind::kPipeline;
    pipeline_.children.push_back(std::move(command_));
    pipeline_.ops.emplace_back("|");
    command_ = Node{};
    in_command_ = false;
    return true;
  }

  void FinishPipeline(std::string op) {
    if (pipeline_.children.size() >= 3) long_pipeline_ = true;
    Node p;
    if (pipeline_.children.size() == 1) {
      p = std::move(pipeline_.children[0]);
    } else {
      p = std::move(pipeline_);
    }
    pipeline_ = Node{};
    list_.kind = Node::Kind::kSequence;
    Push(&list_, std::move(p), std::move(op));
  }

  void FinishList() {
    Node l;
    if (list_.children.size() == 1) {
      l = std::move(list_.children[0]);
    } else {
      l = std::move(list_);
      l.ops.back() = ";";  // the list's last operator is the statement's end
    }
    list_ = Node{};
    Push(&out_.root, std::move(l));
  }

  int depth_;
  ParseResult out_;
  Node list_;      // the current && / || list
  Node pipeline_;  // the current pipeline
  Node command_;   // the current simple command
  bool in_command_ = false;
  bool long_pipeline_ = false;  // a pipeline of three or more commands was read
};

std::optional<ParseResult> ReadLine(std::string_view source, int depth) {
  if (depth > kMaxSubstitutionDepth || source.size() > kMaxFastBytes) return std::nullopt;
  std::vector<Token> tokens;
  tokens.reserve(8);
  if (!Tokenize(source, &tokens) || tokens.empty()) return std::nullopt;
  Builder b(depth);
  for (const Token& t : tokens) {
    if (!b.Add(t)) return std::nullopt;
  }
  return b.Finish();
}

}  // namespace

std::optional<ParseResult> ReadSimple(std::string_view source) {
  if (!IsValidUtf8(source)) return std::nullopt;  // the grammar reads invalid UTF-8 as errors
  for (unsigned char c : source) {
    if (c < 0x20 && c != '\t' && c != '\n') return std::nullopt;  // NUL and other controls, comments included
  }
  return ReadLine(source, 0);
}

}  // namespace warden::shell
