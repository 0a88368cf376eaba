#include "server/redact.h"

#include <re2/re2.h>

#include <memory>
#include <vector>

namespace warden::server {
namespace {

struct Pattern {
  std::unique_ptr<RE2> re;
  const char* rewrite;
};

const std::vector<Pattern>& Patterns() {
  static const auto* patterns = [] {
    auto* v = new std::vector<Pattern>;
    auto add = [&](const char* re, const char* rewrite) {
      RE2::Options o;
      o.set_log_errors(false);
      v->push_back({std::make_unique<RE2>(re, o), rewrite});
    };
    // First: the generic rule below would take the scheme word for the secret.
    add(R"((?i)(authorization:\s*(?:bearer|basic|token)\s+)[^\s'"]+)", "\\1[REDACTED]");
    // Values after a credential-looking name: --password=x, token=x, API_KEY=x, -pSECRET.
    add(R"((?i)((?:pass(?:word|wd)?|token|secret|api[_-]?key|access[_-]?key|auth)[a-z_-]*\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s'"&;|]+))",
        "\\1[REDACTED]");
    add(R"((?i)(\b(?:mysql\w*|mariadb\w*)\b[^|;&\n]*?\s-p)[^\s'"]+)", "\\1[REDACTED]");  // mysql -pSECRET
    add(R"(([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@)", "\\1[REDACTED]@");
    add(R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)", "[REDACTED]");
    add(R"(\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})\b)",
        "[REDACTED]");
    add(R"(\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b)", "[REDACTED]");
    add(R"(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$))", "[REDACTED]");
    return v;
  }();
  return *patterns;
}

}  // namespace

std::string RedactSecrets(std::string_view text) {
  std::string out(text);
  for (const auto& p : Patterns()) {
    if (p.re->ok()) RE2::GlobalReplace(&out, *p.re, p.rewrite);
  }
  return out;
}

}  // namespace warden::server
