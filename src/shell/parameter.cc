// Parameter expansion: $NAME and ${NAME OP WORD} with the values the analysis knows — case
// changes, length, prefix/suffix removal, pattern replacement, substrings, defaults — and
// what bash itself provides (PWD, IFS, FUNCNAME). What is not known stays ${…}, marked dynamic.
#include <algorithm>
#include <optional>

#include "core/glob.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

constexpr std::string_view kDefaultIfs = " \t\n";

using Operands = std::vector<std::optional<std::string>>;

std::optional<std::string> Operand(const Operands& operands, size_t i) {
  return i < operands.size() ? operands[i] : std::optional<std::string>(std::string());
}

char ChangeCase(char c, bool upper) {
  auto u = static_cast<unsigned char>(c);
  return static_cast<char>(upper ? toupper(u) : tolower(u));
}

// ${x^^} ${x,,} ${x^} ${x,}
std::string CaseOp(std::string value, std::string_view op) {
  const bool upper = op[0] == '^';
  if (op.size() == 2) {
    for (char& c : value) c = ChangeCase(c, upper);
  } else if (!value.empty()) {
    value[0] = ChangeCase(value[0], upper);
  }
  return value;
}

// ${x#p} ${x##p} ${x%p} ${x%%p}: the shortest or longest matching prefix or suffix removed.
std::optional<std::string> TrimOp(const std::string& value, std::string_view op, const Operands& operands) {
  auto pattern = Operand(operands, 0);
  if (!pattern) return std::nullopt;
  auto glob = Glob::Compile(*pattern, Glob::Mode::kText);
  if (!glob.ok()) return std::nullopt;
  const bool prefix = op[0] == '#', longest = op.size() == 2;
  const size_t n = value.size();
  for (size_t k = 0; k <= n; ++k) {
    size_t len = longest ? n - k : k;
    std::string_view piece = prefix ? std::string_view(value).substr(0, len) : std::string_view(value).substr(n - len);
    if (glob->Match(piece)) return prefix ? value.substr(len) : value.substr(0, n - len);
  }
  return value;
}

// The longest match of `glob` at `i` (anchored at the end for /%), if any.
std::optional<size_t> MatchAt(const Glob& glob, std::string_view value, size_t i, std::string_view op,
                              bool empty_pattern) {
  for (size_t len = value.size() - i + 1; len-- > 0;) {
    if (op == "/%" && i + len != value.size()) continue;
    if (glob.Match(value.substr(i, len)) && (len > 0 || empty_pattern)) return len;
  }
  return std::nullopt;
}

// ${x/p/r} ${x//p/r} ${x/#p/r} ${x/%p/r}
std::optional<std::string> ReplaceOp(const std::string& value, std::string_view op, const Operands& operands) {
  auto pattern = Operand(operands, 0), replacement = Operand(operands, 1);
  if (!pattern || !replacement) return std::nullopt;
  auto glob = Glob::Compile(*pattern, Glob::Mode::kText);
  if (!glob.ok()) return std::nullopt;
  std::string out;
  size_t i = 0;
  bool replaced = false;
  while (i <= value.size()) {
    if ((replaced && op != "//") || (op == "/#" && i > 0)) break;
    std::optional<size_t> match = MatchAt(*glob, value, i, op, pattern->empty());
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

// ${x:offset} ${x:offset:length}
std::optional<std::string> SubstringOp(const std::string& value, const Operands& operands) {
  auto off = Operand(operands, 0), len = Operand(operands, 1);
  if (!off) return std::nullopt;
  if (off->empty()) off = std::string("0");  // ${X::-1}: the offset left out is 0
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

// Applies ${name OP operands} to a known value; nullopt when the result is not known.
std::optional<std::string> ApplyOperator(const std::string& value, std::string_view op, const Operands& operands) {
  if (op == "^^" || op == ",," || op == "^" || op == ",") return CaseOp(value, op);
  if (op == "len") return std::to_string(value.size());
  if (value.size() > 4096) return std::nullopt;
  if (op == "#" || op == "##" || op == "%" || op == "%%") return TrimOp(value, op, operands);
  if (op == "/" || op == "//" || op == "/#" || op == "/%") return ReplaceOp(value, op, operands);
  if (op == ":") return SubstringOp(value, operands);
  // ${x::length}: the parser reads "::" as one operator, the offset left out.
  if (op == "::") return SubstringOp(value, Operands{std::string(), Operand(operands, 0)});
  return std::nullopt;
}

}  // namespace

const Value* Analyzer::Lookup(std::string_view name, const State& st, Value* scratch) const {
  if (auto it = st.vars.find(name); it != st.vars.end()) return &it->second;
  std::optional<std::string> text;
  if (name == "PWD" && st.cwds.size() == 1 && !st.cwd_unknown) text = st.cwds[0];
  if (name == "IFS") text = std::string(kDefaultIfs);
  if (name == "FUNCNAME" && !call_stack_.empty()) text = call_stack_.back();
  if (!text) return nullptr;
  scratch->text = std::move(*text);
  scratch->known = true;
  return scratch;
}

// ${a[N]} and ${a[*]} of an array whose items are known.
std::optional<std::string> Analyzer::ArrayItem(const WordPart& p, const State& st) const {
  if (p.inner.size() != 1 || p.inner[0].parts.empty()) return std::nullopt;
  for (const WordPart& part : p.inner[0].parts) {
    if (part.kind != WordPart::Kind::kText) return std::nullopt;  // $(…), $x: not a literal subscript
  }
  // The subscript as written (the parser keeps "1" of "-1" only), blanks trimmed.
  const size_t open = p.text.find('['), close = p.text.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close <= open) return std::nullopt;
  const std::string index(Trim(std::string_view(p.text).substr(open + 1, close - open - 1)));
  auto it = st.vars.find(p.text.substr(0, p.text.find('[')));
  if (it == st.vars.end() || !it->second.known || it->second.words.empty()) return std::nullopt;
  const auto& words = it->second.words;
  if (index == "*" || index == "@") {
    std::string joined;
    for (size_t i = 0; i < words.size(); ++i) joined += (i ? " " : "") + words[i];
    return joined;
  }
  // N, or -N counting from the end (${a[-1]} is the last item)
  const bool from_end = !index.empty() && index[0] == '-';
  const std::string_view digits = std::string_view(index).substr(from_end ? 1 : 0);
  if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  const size_t n = std::stoul(std::string(digits));
  if (from_end && (n == 0 || n > words.size())) return std::nullopt;  // bash: a bad subscript
  const size_t i = from_end ? words.size() - n : n;
  return i < words.size() ? std::optional<std::string>(words[i]) : std::optional<std::string>(std::string());
}

// ${a[i]}: the index is arithmetic, so a variable named there is evaluated.
void Analyzer::ScanIndex(const WordPart& p, State& st, const Ctx& ctx) {
  Value scratch;
  for (const auto& inner : p.inner) {
    if (inner.parts.size() != 1 || inner.parts[0].kind != WordPart::Kind::kText || !IsIdentifier(inner.parts[0].text)) {
      continue;
    }
    if (const Value* v = Lookup(inner.parts[0].text, st, &scratch); v && v->known) {
      ScanEvaluated(v->text, "array index", st, ctx);
    }
  }
}

void Analyzer::ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out) {
  // Expand the operands once, which also analyzes their substitutions: expanding them a second
  // time below was exponential in the nesting of ${a:-${b:-…}}.
  Operands operands;
  for (const auto& inner : p.inner) {
    Expanded x = Expand(inner, st, ctx);
    operands.push_back((x.bits & kArgDynamic) ? std::nullopt : std::optional<std::string>(x.text));
  }
  Value scratch;
  const std::string& op = p.op;
  auto dynamic = [&](const Value* v) {
    out->bits |= kArgDynamic;
    if (v) out->bits |= v->bits & kArgWarden;
    if (v && v->taint.tainted()) out->taint = v->taint;
    out->text += "${" + p.text + "}";
  };
  if ((op == ":=" || op == "=") && IsWardenVariable(p.text)) {
    Signal(kSignalWardenTamper, "${" + p.text + op + "…} assigns a variable Warden's programs read");
  }
  if (op == "[]") {
    ScanIndex(p, st, ctx);
    if (auto item = ArrayItem(p, st)) {
      out->text += *item;
      return;
    }
  }
  if (op == "indirect") {
    // ${!name}: the variable name holds — ${!#} is the last positional parameter.
    const Value* ref = Lookup(p.text, st, &scratch);
    Value second;
    const Value* target = ref && ref->known && !ref->text.empty() &&
                                  (IsIdentifier(ref->text) || ref->text.find_first_not_of("0123456789") == std::string::npos)
                              ? Lookup(ref->text, st, &second)
                              : nullptr;
    if (target == nullptr || !target->known) return dynamic(target);
    out->text += target->text;
    out->bits |= target->bits;
    if (target->taint.tainted()) out->taint = target->taint;
    return;
  }
  if (op == "[]") return dynamic(nullptr);
  const Value* v = Lookup(p.text, st, &scratch);
  const bool defaulting = op == ":-" || op == "-" || op == ":=" || op == "=";
  if (defaulting && (v == nullptr || (v->known && v->text.empty() && op.size() == 2))) {
    // ${X:-/}: a variable neither the command nor the environment Warden knows of sets takes its
    // default — the reading the command is written for; an empty one takes it for sure.
    if (operands.empty() || !operands[0]) return dynamic(v);
    out->text += *operands[0];
    if (op.back() == '=' && IsIdentifier(p.text)) st.vars[p.text] = Value{.text = *operands[0], .known = true};
    return;
  }
  if (!v || !v->known) {
    // Prompt expansion runs the command substitutions the value holds; unknown stays unknown.
    return dynamic(v);
  }
  if (op == "@P" || op == "@E") {
    if (op == "@P") ScanEvaluated(v->text, "${…@P}", st, ctx);
    return dynamic(v);
  }
  const bool set_nonempty = !v->text.empty() || op.size() == 1;  // ${x-d} tests set, ${x:-d} non-empty
  if (op.empty() || op == ":?" || op == "?" || ((op == ":-" || op == "-" || op == ":=" || op == "=") && set_nonempty)) {
    out->text += v->text;
    if (op.empty() || op.back() != '?') out->bits |= v->bits;
    if (op.empty() && v->taint.tainted()) out->taint = v->taint;
    return;
  }
  if (op == ":+" || op == "+") {
    if (!set_nonempty || operands.empty() || !operands[0]) return dynamic(v);
    out->text += *operands[0];
    return;
  }
  auto r = ApplyOperator(v->text, op, operands);
  if (!r) return dynamic(v);
  out->text += *r;
  if (HasGlobChar(*r)) out->bits |= v->bits & kArgPattern;
}

}  // namespace warden::shell
