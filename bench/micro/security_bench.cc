// Micro-benchmarks of the HTTP API's security stack, in-process (docs/PERFORMANCE.md §7):
//   BM_RateLimitCheck/<keys>           one RateLimiter::Check on a table holding <keys> keys
//                                      (hash, shard lock, GCRA): the "≤ 100 ns" target
//   BM_RateLimitCheckThreads/<keys>    the same from 2 threads (shard contention)
//   BM_TokenVerify                     TokenStore::Verify of a valid wdn_ token (keyed BLAKE2b
//                                      + index lookup + constant-time compare)
//   BM_Stage/<stage>                   each stage's Run + Finish on a typical /v1/check exchange,
//                                      including a copy of the exchange (BM_StageBaseline)
//   BM_JwtVerify/<alg>/<cache>          JwtVerifier::Verify of a valid token: HS256, RS256 (2048-bit),
//                                      EdDSA; cache 0 = every call checks the signature, 1 = hits
//   BM_Chain                           the whole chain (authn → ratelimit → validate → authz →
//                                      audit with a no-op sink), Run + Finish
// Google Benchmark reports the mean per operation.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "policy/loader.h"
#include "security/authn/sqlite_token_store.h"
#include "security/chain.h"
#include "security/ratelimit/rate_limiter.h"
#include "security/schema.h"
#include "security/stages.h"
#if WARDEN_HAVE_JWT
#include "security/jwt/jwt.h"
#include "security/jwt/test_keys.h"
#endif

namespace warden::security {
namespace {

constexpr int64_t kSec = 1'000'000'000;

std::vector<std::string> Keys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back("tok_" + std::to_string(100000000000 + i));
  return keys;
}

RateLimitConfig Unlimited() {
  RateLimitConfig c;
  for (auto& cls : c.classes) cls = RateClassLimit{1'000'000'000, 60 * kSec, 0};
  c.max_keys = 4'000'000;
  return c;
}

void BM_RateLimitCheck(benchmark::State& state) {
  static std::unique_ptr<RateLimiter> rl;
  static std::vector<std::string> keys;
  if (state.thread_index() == 0) {
    size_t n = static_cast<size_t>(state.range(0));
    rl = std::make_unique<RateLimiter>(Unlimited());
    keys = Keys(n);
    for (const auto& k : keys) rl->Check(k, 0, kSec);  // the table holds every key
  }
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  int64_t now = 2 * kSec;
  for (auto _ : state) {
    RateDecision d = rl->Check(keys[i % keys.size()], 0, now);
    benchmark::DoNotOptimize(d);
    ++i;  // the key string is hot, as in a request; its hash lands anywhere in the table
    now += 10;
  }
}
BENCHMARK(BM_RateLimitCheck)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_RateLimitCheck)->Name("BM_RateLimitCheckThreads")->Arg(100000)->Threads(2)->UseRealTime();

struct Scratch {
  std::string dir;
  std::shared_ptr<TokenStore> tokens;
  std::string secret;
  Scratch() {
    char tmpl[] = "/tmp/warden-bench-XXXXXX";
    dir = mkdtemp(tmpl) ? tmpl : "/tmp";
    auto s = SqliteTokenStore::Open(dir);
    if (!s.ok()) std::abort();
    tokens = *s;
    secret = tokens->Create("service", "bench", 3600, std::time(nullptr))->secret;
  }
  ~Scratch() { std::system(("rm -rf " + dir).c_str()); }
};

Scratch& TheScratch() {
  static Scratch s;
  return s;
}

void BM_TokenVerify(benchmark::State& state) {
  Scratch& s = TheScratch();
  int64_t now = std::time(nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(s.tokens->Verify(s.secret, now));
}
BENCHMARK(BM_TokenVerify);

std::shared_ptr<const policy::Snapshot> Builtin() {
  static auto snap = [] {
    std::vector<policy::PolicyText> texts;
    policy::BuiltinProfile("default", &texts);
    return policy::LoadPolicyTexts(texts).snapshot;
  }();
  return snap;
}

const Schema kKindSchema{.type = Schema::Type::kString, .enum_values = {"exec", "file", "mcp", "http", "action"}};
const Schema kText{.type = Schema::Type::kString, .max_length = 1 << 20};
const Schema kRequestSchema{.type = Schema::Type::kObject,
                            .properties = {{"kind", &kKindSchema, true}, {"command", &kText}, {"cwd", &kText}},
                            .additional_properties = true};
const Endpoint kCheck{.name = "check", .permission_type = "api", .permission_action = "check",
                      .json_body = true, .schema = &kRequestSchema};

struct Stack {
  std::shared_ptr<RateLimiter> limiter = std::make_shared<RateLimiter>(Unlimited());
  AuthnStage authn{TheScratch().tokens, limiter};
  RateLimitStage ratelimit{limiter};
  ValidateStage validate;
  AuthzStage authz{[] { return Builtin(); }};
  AuditStage audit{[](audit::Record r) {
    benchmark::DoNotOptimize(r);
    return Status::Ok();
  }};
};

Stack& TheStack() {
  static Stack s;
  return s;
}

const std::string kBody = R"({"kind":"exec","command":"git status","cwd":"/home/u/project"})";

Exchange Fresh(const std::string& header, int64_t now) {
  Exchange ex;
  ex.method = "POST";
  ex.target = "/v1/check";
  ex.body = kBody;
  ex.authorization = header;
  ex.client_address = "127.0.0.1";
  ex.endpoint = &kCheck;
  ex.now_ns = now;
  return ex;
}

void BM_Stage(benchmark::State& state) {
  Stack& st = TheStack();
  const Stage* stages[] = {&st.authn, &st.ratelimit, &st.validate, &st.authz, &st.audit};
  const Stage* stage = stages[state.range(0)];
  state.SetLabel(std::string(stage->name()));
  std::string header = "Bearer " + TheScratch().secret;
  // What the earlier stages would have left: an authenticated principal, a parsed body.
  Exchange base = Fresh(header, 2 * kSec);
  st.authn.Run(base);
  st.validate.Run(base);
  int64_t now = 2 * kSec;
  for (auto _ : state) {
    Exchange ex = base;  // its cost is BM_StageBaseline's: subtract it
    ex.now_ns = (now += 1000);
    stage->Run(ex);
    stage->Finish(ex);
    benchmark::DoNotOptimize(ex);
  }
}
BENCHMARK(BM_Stage)->DenseRange(0, 4);

void BM_StageBaseline(benchmark::State& state) {
  Stack& st = TheStack();
  std::string header = "Bearer " + TheScratch().secret;
  Exchange base = Fresh(header, 2 * kSec);
  st.authn.Run(base);
  st.validate.Run(base);
  int64_t now = 2 * kSec;
  for (auto _ : state) {
    Exchange ex = base;
    ex.now_ns = (now += 1000);
    benchmark::DoNotOptimize(ex);
  }
}
BENCHMARK(BM_StageBaseline);

void BM_Chain(benchmark::State& state) {
  Stack& st = TheStack();
  std::vector<std::unique_ptr<Stage>> owned;  // the chain owns its stages: a second set
  owned.push_back(std::make_unique<AuthnStage>(TheScratch().tokens, st.limiter));
  owned.push_back(std::make_unique<RateLimitStage>(st.limiter));
  owned.push_back(std::make_unique<ValidateStage>());
  owned.push_back(std::make_unique<AuthzStage>([] { return Builtin(); }));
  owned.push_back(std::make_unique<AuditStage>([](audit::Record r) {
    benchmark::DoNotOptimize(r);
    return Status::Ok();
  }));
  Chain chain(std::move(owned));
  std::string header = "Bearer " + TheScratch().secret;
  int64_t now = 2 * kSec;
  for (auto _ : state) {
    Exchange ex = Fresh(header, now += 1000);
    chain.Run(ex);
    ex.status = 200;
    chain.Finish(ex);
    benchmark::DoNotOptimize(ex);
  }
}
BENCHMARK(BM_Chain);

#if WARDEN_HAVE_JWT
void BM_JwtVerify(benchmark::State& state) {
  static testing::RsaTestKey rsa(2048);
  const std::string secret = "an HS256 secret of 32 bytes!!!!!";
  std::string jwks = R"({"keys":[{"kty":"oct","kid":"h","alg":"HS256","k":")" + testing::B64(secret) + R"("},)" +
                     rsa.Jwk("r") + R"(,{"kty":"OKP","crv":"Ed25519","kid":"e","x":")" + std::string(testing::kRfc8037X) +
                     "\"}]}";
  JwtOptions o;
  o.cache_entries = state.range(1) ? 4096 : 0;
  auto v = JwtVerifier::FromJwks(jwks, o, "bench");
  if (!v.ok()) {
    state.SkipWithError(v.status().message().c_str());
    return;
  }
  const char* algs[] = {"HS256", "RS256", "EdDSA"};
  const char* kids[] = {"h", "r", "e"};
  int a = static_cast<int>(state.range(0));
  std::string head = testing::B64(std::string(R"({"alg":")") + algs[a] + R"(","kid":")" + kids[a] + "\"}") + "." +
                     testing::B64(R"({"sub":"billing","role":"service","exp":)" + std::to_string(std::time(nullptr) + 3600) + "}");
  std::string sig = a == 0 ? testing::HmacSha256(secret, head) : a == 1 ? rsa.Sign(head) : testing::Ed25519Sign(head);
  std::string token = head + "." + testing::B64(sig);
  int64_t now = std::time(nullptr);
  state.SetLabel(std::string(algs[a]) + (state.range(1) ? " cached" : ""));
  for (auto _ : state) {
    JwtResult r = (*v)->Verify(token, now);
    if (!r.ok()) state.SkipWithError(r.detail.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_JwtVerify)->ArgsProduct({{0, 1, 2}, {0, 1}});
#endif

}  // namespace
}  // namespace warden::security

BENCHMARK_MAIN();
