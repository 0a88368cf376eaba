// The shell IR: what a parser front end (tree-sitter, or the fast path for simple command
// lines) turns a command string into, and what the analyzer walks.
//
// It keeps only what matters for deciding: statements and how they are joined, simple
// commands as words made of parts (literal text, parameter expansions, substitutions),
// assignments and redirections. Source offsets are kept for messages. Values are plain
// data, safe to copy; not synchronized.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace warden::shell {

struct Node;
struct Word;

struct WordPart {
  enum class Kind : uint8_t {
    kText,        // literal characters (quotes removed, escapes applied)
    kParam,       // $NAME, ${NAME}, ${NAME op word}
    kCommandSub,  // $(…) or `…`
    kProcessSub,  // <(…) or >(…)
    kArith,       // $((…)): value unknown, may contain substitutions
    kOpaque,      // anything else whose value is unknown (arrays, ${!x}, …)
  };
  Kind kind = Kind::kText;
  bool quoted = false;      // kText from quotes: no globbing, no tilde
  std::string text;         // kText: characters; kParam: variable name; others: source text
  std::string op;           // kParam: "" for plain $X/${X}, else the operator (":-", "#", "len", …)
  char direction = 0;       // kProcessSub: '<' or '>'
  std::vector<Node> body;   // kCommandSub / kProcessSub: the statements
  std::vector<Word> inner;  // kParam with operator, kArith, kOpaque: words to search for substitutions

  bool operator==(const WordPart&) const;
};

struct Word {
  std::vector<WordPart> parts;
  uint32_t offset = 0;
  bool operator==(const Word&) const;
};

struct Assignment {
  std::string name;
  Word value;
  bool append = false;  // NAME+=value
  bool array = false;   // NAME=(…)
  bool operator==(const Assignment&) const;
};

struct Redirect {
  std::string op;         // ">", ">>", "<", "&>", "&>>", ">&", "<&", ">|", "<>", "<<", "<<-", "<<<"
  int fd = -1;            // explicit descriptor, -1 when absent
  Word target;            // file, descriptor or here-string word
  Word heredoc;           // here-document body (op "<<" / "<<-")
  bool heredoc_quoted = false;  // delimiter was quoted: the body is literal
  bool operator==(const Redirect&) const;
};

struct Node {
  enum class Kind : uint8_t {
    kSequence,   // children joined by ops[i] after child i: ";", "&", "&&", "||", "\n"
    kPipeline,   // children joined by "|" or "|&" (ops)
    kSimple,     // assignments words… redirects
    kSubshell,   // ( … )
    kGroup,      // { …; }
    kIf,         // children: condition, body, [condition, body]…, [else body]
    kLoop,       // while/until/c-style for: children: parts of the loop
    kFor,        // for/select NAME in words: name, words, children[0] = body
    kCase,       // words[0] = subject, words[1..] = patterns, children = item bodies
    kFunction,   // name, children[0] = body
    kNegated,    // ! child
    kTest,       // [[ … ]] / (( … )): words hold the operands to search for substitutions
    kError,      // text the parser could not understand; children hold what it did recover
    kUnknown,    // a construct the front end does not know; text names it
  };
  Kind kind = Kind::kSequence;
  std::vector<Node> children;
  std::vector<std::string> ops;
  std::vector<Assignment> assignments;
  std::vector<Word> words;
  std::vector<Redirect> redirects;
  std::string text;             // kFunction/kFor: the name; kError/kUnknown: description
  bool declaration = false;     // kSimple from export/declare/local/readonly/typeset
  uint32_t offset = 0;
  bool operator==(const Node&) const;
};

// Renders the IR as a compact S-expression, for tests and the differential fuzzer.
std::string DebugString(const Node& node);
std::string DebugString(const Word& word);

}  // namespace warden::shell
