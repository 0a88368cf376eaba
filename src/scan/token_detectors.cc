// Secrets recognized by their own format: a fixed prefix and a body of known length and
// alphabet (cloud keys, GitHub/GitLab/Slack/Stripe/OpenAI/Anthropic/npm/PyPI/Warden tokens,
// Slack webhooks, JWTs) and private-key blocks. A token needs a boundary before its prefix, so
// that a prefix inside a longer word ("task-…", "fooghp_…") is no finding (Warden's own tokens
// excepted: they are redacted wherever they are glued), and a body long enough that an
// identifier or a hash does not pass for one.
#include <array>

#include "scan/detector.h"

namespace warden::scan::internal {
namespace {

constexpr Detector kAwsAccessKey{"aws-access-key", Category::kSecret};
constexpr Detector kGoogleApiKey{"google-api-key", Category::kSecret};
constexpr Detector kGoogleOauthSecret{"google-oauth-secret", Category::kSecret};
constexpr Detector kAzureAccountKey{"azure-account-key", Category::kSecret};
constexpr Detector kAzureSharedAccessKey{"azure-shared-access-key", Category::kSecret};
constexpr Detector kGithubToken{"github-token", Category::kSecret};
constexpr Detector kGitlabToken{"gitlab-token", Category::kSecret};
constexpr Detector kSlackToken{"slack-token", Category::kSecret};
constexpr Detector kSlackWebhook{"slack-webhook", Category::kSecret};
constexpr Detector kStripeKey{"stripe-key", Category::kSecret};
constexpr Detector kOpenaiApiKey{"openai-api-key", Category::kSecret};
constexpr Detector kAnthropicApiKey{"anthropic-api-key", Category::kSecret};
constexpr Detector kNpmToken{"npm-token", Category::kSecret};
constexpr Detector kPypiToken{"pypi-token", Category::kSecret};
constexpr Detector kWardenToken{"warden-token", Category::kSecret};
constexpr Detector kJwt{"jwt", Category::kSecret};
constexpr Detector kPrivateKey{"private-key", Category::kSecret};

bool IsBase64Url(char c) {
  return IsAlnum(c) || c == '_' || c == '-';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

// Whether the token at `at` is glued to what comes before it: a character `in_token` accepts, or
// a redaction marker (which stands for one).
template <typename Pred>
bool GluedBefore(const Context& ctx, size_t at, Pred in_token) {
  return in_token(ctx.Before(at)) || MarkerEndsAt(ctx.text(), at);
}

// A prefix followed by a run of `body` bytes, at least `min_body` of them, after a byte that
// cannot be part of the token. The finding is the prefix and the whole run.
struct Format {
  const Detector* detector;
  Run body;
  size_t min_body;
};

constexpr std::array<Format, 10> kFormats = {{
    {&kGithubToken, Run::kAlnum, 36},            // 0: ghp_ gho_ ghu_ ghs_ ghr_
    {&kGithubToken, Run::kWord, 36},             // 1: github_pat_
    {&kGitlabToken, Run::kBase64Url, 20},        // 2: glpat- gldt- glrt- glptt-
    {&kSlackToken, Run::kBase64Url, 10},         // 3: xoxb- xoxp- xoxa- xoxr- xoxs- xoxe-
    {&kSlackToken, Run::kBase64Url, 20},         // 4: xapp-
    {&kStripeKey, Run::kAlnum, 20},              // 5: sk_live_ sk_test_ rk_live_ rk_test_
    {&kNpmToken, Run::kAlnum, 36},               // 6: npm_
    {&kPypiToken, Run::kBase64Url, 50},          // 7: pypi-AgEIcHlwaS5vcmc
    {&kGoogleApiKey, Run::kBase64Url, 35},       // 8: AIza
    {&kGoogleOauthSecret, Run::kBase64Url, 24},  // 9: GOCSPX-
}};

size_t VerifyFormat(Context& ctx, size_t at, const Anchor& a) {
  const Format& f = kFormats[a.variant];
  if (GluedBefore(ctx, at, IsBase64Url)) return at + 1;
  // PyPI's literal includes the start of its body (the macaroon's fixed header).
  size_t body = a.variant == 7 ? at + 5 : at + a.literal.size();
  size_t end = ctx.RunEnd(body, f.body);
  if (end - body >= f.min_body) ctx.Add(*f.detector, at, end);
  return at + 1;
}

// AKIA/ASIA + 16 upper-case letters or digits, a whole word.
size_t VerifyAwsAccessKey(Context& ctx, size_t at, const Anchor&) {
  if (GluedBefore(ctx, at, IsAlnum)) return at + 1;
  for (size_t i = at + 4; i < at + 20; ++i) {
    char c = ctx.At(i);
    if (!IsUpper(c) && !(c >= '0' && c <= '9')) return at + 1;
  }
  if (!IsAlnum(ctx.At(at + 20)) && !MarkerStartsAt(ctx.text(), at + 20)) ctx.Add(kAwsAccessKey, at, at + 20);
  return at + 1;
}

// An Azure connection string's AccountKey=… or SharedAccessKey=…: the base64 value.
size_t VerifyAzureKey(Context& ctx, size_t at, const Anchor& a) {
  if (GluedBefore(ctx, at, IsAlnum)) return at + 1;
  size_t value = at + a.literal.size();
  size_t end = ctx.RunEnd(value, Run::kBase64);
  if (end - value >= 20) ctx.Add(a.variant == 0 ? kAzureAccountKey : kAzureSharedAccessKey, value, end);
  return at + 1;
}

// sk-… is OpenAI's (sk-proj-…, sk-svcacct-…, or 48 characters), sk-ant-… Anthropic's. The body
// must mix digits, upper and lower case: kebab-case names ("sk-learn-…") do not.
size_t VerifySkKey(Context& ctx, size_t at, const Anchor&) {
  if (GluedBefore(ctx, at, IsBase64Url)) return at + 1;
  size_t body = at + 3;
  size_t end = ctx.RunEnd(body, Run::kBase64Url);
  if (end - body < 32) return at + 1;
  bool digit = false, upper = false, lower = false;
  for (size_t i = body; i < end && !(digit && upper && lower); ++i) {
    char c = ctx.At(i);
    digit |= c >= '0' && c <= '9';
    upper |= IsUpper(c);
    lower |= c >= 'a' && c <= 'z';
  }
  if (!(digit && upper && lower)) return at + 1;
  ctx.Add(FoldedAt(ctx.text(), body, "ant-") ? kAnthropicApiKey : kOpenaiApiKey, at, end);
  return at + 1;
}

// wdn_ + 43 base64url characters (a 32-byte secret), wherever it appears (it may be glued to
// a path: /v1/x/wdn_…).
size_t VerifyWardenToken(Context& ctx, size_t at, const Anchor&) {
  size_t end = ctx.RunEnd(at + 4, Run::kBase64Url);
  if (end - (at + 4) >= 43) ctx.Add(kWardenToken, at, end);
  return at + 1;
}

// https://hooks.slack.com/services|workflows|triggers/…: the whole URL.
size_t VerifySlackWebhook(Context& ctx, size_t at, const Anchor& a) {
  std::string_view t = ctx.text();
  size_t path = at + a.literal.size();
  size_t kind = 0;
  static constexpr std::string_view kKinds[] = {"services/", "workflows/", "triggers/"};
  for (std::string_view k : kKinds) {
    if (FoldedAt(t, path, k)) kind = k.size();
  }
  if (kind == 0) return at + 1;
  size_t end = path + kind;
  while (end < t.size() && end - path < 256 && (IsBase64Url(t[end]) || t[end] == '/')) ++end;
  if (end - (path + kind) < 20) return at + 1;
  size_t begin = FoldedEndsAt(t, at, "https://") ? at - 8 : at;
  ctx.Add(kSlackWebhook, begin, end);
  return at + 1;
}

// header.payload.signature, base64url, the header and payload JSON objects ("eyJ" is `{"`).
size_t VerifyJwt(Context& ctx, size_t at, const Anchor&) {
  if (GluedBefore(ctx, at, IsBase64Url)) return at + 1;
  size_t header_end = ctx.RunEnd(at, Run::kBase64Url);
  if (header_end - at < 10 || ctx.At(header_end) != '.') return at + 1;
  size_t payload = header_end + 1;
  if (ctx.text().compare(payload, 3, "eyJ") != 0) return at + 1;
  size_t payload_end = ctx.RunEnd(payload, Run::kBase64Url);
  if (payload_end - payload < 10 || ctx.At(payload_end) != '.') return at + 1;
  ctx.Add(kJwt, at, ctx.RunEnd(payload_end + 1, Run::kBase64Url));
  return at + 1;
}

// What a private key's body may hold: base64, line breaks (real or as JSON escapes),
// encryption headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,…"), armor headers.
constexpr ByteSet kPemBody = ByteSet().Add('0', '9').Add('a', 'z').Add('A', 'Z').Add("+/= \t\r\n\\:,.-_()@");
// A body without its END marker is taken only as far as it is plain base64 lines, so that
// the prose after a truncated key is not taken for it.
constexpr ByteSet kPemBase64Lines = ByteSet().Add('0', '9').Add('a', 'z').Add('A', 'Z').Add("+/=\r\n\\");

// The length of a "-----BEGIN x-----" / "-----END x-----" marker from after its "BEGIN " /
// "END ", when x names a private key ("RSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK", …); else 0.
size_t PrivateKeyLabel(std::string_view t, size_t from) {
  size_t i = from;
  while (i < t.size() && i - from < 48 &&
         ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') || t[i] == ' ')) {
    ++i;
  }
  if (t.compare(i, 5, "-----") != 0) return 0;
  if (t.substr(from, i - from).find("PRIVATE KEY") == std::string_view::npos) return 0;
  return i + 5 - from;
}

// Where a body of `set` bytes that starts at `from` stops: at "-----END " or the first byte
// the set lacks. Memoized in `slot`, so that many BEGIN markers in one body do not each walk
// it again (from anywhere before the stop, the walk stops at the same place).
size_t PemBodyStop(Context& ctx, size_t from, const ByteSet& set, size_t slot) {
  Context::Memo& m = ctx.memo(slot);
  if (from >= m.from && from <= m.value) return m.value;
  std::string_view t = ctx.text();
  size_t i = from;
  while (i < t.size() && set.Has(t[i])) {
    if (t[i] == '-' && t.substr(i, 9) == "-----END ") break;
    ++i;
  }
  m = {from, i};
  return i;
}

// -----BEGIN … PRIVATE KEY----- through its -----END … PRIVATE KEY-----; without the END (a
// truncated payload), through the base64 lines that follow when they are long enough to be a
// key's.
size_t VerifyPrivateKey(Context& ctx, size_t at, const Anchor& a) {
  std::string_view t = ctx.text();
  size_t label = PrivateKeyLabel(t, at + a.literal.size());
  if (label == 0) return at + 1;
  size_t body = at + a.literal.size() + label;
  size_t stop = PemBodyStop(ctx, body, kPemBody, Context::kPemBody);
  size_t end_label = t.compare(stop, 9, "-----END ") == 0 ? PrivateKeyLabel(t, stop + 9) : 0;
  if (end_label != 0) {
    size_t end = stop + 9 + end_label;
    ctx.Add(kPrivateKey, at, end);
    return end;
  }
  stop = PemBodyStop(ctx, body, kPemBase64Lines, Context::kPemBase64);
  while (stop > body && IsSpace(t[stop - 1])) --stop;
  if (stop - body < 80) return at + 1;
  ctx.Add(kPrivateKey, at, stop);
  return stop;
}

// Pivots are two of the rarer adjacent bytes of each literal.
constexpr Anchor kAnchors[] = {
    {"AKIA", false, 2, VerifyAwsAccessKey},
    {"ASIA", false, 2, VerifyAwsAccessKey},
    {"AIza", false, 1, VerifyFormat, 8},
    {"GOCSPX-", false, 5, VerifyFormat, 9},
    {"accountkey=", true, 9, VerifyAzureKey, 0},
    {"sharedaccesskey=", true, 14, VerifyAzureKey, 1},
    {"ghp_", false, 0, VerifyFormat, 0},
    {"gho_", false, 0, VerifyFormat, 0},
    {"ghu_", false, 0, VerifyFormat, 0},
    {"ghs_", false, 0, VerifyFormat, 0},
    {"ghr_", false, 0, VerifyFormat, 0},
    {"github_pat_", false, 0, VerifyFormat, 1},
    {"glpat-", false, 0, VerifyFormat, 2},
    {"gldt-", false, 0, VerifyFormat, 2},
    {"glrt-", false, 0, VerifyFormat, 2},
    {"glptt-", false, 0, VerifyFormat, 2},
    {"xoxb-", false, 0, VerifyFormat, 3},
    {"xoxp-", false, 0, VerifyFormat, 3},
    {"xoxa-", false, 0, VerifyFormat, 3},
    {"xoxr-", false, 0, VerifyFormat, 3},
    {"xoxs-", false, 0, VerifyFormat, 3},
    {"xoxe-", false, 0, VerifyFormat, 3},
    {"xapp-", false, 3, VerifyFormat, 4},
    {"hooks.slack.com/", true, 10, VerifySlackWebhook},
    {"sk_live_", false, 1, VerifyFormat, 5},
    {"sk_test_", false, 1, VerifyFormat, 5},
    {"rk_live_", false, 1, VerifyFormat, 5},
    {"rk_test_", false, 1, VerifyFormat, 5},
    {"sk-", false, 1, VerifySkKey},
    {"npm_", false, 0, VerifyFormat, 6},
    {"pypi-AgEIcHlwaS5vcmc", false, 4, VerifyFormat, 7},
    {"wdn_", false, 0, VerifyWardenToken},
    {"eyJ", false, 1, VerifyJwt},
    {"-----BEGIN ", false, 4, VerifyPrivateKey},
};

}  // namespace

std::span<const Anchor> TokenAnchors() {
  return kAnchors;
}

}  // namespace warden::scan::internal
