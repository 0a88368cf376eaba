// The content scanner: every detector over a payload in one pass — secrets, prompt-injection
// markers, invisible Unicode and terminal escape sequences — for tool descriptions and tool
// results on their way to an agent (the MCP proxy), and for anything else that must be checked
// or cleaned before it is shown or stored.
//
// Detectors (Finding::detector, Category):
//   secret      aws-access-key (AKIA/ASIA…), aws-secret-key (a 40-character value assigned to
//               an aws/secret_access_key name), google-api-key (AIza…), google-oauth-secret
//               (GOCSPX-…), azure-account-key / azure-shared-access-key (the key of a connection
//               string), github-token (ghp_ gho_ ghu_ ghs_ ghr_ github_pat_), gitlab-token
//               (glpat- gldt- glrt- glptt-), slack-token (xoxb- xoxp- xoxa- xoxr- xoxs- xoxe-
//               xapp-), slack-webhook, stripe-key (sk_/rk_ live/test), openai-api-key (sk-…),
//               anthropic-api-key (sk-ant-…), npm-token, pypi-token, warden-token (wdn_ + 43),
//               private-key (a PEM or PGP private key block, BEGIN to END), jwt, url-password
//               (scheme://user:PASSWORD@), authorization-header (the credential after
//               Authorization: [scheme]), password-assignment (the value only, in
//               `password=…`, `"db_password": "…"`, `TOKEN: …`, `api_key => '…'`: names ending
//               in password, passwd, passphrase, pwd, secret, token or api/access/secret/
//               private/auth/client/… key)
//   injection   ignore-instructions ("ignore/disregard/forget all previous instructions"),
//               role-override ("you are now DAN", "you are no longer bound by"),
//               conceal-from-user ("do not tell the user"), hidden-instructions (<IMPORTANT>,
//               <SYSTEM>, [INST], <<SYS>>, <|im_start|>, <|system|>: the block to its closing
//               tag when that is within 4 KiB, else the tag)
//   invisible   unicode-tags (U+E0000–U+E007F, except an emoji flag's tag sequence),
//               zero-width (runs of U+200B–U+200D, U+2060, U+FEFF, except a leading byte-order
//               mark and a lone joiner between two non-ASCII characters), bidi-override
//               (U+202A–U+202E, U+2066–U+2069)
//   ansi        ansi-escape (a run of CSI `ESC [ … final`, OSC/DCS/APC/PM/SOS strings up to BEL
//               or ST, other ESC sequences, a lone ESC, C1 CSI/OSC/DCS… as U+009B, U+009D, …)
//
// False positives are weighed against misses: a token needs its format's length and character
// set with a boundary before it, a git hash or a lone "password" is no finding, an assignment's
// value must look like a literal (not `$VAR`, `os.environ[…]`, `getpass()`, `None`, `****`,
// digits only, or `[REDACTED:…]`), and the injection phrases need their whole shape.
//
// Cost: linear in the text for any input (no backtracking: verifiers read a bounded
// neighbourhood of a candidate or memoize what they read; phrases are verified with RE2).
// Invalid UTF-8 is just bytes. Findings take memory in proportion to their number.
//
// Thread-safety: a Scanner is immutable; Default() is built once and shared by all threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden::scan {

namespace internal {
class AnchorIndex;
}

enum class Category : uint8_t { kSecret, kInjection, kInvisible, kAnsi };
std::string_view CategoryName(Category c);  // "secret", "injection", "invisible", "ansi"

struct Finding {
  std::string_view detector;  // stable kebab-case name with static storage (above)
  Category category;
  size_t begin = 0, end = 0;  // byte offsets into the scanned text, begin < end

  bool operator==(const Finding&) const = default;
};

class Scanner {
 public:
  // Every detector; built once, thread-safe, immutable.
  static const Scanner& Default();

  // Every detector in one pass over the text (plus verification around candidates). Sorted by
  // begin (then end, then detector); a finding is reported once, but findings of different
  // detectors may overlap (a JWT assigned to `token=` is both jwt and password-assignment).
  // Consecutive escape sequences are one ansi-escape finding.
  std::vector<Finding> Scan(std::string_view text) const;

  // Whether Scan(text) would find anything; stops at the first finding.
  bool Any(std::string_view text) const;

  // Secrets → "[REDACTED:<detector>]" (overlapping secrets become one marker, named after the
  // more specific detector), escape sequences removed, everything else (injection markers,
  // invisible characters) kept as is. Escape sequences are removed first and the rest is
  // scanned again, so a secret split by colour codes is still redacted; the redacted text is
  // scanned again too, and whatever the redaction brought to light is redacted (a scan of the
  // result finds no secret and no escape sequence, so Clean is idempotent). Appends every
  // finding (offsets into the ORIGINAL text; for one found after a rewrite, the span that
  // covers it there) to *findings when non-null, sorted by begin. Returns the text unchanged
  // when it holds no secret and no escape sequence. Costs a pass over escape bytes and a scan,
  // and one more scan when there is a secret to redact.
  std::string Clean(std::string_view text, std::vector<Finding>* findings = nullptr) const;

  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

 private:
  Scanner();
  void Run(std::string_view text, std::vector<Finding>* out, bool first_only) const;
  // The escape sequences alone (what Scan reports for them), by a pass over escape bytes only.
  std::vector<Finding> Escapes(std::string_view text) const;

  std::unique_ptr<const internal::AnchorIndex> index_;
  std::unique_ptr<const internal::AnchorIndex> escapes_;
};

}  // namespace warden::scan
