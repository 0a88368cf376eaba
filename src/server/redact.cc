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

bool MayHoldSecret(std::string_view text) {
  for (char c : text) {
    if (c == '=' || c == ':' || c == '@' || c == '-' || c == '_' || c == '.') return true;
  }
  return text.size() >= 20 && (text.find("AKIA") != std::string_view::npos || text.find("ASIA") != std::string_view::npos);
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
