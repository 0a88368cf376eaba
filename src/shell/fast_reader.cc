#include "shell/fast_reader.h"

#include <array>
#include <string>
#include <vector>

#include "shell/literal.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxFastBytes = 4096;

// Characters that need tree-sitter anywhere in the string.
bool Refused(unsigned char c) {
  switch (c) {
    case '$': case '`': case '\\': case '<': case '>': case '(': case ')': case '{': case '}':
    case '[': case ']': case '#': case '!': case '\n': case '\r':
      return true;
    default:
      return c < 0x20 && c != '\t';
  }
}

bool IsOperatorChar(char c) { return c == ';' || c == '&' || c == '|'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Words that mean something other than a command at the start of one.
bool IsReserved(std::string_view w) {
  static constexpr std::array<std::string_view, 28> kWords = {
      "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function",
      "select", "in", "time", "coproc", "[[", "]]", "{", "}", "!", "export", "declare", "local", "readonly",
      "typeset", "unset"};
  for (auto k : kWords) {
    if (w == k) return true;
  }
  return false;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

struct Token {
  bool op = false;
  std::string text;   // the operator, or the raw word
  uint32_t offset = 0;
};

// Splits into words and operators; false when something needs tree-sitter.
bool Tokenize(std::string_view s, std::vector<Token>* out) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (IsOperatorChar(c)) {
      std::string op(1, c);
      if (i + 1 < s.size() && s[i + 1] == c && c != ';') op += c;
      if (op == "&" || (op == "|" && i + 1 < s.size() && s[i + 1] == '&')) return false;
      if (op == ";" && i + 1 < s.size() && s[i + 1] == ';') return false;
      out->push_back({true, op, static_cast<uint32_t>(i)});
      i += op.size();
      continue;
    }
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i]) && !IsOperatorChar(s[i])) {
      char q = s[i];
      if (q == '\'' || q == '"') {
        size_t close = s.find(q, i + 1);
        if (close == std::string_view::npos) return false;
        i = close + 1;
        continue;
      }
      ++i;
    }
    out->push_back({false, std::string(s.substr(start, i - start)), static_cast<uint32_t>(start)});
  }
  return true;
}

// A raw word into IR parts, the way the tree-sitter reader does it.
Word ReadWord(std::string_view raw, uint32_t offset) {
  Word w;
  w.offset = offset;
  size_t i = 0;
  while (i < raw.size()) {
    char q = raw[i];
    if (q == '\'' || q == '"') {
      size_t close = raw.find(q, i + 1);
      std::string_view body = raw.substr(i + 1, close - i - 1);
      if (q == '\'') {
        AppendQuotedText(body, &w);
      } else if (body.empty()) {
        AppendQuotedText("", &w);
      } else {
        AppendDoubleQuotedText(body, &w);
      }
      i = close + 1;
      continue;
    }
    size_t j = i;
    while (j < raw.size() && raw[j] != '\'' && raw[j] != '"') ++j;
    AppendUnquoted(raw.substr(i, j - i), &w);
    i = j;
  }
  MergeTextParts(&w);
  return w;
}

void Push(Node* seq, Node n, std::string op = ";") {
  seq->children.push_back(std::move(n));
  seq->ops.push_back(std::move(op));
}

}  // namespace

std::optional<ParseResult> ReadSimple(std::string_view source) {
  if (source.size() > kMaxFastBytes) return std::nullopt;
  // Outside quotes every special character needs tree-sitter; inside double quotes only
  // $ ` and \ do; inside single quotes nothing does (but control characters anywhere do).
  char quote = 0;
  for (unsigned char c : source) {
    if (c < 0x20 && c != '\t') return std::nullopt;
    if (quote == '\'') {
      if (c == '\'') quote = 0;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '$' || c == '`' || c == '\\') {
        return std::nullopt;
      }
    } else if (c == '\'' || c == '"') {
      quote = static_cast<char>(c);
    } else if (Refused(c)) {
      return std::nullopt;
    }
  }
  if (quote) return std::nullopt;
  std::vector<Token> tokens;
  if (!Tokenize(source, &tokens) || tokens.empty()) return std::nullopt;
  // Double quotes: tree-sitter handles "…" with nothing special inside the same way; the
  // refused characters above already keep $ ` \ out.
  ParseResult out;
  out.fast_path = true;
  out.root.kind = Node::Kind::kSequence;
  Node list;       // the current && / || list
  Node pipeline;   // the current pipeline
  Node command;    // the current simple command
  bool in_command = false;
  auto finish_command = [&]() -> bool {
    if (!in_command) return false;
    if (pipeline.children.empty() && pipeline.ops.empty()) {
      pipeline.kind = Node::Kind::kPipeline;
    }
    pipeline.children.push_back(std::move(command));
    pipeline.ops.emplace_back("|");
    command = Node{};
    in_command = false;
    return true;
  };
  auto finish_pipeline = [&](std::string op) {
    Node p;
    if (pipeline.children.size() == 1) {
      p = std::move(pipeline.children[0]);
    } else {
      p = std::move(pipeline);
    }
    pipeline = Node{};
    list.kind = Node::Kind::kSequence;
    Push(&list, std::move(p), std::move(op));
  };
  auto finish_list = [&]() {
    Node l;
    if (list.children.size() == 1) {
      l = std::move(list.children[0]);
    } else {
      l = std::move(list);
      l.ops.pop_back();  // the list's last operator is the statement's end
      l.ops.emplace_back(";");
    }
    list = Node{};
    Push(&out.root, std::move(l));
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.op) {
      if (!finish_command()) return std::nullopt;  // an operator with no command before it
      if (t.text == "|") continue;
      finish_pipeline(t.text);
      if (t.text == ";") finish_list();
      continue;
    }
    if (!in_command) {
      command.kind = Node::Kind::kSimple;
      command.offset = t.offset;
      in_command = true;
    }
    // Leading NAME=value words are assignments.
    if (command.words.empty()) {
      size_t eq = t.text.find('=');
      size_t first_quote = t.text.find_first_of("'\"");
      if (eq != std::string::npos && eq < first_quote && IsIdentifier(std::string_view(t.text).substr(0, eq))) {
        if (eq + 1 == t.text.size()) return std::nullopt;  // NAME= (empty value)
        Assignment a;
        a.name = t.text.substr(0, eq);
        a.value = ReadWord(std::string_view(t.text).substr(eq + 1), t.offset + static_cast<uint32_t>(eq) + 1);
        command.assignments.push_back(std::move(a));
        continue;
      }
      if (IsReserved(t.text)) return std::nullopt;
    }
    command.words.push_back(ReadWord(t.text, t.offset));
  }
  if (in_command) {
    finish_command();
    finish_pipeline(";");
    finish_list();
  } else if (!list.children.empty() || !pipeline.children.empty()) {
    return std::nullopt;  // ends with && / || / |
  }
  if (out.root.children.empty()) return std::nullopt;
  return out;
}

}  // namespace warden::shell
