// The stages one by one, with real stores (a token store in a temporary directory, a rate
// limiter, a compiled policy).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

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

class StagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-stages-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = SqliteTokenStore::Open(dir_);
    ASSERT_TRUE(s.ok());
    tokens_ = *s;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Token(const std::string& role) {
    auto t = tokens_->Create(role, "", 3600, std::time(nullptr));
    EXPECT_TRUE(t.ok());
    return t->secret;
  }
  std::string dir_;
  std::shared_ptr<TokenStore> tokens_;
};

const Endpoint kCheck{.name = "check", .permission_type = "api", .permission_action = "check"};
const Endpoint kHealth{.name = "healthz", .anonymous = true};

TEST_F(StagesTest, AuthnAcceptsAValidTokenAndRefusesEverythingElse) {
  AuthnStage authn(tokens_, nullptr);
  std::string header = "Bearer " + Token("service");
  Exchange ok;
  ok.endpoint = &kCheck;
  ok.authorization = header;
  ASSERT_EQ(authn.Run(ok), StageStatus::kContinue);
  EXPECT_TRUE(ok.principal.authenticated);
  EXPECT_EQ(ok.principal.role, "service");

  Exchange none;
  none.endpoint = &kCheck;
  EXPECT_EQ(authn.Run(none), StageStatus::kDeny);
  EXPECT_EQ(none.error.status, 401);

  std::string wrong = header;
  wrong.back() = wrong.back() == 'x' ? 'y' : 'x';
  Exchange bad;
  bad.endpoint = &kCheck;
  bad.authorization = wrong;
  EXPECT_EQ(authn.Run(bad), StageStatus::kDeny);
  EXPECT_EQ(bad.error.status, 401);
  EXPECT_EQ(bad.error.message.find(wrong.substr(7)), std::string::npos);  // never echoes the token
  bool has_challenge = false;
  for (auto& [k, v] : bad.headers) has_challenge |= k == "WWW-Authenticate" && v.find("invalid_token") != std::string::npos;
  EXPECT_TRUE(has_challenge);

  Exchange basic;
  basic.endpoint = &kCheck;
  basic.authorization = "Basic dXNlcjpwYXNz";
  EXPECT_EQ(authn.Run(basic), StageStatus::kDeny);

  Exchange health;
  health.endpoint = &kHealth;
  EXPECT_EQ(authn.Run(health), StageStatus::kContinue);
}

#if WARDEN_HAVE_JWT
TEST_F(StagesTest, AuthnVerifiesJwtsAlongsideTokens) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  std::string jwks = R"({"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":")" + testing::B64(secret) + R"("}]})";
  JwtOptions jo;
  jo.issuer = "https://idp.example";
  auto verifier = JwtVerifier::FromJwks(jwks, jo, "test.jwks");
  ASSERT_TRUE(verifier.ok()) << verifier.status().message();
  AuthnStage authn(tokens_, nullptr, *verifier);
  auto mint = [&](const std::string& claims, const std::string& key) {
    std::string head = testing::B64(R"({"alg":"HS256","kid":"k1"})") + "." + testing::B64(claims);
    return head + "." + testing::B64(testing::HmacSha256(key, head));
  };
  int64_t exp = std::time(nullptr) + 300;
  std::string good = mint(R"({"sub":"billing","role":"service","iss":"https://idp.example","exp":)" + std::to_string(exp) + "}", secret);
  Exchange ok;
  ok.endpoint = &kCheck;
  std::string header = "Bearer " + good;
  ok.authorization = header;
  ASSERT_EQ(authn.Run(ok), StageStatus::kContinue) << ok.error.message;
  EXPECT_EQ(ok.principal.id, "jwt:billing");
  EXPECT_EQ(ok.principal.role, "service");
  EXPECT_EQ(ok.principal.method, "jwt");

  std::string forged = mint(R"({"sub":"billing","role":"admin","iss":"https://idp.example","exp":)" + std::to_string(exp) + "}",
                            "another secret of thirty-two byte");
  Exchange bad;
  bad.endpoint = &kCheck;
  std::string bad_header = "Bearer " + forged;
  bad.authorization = bad_header;
  EXPECT_EQ(authn.Run(bad), StageStatus::kDeny);
  EXPECT_EQ(bad.error.status, 401);
  EXPECT_NE(bad.error.message.find("bad signature"), std::string::npos) << bad.error.message;
  EXPECT_EQ(bad.error.message.find(forged), std::string::npos);

  // Without a verifier, a JWT is refused with a reason, never waved through.
  AuthnStage tokens_only(tokens_, nullptr);
  Exchange nojwt;
  nojwt.endpoint = &kCheck;
  nojwt.authorization = header;
  EXPECT_EQ(tokens_only.Run(nojwt), StageStatus::kDeny);
  EXPECT_NE(nojwt.error.message.find("--jwks"), std::string::npos);
}
#endif

TEST_F(StagesTest, BruteForcingTokensGetsTheAddressLimitedThenBanned) {
  RateLimitConfig cfg;
  ASSERT_TRUE(ApplyRateLimitSpec("auth-failure=3/min", &cfg).ok());
  ASSERT_TRUE(ApplyRateLimitSpec("ban=2/1h", &cfg).ok());
  auto limiter = std::make_shared<RateLimiter>(cfg);
  AuthnStage authn(tokens_, limiter);
  std::vector<int> statuses;
  for (int i = 0; i < 8; ++i) {
    Exchange ex;
    ex.endpoint = &kCheck;
    ex.client_address = "203.0.113.9";
    ex.now_ns = 1'000'000'000'000 + i;
    std::string header = "Bearer wdn_guess" + std::to_string(i);  // outlives the exchange's view of it
    ex.authorization = header;
    authn.Run(ex);
    statuses.push_back(ex.error.status);
    if (i == 7) {
      EXPECT_EQ(ex.error.code, "banned");
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{401, 401, 401, 429, 429, 429, 429, 429}));
  EXPECT_EQ(limiter->counts().bans.load(), 1u);
}

TEST_F(StagesTest, RateLimitSetsTheHeadersAndRefusesWith429) {
  RateLimitConfig cfg;
  ASSERT_TRUE(ApplyRateLimitSpec("default=2/min", &cfg).ok());
  RateLimitStage rl(std::make_shared<RateLimiter>(cfg));
  int refused = 0;
  for (int i = 0; i < 3; ++i) {
    Exchange ex;
    ex.endpoint = &kCheck;
    ex.client_address = "198.51.100.1";
    ex.now_ns = 5'000'000'000'000;
    if (rl.Run(ex) == StageStatus::kDeny) {
      ++refused;
      EXPECT_EQ(ex.error.status, 429);
      bool retry = false;
      for (auto& [k, v] : ex.headers) retry |= k == "Retry-After" && v == "30";
      EXPECT_TRUE(retry);
    }
    EXPECT_EQ(ex.headers[0].first, "RateLimit-Limit");
    EXPECT_EQ(ex.headers[0].second, "2");
  }
  EXPECT_EQ(refused, 1);
}

TEST_F(StagesTest, AuthzGrantsByTheRolesPermissions) {
  policy::LoadOptions lo;
  lo.profile = "none";
  lo.user_layer = false;
  lo.repository_layer = false;
  std::string path = dir_ + "/p.yaml";
  std::ofstream(path) << "version: 1\nroles:\n  reader: {allow: [\"api:check\"]}\n  admin: {allow: [\"*\"]}\n";
  lo.files = {path};
  auto loaded = policy::LoadPolicy(lo);
  ASSERT_TRUE(loaded.snapshot);
  std::shared_ptr<const policy::Snapshot> snap = loaded.snapshot;
  AuthzStage authz([snap] { return snap; });
  const Endpoint tokens{.name = "tokens.create", .permission_type = "admin", .permission_action = "tokens"};
  auto run = [&](const std::string& role, const Endpoint& ep) {
    Exchange ex;
    ex.endpoint = &ep;
    ex.principal.role = role;
    return authz.Run(ex) == StageStatus::kContinue ? 200 : ex.error.status;
  };
  EXPECT_EQ(run("reader", kCheck), 200);
  EXPECT_EQ(run("reader", tokens), 403);
  EXPECT_EQ(run("admin", tokens), 200);
  EXPECT_EQ(run("stranger", kCheck), 403);
  EXPECT_EQ(run("", kCheck), 403);
}

TEST_F(StagesTest, ValidateGivesTheByteOffsetAndTheField) {
  ValidateStage v;
  static const Schema kKind{.type = Schema::Type::kString, .enum_values = {"exec"}};
  static const Schema kBody{.type = Schema::Type::kObject, .properties = {{"kind", &kKind, true}}};
  const Endpoint ep{.name = "check", .json_body = true, .schema = &kBody};
  Exchange broken;
  broken.endpoint = &ep;
  broken.body = R"({"kind": "exec",,})";
  EXPECT_EQ(v.Run(broken), StageStatus::kDeny);
  EXPECT_EQ(broken.error.status, 400);
  EXPECT_NE(broken.error.message.find("at byte 16"), std::string::npos) << broken.error.message;
  Exchange wrong;
  wrong.endpoint = &ep;
  wrong.body = R"({"kind": "sql"})";
  EXPECT_EQ(v.Run(wrong), StageStatus::kDeny);
  EXPECT_EQ(wrong.error.status, 422);
  EXPECT_EQ(wrong.error.field, "/kind");
}

TEST_F(StagesTest, TheChainStopsAtTheFirstDenialAndTimesEachStage) {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<AuthnStage>(tokens_, nullptr));
  stages.push_back(std::make_unique<ValidateStage>());
  Chain chain(std::move(stages));
  Exchange ex;
  ex.endpoint = &kCheck;
  EXPECT_EQ(chain.Run(ex), StageStatus::kDeny);
  EXPECT_EQ(ex.denied_by, "authn");
  EXPECT_EQ(ex.stages_run, 1u);
  std::string timing = chain.ServerTiming(ex, 5000);
  EXPECT_EQ(timing.find("authn;dur="), 0u) << timing;
  EXPECT_NE(timing.find("total;dur=0.005"), std::string::npos) << timing;
}

}  // namespace
}  // namespace warden::security
