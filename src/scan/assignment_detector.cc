// Secrets recognized by their context rather than their format; the finding is the value only.
//
//   password-assignment   NAME OP VALUE, where NAME ends in password, passwd, passphrase, pwd,
//                         secret, token, or KIND[_-]key (KIND: api, access, secret, private,
//                         signing, encryption, master, auth, client, account, subscription,
//                         session, app), in any case and with any prefix (DB_PASSWORD,
//                         userPassword, client_secret); OP is = : := => or == (the last with a
//                         quoted value only); NAME may be quoted ("password": …, \"token\": …,
//                         config['secret'] = …) and so may VALUE.
//   aws-secret-key        the same, when NAME is an AWS secret access key's and VALUE its
//                         40 base64 characters.
//   authorization-header  Authorization: [Bearer|Basic|Token|Bot|Digest|Negotiate] CREDENTIAL
//   url-password          scheme://user:PASSWORD@host
//
// What is not a literal secret is no finding: a value that refers to something else ($VAR,
// ${…}, {{…}}, %s, <placeholder>, os.environ[…], args.password, getpass()), a type or keyword
// (None, null, str, string, await, …), a number, a masked value (****, xxxx), a name that
// holds the name's own word (token=GITHUB_TOKEN), a redaction marker, and, after ':', an
// unquoted value that does not end the line or the item (prose: "Password: enter it below").
// Names that are not credentials: PWD/OLDPWD, pagination tokens (next_token, pageToken, …), and
// any name that goes on after the word (password_hash, max_tokens).
#include <span>

#include "scan/detector.h"

namespace warden::scan::internal {
namespace {

constexpr Detector kPasswordAssignment{"password-assignment", Category::kSecret};
constexpr Detector kAwsSecretKey{"aws-secret-key", Category::kSecret};
constexpr Detector kAuthorizationHeader{"authorization-header", Category::kSecret};
constexpr Detector kUrlPassword{"url-password", Category::kSecret};

enum Word : uint8_t { kPassword, kPwd, kSecret, kToken, kKey };

bool IsNameChar(char c) {
  return IsAlnum(c) || c == '_' || c == '-';
}

// Where a name's word is preceded by an optional '_' or '-' (api_key, api-key, apiKey).
size_t BeforeSeparator(std::string_view t, size_t at) {
  return at > 0 && (t[at - 1] == '_' || t[at - 1] == '-') ? at - 1 : at;
}

bool EndsWithAny(std::string_view t, size_t end, std::span<const std::string_view> words) {
  for (std::string_view w : words) {
    if (FoldedEndsAt(t, end, w)) return true;
  }
  return false;
}

// Whether the name whose word (the anchor) starts at `at` is a credential's name.
bool NameQualifies(std::string_view t, size_t at, Word word) {
  static constexpr std::string_view kCursorTokens[] = {"page", "next",   "continuation", "cursor",
                                                       "sync", "resume", "pagination"};
  static constexpr std::string_view kKeyKinds[] = {"api",          "access",  "secret", "private", "signing",
                                                   "encryption",   "master",  "auth",   "client",  "account",
                                                   "subscription", "session", "app"};
  auto is_name = [&](size_t i) { return i > 0 && IsNameChar(t[i - 1]); };
  switch (word) {
    case kPwd:  // PWD and OLDPWD are the shell's working directories
      return is_name(at) && !(FoldedEndsAt(t, at, "old") && !is_name(at - 3));
    case kToken:
      return !EndsWithAny(t, BeforeSeparator(t, at), kCursorTokens);
    case kKey:
      return EndsWithAny(t, BeforeSeparator(t, at), kKeyKinds);
    default:
      return true;
  }
}

enum class Op : uint8_t { kNone, kAssign, kColon, kEquals };

// After the name: an optional closing quote (and bracket: config["password"]), spaces, then
// the operator. Returns the position after the operator.
size_t ReadOperator(std::string_view t, size_t i, Op* op) {
  *op = Op::kNone;
  if (t.substr(i, 2) == "\\\"" || t.substr(i, 2) == "\\'") {
    i += 2;
  } else if (i < t.size() && (t[i] == '"' || t[i] == '\'' || t[i] == '`')) {
    i += t.substr(i + 1, 1) == "]" ? 2 : 1;
  }
  i = SkipSpaces(t, i);
  auto at = [&](size_t k) { return k < t.size() ? t[k] : '\0'; };
  if (at(i) == ':' && at(i + 1) == '=') {
    *op = Op::kAssign;
    return i + 2;
  }
  if (at(i) == ':' && at(i + 1) != ':') {
    *op = Op::kColon;
    return i + 1;
  }
  if (at(i) != '=') return i;
  if (at(i + 1) == '>') {
    *op = Op::kAssign;
    return i + 2;
  }
  if (at(i + 1) != '=') {
    *op = Op::kAssign;
    return i + 1;
  }
  *op = Op::kEquals;
  return i + (at(i + 2) == '=' ? 3 : 2);
}

struct Value {
  size_t begin = 0, end = 0;
  bool quoted = false;
};

// A quoted value ends at its closing quote on the same line, within this many bytes; past
// that (or with none) the value is read as unquoted from after the opening quote.
constexpr size_t kMaxQuoted = 1024;

Value ReadValue(Context& ctx, size_t i) {
  std::string_view t = ctx.text();
  i = SkipSpaces(t, i);
  std::string_view close;
  if (ctx.At(i) == '\\' && (ctx.At(i + 1) == '"' || ctx.At(i + 1) == '\'')) {
    close = t.substr(i, 2);  // a quote inside a JSON string: \"…\"
  } else if (ctx.At(i) == '"' || ctx.At(i) == '\'' || ctx.At(i) == '`') {
    close = t.substr(i, 1);
  }
  size_t begin = i + close.size();
  if (!close.empty()) {
    const char quote = close.back();
    const bool escapes = close.size() == 1 && quote != '`';
    for (size_t j = begin; j < t.size() && j - begin < kMaxQuoted && t[j] != '\n' && t[j] != '\r'; ++j) {
      bool closes = close.size() == 1 ? t[j] == quote : t[j] == '\\' && j + 1 < t.size() && t[j + 1] == quote;
      if (closes) return {begin, j, true};
      if (escapes && t[j] == '\\') ++j;  // an escaped character
    }
  }
  return {begin, ctx.RunEnd(begin, Run::kUnquotedValue), false};
}

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

// a.b or a.b.c: a reference to another variable's field, not a literal (a JWT's base64 parts
// are longer than names usually are).
bool IsDottedIdentifier(std::string_view v) {
  bool dotted = false, start = true;
  size_t part = 0;
  for (char c : v.substr(0, 128)) {
    if (++part > 32) return false;
    if (c == '.') {
      if (start) return false;
      dotted = start = true;
      part = 0;
    } else if (start ? !IsIdentifierStart(c) : !(IsIdentifierStart(c) || (c >= '0' && c <= '9'))) {
      return false;
    } else {
      start = false;
    }
  }
  return dotted && !start;
}

bool IsPlaceholderWord(std::string_view v) {
  static constexpr std::string_view kWords[] = {
      "true",   "false",    "null",     "none",    "nil",   "undefined", "empty",    "required", "optional",
      "string", "str",      "bool",     "boolean", "int",   "integer",   "number",   "object",   "any",
      "await",  "new",      "function", "lambda",  "self",  "this",      "redacted", "hidden",   "masked",
      "secret", "password", "passwd",   "token",   "value", "default",   "unknown",  "unset",    "n/a"};
  for (std::string_view w : kWords) {
    if (v.size() == w.size() && FoldedAt(v, 0, w)) return true;
  }
  return false;
}

bool ContainsFolded(std::string_view v, std::string_view lower) {
  for (size_t i = 0; i + lower.size() <= v.size(); ++i) {
    if (FoldedAt(v, i, lower)) return true;
  }
  return false;
}

// Whether `v` could be a literal secret rather than a reference, a type, a number or a mask.
// Judged on its first bytes, so that a long value costs no more than a short one.
bool LooksLiteral(std::string_view v, std::string_view word) {
  if (v.size() < 4) return false;
  v = v.substr(0, 64);
  char c0 = v[0];
  if (c0 == '$' || c0 == '%' || c0 == '{' || c0 == '<' || c0 == '*' || v.substr(0, 9) == "[REDACTED") return false;
  bool digits = true, same = true;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    digits &= (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    same &= c == c0;
    if ((c == '{' || c == '$') && i + 1 < v.size() && v[i + 1] == '{') return false;  // {{ … }}, ${ … }
  }
  if (digits || same || IsPlaceholderWord(v)) return false;
  // A name that holds the word is a reference: token=GITHUB_TOKEN, password: args.password.
  bool name_like = true;
  for (char c : v) name_like &= IsAlnum(c) || c == '_' || c == '.' || c == '$';
  return !(name_like && ContainsFolded(v, word));
}

// Where the name that ends at `end` begins (letters, digits, _ - .), at most 64 bytes back.
size_t NameBegin(std::string_view t, size_t end) {
  size_t i = end;
  while (i > 0 && end - i < 64 && (IsNameChar(t[i - 1]) || t[i - 1] == '.')) --i;
  return i;
}

bool IsAwsSecret(std::string_view name, std::string_view value) {
  bool aws_name = FoldedEndsAt(name, name.size(), "secret_access_key") ||
                  FoldedEndsAt(name, name.size(), "secretaccesskey") ||
                  FoldedEndsAt(name, name.size(), "secret-access-key") ||
                  (ContainsFolded(name, "aws") && ContainsFolded(name, "secret"));
  if (!aws_name || value.size() != 40) return false;
  for (char c : value) {
    if (!IsAlnum(c) && c != '/' && c != '+') return false;
  }
  return true;
}

// An unquoted value in code is often an expression: a call (getpass()), an index
// (argv[1]), a field (settings.API_KEY); `==` compares, so only a quoted literal counts.
// After ':' (YAML, headers, prose) the value must end the line or the item: "Password: enter it
// below" is prose, while after '=' more may follow (`PASSWORD=x make test`).
bool UnquotedValueQualifies(const Context& ctx, Value v, Op op) {
  std::string_view value = ctx.text().substr(v.begin, v.end - v.begin);
  char next = ctx.At(v.end);
  if (op == Op::kEquals || next == '(' || next == '[' || IsDottedIdentifier(value)) return false;
  char after = ctx.At(SkipSpaces(ctx.text(), v.end));
  return op != Op::kColon || after == '\0' || after == '\n' || after == '\r' || after == '#' || after == ',' ||
         after == ';' || after == '}';
}

size_t VerifyAssignment(Context& ctx, size_t at, const Anchor& a) {
  std::string_view t = ctx.text();
  size_t name_end = at + a.literal.size();
  if (IsNameChar(ctx.At(name_end))) return at + 1;
  Op op;
  size_t after_op = ReadOperator(t, name_end, &op);
  if (op == Op::kNone || !NameQualifies(t, at, static_cast<Word>(a.variant))) return at + 1;
  Value v = ReadValue(ctx, after_op);
  std::string_view value = t.substr(v.begin, v.end - v.begin);
  if (!LooksLiteral(value, a.literal) || (!v.quoted && !UnquotedValueQualifies(ctx, v, op))) return at + 1;
  size_t name_begin = NameBegin(t, at);
  if (name_begin >= 10 && t.substr(name_begin - 10, 10) == "[REDACTED:") return at + 1;  // our own marker
  std::string_view name = t.substr(name_begin, name_end - name_begin);
  ctx.Add(IsAwsSecret(name, value) ? kAwsSecretKey : kPasswordAssignment, v.begin, v.end);
  return at + 1;
}

// Authorization: Bearer abc…, "authorization": "Basic …", Authorization=Token …
size_t VerifyAuthorization(Context& ctx, size_t at, const Anchor& a) {
  std::string_view t = ctx.text();
  size_t name_end = at + a.literal.size();
  if (IsAlnum(ctx.Before(at)) || MarkerEndsAt(t, at) || IsNameChar(ctx.At(name_end))) return at + 1;
  Op op;
  size_t i = ReadOperator(t, name_end, &op);
  if (op != Op::kColon && op != Op::kAssign) return at + 1;
  i = SkipSpaces(t, i);
  if (ctx.At(i) == '\\' && (ctx.At(i + 1) == '"' || ctx.At(i + 1) == '\'')) i += 2;
  if (ctx.At(i) == '"' || ctx.At(i) == '\'') ++i;
  static constexpr std::string_view kSchemes[] = {"bearer ", "basic ", "token ", "bot ", "digest ", "negotiate "};
  for (std::string_view scheme : kSchemes) {
    if (FoldedAt(t, i, scheme)) {
      i = SkipSpaces(t, i + scheme.size());
      break;
    }
  }
  size_t end = ctx.RunEnd(i, Run::kUnquotedValue);
  std::string_view credential = t.substr(i, end - i);
  if (credential.size() >= 8 && LooksLiteral(credential, "authorization")) ctx.Add(kAuthorizationHeader, i, end);
  return at + 1;
}

// scheme://user:password@host — the password.
size_t VerifyUrlPassword(Context& ctx, size_t at, const Anchor&) {
  std::string_view t = ctx.text();
  // RFC 3986 userinfo: unreserved, percent-encoded and sub-delimiters (but not quotes).
  auto in_userinfo = [](char c) {
    return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == '!' || c == '$' || c == '&' ||
           c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' || c == '=';
  };
  size_t i = at + 3;
  while (i < t.size() && i - at < 128 && in_userinfo(t[i]) && t[i] != ':') ++i;
  if (ctx.At(i) != ':') return at + 1;
  size_t begin = ++i;
  while (i < t.size() && i - begin < 256 && in_userinfo(t[i])) ++i;
  if (ctx.At(i) != '@' || i == begin || !(in_userinfo(ctx.At(i + 1)) || ctx.At(i + 1) == '[')) return at + 1;
  std::string_view password = t.substr(begin, i - begin);
  // $VAR, %s / %(name)s, **** and "user:password@" in documentation are no passwords.
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (Lower(c) >= 'a' && Lower(c) <= 'f'); };
  bool percent_escape = password[0] == '%' && password.size() > 2 && hex(password[1]) && hex(password[2]);
  if (password[0] == '$' || password[0] == '*' || (password[0] == '%' && !percent_escape) ||
      IsPlaceholderWord(password)) {
    return at + 1;
  }
  ctx.Add(kUrlPassword, begin, i);
  return at + 1;
}

// Pivots are two of the rarer adjacent bytes of each word.
constexpr Anchor kAnchors[] = {
    {"password", true, 3, VerifyAssignment, kPassword},
    {"passwd", true, 4, VerifyAssignment, kPassword},
    {"passphrase", true, 4, VerifyAssignment, kPassword},
    {"pwd", true, 1, VerifyAssignment, kPwd},
    {"secret", true, 2, VerifyAssignment, kSecret},
    {"token", true, 1, VerifyAssignment, kToken},
    {"key", true, 1, VerifyAssignment, kKey},
    {"authorization", true, 6, VerifyAuthorization},
    {"://", false, 0, VerifyUrlPassword},
};

}  // namespace

std::span<const Anchor> AssignmentAnchors() {
  return kAnchors;
}

}  // namespace warden::scan::internal
