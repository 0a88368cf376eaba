#include "shell/tree_sitter_reader.h"

#include <algorithm>
#include <tree_sitter/api.h>

#include <string>
#include <utility>
#include <vector>

#include "shell/literal.h"

extern "C" const TSLanguage* tree_sitter_bash(void);

namespace warden::shell {
namespace {

// The grammar's node types we act on; everything else is kOther.
enum class T : uint8_t {
  kOther, kError, kProgram, kList, kPipeline, kCommand, kCommandName, kVariableAssignment,
  kVariableAssignments, kDeclarationCommand, kUnsetCommand, kRedirectedStatement, kFileRedirect,
  kHeredocRedirect, kHerestringRedirect, kHeredocStart, kHeredocBody, kHeredocContent,
  kHeredocEnd, kSubshell, kCompoundStatement, kDoGroup, kIfStatement, kElifClause, kElseClause,
  kWhileStatement, kForStatement, kCStyleFor, kCaseStatement, kCaseItem, kFunctionDefinition,
  kNegatedCommand, kTestCommand, kComment, kWord, kString, kStringContent, kRawString,
  kAnsiCString, kTranslatedString, kSimpleExpansion, kExpansion, kCommandSubstitution,
  kProcessSubstitution, kArithmeticExpansion, kConcatenation, kNumber, kBraceExpression, kArray,
  kVariableName, kSpecialVariableName, kFileDescriptor, kExtglobPattern, kRegex, kSubscript,
};

struct Named {
  const char* name;
  T type;
};

constexpr Named kTypes[] = {
    {"program", T::kProgram}, {"list", T::kList}, {"pipeline", T::kPipeline},
    {"command", T::kCommand}, {"command_name", T::kCommandName},
    {"variable_assignment", T::kVariableAssignment}, {"variable_assignments", T::kVariableAssignments},
    {"declaration_command", T::kDeclarationCommand}, {"unset_command", T::kUnsetCommand},
    {"redirected_statement", T::kRedirectedStatement}, {"file_redirect", T::kFileRedirect},
    {"heredoc_redirect", T::kHeredocRedirect}, {"herestring_redirect", T::kHerestringRedirect},
    {"heredoc_start", T::kHeredocStart}, {"heredoc_body", T::kHeredocBody},
    {"heredoc_content", T::kHeredocContent}, {"heredoc_end", T::kHeredocEnd},
    {"subshell", T::kSubshell}, {"compound_statement", T::kCompoundStatement},
    {"do_group", T::kDoGroup}, {"if_statement", T::kIfStatement}, {"elif_clause", T::kElifClause},
    {"else_clause", T::kElseClause}, {"while_statement", T::kWhileStatement},
    {"for_statement", T::kForStatement}, {"c_style_for_statement", T::kCStyleFor},
    {"case_statement", T::kCaseStatement}, {"case_item", T::kCaseItem},
    {"function_definition", T::kFunctionDefinition}, {"negated_command", T::kNegatedCommand},
    {"test_command", T::kTestCommand}, {"comment", T::kComment}, {"word", T::kWord},
    {"string", T::kString}, {"string_content", T::kStringContent}, {"raw_string", T::kRawString},
    {"ansi_c_string", T::kAnsiCString}, {"translated_string", T::kTranslatedString},
    {"simple_expansion", T::kSimpleExpansion}, {"expansion", T::kExpansion},
    {"command_substitution", T::kCommandSubstitution},
    {"process_substitution", T::kProcessSubstitution},
    {"arithmetic_expansion", T::kArithmeticExpansion}, {"concatenation", T::kConcatenation},
    {"number", T::kNumber}, {"brace_expression", T::kBraceExpression}, {"array", T::kArray},
    {"variable_name", T::kVariableName}, {"special_variable_name", T::kSpecialVariableName},
    {"file_descriptor", T::kFileDescriptor}, {"extglob_pattern", T::kExtglobPattern},
    {"regex", T::kRegex}, {"subscript", T::kSubscript},
};

// Symbol id → T, built once from the language's own symbol names (robust to aliases).
class TypeTable {
 public:
  TypeTable() {
    const TSLanguage* lang = tree_sitter_bash();
    uint32_t n = ts_language_symbol_count(lang);
    table_.assign(n, T::kOther);
    for (uint32_t s = 0; s < n; ++s) {
      if (ts_language_symbol_type(lang, static_cast<TSSymbol>(s)) != TSSymbolTypeRegular) continue;
      std::string_view name = ts_language_symbol_name(lang, static_cast<TSSymbol>(s));
      for (const auto& t : kTypes) {
        if (name == t.name) table_[s] = t.type;
      }
    }
  }
  T Of(TSNode n) const {
    TSSymbol s = ts_node_symbol(n);
    if (s == static_cast<TSSymbol>(-1)) return T::kError;
    return s < table_.size() ? table_[s] : T::kOther;
  }

 private:
  std::vector<T> table_;
};

const TypeTable& Types() {
  static const TypeTable table;
  return table;
}

bool IsWordLike(T t) {
  switch (t) {
    case T::kWord: case T::kString: case T::kRawString: case T::kAnsiCString:
    case T::kTranslatedString: case T::kSimpleExpansion: case T::kExpansion:
    case T::kCommandSubstitution: case T::kProcessSubstitution: case T::kArithmeticExpansion:
    case T::kConcatenation: case T::kNumber: case T::kBraceExpression: case T::kArray:
    case T::kCommandName: case T::kExtglobPattern:
      return true;
    default:
      return false;
  }
}

bool IsStatement(T t) {
  switch (t) {
    case T::kList: case T::kPipeline: case T::kCommand: case T::kVariableAssignment:
    case T::kVariableAssignments: case T::kDeclarationCommand: case T::kUnsetCommand:
    case T::kRedirectedStatement: case T::kSubshell: case T::kCompoundStatement:
    case T::kIfStatement: case T::kWhileStatement: case T::kForStatement: case T::kCStyleFor:
    case T::kCaseStatement: case T::kFunctionDefinition: case T::kNegatedCommand:
    case T::kTestCommand: case T::kError:
      return true;
    default:
      return false;
  }
}

struct Child {
  TSNode node;
  const char* field;
  T type;
  bool named;
  bool Is(const char* f) const { return field && std::string_view(field) == f; }
};

// The pieces a heredoc redirect can drag along: the grammar hangs the rest of the command
// line (more arguments, redirects, a pipeline, `&& next`) under the heredoc node.
struct HeredocTail {
  std::vector<Word> words;
  std::vector<Redirect> redirects;
  std::vector<Node> pipeline;
  std::string op;
  std::vector<Node> right;
};

class Reader {
 public:
  // `src` is what tree-sitter parsed; `length` how much of it the caller gave (the rest is the
  // newline ReadWithTreeSitter adds, which node texts leave out).
  Reader(std::string_view src, size_t length, ParseResult* out) : src_(src), length_(length), out_(out) {}

  Node Program(TSNode root) { return Statements(root, 0); }
  // Error nodes the reader understood (a here-string the grammar split): not syntax errors.
  size_t recovered() const { return recovered_; }

 private:
  std::string_view Text(TSNode n) const {
    size_t b = ts_node_start_byte(n), e = std::min<size_t>(ts_node_end_byte(n), length_);
    if (b > length_ || e < b) return {};
    return src_.substr(b, e - b);
  }
  static uint32_t Off(TSNode n) { return ts_node_start_byte(n); }

  std::vector<Child> Children(TSNode n) {
    std::vector<Child> out;
    TSTreeCursor c = ts_tree_cursor_new(n);
    if (ts_tree_cursor_goto_first_child(&c)) {
      do {
        TSNode ch = ts_tree_cursor_current_node(&c);
        if (ts_node_is_missing(ch)) {
          Issue(ch, "missing '" + std::string(ts_node_type(ch)) + "'");
          continue;
        }
        out.push_back({ch, ts_tree_cursor_current_field_name(&c), Types().Of(ch), ts_node_is_named(ch)});
      } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return out;
  }

  void Issue(TSNode n, std::string msg) { out_->errors.push_back({Off(n), std::move(msg)}); }

  bool TooDeep(int depth) {
    if (depth <= kMaxNesting) return false;
    out_->too_deep = true;
    return true;
  }

  // ---- statements ------------------------------------------------------------------------

  Node Statements(TSNode parent, int depth) {
    Node seq;
    seq.kind = Node::Kind::kSequence;
    seq.offset = Off(parent);
    if (TooDeep(depth)) return seq;
    for (const Child& c : Children(parent)) {
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (!seq.ops.empty() && seq.ops.size() == seq.children.size() && (tok == "&" || tok == ";" || tok == ";;")) {
          seq.ops.back() = tok == "&" ? "&" : ";";
        }
        continue;
      }
      if (c.type == T::kComment || c.type == T::kHeredocStart || c.type == T::kHeredocBody ||
          c.type == T::kHeredocEnd) {
        continue;
      }
      if (!IsStatement(c.type)) {
        if (c.Is("variable") || c.Is("value") || c.Is("name")) continue;
        if (IsWordLike(c.type)) {
          // A stray word where a statement belongs: keep it so it is still looked at.
          Node err;
          err.kind = Node::Kind::kError;
          err.text = "unexpected word";
          err.offset = Off(c.node);
          err.words.push_back(ConvertWord(c.node, depth + 1));
          Issue(c.node, "unexpected word");
          Push(&seq, std::move(err));
          continue;
        }
        if (c.type == T::kDoGroup || c.type == T::kElifClause || c.type == T::kElseClause ||
            c.type == T::kCompoundStatement) {
          Push(&seq, Statements(c.node, depth + 1));
          continue;
        }
        continue;
      }
      Push(&seq, Statement(c.node, c.type, depth + 1));
    }
    return seq;
  }

  static void Push(Node* seq, Node n) {
    seq->children.push_back(std::move(n));
    seq->ops.emplace_back(";");
  }

  Node Statement(TSNode n, T type, int depth) {
    if (TooDeep(depth)) {
      Node err;
      err.kind = Node::Kind::kError;
      err.text = "nesting too deep";
      err.offset = Off(n);
      return err;
    }
    switch (type) {
      case T::kList: return List(n, depth);
      case T::kPipeline: return Pipeline(n, depth);
      case T::kCommand: return Command(n, depth);
      case T::kVariableAssignment:
      case T::kVariableAssignments: return Assignments(n, depth);
      case T::kDeclarationCommand: return Declaration(n, depth, true);
      case T::kUnsetCommand: return Declaration(n, depth, false);
      case T::kRedirectedStatement: return Redirected(n, depth);
      case T::kSubshell: return Wrap(Node::Kind::kSubshell, n, depth);
      case T::kCompoundStatement: return Group(n, depth);
      case T::kIfStatement: return Compound(Node::Kind::kIf, n, depth);
      case T::kWhileStatement: return Compound(Node::Kind::kLoop, n, depth);
      case T::kForStatement: return For(n, depth);
      case T::kCStyleFor: return CStyleFor(n, depth);
      case T::kCaseStatement: return Case(n, depth);
      case T::kFunctionDefinition: return Function(n, depth);
      case T::kNegatedCommand: return Negated(n, depth);
      case T::kTestCommand: return Test(n, depth);
      case T::kError: return Error(n, depth);
      default: {
        Node u;
        u.kind = Node::Kind::kUnknown;
        u.text = ts_node_type(n);
        u.offset = Off(n);
        Collect(n, &u, depth);
        return u;
      }
    }
  }

  // "{ …; }". The grammar also takes "{rm,-rf,/}" for the start of a group, but to bash a
  // "{" that is not followed by a blank is part of a word (here brace-expanded into a command
  // line): that becomes an error node holding the text, which the analyzer reads as words,
  // with what the grammar made of it kept inside so that it is looked at too.
  Node Group(TSNode n, int depth) {
    Node group = Wrap(Node::Kind::kGroup, n, depth);
    std::string_view text = Text(n);
    if (text.size() > 1 && text[0] == '{' && text[1] != ' ' && text[1] != '\t' && text[1] != '\n') {
      Node err;
      err.kind = Node::Kind::kError;
      err.offset = Off(n);
      err.text = std::string(text.substr(0, text.find('\n')));
      Issue(n, "'{' not followed by a blank");
      err.children.push_back(std::move(group));
      return err;
    }
    return group;
  }

  Node List(TSNode n, int depth) {
    Node seq;
    seq.kind = Node::Kind::kSequence;
    seq.offset = Off(n);
    FlattenList(n, &seq, depth);
    return seq;
  }

  // Iterative: `a && b && …` nests one list node per operator, too deep to recurse over.
  void FlattenList(TSNode n, Node* seq, int depth) {
    std::vector<std::pair<std::vector<Child>, size_t>> stack;
    stack.emplace_back(Children(n), 0);
    while (!stack.empty()) {
      auto& [children, next] = stack.back();
      if (next == children.size()) {
        stack.pop_back();
        continue;
      }
      const Child c = children[next++];
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (!seq->ops.empty() && (tok == "&&" || tok == "||")) seq->ops.back() = std::string(tok);
        continue;
      }
      if (c.type == T::kComment) continue;
      if (c.type == T::kList) {
        stack.emplace_back(Children(c.node), 0);
      } else if (IsStatement(c.type)) {
        Push(seq, Statement(c.node, c.type, depth + 1));
      }
    }
  }

  Node Pipeline(TSNode n, int depth) {
    Node p;
    p.kind = Node::Kind::kPipeline;
    p.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (!p.ops.empty() && (tok == "|" || tok == "|&")) p.ops.back() = std::string(tok);
        continue;
      }
      if (!IsStatement(c.type)) continue;
      Node child = Statement(c.node, c.type, depth + 1);
      // "a | b | c" may nest; keep one flat pipeline.
      if (child.kind == Node::Kind::kPipeline && child.redirects.empty()) {
        for (size_t i = 0; i < child.children.size(); ++i) {
          p.children.push_back(std::move(child.children[i]));
          p.ops.push_back(i < child.ops.size() ? child.ops[i] : "|");
        }
        continue;
      }
      p.children.push_back(std::move(child));
      p.ops.emplace_back("|");
    }
    return p;
  }

  Node Command(TSNode n, int depth) {
    Node cmd;
    cmd.kind = Node::Kind::kSimple;
    cmd.offset = Off(n);
    HeredocTail tail;
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.type == T::kVariableAssignment) {
        cmd.assignments.push_back(ConvertAssignment(c.node, depth));
      } else if (c.Is("name") || c.Is("argument")) {
        cmd.words.push_back(ConvertWord(c.node, depth + 1));
      } else if (c.Is("redirect") || c.type == T::kFileRedirect || c.type == T::kHerestringRedirect ||
                 c.type == T::kHeredocRedirect) {
        cmd.redirects.push_back(ConvertRedirect(c.node, c.type, depth, &tail));
      } else if (c.type == T::kError) {
        cmd.words.push_back(ErrorWord(c.node, depth));
      } else if (IsWordLike(c.type)) {
        cmd.words.push_back(ConvertWord(c.node, depth + 1));
      } else if (c.type == T::kSubshell) {
        Issue(c.node, "unexpected subshell inside a command");
        Node err;
        err.kind = Node::Kind::kError;
        err.text = "unexpected subshell";
        err.children.push_back(Wrap(Node::Kind::kSubshell, c.node, depth + 1));
        return Join(std::move(cmd), std::move(err));
      }
    }
    return ApplyTail(std::move(cmd), std::move(tail));
  }

  static Node Join(Node a, Node b) {
    Node seq;
    seq.kind = Node::Kind::kSequence;
    seq.offset = a.offset;
    Push(&seq, std::move(a));
    Push(&seq, std::move(b));
    return seq;
  }

  Word ErrorWord(TSNode n, int depth) {
    Issue(n, "syntax error near '" + std::string(Text(n).substr(0, 40)) + "'");
    Word w;
    w.offset = Off(n);
    WordPart p;
    p.kind = WordPart::Kind::kOpaque;
    p.text = std::string(Text(n));
    for (const Child& c : Children(n)) {
      if (c.named && IsWordLike(c.type)) p.inner.push_back(ConvertWord(c.node, depth + 1));
    }
    w.parts.push_back(std::move(p));
    return w;
  }

  Assignment ConvertAssignment(TSNode n, int depth) {
    Assignment a;
    for (const Child& c : Children(n)) {
      if (c.Is("name")) {
        if (c.type == T::kSubscript) {
          // a[$(cmd)]=x: the index is evaluated.
          a.name = std::string(Text(c.node));
          Word idx;
          for (const Child& s : Children(c.node)) {
            if (s.named && IsWordLike(s.type)) idx = ConvertWord(s.node, depth + 1);
          }
          if (!idx.parts.empty()) {
            WordPart p;
            p.kind = WordPart::Kind::kOpaque;
            p.inner.push_back(std::move(idx));
            a.value.parts.push_back(std::move(p));
          }
        } else {
          a.name = std::string(Text(c.node));
        }
      } else if (c.Is("value")) {
        a.array = c.type == T::kArray;
        Word v = ConvertWord(c.node, depth + 1);
        for (auto& p : v.parts) a.value.parts.push_back(std::move(p));
        a.value.offset = v.offset;
      } else if (!c.named && Text(c.node) == "+=") {
        a.append = true;
      }
    }
    return a;
  }

  Node Assignments(TSNode n, int depth) {
    Node cmd;
    cmd.kind = Node::Kind::kSimple;
    cmd.offset = Off(n);
    if (Types().Of(n) == T::kVariableAssignment) {
      cmd.assignments.push_back(ConvertAssignment(n, depth));
      return cmd;
    }
    for (const Child& c : Children(n)) {
      if (c.type == T::kVariableAssignment) cmd.assignments.push_back(ConvertAssignment(c.node, depth));
    }
    return cmd;
  }

  // export/declare/local/readonly/typeset (declaration) and unset.
  Node Declaration(TSNode n, int depth, bool declaration) {
    Node cmd;
    cmd.kind = Node::Kind::kSimple;
    cmd.declaration = declaration;
    cmd.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (cmd.words.empty() && !tok.empty() && tok != "=") cmd.words.push_back(TextWord(tok, Off(c.node)));
        continue;
      }
      if (c.type == T::kVariableAssignment) {
        cmd.assignments.push_back(ConvertAssignment(c.node, depth));
      } else if (c.type == T::kVariableName) {
        cmd.words.push_back(TextWord(Text(c.node), Off(c.node)));
      } else if (IsWordLike(c.type)) {
        cmd.words.push_back(ConvertWord(c.node, depth + 1));
      }
    }
    return cmd;
  }

  static Word TextWord(std::string_view text, uint32_t offset) {
    Word w;
    w.offset = offset;
    AppendUnquoted(text, &w);
    return w;
  }

  Node Redirected(TSNode n, int depth) {
    Node body;
    bool have_body = false;
    std::vector<Redirect> redirects;
    HeredocTail tail;
    bool split_here_string = false;
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.Is("body")) {
        body = Statement(c.node, c.type, depth + 1);
        have_body = true;
      } else if (c.type == T::kFileRedirect || c.type == T::kHeredocRedirect ||
                 c.type == T::kHerestringRedirect) {
        redirects.push_back(ConvertRedirect(c.node, c.type, depth, &tail));
        // The grammar reads "> f <<< x" as a redirection, an error "<<" and "< x": a here-string.
        if (split_here_string && redirects.back().op == "<") redirects.back().op = "<<<";
        split_here_string = false;
      } else if (c.type == T::kError && Text(c.node) == "<<") {
        split_here_string = true;
        ++recovered_;
      } else if (c.type == T::kError) {
        Issue(c.node, "syntax error in redirection");
      }
    }
    if (!have_body) {
      body.kind = Node::Kind::kSimple;
      body.offset = Off(n);
    }
    // The grammar hangs "a && b > f" and "a | b > f" under one redirected statement, but in
    // bash a redirection binds to the last command only.
    Node* target = &body;
    while ((target->kind == Node::Kind::kSequence || target->kind == Node::Kind::kPipeline) &&
           !target->children.empty() && target->redirects.empty()) {
      target = &target->children.back();
    }
    for (auto& r : redirects) target->redirects.push_back(std::move(r));
    return ApplyTail(std::move(body), std::move(tail));
  }

  Node ApplyTail(Node base, HeredocTail tail) {
    if (base.kind == Node::Kind::kSimple) {
      for (auto& w : tail.words) base.words.push_back(std::move(w));
    } else if (!tail.words.empty()) {
      Node err;
      err.kind = Node::Kind::kError;
      err.text = "words after here-document";
      err.words = std::move(tail.words);
      base = Join(std::move(base), std::move(err));
    }
    for (auto& r : tail.redirects) base.redirects.push_back(std::move(r));
    if (!tail.pipeline.empty()) {
      Node p;
      p.kind = Node::Kind::kPipeline;
      p.offset = base.offset;
      p.children.push_back(std::move(base));
      p.ops.emplace_back("|");
      for (auto& part : tail.pipeline) {
        if (part.kind == Node::Kind::kPipeline && part.redirects.empty()) {
          for (size_t i = 0; i < part.children.size(); ++i) {
            p.children.push_back(std::move(part.children[i]));
            p.ops.push_back(i < part.ops.size() ? part.ops[i] : "|");
          }
        } else {
          p.children.push_back(std::move(part));
          p.ops.emplace_back("|");
        }
      }
      base = std::move(p);
    }
    if (!tail.right.empty()) {
      Node seq;
      seq.kind = Node::Kind::kSequence;
      seq.offset = base.offset;
      Push(&seq, std::move(base));
      seq.ops.back() = tail.op.empty() ? ";" : tail.op;
      for (auto& r : tail.right) Push(&seq, std::move(r));
      base = std::move(seq);
    }
    return base;
  }

  Redirect ConvertRedirect(TSNode n, T type, int depth, HeredocTail* tail) {
    Redirect r;
    if (type == T::kHerestringRedirect) {
      r.op = "<<<";
      for (const Child& c : Children(n)) {
        if (c.Is("descriptor")) {
          r.fd = ParseFd(Text(c.node));
        } else if (c.named && IsWordLike(c.type)) {
          r.target = ConvertWord(c.node, depth + 1);
        }
      }
      return r;
    }
    if (type == T::kHeredocRedirect) return Heredoc(n, depth, tail);
    bool have_target = false;
    for (const Child& c : Children(n)) {
      if (c.Is("descriptor")) {
        r.fd = ParseFd(Text(c.node));
      } else if (!c.named) {
        r.op += Text(c.node);
      } else if (c.Is("destination") || IsWordLike(c.type)) {
        Word w = ConvertWord(c.node, depth + 1);
        if (!have_target) {
          r.target = std::move(w);
          have_target = true;
        } else {
          tail->words.push_back(std::move(w));  // "> a b": b is an argument
        }
      } else if (c.type == T::kError) {
        Issue(c.node, "syntax error in redirection");
      }
    }
    return r;
  }

  Redirect Heredoc(TSNode n, int depth, HeredocTail* tail) {
    Redirect r;
    r.op = "<<";
    for (const Child& c : Children(n)) {
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (tok == "<<-") r.op = "<<-";
        if (tok == "&&" || tok == "||" || tok == ";" || tok == "&") tail->op = std::string(tok);
        continue;
      }
      switch (c.type) {
        case T::kHeredocStart: {
          std::string_view delim = Text(c.node);
          r.heredoc_quoted = delim.find_first_of("'\"\\") != std::string_view::npos;
          r.target = TextWord(delim, Off(c.node));
          break;
        }
        case T::kHeredocBody: r.heredoc = HeredocBody(c.node, r.heredoc_quoted, depth); break;
        case T::kHeredocEnd: break;
        case T::kFileRedirect:
        case T::kHerestringRedirect:
          tail->redirects.push_back(ConvertRedirect(c.node, c.type, depth, tail));
          break;
        case T::kHeredocRedirect: tail->redirects.push_back(Heredoc(c.node, depth, tail)); break;
        default:
          if (c.Is("descriptor")) {
            r.fd = ParseFd(Text(c.node));
          } else if (c.Is("right")) {
            tail->right.push_back(Statement(c.node, c.type, depth + 1));
          } else if (c.type == T::kPipeline) {
            tail->pipeline.push_back(Statement(c.node, c.type, depth + 1));
          } else if (IsStatement(c.type)) {
            if (c.type == T::kError) {
              Issue(c.node, "syntax error after here-document");
            } else {
              tail->pipeline.push_back(Statement(c.node, c.type, depth + 1));
            }
          } else if (IsWordLike(c.type)) {
            tail->words.push_back(ConvertWord(c.node, depth + 1));
          }
      }
    }
    return r;
  }

  Word HeredocBody(TSNode n, bool quoted, int depth) {
    Word w;
    w.offset = Off(n);
    std::string_view all = Text(n);
    if (quoted) {
      AppendQuotedText(all, &w);
      return w;
    }
    uint32_t pos = ts_node_start_byte(n);
    for (const Child& c : Children(n)) {
      if (!c.named || c.type == T::kHeredocContent || c.type == T::kHeredocEnd) continue;
      uint32_t b = ts_node_start_byte(c.node);
      if (b > pos) AppendHeredocText(src_.substr(pos, b - pos), &w);
      AppendQuotedParts(c.node, c.type, &w, depth + 1);
      pos = ts_node_end_byte(c.node);
    }
    uint32_t end = ts_node_end_byte(n);
    if (end > pos) AppendHeredocText(src_.substr(pos, end - pos), &w);
    return w;
  }

  static int ParseFd(std::string_view s) {
    int v = 0;
    if (s.empty() || s.size() > 6) return -1;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return -1;
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  Node Wrap(Node::Kind kind, TSNode n, int depth) {
    Node w;
    w.kind = kind;
    w.offset = Off(n);
    w.children.push_back(Statements(n, depth + 1));
    return w;
  }

  Node Compound(Node::Kind kind, TSNode n, int depth) {
    Node w;
    w.kind = kind;
    w.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named || c.type == T::kComment) continue;
      if (c.type == T::kDoGroup || c.type == T::kElifClause || c.type == T::kElseClause ||
          c.type == T::kCompoundStatement) {
        w.children.push_back(Statements(c.node, depth + 1));
      } else if (IsStatement(c.type)) {
        w.children.push_back(Statement(c.node, c.type, depth + 1));
      } else if (IsWordLike(c.type)) {
        w.words.push_back(ConvertWord(c.node, depth + 1));
      }
    }
    return w;
  }

  Node For(TSNode n, int depth) {
    Node f;
    f.kind = Node::Kind::kFor;
    f.offset = Off(n);
    bool has_in = false;
    for (const Child& c : Children(n)) {
      if (!c.named) {
        if (Text(c.node) == "in") has_in = true;
        continue;
      }
      if (c.Is("variable")) {
        f.text = std::string(Text(c.node));
      } else if (c.Is("value")) {
        f.words.push_back(ConvertWord(c.node, depth + 1));
      } else if (c.Is("body") || c.type == T::kDoGroup || c.type == T::kCompoundStatement) {
        f.children.push_back(Statements(c.node, depth + 1));
      }
    }
    if (!has_in) {
      // "for x; do": iterates over "$@", unknown here.
      Word w;
      WordPart p;
      p.kind = WordPart::Kind::kParam;
      p.text = "@";
      w.parts.push_back(std::move(p));
      f.words.push_back(std::move(w));
    }
    if (f.children.empty()) f.children.emplace_back();
    return f;
  }

  Node CStyleFor(TSNode n, int depth) {
    Node l;
    l.kind = Node::Kind::kLoop;
    l.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.Is("body") || c.type == T::kDoGroup || c.type == T::kCompoundStatement) {
        l.children.push_back(Statements(c.node, depth + 1));
      } else {
        CollectWords(c.node, &l.words, depth + 1);
      }
    }
    return l;
  }

  Node Case(TSNode n, int depth) {
    Node k;
    k.kind = Node::Kind::kCase;
    k.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.Is("value")) {
        k.words.insert(k.words.begin(), ConvertWord(c.node, depth + 1));
      } else if (c.type == T::kCaseItem) {
        Node body;
        body.kind = Node::Kind::kSequence;
        body.offset = Off(c.node);
        for (const Child& item : Children(c.node)) {
          if (!item.named || item.type == T::kComment) continue;
          if (item.Is("value")) {
            k.words.push_back(ConvertWord(item.node, depth + 1));
          } else if (IsStatement(item.type)) {
            Push(&body, Statement(item.node, item.type, depth + 1));
          }
        }
        k.children.push_back(std::move(body));
      }
    }
    if (k.words.empty()) k.words.emplace_back();
    return k;
  }

  Node Function(TSNode n, int depth) {
    Node f;
    f.kind = Node::Kind::kFunction;
    f.offset = Off(n);
    HeredocTail tail;
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.Is("name")) {
        Word w = ConvertWord(c.node, depth + 1);
        for (const auto& p : w.parts) f.text += p.text;
      } else if (c.Is("body")) {
        f.children.push_back(Statement(c.node, c.type, depth + 1));
      } else if (c.Is("redirect")) {
        f.redirects.push_back(ConvertRedirect(c.node, c.type, depth, &tail));
      }
    }
    if (f.children.empty()) f.children.emplace_back();
    return ApplyTail(std::move(f), std::move(tail));
  }

  Node Negated(TSNode n, int depth) {
    Node neg;
    neg.kind = Node::Kind::kNegated;
    neg.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (c.named && IsStatement(c.type)) neg.children.push_back(Statement(c.node, c.type, depth + 1));
    }
    if (neg.children.empty()) neg.children.emplace_back();
    return neg;
  }

  Node Test(TSNode n, int depth) {
    Node t;
    t.kind = Node::Kind::kTest;
    t.offset = Off(n);
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (c.type == T::kRedirectedStatement) {
        t.children.push_back(Statement(c.node, c.type, depth + 1));
      } else {
        CollectWords(c.node, &t.words, depth + 1);
      }
    }
    return t;
  }

  Node Error(TSNode n, int depth) {
    Node err;
    err.kind = Node::Kind::kError;
    err.offset = Off(n);
    std::string_view text = Text(n);
    err.text = std::string(text.substr(0, 60));
    Issue(n, "syntax error near '" + std::string(text.substr(0, 40)) + "'");
    Collect(n, &err, depth);
    return err;
  }

  // Keeps what can be recovered below an unknown or broken node.
  void Collect(TSNode n, Node* into, int depth) {
    if (TooDeep(depth)) return;
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      if (IsStatement(c.type)) {
        into->children.push_back(Statement(c.node, c.type, depth + 1));
      } else if (IsWordLike(c.type)) {
        into->words.push_back(ConvertWord(c.node, depth + 1));
      } else if (c.type == T::kFileRedirect || c.type == T::kHerestringRedirect ||
                 c.type == T::kHeredocRedirect) {
        HeredocTail tail;
        into->redirects.push_back(ConvertRedirect(c.node, c.type, depth, &tail));
        for (auto& w : tail.words) into->words.push_back(std::move(w));
      } else if (c.type == T::kDoGroup || c.type == T::kCompoundStatement || c.type == T::kElseClause ||
                 c.type == T::kElifClause) {
        into->children.push_back(Statements(c.node, depth + 1));
      } else {
        Collect(c.node, into, depth + 1);
      }
    }
  }

  // Words inside expressions ([[ ]], (( )), c-style for, subscripts): only their values and
  // substitutions matter.
  void CollectWords(TSNode n, std::vector<Word>* out, int depth) {
    if (TooDeep(depth)) return;
    T t = Types().Of(n);
    if (IsWordLike(t) || t == T::kVariableName) {
      out->push_back(ConvertWord(n, depth));
      return;
    }
    for (const Child& c : Children(n)) {
      if (c.named) CollectWords(c.node, out, depth + 1);
    }
  }

  // ---- words -----------------------------------------------------------------------------

  Word ConvertWord(TSNode n, int depth) {
    Word w;
    w.offset = Off(n);
    AppendParts(n, Types().Of(n), &w, depth);
    MergeTextParts(&w);
    return w;
  }

  void AppendParts(TSNode n, T type, Word* w, int depth) {
    if (TooDeep(depth)) {
      WordPart p;
      p.kind = WordPart::Kind::kOpaque;
      p.text = "nesting too deep";
      w->parts.push_back(std::move(p));
      return;
    }
    switch (type) {
      case T::kWord:
      case T::kExtglobPattern:
      case T::kBraceExpression:
      case T::kVariableName:
      case T::kSpecialVariableName:
      case T::kFileDescriptor:
      case T::kRegex:
        AppendUnquoted(Text(n), w);
        return;
      case T::kRawString: return RawString(n, w);
      case T::kAnsiCString: return AnsiCString(n, w);
      case T::kString: return DoubleQuoted(n, w, depth);
      case T::kTranslatedString:
        for (const Child& c : Children(n)) {
          if (c.named) AppendParts(c.node, c.type, w, depth + 1);
        }
        return;
      case T::kSimpleExpansion: return SimpleExpansion(n, w);
      case T::kExpansion: return Expansion(n, w, depth);
      case T::kCommandSubstitution: return CommandSubstitution(n, w, depth);
      case T::kProcessSubstitution: return ProcessSubstitution(n, w, depth);
      case T::kArithmeticExpansion: return ArithmeticExpansion(n, w, depth);
      case T::kArray: return Array(n, w, depth);
      case T::kError: {
        Word e = ErrorWord(n, depth);
        for (auto& p : e.parts) w->parts.push_back(std::move(p));
        return;
      }
      default:
        return Concatenation(n, w, depth);
    }
  }

  void RawString(TSNode n, Word* w) {
    std::string_view t = Text(n);
    if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') t = t.substr(1, t.size() - 2);
    AppendQuotedText(t, w);
  }

  void AnsiCString(TSNode n, Word* w) {
    std::string_view t = Text(n);
    if (t.size() >= 3 && t.substr(0, 2) == "$'" && t.back() == '\'') t = t.substr(2, t.size() - 3);
    AppendQuotedText(DecodeAnsiC(t), w);
  }

  void SimpleExpansion(TSNode n, Word* w) {
    WordPart p;
    p.kind = WordPart::Kind::kParam;
    std::string_view t = Text(n);
    p.text = std::string(t.size() > 1 ? t.substr(1) : t);
    w->parts.push_back(std::move(p));
  }

  void CommandSubstitution(TSNode n, Word* w, int depth) {
    WordPart p;
    p.kind = WordPart::Kind::kCommandSub;
    p.body.push_back(Substitution(n, depth));
    w->parts.push_back(std::move(p));
  }

  void ProcessSubstitution(TSNode n, Word* w, int depth) {
    WordPart p;
    p.kind = WordPart::Kind::kProcessSub;
    std::string_view t = Text(n);
    p.direction = t.empty() ? '<' : t.front();
    p.body.push_back(Statements(n, depth + 1));
    w->parts.push_back(std::move(p));
  }

  void ArithmeticExpansion(TSNode n, Word* w, int depth) {
    WordPart p;
    p.kind = WordPart::Kind::kArith;
    p.text = std::string(Text(n));
    for (const Child& c : Children(n)) {
      if (c.named) CollectWords(c.node, &p.inner, depth + 1);
    }
    w->parts.push_back(std::move(p));
  }

  void Array(TSNode n, Word* w, int depth) {
    WordPart p;
    p.kind = WordPart::Kind::kOpaque;
    p.text = std::string(Text(n));
    for (const Child& c : Children(n)) {
      if (c.named && IsWordLike(c.type)) p.inner.push_back(ConvertWord(c.node, depth + 1));
    }
    w->parts.push_back(std::move(p));
  }

  // Parts inside double quotes or a here-document: expansions there are not split or globbed.
  void AppendQuotedParts(TSNode n, T type, Word* w, int depth) {
    size_t first = w->parts.size();
    AppendParts(n, type, w, depth);
    for (size_t i = first; i < w->parts.size(); ++i) w->parts[i].quoted = true;
  }

  // Concatenations and any other container: literal gaps between the children are unquoted
  // text, the children are parts.
  void Concatenation(TSNode n, Word* w, int depth) {
    uint32_t pos = ts_node_start_byte(n);
    for (const Child& c : Children(n)) {
      if (!c.named) continue;
      uint32_t b = ts_node_start_byte(c.node);
      if (b > pos) AppendUnquoted(src_.substr(pos, b - pos), w);
      AppendParts(c.node, c.type, w, depth + 1);
      pos = ts_node_end_byte(c.node);
    }
    uint32_t end = ts_node_end_byte(n);
    if (end > pos && end <= src_.size()) AppendUnquoted(src_.substr(pos, end - pos), w);
  }

  void DoubleQuoted(TSNode n, Word* w, int depth) {
    uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    std::string_view t = Text(n);
    uint32_t pos = b + (t.size() >= 1 && t.front() == '"' ? 1 : 0);
    uint32_t end = e - (t.size() >= 2 && t.back() == '"' ? 1 : 0);
    bool any = false;
    for (const Child& c : Children(n)) {
      if (!c.named || c.type == T::kStringContent) continue;
      uint32_t cb = ts_node_start_byte(c.node);
      if (cb > pos) AppendDoubleQuotedText(src_.substr(pos, cb - pos), w);
      AppendQuotedParts(c.node, c.type, w, depth + 1);
      pos = ts_node_end_byte(c.node);
      any = true;
    }
    if (end > pos) AppendDoubleQuotedText(src_.substr(pos, end - pos), w);
    if (!any && end <= pos) {
      WordPart empty;
      empty.quoted = true;
      w->parts.push_back(std::move(empty));  // "" is an (empty) argument
    }
  }

  // ${…}: records the variable, the operator exactly as written ("%", "##", "/", ":-", "@P", …;
  // "len" for ${#x}, "indirect" for ${!x}, "[]" for ${a[i]}) and the operand words in order.
  void Expansion(TSNode n, Word* w, int depth) {
    WordPart p;
    p.kind = WordPart::Kind::kParam;
    std::vector<Child> kids = Children(n);
    bool seen_name = false, seen_operand = false;
    std::string prefix, op;
    for (const Child& c : kids) {
      if (!c.named) {
        std::string_view tok = Text(c.node);
        if (tok == "${" || tok == "}") continue;
        if (!seen_name) {
          prefix += tok;
        } else if (!seen_operand) {
          op += tok;
        }
        continue;
      }
      if (!seen_name && (c.type == T::kVariableName || c.type == T::kSpecialVariableName)) {
        p.text = std::string(Text(c.node));
        seen_name = true;
      } else if (!seen_name && c.type == T::kSubscript) {
        p.text = std::string(Text(c.node));
        op = "[]";
        for (const Child& s : Children(c.node)) {
          if (s.Is("index")) CollectWords(s.node, &p.inner, depth + 1);
        }
        seen_name = true;
      } else if (c.type == T::kRegex) {
        Word operand;
        operand.offset = Off(c.node);
        AppendUnquoted(Text(c.node), &operand);
        MergeTextParts(&operand);
        p.inner.push_back(std::move(operand));
        seen_operand = true;
      } else {
        p.inner.push_back(ConvertWord(c.node, depth + 1));
        seen_operand = true;
      }
    }
    if (!seen_name && prefix == "!#" && !seen_operand) {
      p.text = "#";  // ${!#}: the last positional parameter, through its number
      prefix = "!";
    } else if (!seen_name) {
      p.text = std::string(Text(n));
    }
    if (prefix == "#") {
      op = "len";
    } else if (prefix == "!") {
      op = "indirect";
    } else if (!prefix.empty()) {
      op = prefix + op;
    }
    if (p.op.empty()) p.op = op;
    w->parts.push_back(std::move(p));
  }

  // $(…) or `…`; "$(< file)" is a command with only a redirect.
  Node Substitution(TSNode n, int depth) {
    Node body = Statements(n, depth + 1);
    for (const Child& c : Children(n)) {
      if (c.Is("redirect")) {
        Node read;
        read.kind = Node::Kind::kSimple;
        read.offset = Off(c.node);
        HeredocTail tail;
        read.redirects.push_back(ConvertRedirect(c.node, c.type, depth, &tail));
        Push(&body, std::move(read));
      }
    }
    return body;
  }

  std::string_view src_;
  size_t length_;
  ParseResult* out_;
  size_t recovered_ = 0;
};

class ParserHolder {
 public:
  ParserHolder() : parser_(ts_parser_new()) {
    ts_parser_set_language(parser_, tree_sitter_bash());
    ts_parser_set_timeout_micros(parser_, 2'000'000);
  }
  ~ParserHolder() { ts_parser_delete(parser_); }
  ParserHolder(const ParserHolder&) = delete;
  ParserHolder& operator=(const ParserHolder&) = delete;
  TSParser* get() { return parser_; }

 private:
  TSParser* parser_;
};

}  // namespace

// Error and missing nodes in the tree (counted only when it has some).
size_t ErrorNodes(TSNode n, int depth = 0) {
  if (!ts_node_has_error(n)) return 0;
  if (depth > 256) return 1000;  // too deep to count: more than anything recovered
  size_t count = std::string_view(ts_node_type(n)) == "ERROR" || ts_node_is_missing(n) ? 1 : 0;
  const uint32_t children = ts_node_child_count(n);
  for (uint32_t i = 0; i < children; ++i) count += ErrorNodes(ts_node_child(n, i), depth + 1);
  return count;
}

ParseResult ReadWithTreeSitter(std::string_view text) {
  thread_local ParserHolder holder;
  thread_local std::string padded;
  ParseResult out;
  out.root.kind = Node::Kind::kSequence;
  // A newline is added to a string that does not end with one. It ends the last statement
  // the way the end of the string does (bash reads `-c` strings the same way), and it spares
  // the runtime a costly error recovery: at the very end of the input, `a | b | c` leaves a
  // second, failed parse version that tree-sitter 0.20 recovers after it has already accepted
  // (≈100 µs instead of ≈10 µs; see docs/PERFORMANCE.md). Not after a backslash, which would
  // turn into a line continuation.
  std::string_view source = text;
  if (!text.empty() && text.back() != '\n' && text.back() != '\\') {
    padded.assign(text);
    padded.push_back('\n');
    source = padded;
  }
  TSTree* tree = ts_parser_parse_string(holder.get(), nullptr, source.data(),
                                        static_cast<uint32_t>(source.size()));
  if (tree == nullptr) {
    ts_parser_reset(holder.get());
    out.timed_out = true;
    out.errors.push_back({0, "the shell parser gave up (time limit)"});
    return out;
  }
  TSNode root = ts_tree_root_node(tree);
  Reader reader(source, text.size(), &out);
  out.root = reader.Program(root);
  if (ts_node_has_error(root) && out.errors.empty() && ErrorNodes(root) > reader.recovered()) {
    out.errors.push_back({0, "syntax error"});
  }
  ts_tree_delete(tree);
  return out;
}

}  // namespace warden::shell
