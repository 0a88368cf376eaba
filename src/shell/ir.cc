#include "shell/ir.h"

namespace warden::shell {

bool WordPart::operator==(const WordPart& o) const {
  return kind == o.kind && quoted == o.quoted && text == o.text && op == o.op &&
         direction == o.direction && body == o.body && inner == o.inner;
}
bool Word::operator==(const Word& o) const { return parts == o.parts; }
bool Assignment::operator==(const Assignment& o) const {
  return name == o.name && value == o.value && append == o.append && array == o.array;
}
bool Redirect::operator==(const Redirect& o) const {
  return op == o.op && fd == o.fd && target == o.target && heredoc == o.heredoc &&
         heredoc_quoted == o.heredoc_quoted;
}
bool Node::operator==(const Node& o) const {
  return kind == o.kind && children == o.children && ops == o.ops && assignments == o.assignments &&
         words == o.words && redirects == o.redirects && text == o.text && declaration == o.declaration;
}

namespace {

const char* KindName(Node::Kind k) {
  switch (k) {
    case Node::Kind::kSequence: return "seq";
    case Node::Kind::kPipeline: return "pipe";
    case Node::Kind::kSimple: return "cmd";
    case Node::Kind::kSubshell: return "subshell";
    case Node::Kind::kGroup: return "group";
    case Node::Kind::kIf: return "if";
    case Node::Kind::kLoop: return "loop";
    case Node::Kind::kFor: return "for";
    case Node::Kind::kCase: return "case";
    case Node::Kind::kFunction: return "function";
    case Node::Kind::kNegated: return "not";
    case Node::Kind::kTest: return "test";
    case Node::Kind::kError: return "error";
    case Node::Kind::kUnknown: return "unknown";
  }
  return "?";
}

void Quote(const std::string& s, std::string* out) {
  *out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') *out += '\\';
    if (c == '\n') {
      *out += "\\n";
      continue;
    }
    *out += c;
  }
  *out += '"';
}

void Append(const Node& n, std::string* out);

void Append(const Word& w, std::string* out) {
  *out += "(w";
  for (const auto& p : w.parts) {
    *out += ' ';
    switch (p.kind) {
      case WordPart::Kind::kText:
        if (p.quoted) *out += 'q';
        Quote(p.text, out);
        break;
      case WordPart::Kind::kParam:
        *out += "$" + p.text;
        if (!p.op.empty()) *out += "{" + p.op + "}";
        break;
      case WordPart::Kind::kCommandSub:
        *out += "$(";
        for (const auto& b : p.body) Append(b, out);
        *out += ")";
        break;
      case WordPart::Kind::kProcessSub:
        *out += p.direction;
        *out += "(";
        for (const auto& b : p.body) Append(b, out);
        *out += ")";
        break;
      case WordPart::Kind::kArith: *out += "$((…))"; break;
      case WordPart::Kind::kOpaque: *out += "?"; break;
    }
    for (const auto& in : p.inner) Append(in, out);
  }
  *out += ")";
}

void Append(const Node& n, std::string* out) {
  *out += "(";
  *out += KindName(n.kind);
  if (!n.text.empty()) {
    *out += ' ';
    Quote(n.text, out);
  }
  if (n.declaration) *out += " decl";
  for (const auto& a : n.assignments) {
    *out += " " + a.name + (a.append ? "+=" : "=") + (a.array ? "[]" : "");
    Append(a.value, out);
  }
  for (const auto& w : n.words) {
    *out += ' ';
    Append(w, out);
  }
  for (const auto& r : n.redirects) {
    *out += " (redir " + (r.fd >= 0 ? std::to_string(r.fd) : std::string()) + r.op + " ";
    Append(r.target, out);
    if (r.op == "<<" || r.op == "<<-") {
      *out += r.heredoc_quoted ? " quoted " : " ";
      Append(r.heredoc, out);
    }
    *out += ")";
  }
  for (size_t i = 0; i < n.children.size(); ++i) {
    *out += ' ';
    Append(n.children[i], out);
    if (i < n.ops.size()) *out += " " + (n.ops[i] == "\n" ? std::string("\\n") : n.ops[i]);
  }
  *out += ")";
}

}  // namespace

std::string DebugString(const Node& node) {
  std::string out;
  Append(node, &out);
  return out;
}

std::string DebugString(const Word& word) {
  std::string out;
  Append(word, &out);
  return out;
}

}  // namespace warden::shell
