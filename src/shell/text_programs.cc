#include "shell/text_programs.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/strings.h"

namespace warden::shell {
namespace {

// Limits: what is evaluated is small; anything bigger is left unknown.
constexpr size_t kMaxInput = 64 * 1024;
constexpr size_t kMaxLines = 256;
constexpr size_t kMaxCommands = 64;
constexpr size_t kMaxProgram = 4096;
constexpr size_t kMaxOutput = 256 * 1024;  // s/x/xx/g repeated doubles a line each time

struct SedCommand {
  char kind = 0;  // 's', 'p', 'd', 'e'
  std::shared_ptr<const RE2> re;
  std::string rewrite;  // RE2's rewrite syntax
  bool global = false, print = false, execute = false;
  std::string text;  // e CMD
};

// A basic regular expression (BRE) in RE2's syntax: \( \) \{ \} \+ \? \| are the operators,
// their bare forms literal characters.
std::string BreToRe2(std::string_view bre) {
  std::string out;
  for (size_t i = 0; i < bre.size(); ++i) {
    const char c = bre[i];
    if (c == '\\' && i + 1 < bre.size()) {
      const char n = bre[++i];
      if (std::string_view("(){}+?|").find(n) != std::string_view::npos) {
        out += n;
      } else {
        out += '\\';
        out += n;
      }
    } else if (std::string_view("(){}+?|").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

// sed's replacement in RE2's rewrite syntax: & is the match, \N a group, \n a newline.
std::string SedRewrite(std::string_view replacement) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '&') {
      out += "\\0";
    } else if (c == '\\' && i + 1 < replacement.size()) {
      const char n = replacement[++i];
      if (std::isdigit(static_cast<unsigned char>(n))) {
        out += '\\';
        out += n;
      } else if (n == 'n') {
        out += '\n';
      } else if (n == 't') {
        out += '\t';
      } else if (n == '\\') {
        out += "\\\\";
      } else {
        out += n;
      }
    } else {
      out += c;
    }
  }
  return out;
}

// The part of `s` from `*i` up to the next unescaped `sep` (\sep is sep itself); *i ends on it.
std::optional<std::string> Delimited(std::string_view s, size_t* i, char sep) {
  std::string out;
  for (; *i < s.size(); ++*i) {
    if (s[*i] == '\\' && *i + 1 < s.size()) {
      if (s[*i + 1] != sep) out += '\\';
      out += s[++*i];
    } else if (s[*i] == sep) {
      return out;
    } else {
      out += s[*i];
    }
  }
  return std::nullopt;
}

// s/RE/REPLACEMENT/FLAGS at s[*i] == 's'; *i ends after the flags.
bool ParseSubstitution(std::string_view s, size_t* i, bool extended, SedCommand* cmd) {
  if (*i + 1 >= s.size()) return false;
  const char sep = s[*i + 1];
  if (sep == '\n' || sep == '\\') return false;
  *i += 2;
  auto pattern = Delimited(s, i, sep);
  if (!pattern) return false;
  ++*i;
  auto replacement = Delimited(s, i, sep);
  if (!replacement) return false;
  bool icase = false;
  for (++*i; *i < s.size() && s[*i] != ';' && s[*i] != '\n'; ++*i) {
    switch (s[*i]) {
      case 'g': cmd->global = true; break;
      case 'p': cmd->print = true; break;
      case 'e': cmd->execute = true; break;
      case 'i': case 'I': icase = true; break;
      case ' ': break;
      default: return false;  // a count, w FILE, m: not evaluated
    }
  }
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(!icase);
  cmd->re = std::make_shared<const RE2>(extended ? *pattern : BreToRe2(*pattern), o);
  cmd->rewrite = SedRewrite(*replacement);
  std::string error;
  cmd->kind = 's';
  return cmd->re->ok() && cmd->re->CheckRewriteString(cmd->rewrite, &error);
}

bool ParseSed(std::string_view s, bool extended, std::vector<SedCommand>* out) {
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == ';' || s[i] == '\n') {
      ++i;
      continue;
    }
    if (out->size() >= kMaxCommands) return false;
    SedCommand cmd;
    cmd.kind = s[i];
    if (s[i] == 's') {
      if (!ParseSubstitution(s, &i, extended, &cmd)) return false;
    } else if (s[i] == 'p' || s[i] == 'd') {
      ++i;
    } else if (s[i] == 'c') {  // c TEXT (GNU one-line form): the line is replaced by TEXT
      size_t end = s.find('\n', i);
      if (end == std::string_view::npos) end = s.size();
      std::string_view text = Trim(s.substr(i + 1, end - i - 1));
      if (!text.empty() && text[0] == '\\') text.remove_prefix(1);
      cmd.text = std::string(text);
      i = end;
    } else if (s[i] == 'e') {
      size_t end = s.find('\n', i);
      if (end == std::string_view::npos) end = s.size();
      cmd.text = std::string(Trim(s.substr(i + 1, end - i - 1)));
      if (!cmd.text.empty() && cmd.text[0] == ';') cmd.text.clear();  // "e;…": a bare e
      i = cmd.text.empty() ? i + 1 : end;
    } else {
      return false;  // an address, a block, another command
    }
    out->push_back(std::move(cmd));
  }
  return true;
}

enum class LineEnd { kPrinted, kDeleted, kTooBig };

// One line through the commands.
LineEnd SedLine(const std::vector<SedCommand>& commands, std::string* ps, SedRun* run) {
  for (const SedCommand& cmd : commands) {
    if (cmd.kind == 'd') return LineEnd::kDeleted;
    if (cmd.kind == 'c') {
      if (run->output) *run->output += cmd.text + "\n";
      return LineEnd::kDeleted;
    }
    if (cmd.kind == 'p') {
      if (run->output) *run->output += *ps + "\n";
    } else if (cmd.kind == 'e') {
      run->executed.push_back(cmd.text.empty() ? *ps : cmd.text);
      run->output.reset();  // what the command prints is not known
    } else if (cmd.kind == 's') {
      const bool replaced = cmd.global ? RE2::GlobalReplace(ps, *cmd.re, cmd.rewrite) > 0 : RE2::Replace(ps, *cmd.re, cmd.rewrite);
      if (ps->size() > kMaxInput) return LineEnd::kTooBig;
      if (!replaced) continue;
      if (cmd.execute) {
        run->executed.push_back(*ps);
        run->output.reset();
      }
      if (cmd.print && run->output) *run->output += *ps + "\n";
    }
    if (run->output && run->output->size() > kMaxOutput) return LineEnd::kTooBig;
  }
  return LineEnd::kPrinted;
}

bool IsIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The end of the string literal starting at code[i] == '"' (the index after its closing quote).
size_t LiteralEnd(std::string_view code, size_t i) {
  for (++i; i < code.size(); ++i) {
    if (code[i] == '\\') {
      ++i;
    } else if (code[i] == '"') {
      return i + 1;
    }
  }
  return code.size();
}

// awk tokens for AwkOutput: string literals, words, and single punctuation characters.
std::vector<std::string_view> AwkTokens(std::string_view code) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < code.size();) {
    const char c = code[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '"') {
      const size_t end = LiteralEnd(code, i);
      out.push_back(code.substr(i, end - i));
      i = end;
    } else if (IsIdentifierStart(c)) {
      size_t end = i;
      while (end < code.size() && IsIdentifierChar(code[end])) ++end;
      out.push_back(code.substr(i, end - i));
      i = end;
    } else {
      out.push_back(code.substr(i, 1));
      ++i;
    }
  }
  return out;
}

// printf's format with %s and %c filled from `args` (other conversions: nullopt).
std::optional<std::string> Printf(const std::string& format, const std::vector<std::string>& args) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
    } else if (i + 1 < format.size() && format[i + 1] == '%') {
      out += '%';
      ++i;
    } else if (i + 1 < format.size() && (format[i + 1] == 's' || format[i + 1] == 'c') && next < args.size()) {
      out += format[i + 1] == 's' ? args[next] : args[next].substr(0, 1);
      ++next;
      ++i;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// One print/printf statement from tokens [i, end): its output.
std::optional<std::string> AwkStatement(const std::vector<std::string_view>& t, size_t i, size_t end) {
  const bool printf = t[i] == "printf";
  if (!printf && t[i] != "print") return std::nullopt;
  ++i;
  if (i < end && t[i] == "(" && t[end - 1] == ")") {
    ++i;
    --end;
  }
  std::vector<std::string> args(1);
  for (; i < end; ++i) {
    if (t[i] == ",") {
      args.emplace_back();
      continue;
    }
    auto value = DoubleQuotedValue(t[i]);
    if (!value) return std::nullopt;  // a variable, a field, a pipe, a redirection
    args.back() += *value;  // juxtaposed strings concatenate
  }
  if (printf) {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    return Printf(args[0], rest);
  }
  std::string line;
  for (size_t k = 0; k < args.size(); ++k) line += (k ? " " : "") + args[k];
  return line + "\n";
}

}  // namespace

std::optional<SedRun> EvaluateSed(const std::vector<std::string>& scripts, bool extended, bool quiet,
                                  std::string_view input) {
  if (input.size() > kMaxInput || scripts.empty()) return std::nullopt;
  std::vector<SedCommand> commands;
  for (const std::string& s : scripts) {
    if (s.size() > kMaxProgram || !ParseSed(s, extended, &commands)) return std::nullopt;
  }
  SedRun run;
  run.output.emplace();
  std::vector<std::string_view> lines = Split(input, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() > kMaxLines) return std::nullopt;
  for (std::string_view line : lines) {
    std::string ps(line);
    const LineEnd end = SedLine(commands, &ps, &run);
    if (end == LineEnd::kTooBig) return std::nullopt;
    if (end == LineEnd::kPrinted && !quiet && run.output) *run.output += ps + "\n";
    if (run.output && run.output->size() > kMaxOutput) return std::nullopt;
  }
  return run;
}

std::string WithAwkVariables(std::string_view code, const std::vector<std::pair<std::string, std::string>>& vars) {
  if (vars.empty() || code.size() > 16 * kMaxProgram) return std::string(code);
  std::string out;
  for (size_t i = 0; i < code.size();) {
    if (code[i] == '"') {
      const size_t end = LiteralEnd(code, i);
      out.append(code.substr(i, end - i));
      i = end;
    } else if (IsIdentifierStart(code[i]) && (i == 0 || !IsIdentifierChar(code[i - 1]))) {
      size_t end = i;
      while (end < code.size() && IsIdentifierChar(code[end])) ++end;
      const std::string_view name = code.substr(i, end - i);
      const auto var = std::find_if(vars.begin(), vars.end(), [&](const auto& v) { return v.first == name; });
      out += var != vars.end() ? DoubleQuoted(var->second) : std::string(name);
      i = end;
    } else {
      out += code[i++];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> AwkStringAssignments(std::string_view code) {
  std::vector<std::pair<std::string, std::string>> out;
  if (code.size() > 16 * kMaxProgram) return out;
  for (size_t i = 0; i < code.size();) {
    if (code[i] == '"') {
      i = LiteralEnd(code, i);
      continue;
    }
    if (!IsIdentifierStart(code[i]) || (i > 0 && (IsIdentifierChar(code[i - 1]) || code[i - 1] == '$'))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < code.size() && IsIdentifierChar(code[end])) ++end;
    size_t eq = end;
    while (eq < code.size() && (code[eq] == ' ' || code[eq] == '\t')) ++eq;
    size_t lit = eq + 1;
    while (lit < code.size() && (code[lit] == ' ' || code[lit] == '\t')) ++lit;
    if (eq < code.size() && code[eq] == '=' && (eq + 1 >= code.size() || code[eq + 1] != '=') && lit < code.size() &&
        code[lit] == '"') {
      const size_t close = LiteralEnd(code, lit);
      auto value = DoubleQuotedValue(code.substr(lit, close - lit));
      const std::string name(code.substr(i, end - i));
      if (value && std::none_of(out.begin(), out.end(), [&](const auto& v) { return v.first == name; })) {
        out.emplace_back(name, *value);
      }
      i = close;
      continue;
    }
    i = end;
  }
  return out;
}

std::string JoinedAwkLiterals(std::string_view code) {
  std::string out;
  for (size_t i = 0; i < code.size();) {
    if (code[i] != '"') {
      out += code[i++];
      continue;
    }
    size_t end = LiteralEnd(code, i);
    std::string literal(code.substr(i, end - i));
    // "a" "b": drop the closing and opening quotes between them
    for (size_t next = end; next < code.size();) {
      size_t k = next;
      while (k < code.size() && (code[k] == ' ' || code[k] == '\t')) ++k;
      if (k >= code.size() || code[k] != '"' || literal.size() < 2 || literal.back() != '"') break;
      const size_t close = LiteralEnd(code, k);
      literal.pop_back();
      literal.append(code.substr(k + 1, close - k - 1));
      end = next = close;
    }
    out += literal;
    i = end;
  }
  return out;
}

std::string WithoutAwkLiteralPipes(std::string_view code) {
  if (code.find('|') == std::string_view::npos) return std::string(code);
  static const RE2 kGetline(R"re("(?:[^"\\]|\\.)*"\s*\|\s*getline)re");
  static const RE2 kPrintPipe(R"re(print[f]?\b(?:[^;|{}"]*|\s*\(?\s*"(?:[^"\\]|\\.)*"\s*\)?\s*)\|&?\s*\(?\s*"(?:[^"\\]|\\.)*"\s*\)?)re");
  std::string out = JoinedAwkLiterals(code);
  RE2::GlobalReplace(&out, kGetline, "getline");
  RE2::GlobalReplace(&out, kPrintPipe, "print");
  return out;
}

// The output of one block's statements (tokens [i, end) inside its braces).
std::optional<std::string> AwkBlock(const std::vector<std::string_view>& t, size_t i, size_t end) {
  std::string out;
  size_t start = i;
  for (size_t k = i; k <= end; ++k) {
    if (k < end && t[k] == "{") return std::nullopt;  // a nested block
    if (k < end && t[k] != ";" && t[k] != "\n") continue;
    if (k > start) {
      auto printed = AwkStatement(t, start, k);
      if (!printed) return std::nullopt;
      out += *printed;
    }
    start = k + 1;
  }
  return out;
}

std::optional<std::string> AwkOutput(std::string_view code, std::optional<size_t> lines) {
  if (code.size() > kMaxProgram) return std::nullopt;
  const std::vector<std::string_view> t = AwkTokens(code);
  std::string begin, each, end;
  bool has_each = false;
  for (size_t i = 0; i < t.size();) {
    if (t[i] == "\n" || t[i] == ";") {
      ++i;
      continue;
    }
    const std::string_view label = t[i] == "BEGIN" || t[i] == "END" ? t[i] : std::string_view();
    const size_t open = label.empty() ? i : i + 1;
    if (open >= t.size() || t[open] != "{") return std::nullopt;  // a pattern, a function
    size_t close = open + 1;
    while (close < t.size() && t[close] != "}") ++close;
    if (close >= t.size()) return std::nullopt;
    auto printed = AwkBlock(t, open + 1, close);
    if (!printed) return std::nullopt;
    (label == "BEGIN" ? begin : label == "END" ? end : each) += *printed;
    has_each = has_each || label.empty();
    i = close + 1;
  }
  if (has_each && !lines) return std::nullopt;  // runs once per input line: how many is not known
  std::string out = begin;
  for (size_t k = 0; has_each && k < std::min<size_t>(*lines, 256); ++k) out += each;
  return out + end;
}

std::string DoubleQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::optional<std::string> DoubleQuotedValue(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"') return std::nullopt;
  const std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') return std::nullopt;  // two literals, not one
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    const char n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'u': {
        unsigned code = 0;
        if (i + 4 >= body.size()) return std::nullopt;
        for (int k = 0; k < 4; ++k) {
          const char h = body[++i];
          if (!std::isxdigit(static_cast<unsigned char>(h))) return std::nullopt;
          code = code * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        if (code < 0x80) {
          out += static_cast<char>(code);
        } else if (code < 0x800) {
          out += static_cast<char>(0xC0 | (code >> 6));
          out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (code >> 12));
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (code & 0x3F));
        }
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          unsigned code = static_cast<unsigned>(n - '0');
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k) {
            code = code * 8 + static_cast<unsigned>(body[++i] - '0');
          }
          out += static_cast<char>(code & 0xFF);
        } else {
          out += n;  // \\ \" \/ and the rest: the character itself
        }
    }
  }
  return out;
}

}  // namespace warden::shell
