#include "server/redact.h"

#include <boost/json.hpp>

#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

namespace warden::server {
namespace {

struct Pattern {
  std::unique_ptr<RE2> re;
  const char* rewrite;
};

struct Patterns {
  std::vector<Pattern> each;
  // Every pattern in one alternation: one linear DFA pass says whether any of them can match,
  // so text with no secret in it (nearly all of it) is not scanned once per pattern. Redacting
  // every string of every decision's facts was 80 % of the daemon's instructions without it.
  std::unique_ptr<RE2> any;
};

const Patterns& All() {
  static const auto* patterns = [] {
    auto* all = new Patterns;
    auto* v = &all->each;
    std::string any;
    auto add = [&](const char* re, const char* rewrite) {
      RE2::Options o;
      o.set_log_errors(false);
      v->push_back({std::make_unique<RE2>(re, o), rewrite});
      any += (any.empty() ? "(?:" : "|(?:") + std::string(re) + ")";
    };
    // First: the generic rule below would take the scheme word for the secret.
    add(R"((?i)(authorization:\s*(?:bearer|basic|token)\s+)[^\s'"]+)", "\\1[REDACTED]");
    // Values after a credential-looking name: --password=x, token=x, API_KEY=x, -pSECRET.
    add(R"((?i)((?:pass(?:word|wd)?|token|secret|api[_-]?key|access[_-]?key|auth)[a-z_-]*\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s'"&;|]+))",
        "\\1[REDACTED]");
    // URL query parameters named like a credential: ?key=…, &access_token=…, X-Amz-Signature=…
    add(R"((?i)([?&;][^=&#;\s]*(?:key|token|secret|passwd|password|pwd|signature|credential|session|sessionid|session_id|sig|code|auth)=)[^&#;\s'"]+)",
        "\\1[REDACTED]");
    add(R"((?i)(\b(?:mysql\w*|mariadb\w*)\b[^|;&\n]*?\s-p)[^\s'"]+)", "\\1[REDACTED]");  // mysql -pSECRET
    add(R"(([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@)", "\\1[REDACTED]@");
    add(R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)", "[REDACTED]");
    add(R"(\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})\b)",
        "[REDACTED]");
    add(R"(wdn_[A-Za-z0-9_-]{43})", "[REDACTED]");  // Warden's own API tokens, wherever they appear
    add(R"(\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b)", "[REDACTED]");
    add(R"(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$))", "[REDACTED]");
    RE2::Options o;
    o.set_log_errors(false);
    o.set_never_capture(true);
    all->any = std::make_unique<RE2>(any, o);
    return all;
  }();
  return *patterns;
}

}  // namespace

// Each pattern above needs one of these in the text (the case-insensitive ones in any case):
// '=' or '@' (credential assignments, URL query parameters, passwords in URLs), a credential
// word (authorization, password, token, secret, api/access key), "-p" (mysql -pSECRET), or a
// token format's own marker (AKIA, ASIA, gh…_, github_pat_, glpat-, xox, wdn_, eyJ, -----).
// One pass; a marker is compared only where its first character is. Keep this in step with
// the patterns: the HTTP fuzzer checks that nothing it rules out is ever changed by them.
namespace {

bool At(std::string_view t, size_t i, std::string_view m) { return t.compare(i, m.size(), m) == 0; }

bool AtFolded(std::string_view t, size_t i, std::string_view lower) {
  if (t.size() - i < lower.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k) {
    char c = t[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[k]) return false;
  }
  return true;
}

}  // namespace

bool MayHoldSecret(std::string_view t) {
  const size_t n = t.size();
  for (size_t i = 0; i < n; ++i) {
    switch (t[i]) {
      case '=':
      case '@':
        return true;
      case '-':
        if (AtFolded(t, i, "-p") || At(t, i, "-----")) return true;
        break;
      case 'A':
        if (n >= 20 && (At(t, i, "AKIA") || At(t, i, "ASIA"))) return true;
        [[fallthrough]];
      case 'a':
        if (AtFolded(t, i, "auth")) return true;
        break;
      case 'p':
      case 'P':
        if (AtFolded(t, i, "pass") || AtFolded(t, i, "pwd")) return true;
        break;
      case 't':
      case 'T':
        if (AtFolded(t, i, "token")) return true;
        break;
      case 's':
      case 'S':
        if (AtFolded(t, i, "secret")) return true;
        break;
      case 'k':
      case 'K':
        if (AtFolded(t, i, "key")) return true;
        break;
      case 'g':
        if (At(t, i, "gh") || At(t, i, "glpat-") || At(t, i, "github_pat_")) return true;
        break;
      case 'x':
        if (At(t, i, "xox")) return true;
        break;
      case 'w':
        if (At(t, i, "wdn_")) return true;
        break;
      case 'e':
        if (At(t, i, "eyJ")) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

void RedactJson(boost::json::value& v) {
  if (v.is_string()) {
    std::string_view s(v.get_string());
    if (!MayHoldSecret(s)) return;
    std::string r = RedactSecrets(s);
    if (r != s) v = boost::json::string(r);
  } else if (v.is_array()) {
    for (auto& x : v.get_array()) RedactJson(x);
  } else if (v.is_object()) {
    for (auto& kv : v.get_object()) RedactJson(kv.value());
  }
}

bool JsonMayHoldSecret(const boost::json::value& v) {
  if (v.is_string()) return MayHoldSecret(std::string_view(v.get_string()));
  if (v.is_array()) {
    for (const auto& x : v.get_array()) {
      if (JsonMayHoldSecret(x)) return true;
    }
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (JsonMayHoldSecret(kv.value())) return true;
    }
  }
  return false;
}

std::string RedactSecrets(std::string_view text) {
  if (!MayHoldSecret(text)) return std::string(text);
  const Patterns& all = All();
  std::string out(text);
  // A union that failed to compile (it never should) falls back to running every pattern.
  if (all.any->ok() && !RE2::PartialMatch(text, *all.any)) return out;
  for (const auto& p : all.each) {
    if (p.re->ok()) RE2::GlobalReplace(&out, *p.re, p.rewrite);
  }
  return out;
}

}  // namespace warden::server
