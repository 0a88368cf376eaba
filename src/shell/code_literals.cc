#include "shell/code_literals.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/strings.h"
#include "shell/literal.h"
#include "shell/text_programs.h"

namespace warden::shell {
namespace {

char Closer(char open) {
  switch (open) {
    case '(': return ')';
    case '{': return '}';
    case '[': return ']';
    case '<': return '>';
    default: return open;
  }
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The body of a quote operator starting at code[open] (the delimiter); `*end` is past its closer.
std::string_view DelimitedBody(std::string_view code, size_t open, size_t* end) {
  const char o = code[open];
  const char c = Closer(o);
  int depth = 1;
  size_t k = open + 1;
  for (; k < code.size(); ++k) {
    if (code[k] == '\\') {
      ++k;
    } else if (c != o && code[k] == o) {
      ++depth;
    } else if (code[k] == c && --depth == 0) {
      break;
    }
  }
  *end = k < code.size() ? k + 1 : code.size();
  return code.substr(open + 1, std::min(k, code.size()) - open - 1);
}

// The quote operator at code[k] ("qx", "%w", …) and its kind: '"' string, '`' shell, 'w' words.
size_t QuoteOperator(std::string_view code, size_t k, char* kind) {
  if (k > 0 && (IsWordChar(code[k - 1]) || code[k - 1] == '$' || code[k - 1] == '@')) return 0;
  std::string_view rest = code.substr(k);
  struct Op {
    std::string_view text;
    char kind;
  };
  static constexpr Op kOps[] = {{"qx", '`'}, {"qq", '"'}, {"qw", 'w'}, {"q", '"'},  {"%x", '`'},
                                {"%Q", '"'}, {"%q", '"'}, {"%w", 'w'}, {"%W", 'w'}};
  for (const Op& op : kOps) {
    if (rest.substr(0, op.text.size()) != op.text) continue;
    size_t d = op.text.size();
    while (d < rest.size() && rest[d] == ' ' && op.text[0] == 'q') ++d;
    if (d >= rest.size()) return 0;
    const char delim = rest[d];
    const bool bracket = delim == '(' || delim == '{' || delim == '[' || delim == '<';
    if (IsWordChar(delim) || std::isspace(static_cast<unsigned char>(delim)) || delim == ',' || delim == ';' ||
        delim == '=' || delim == ')' || (d > op.text.size() && !bracket)) {
      return 0;
    }
    *kind = op.kind;
    return d;
  }
  return 0;
}

std::string Words(std::string_view body) {
  std::string out = "(";
  size_t k = 0;
  while (k < body.size()) {
    while (k < body.size() && std::isspace(static_cast<unsigned char>(body[k]))) ++k;
    size_t start = k;
    while (k < body.size() && !std::isspace(static_cast<unsigned char>(body[k]))) ++k;
    if (k > start) out += (out.size() > 1 ? ", \"" : "\"") + std::string(body.substr(start, k - start)) + "\"";
  }
  return out + ")";
}

// A string literal at code[k]; `*end` is past its closing quote, `*text` its unescaped text.
bool ReadLiteral(std::string_view code, size_t k, size_t* end, std::string* text) {
  const char q = code[k];
  text->clear();
  for (size_t i = k + 1; i < code.size(); ++i) {
    if (code[i] == '\\' && i + 1 < code.size()) {
      const char n = code[++i];
      *text += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else if (code[i] == q) {
      *end = i + 1;
      return true;
    } else {
      *text += code[i];
    }
  }
  return false;
}

// Text between two literals of one list: blanks, commas, opening brackets, list constructors.
bool ListSeparator(std::string_view between) {
  size_t k = 0;
  bool comma_or_blank = false;
  while (k < between.size()) {
    const char c = between[k];
    const bool empty_brackets = c == ']' && k > 0 && between[k - 1] == '[';  // new String[]{…}
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '[' || c == '(' || c == '{' || empty_brackets) {
      comma_or_blank = true;
      ++k;
      continue;
    }
    size_t start = k;
    while (k < between.size() && (IsWordChar(between[k]) || between[k] == '.' || between[k] == '!')) ++k;
    if (k == start) return false;
    static constexpr std::string_view kConstructors[] = {"list", "vector", "vec!", "array", "Array", "List.of",
                                                         "Arrays.asList", "arrayOf", "listOf", "new", "String",
                                                         "Array.of", "Vec", "c", "nil", "t"};
    std::string_view word = between.substr(start, k - start);
    // Deno.Command("rm", {args: [...]}): an options object's argument-list key.
    if (k < between.size() && between[k] == ':' && (word == "args" || word == "argv" || word == "arguments")) {
      ++k;
      continue;
    }
    bool known = false;
    for (auto ctor : kConstructors) known = known || word == ctor;
    if (!known) return false;
  }
  return comma_or_blank;
}

}  // namespace

std::string NormalizeQuoteOperators(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  size_t k = 0;
  while (k < code.size()) {
    char kind = 0;
    const size_t d = (code[k] == 'q' || code[k] == '%') ? QuoteOperator(code, k, &kind) : 0;
    if (d == 0) {
      out += code[k++];
      continue;
    }
    size_t end = 0;
    std::string_view body = DelimitedBody(code, k + d, &end);
    if (kind == 'w') {
      out += Words(body);
    } else {
      const char q = kind == '`' ? '`' : '"';
      out += q;
      for (char c : body) {
        if (c == q) out += '\\';
        out += c;
      }
      out += q;
    }
    k = end;
  }
  return out;
}

std::vector<std::string> LiteralStrings(std::string_view code) {
  std::vector<std::string> out;
  for (size_t k = 0; k < code.size() && out.size() < 64; ++k) {
    if (code[k] != '"' && code[k] != '\'') continue;
    size_t end = 0;
    std::string text;
    if (!ReadLiteral(code, k, &end, &text)) break;
    out.push_back(std::move(text));
    k = end - 1;
  }
  return out;
}

std::vector<std::vector<std::string>> LiteralLists(std::string_view code) {
  std::vector<std::vector<std::string>> lists;
  std::vector<std::string> current;
  size_t last_end = 0;
  for (size_t k = 0; k < code.size(); ++k) {
    if (code[k] != '"' && code[k] != '\'') continue;
    size_t end = 0;
    std::string text;
    if (!ReadLiteral(code, k, &end, &text)) break;
    if (!current.empty() && !ListSeparator(code.substr(last_end, k - last_end))) {
      if (current.size() >= 2) lists.push_back(std::move(current));
      current.clear();
    }
    current.push_back(std::move(text));
    last_end = end;
    k = end - 1;
  }
  if (current.size() >= 2) lists.push_back(std::move(current));
  return lists;
}

namespace {

// NAME( "LITERAL" …: the call's name (after a module or object prefix) and its first argument.
std::string CallPattern(std::string_view names) {
  return R"re((?:^|[^\w])(?:\w+\.)*(?:)re" + std::string(names) + R"re()\s*\(\s*["']([^"'\n]+)["'])re";
}

}  // namespace

std::vector<PathCall> PathCalls(std::string_view code) {
  if (code.find_first_of("\"'") == std::string_view::npos) return {};  // calls with a literal path only
  static const RE2 kDeleteTree(CallPattern(
      "rmtree|rm_rf|rm_r|remove_dir_all|RemoveAll|remove_tree|rimraf|rimrafSync|removeRecursively|deleteRecursively|"
      "rmSync|rmdirSync|fs\\.rm|fs\\.promises\\.rm|FileUtils\\.rm|FileUtils\\.remove_dir|os\\.remove|emptyDirSync|"
      "emptyDir|remove_entry|deleteDirectory|forceDelete|Directory\\.Delete|Deno\\.remove|Deno\\.removeSync|removeSync|"
      "fse?\\.remove|file\\.remove"));
  static const RE2 kDeleteOne(CallPattern(
      "unlink|unlinkSync|rmdir|remove_file|File\\.delete|Files\\.delete|File\\.Delete|deleteIfExists|truncate"));
  static const RE2 kWrite(CallPattern(
      "writeFileSync|appendFileSync|writeFile|appendFile|createWriteStream|file_put_contents|File\\.write|IO\\.write|"
      "Files\\.write|File\\.WriteAllText|File\\.AppendAllText|spit|write_file|symlinkSync|chmodSync|os\\.chmod|"
      "os\\.symlink|os\\.rename|os\\.replace|renameSync|fs\\.rename|os\\.chown|File\\.chmod|Deno\\.writeTextFile"));
  static const RE2 kOpenForWriting(
      R"re((?:^|[^\w])(?:open|fopen|File\.open|io\.open|codecs\.open)\s*\(\s*["']([^"'\n]+)["']\s*,\s*(?:mode\s*=\s*)?["'][^"']*[wax+])re");
  static const RE2 kPathMethod(
      R"re(Path\s*\(\s*["']([^"'\n]+)["']\s*\)\s*\.\s*(write_text|write_bytes|unlink|rmdir|touch|chmod|symlink_to|rename|replace))re");
  struct Kind {
    const RE2* re;
    FileOp op;
    bool recursive;
  };
  const Kind kinds[] = {{&kDeleteTree, FileOp::kDelete, true}, {&kDeleteOne, FileOp::kDelete, false},
                        {&kWrite, FileOp::kWrite, false}, {&kOpenForWriting, FileOp::kWrite, false}};
  std::vector<PathCall> out;
  const re2::StringPiece text(code.data(), std::min<size_t>(code.size(), 16 * 1024));
  std::string path, method;
  for (const Kind& k : kinds) {
    re2::StringPiece input = text;
    for (int guard = 0; guard < 32 && RE2::FindAndConsume(&input, *k.re, &path); ++guard) {
      out.push_back({k.op, k.recursive, path});
    }
  }
  re2::StringPiece input = text;
  for (int guard = 0; guard < 32 && RE2::FindAndConsume(&input, kPathMethod, &path, &method); ++guard) {
    const bool deletes = method == "unlink" || method == "rmdir" || method == "rename" || method == "replace";
    out.push_back({deletes ? FileOp::kDelete : FileOp::kWrite, false, path});
  }
  return out;
}

namespace {

// The home expressions of many languages (no capture groups: the pattern is embedded).
constexpr std::string_view kHomeExpression =
    R"re((?:require\(\s*["']os["']\s*\)\.homedir\(\)|Path\.home\(\)|pathlib\.Path\.home\(\)|os\.homedir\(\)|Dir\.home(?:\(\))?|homedir\(\)|path\.expand\(\s*["']~["']\s*\)|os\.path\.expanduser\(\s*["']~["']\s*\)|expanduser\(\s*["']~["']\s*\)|System\.user_home!?\(\)|System\.get_env\(\s*"HOME"\s*\)|os\.environ\s*\[\s*["']HOME["']\s*\]|os\.environ\.get\(\s*["']HOME["']\s*\)|os\.getenv\(\s*["']HOME["']\s*\)|process\.env\.HOME|process\.env\[\s*["']HOME["']\s*\]|\$ENV\{\s*["']?HOME["']?\s*\}|ENV\[\s*["']HOME["']\s*\]|ENVIRON\[\s*["']HOME["']\s*\]|ENV\.fetch\(\s*["']HOME["']\s*\)|Sys\.getenv\(\s*["']HOME["']\s*\)|System\.getenv\(\s*"HOME"\s*\)|System\.getProperty\(\s*"user\.home"\s*\)|getenv\(\s*["']HOME["']\s*\)|Deno\.env\.get\(\s*["']HOME["']\s*\)|os\.UserHomeDir\(\)|dirs::home_dir\(\)))re";

std::string Escaped(std::string_view replacement) {
  std::string out;
  for (char ch : replacement) {
    if (ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

namespace {

enum class Encoding { kBase64, kHex, kRot13 };

std::optional<std::string> Decode(Encoding e, std::string_view payload) {
  std::string compact;
  for (char c : payload) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  }
  switch (e) {
    case Encoding::kBase64: {
      for (char& c : compact) {  // the URL-safe alphabet
        if (c == '-') c = '+';
        if (c == '_') c = '/';
      }
      return DecodeBase64(compact);
    }
    case Encoding::kHex: return DecodeHex(compact);
    case Encoding::kRot13: {
      std::string out(payload);
      for (char& c : out) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
          const char base = std::islower(static_cast<unsigned char>(c)) ? 'a' : 'A';
          c = static_cast<char>(base + (c - base + 13) % 26);
        }
      }
      return out;
    }
  }
  return std::nullopt;
}

struct DecodingCall {
  Encoding encoding;
  const RE2* re;  // group 1: the literal's text
};

const std::vector<DecodingCall>& DecodingCalls() {
  // A quoted literal ('…' or "…") of the characters the encoding uses.
#define WARDEN_B64 R"re(["']([A-Za-z0-9+/=_\s-]*)["'])re"
#define WARDEN_HEX R"re(["']([0-9A-Fa-f\s]*)["'])re"
#define WARDEN_ANY R"re(["']([^"'\\]*)["'])re"
#define WARDEN_TAIL R"re((?:\s*\.\s*(?:decode|toString)\s*\([^)]*\))?)re"
  static const RE2 kB64Call(R"re((?:base64\s*\.\s*)?(?:b64decode|urlsafe_b64decode|decodebytes|decodestring|decode_base64|base64_decode|atob|Base64\s*\.\s*(?:decode64|strict_decode64|urlsafe_decode64))(?:\s*\(\s*b?)re" WARDEN_B64 R"re(\s*\)|\s+)re" WARDEN_B64 R"re())re" WARDEN_TAIL);
  static const RE2 kB64Buffer(R"re(Buffer\s*\.\s*from\s*\(\s*)re" WARDEN_B64 R"re(\s*,\s*["'](?:base64|base64url)["']\s*\))re" WARDEN_TAIL);
  static const RE2 kB64Unpack(WARDEN_B64 R"re(\s*\.\s*unpack1?\s*\(\s*["']m0?["']\s*\)(?:\s*\.\s*first|\s*\[\s*0\s*\])?)re");
  static const RE2 kHexCall(R"re((?:bytes\s*\.\s*fromhex|hex2bin|binascii\s*\.\s*(?:unhexlify|a2b_hex))\s*\(\s*b?)re" WARDEN_HEX R"re(\s*\))re" WARDEN_TAIL);
  static const RE2 kHexBuffer(R"re(Buffer\s*\.\s*from\s*\(\s*)re" WARDEN_HEX R"re(\s*,\s*["']hex["']\s*\))re" WARDEN_TAIL);
  static const RE2 kHexPack(R"re(pack(?:\s*\(\s*["']H\*["']\s*,\s*)re" WARDEN_HEX R"re(\s*\)|\s+["']H\*["']\s*,\s*)re" WARDEN_HEX R"re())re");
  static const RE2 kHexArrayPack(R"re(\[\s*)re" WARDEN_HEX R"re(\s*\]\s*\.\s*pack\s*\(\s*["']H\*["']\s*\))re");
  static const RE2 kHexCodecs(R"re(codecs\s*\.\s*decode\s*\(\s*b?)re" WARDEN_HEX R"re(\s*,\s*["']hex["']\s*\))re" WARDEN_TAIL);
  static const RE2 kRot13(R"re((?:codecs\s*\.\s*decode\s*\(\s*)re" WARDEN_ANY R"re(\s*,\s*["']rot[_-]?13["']\s*\)|str_rot13\s*\(\s*)re" WARDEN_ANY R"re(\s*\)))re");
#undef WARDEN_B64
#undef WARDEN_HEX
#undef WARDEN_ANY
#undef WARDEN_TAIL
  static const std::vector<DecodingCall> calls = {
      {Encoding::kBase64, &kB64Call},  {Encoding::kBase64, &kB64Buffer}, {Encoding::kBase64, &kB64Unpack},
      {Encoding::kHex, &kHexCall},     {Encoding::kHex, &kHexBuffer},    {Encoding::kHex, &kHexPack},
      {Encoding::kHex, &kHexArrayPack}, {Encoding::kHex, &kHexCodecs},   {Encoding::kRot13, &kRot13}};
  return calls;
}

}  // namespace

std::string WithDecodedLiterals(std::string_view code) {
  static constexpr std::string_view kHints[] = {"b64", "base64", "fromhex", "Buffer", "atob", "pack", "hex2bin",
                                                "unhexlify", "a2b_hex", "codecs", "rot13", "Base64"};
  if (std::none_of(std::begin(kHints), std::end(kHints), [&](std::string_view h) { return code.find(h) != std::string_view::npos; })) {
    return std::string(code);
  }
  std::string out(code);
  int replaced = 0;
  for (const DecodingCall& call : DecodingCalls()) {
    size_t from = 0;
    re2::StringPiece groups[3];
    while (replaced < 16 && from <= out.size() &&
           call.re->Match(out, from, out.size(), RE2::UNANCHORED, groups, 3)) {
      const re2::StringPiece payload = groups[1].data() != nullptr ? groups[1] : groups[2];
      const size_t start = static_cast<size_t>(groups[0].data() - out.data());
      const size_t length = groups[0].size();
      auto decoded = Decode(call.encoding, std::string_view(payload.data(), payload.size()));
      if (!decoded || length == 0) {
        from = start + std::max<size_t>(length, 1);
        continue;
      }
      const std::string literal = DoubleQuoted(*decoded);
      out.replace(start, length, literal);
      from = start + literal.size();
      ++replaced;
    }
  }
  return out;
}

std::string WithHomeLiterals(std::string_view code, std::string_view home) {
  // Inside a string the home is text: "#{Dir.home}", `${os.homedir()}`, f"{Path.home()}", and
  // Perl's "$ENV{HOME}" (which interpolates by itself); elsewhere it is a string literal.
  std::string out(code);
  // Every home expression names "home" (any case) or expands "~": without one, nothing to do
  // and nothing to compile.
  if (home.empty() || (!ContainsLower(out, "home") && out.find('~') == std::string::npos)) return out;
  static const RE2 kInterpolated("(?:#\\{|\\$\\{|\\{)\\s*" + std::string(kHomeExpression) + "\\s*\\}");
  static const RE2 kPerlInString(R"re(\$ENV\{\s*["']?HOME["']?\s*\}([^"']*["']))re");
  static const RE2 kHome{std::string(kHomeExpression)};
  RE2::GlobalReplace(&out, kInterpolated, Escaped(home));
  RE2::GlobalReplace(&out, kPerlInString, Escaped(home) + "\\1");
  RE2::GlobalReplace(&out, kHome, Escaped("\"" + std::string(home) + "\""));
  return out;
}

}  // namespace warden::shell
