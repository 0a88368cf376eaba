#include "security/jwt/jwt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "security/jwt/test_keys.h"

namespace warden::security {
namespace {

using testing::B64;
using testing::HmacSha256;
using testing::RsaTestKey;

constexpr int64_t kNow = 1'700'000'000;
constexpr std::string_view kHmacSecret = "an HMAC secret of 32+ bytes, for the tests only";
constexpr std::string_view kHsHeader = R"({"alg":"HS256","kid":"hs"})";
constexpr std::string_view kRsHeader = R"({"alg":"RS256","kid":"rs"})";
constexpr std::string_view kEdHeader = R"({"alg":"EdDSA","kid":"ed"})";

enum class Signer { kHs, kRs, kEd };

// Claims a default verifier accepts, with `extra` members appended.
std::string Claims(std::string_view extra = "", int64_t exp = kNow + 600) {
  return R"({"sub":"alice","iss":"https://idp.example","aud":"warden","role":"operator","exp":)" + std::to_string(exp) +
         std::string(extra) + "}";
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rsa_ = new RsaTestKey(2048); }
  static void TearDownTestSuite() {
    delete rsa_;
    rsa_ = nullptr;
  }

  static std::string Jwks() {
    return R"({"keys":[{"kty":"oct","kid":"hs","k":")" + B64(kHmacSecret) + R"("},)" + rsa_->Jwk("rs") +
           R"(,{"kty":"OKP","crv":"Ed25519","kid":"ed","x":")" + std::string(testing::kRfc8037X) + R"("}]})";
  }

  static JwtOptions DefaultOptions() {
    JwtOptions o;
    o.issuer = "https://idp.example";
    o.audiences = {"warden"};
    return o;
  }

  static std::shared_ptr<JwtVerifier> Verifier(JwtOptions options = DefaultOptions(), std::string jwks = Jwks()) {
    auto v = JwtVerifier::FromJwks(jwks, std::move(options), "test.jwks");
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : nullptr;
  }

  static std::string Sign(Signer signer, std::string_view input) {
    switch (signer) {
      case Signer::kHs:
        return HmacSha256(kHmacSecret, input);
      case Signer::kRs:
        return rsa_->Sign(input);
      case Signer::kEd:
        return testing::Ed25519Sign(input);
    }
    return "";
  }

  static std::string Mint(std::string_view header, std::string_view payload, Signer signer = Signer::kHs) {
    std::string input = B64(header) + "." + B64(payload);
    return input + "." + B64(Sign(signer, input));
  }

  static JwtResult Check(std::string_view token, JwtOptions options = DefaultOptions(), int64_t now = kNow) {
    return Verifier(std::move(options))->Verify(token, now);
  }

  static RsaTestKey* rsa_;
};

RsaTestKey* JwtTest::rsa_ = nullptr;

void ExpectProblem(const JwtResult& r, JwtProblem want) {
  EXPECT_EQ(JwtProblemText(r.problem), JwtProblemText(want)) << r.detail;
  EXPECT_EQ(r.ok(), want == JwtProblem::kNone);
}

// --- Published test vectors -------------------------------------------------------------

// RFC 7515 Appendix A.1: HS256 over a claims set with iss "joe" and exp 1300819380, no sub.
constexpr std::string_view kRfc7515Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kRfc7515Jwks =
    R"({"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]})";
constexpr int64_t kRfc7515Exp = 1300819380;

TEST(JwtRfcVectors, Rfc7515A1Hs256SignatureAndExpVerify) {
  JwtOptions options;
  options.issuer = "joe";
  auto v = JwtVerifier::FromJwks(kRfc7515Jwks, options, "rfc7515.jwks");
  ASSERT_TRUE(v.ok()) << v.status().message();
  // Signature, exp and iss pass; the example has no "sub", which Warden requires — so the
  // first refusal is the missing claim, reached only after the signature verified.
  JwtResult r = (*v)->Verify(kRfc7515Token, kRfc7515Exp - 3600);
  ExpectProblem(r, JwtProblem::kMissingClaim);
  EXPECT_NE(r.detail.find("sub"), std::string::npos);
  ExpectProblem((*v)->Verify(kRfc7515Token, kRfc7515Exp + 30), JwtProblem::kMissingClaim);  // within skew
  ExpectProblem((*v)->Verify(kRfc7515Token, kRfc7515Exp + 60), JwtProblem::kExpired);
  std::string flipped(kRfc7515Token);
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  ExpectProblem((*v)->Verify(flipped, kRfc7515Exp - 3600), JwtProblem::kBadSignature);

  options.issuer = "bob";
  auto other = JwtVerifier::FromJwks(kRfc7515Jwks, options, "rfc7515.jwks");
  ExpectProblem((*other)->Verify(kRfc7515Token, kRfc7515Exp - 3600), JwtProblem::kWrongIssuer);
}

// RFC 8037 Appendix A.4: EdDSA over the text "Example of Ed25519 signing" (not a claims set).
TEST(JwtRfcVectors, Rfc8037A4Ed25519SignatureVerifies) {
  constexpr std::string_view kToken =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  JwtOptions options;
  options.require_exp = false;
  auto v = JwtVerifier::FromJwks(
      R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + std::string(testing::kRfc8037X) + R"("}]})", options,
      "a.jwks");
  ASSERT_TRUE(v.ok()) << v.status().message();
  // The signature verifies; the payload is then refused for not being a JSON claims set.
  JwtResult r = (*v)->Verify(kToken, kNow);
  ExpectProblem(r, JwtProblem::kMalformed);
  EXPECT_NE(r.detail.find("payload"), std::string::npos) << r.detail;
  std::string flipped(kToken);
  flipped[flipped.size() - 10] = flipped[flipped.size() - 10] == 'A' ? 'B' : 'A';
  ExpectProblem((*v)->Verify(flipped, kNow), JwtProblem::kBadSignature);
}

TEST_F(JwtTest, Rfc8037KeySignsAnAcceptedEdDsaJwt) {
  JwtResult r = Check(Mint(kEdHeader, Claims(), Signer::kEd));
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.alg, "EdDSA");
  EXPECT_EQ(r.claims.key_id, "ed");
}

// --- Accepted tokens ---------------------------------------------------------------------

TEST_F(JwtTest, Hs256TokenYieldsItsClaims) {
  JwtResult r = Check(Mint(kHsHeader, Claims()));
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.subject, "alice");
  EXPECT_EQ(r.claims.role, "operator");
  EXPECT_EQ(r.claims.issuer, "https://idp.example");
  EXPECT_EQ(r.claims.key_id, "hs");
  EXPECT_EQ(r.claims.alg, "HS256");
  EXPECT_EQ(r.claims.exp, kNow + 600);
  EXPECT_TRUE(r.detail.empty());
}

TEST_F(JwtTest, Rs256TokenWithAKeyGeneratedHereVerifies) {
  JwtResult r = Check(Mint(kRsHeader, Claims(), Signer::kRs));
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.alg, "RS256");
}

TEST_F(JwtTest, TokenWithoutKidIsTriedAgainstKeysOfItsType) {
  ExpectProblem(Check(Mint(R"({"alg":"RS256"})", Claims(), Signer::kRs)), JwtProblem::kNone);
  ExpectProblem(Check(Mint(R"({"alg":"HS256","typ":"JWT"})", Claims())), JwtProblem::kNone);
  ExpectProblem(Check(Mint(R"({"alg":"EdDSA"})", Claims(), Signer::kEd)), JwtProblem::kNone);
}

TEST_F(JwtTest, FractionalDatesAreRoundedTowardsRefusal) {
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1699999999.5)", kNow + 1))), JwtProblem::kNone);
  JwtOptions strict = DefaultOptions();
  strict.skew_s = 0;
  ExpectProblem(Check(Mint(kHsHeader, Claims("", kNow)), strict), JwtProblem::kExpired);
  ExpectProblem(
      Check(Mint(kHsHeader, R"({"sub":"a","iss":"https://idp.example","aud":"warden","exp":1700000000.9})"), strict),
      JwtProblem::kExpired);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1700000000.2)")), strict), JwtProblem::kNotYetValid);
}

// --- Algorithms ----------------------------------------------------------------------------

TEST_F(JwtTest, AlgNoneIsRefused) {
  std::string unsigned_token = B64(R"({"alg":"none"})") + "." + B64(Claims()) + ".";
  EXPECT_TRUE(LooksLikeJwt(unsigned_token));
  ExpectProblem(Check(unsigned_token), JwtProblem::kUnsupportedAlg);
  ExpectProblem(Check(B64(R"({"alg":"None"})") + "." + B64(Claims()) + "."), JwtProblem::kUnsupportedAlg);
  ExpectProblem(
      Check(B64(R"({"alg":"none","kid":"hs"})") + "." + B64(Claims()) + "." + B64(HmacSha256(kHmacSecret, "x"))),
      JwtProblem::kUnsupportedAlg);
}

TEST_F(JwtTest, OtherAlgorithmsAreRefused) {
  for (std::string_view alg : {"HS384", "HS512", "RS512", "PS256", "ES256", "hs256", "Ed25519", ""}) {
    std::string header = R"({"alg":")" + std::string(alg) + R"("})";
    ExpectProblem(Check(Mint(header, Claims())), JwtProblem::kUnsupportedAlg);
  }
  ExpectProblem(Check(Mint(R"({"kid":"hs"})", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":256})", Claims())), JwtProblem::kMalformed);
}

// The classic confusion: an HS256 token whose HMAC key is the server's RSA *public* key.
TEST_F(JwtTest, RsaPublicKeyIsNeverUsedAsAnHmacSecret) {
  std::vector<std::string> public_forms = {rsa_->PublicDer(), rsa_->PublicPem(), rsa_->Jwk("rs"),
                                           testing::BnBytes(rsa_->pkey.get(), OSSL_PKEY_PARAM_RSA_N)};
  std::string rsa_only = R"({"keys":[)" + rsa_->Jwk("rs") + "]}";
  auto only_rsa = Verifier(DefaultOptions(), rsa_only);
  auto mixed = Verifier();
  for (const std::string& secret : public_forms) {
    for (std::string_view header : {R"({"alg":"HS256","kid":"rs"})", R"({"alg":"HS256"})"}) {
      std::string input = B64(header) + "." + B64(Claims());
      std::string token = input + "." + B64(HmacSha256(secret, input));
      EXPECT_FALSE(only_rsa->Verify(token, kNow).ok());
      EXPECT_FALSE(mixed->Verify(token, kNow).ok());
    }
  }
  std::string input = B64(R"({"alg":"HS256","kid":"rs"})") + "." + B64(Claims());
  std::string token = input + "." + B64(HmacSha256(rsa_->PublicPem(), input));
  ExpectProblem(mixed->Verify(token, kNow), JwtProblem::kUnsupportedAlg);
  input = B64(R"({"alg":"HS256"})") + "." + B64(Claims());
  token = input + "." + B64(HmacSha256(rsa_->PublicPem(), input));
  ExpectProblem(only_rsa->Verify(token, kNow), JwtProblem::kUnknownKey);
  ExpectProblem(mixed->Verify(token, kNow), JwtProblem::kBadSignature);
}

TEST_F(JwtTest, KidOfAnotherKeyTypeIsRefused) {
  ExpectProblem(Check(Mint(R"({"alg":"EdDSA","kid":"hs"})", Claims(), Signer::kEd)), JwtProblem::kUnsupportedAlg);
  ExpectProblem(Check(Mint(R"({"alg":"RS256","kid":"ed"})", Claims(), Signer::kRs)), JwtProblem::kUnsupportedAlg);
}

TEST_F(JwtTest, JwkAlgMemberMustAgreeWithTheToken) {
  std::string jwks = R"({"keys":[{"kty":"oct","alg":"HS256","use":"sig","k":")" + B64(kHmacSecret) + R"("}]})";
  ExpectProblem(Verifier(DefaultOptions(), jwks)->Verify(Mint(R"({"alg":"HS256"})", Claims()), kNow),
                JwtProblem::kNone);
}

// --- Keys and signatures ---------------------------------------------------------------------

TEST_F(JwtTest, UnknownKidIsRefusedAndNamed) {
  JwtResult r = Check(Mint(R"({"alg":"HS256","kid":"retired-2023"})", Claims()));
  ExpectProblem(r, JwtProblem::kUnknownKey);
  EXPECT_NE(r.detail.find("retired-2023"), std::string::npos);
  ExpectProblem(Check(Mint(R"({"alg":"HS256","kid":7})", Claims())), JwtProblem::kMalformed);
}

TEST_F(JwtTest, KidInDetailIsCutAndCleaned) {
  std::string kid(200, 'k');
  kid += R"(\"quote\\)";
  JwtResult r = Check(Mint(R"({"alg":"HS256","kid":")" + kid + R"("})", Claims()));
  ExpectProblem(r, JwtProblem::kUnknownKey);
  EXPECT_EQ(r.detail.find(std::string(65, 'k')), std::string::npos);
  EXPECT_NE(r.detail.find(std::string(64, 'k') + "..."), std::string::npos);
  r = Check(Mint(R"({"alg":"HS256","kid":"a\"b\\c\u00e9\n"})", Claims()));
  EXPECT_EQ(r.detail.find('"'), std::string::npos);
  EXPECT_EQ(r.detail.find('\\'), std::string::npos);
  EXPECT_NE(r.detail.find("a?b?c??"), std::string::npos) << r.detail;
}

TEST_F(JwtTest, TamperedPayloadFailsTheSignature) {
  for (Signer signer : {Signer::kHs, Signer::kRs, Signer::kEd}) {
    std::string_view header = signer == Signer::kHs ? kHsHeader : signer == Signer::kRs ? kRsHeader : kEdHeader;
    std::string token = Mint(header, Claims());
    size_t dot1 = token.find('.'), dot2 = token.rfind('.');
    std::string forged = token.substr(0, dot1 + 1) +
                         B64(R"({"sub":"root","iss":"https://idp.example","aud":"warden",)"
                             R"("role":"admin","exp":1700000600})") +
                         token.substr(dot2);
    ExpectProblem(Check(Mint(header, Claims(), signer)), JwtProblem::kNone);
    ExpectProblem(Check(forged), JwtProblem::kBadSignature);
  }
}

TEST_F(JwtTest, BadSignaturesAreRefused) {
  std::string input = B64(kHsHeader) + "." + B64(Claims());
  ExpectProblem(Check(input + "." + B64(std::string(32, '\x5a'))), JwtProblem::kBadSignature);
  ExpectProblem(Check(input + "." + B64(HmacSha256(kHmacSecret, input).substr(0, 31))), JwtProblem::kBadSignature);
  ExpectProblem(Check(input + "."), JwtProblem::kBadSignature);
  std::string rs_input = B64(kRsHeader) + "." + B64(Claims());
  std::string sig = rsa_->Sign(rs_input);
  sig[100] = static_cast<char>(sig[100] ^ 1);
  ExpectProblem(Check(rs_input + "." + B64(sig)), JwtProblem::kBadSignature);
  ExpectProblem(Check(rs_input + "." + B64(sig + "x")), JwtProblem::kBadSignature);
  std::string ed_input = B64(kEdHeader) + "." + B64(Claims());
  ExpectProblem(Check(ed_input + "." + B64(std::string(64, '\0'))), JwtProblem::kBadSignature);
  // A signature made with another secret of the same type.
  ExpectProblem(Check(input + "." + B64(HmacSha256("another secret, also 32 bytes or more", input))),
                JwtProblem::kBadSignature);
}

// --- Time ----------------------------------------------------------------------------------------

TEST_F(JwtTest, ExpiryHonoursTheSkew) {
  std::string token = Mint(kHsHeader, Claims("", kNow - 30));
  ExpectProblem(Check(token), JwtProblem::kNone);  // 30 s late, 60 s skew
  JwtResult r = Check(Mint(kHsHeader, Claims("", kNow - 60)));
  ExpectProblem(r, JwtProblem::kExpired);
  EXPECT_NE(r.detail.find("60 s ago"), std::string::npos) << r.detail;
  ExpectProblem(Check(Mint(kHsHeader, Claims("", kNow - 100000))), JwtProblem::kExpired);
  JwtOptions no_skew = DefaultOptions();
  no_skew.skew_s = 0;
  ExpectProblem(Check(token, no_skew), JwtProblem::kExpired);
}

TEST_F(JwtTest, NotBeforeAndIssuedAtInTheFutureAreRefused) {
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1700000300)"))), JwtProblem::kNotYetValid);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1700000050)"))), JwtProblem::kNone);  // within skew
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1699999000,"iat":1699999000)"))), JwtProblem::kNone);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"iat":1700000300)"))), JwtProblem::kNotYetValid);
}

TEST_F(JwtTest, ExpIsRequiredUnlessSwitchedOff) {
  std::string token = Mint(kHsHeader, R"({"sub":"alice","iss":"https://idp.example","aud":"warden"})");
  JwtResult r = Check(token);
  ExpectProblem(r, JwtProblem::kMissingClaim);
  EXPECT_NE(r.detail.find("exp"), std::string::npos);
  JwtOptions lenient = DefaultOptions();
  lenient.require_exp = false;
  ExpectProblem(Check(token, lenient), JwtProblem::kNone);
}

TEST_F(JwtTest, DatesMustBeNumbersInRange) {
  ExpectProblem(Check(Mint(kHsHeader, R"({"sub":"a","iss":"https://idp.example","aud":"warden","exp":"1700000600"})")),
                JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":null)"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims("", INT64_MAX))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"iat":-9223372036854775808)"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":18446744073709551615)"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"nbf":1e300)"))), JwtProblem::kMalformed);
}

// --- Issuer, audience, subject, role -----------------------------------------------------

TEST_F(JwtTest, IssuerMustMatchWhenConfigured) {
  std::string other = R"({"sub":"alice","iss":"https://evil.example","aud":"warden","exp":1700000600})";
  ExpectProblem(Check(Mint(kHsHeader, other)), JwtProblem::kWrongIssuer);
  ExpectProblem(Check(Mint(kHsHeader, R"({"sub":"alice","aud":"warden","exp":1700000600})")),
                JwtProblem::kMissingClaim);
  ExpectProblem(Check(Mint(kHsHeader, R"({"sub":"a","iss":["https://idp.example"],"aud":"warden","exp":1700000600})")),
                JwtProblem::kMalformed);
  JwtOptions any_issuer = DefaultOptions();
  any_issuer.issuer.clear();
  JwtResult r = Check(Mint(kHsHeader, other), any_issuer);
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.issuer, "https://evil.example");
}

TEST_F(JwtTest, AudienceStringOrArrayMustNameThisServer) {
  auto with_aud = [](std::string_view aud) {
    return R"({"sub":"alice","iss":"https://idp.example","exp":1700000600)" + std::string(aud) + "}";
  };
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":"billing")"))), JwtProblem::kWrongAudience);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":["billing","warden"])"))), JwtProblem::kNone);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":["billing","crm"])"))), JwtProblem::kWrongAudience);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":[])"))), JwtProblem::kWrongAudience);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(""))), JwtProblem::kMissingClaim);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":["warden",1])"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":{"warden":true})"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":"Warden")"))), JwtProblem::kWrongAudience);
  JwtOptions two = DefaultOptions();
  two.audiences = {"api", "crm"};
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":["billing","crm"])")), two), JwtProblem::kNone);
  JwtOptions none = DefaultOptions();
  none.audiences.clear();
  ExpectProblem(Check(Mint(kHsHeader, with_aud(R"(,"aud":"billing")")), none), JwtProblem::kNone);
  ExpectProblem(Check(Mint(kHsHeader, with_aud("")), none), JwtProblem::kNone);
}

TEST_F(JwtTest, SubjectIsRequired) {
  ExpectProblem(Check(Mint(kHsHeader, R"({"iss":"https://idp.example","aud":"warden","exp":1700000600})")),
                JwtProblem::kMissingClaim);
  ExpectProblem(Check(Mint(kHsHeader, R"({"sub":"","iss":"https://idp.example","aud":"warden","exp":1700000600})")),
                JwtProblem::kMissingClaim);
  ExpectProblem(Check(Mint(kHsHeader, R"({"sub":42,"iss":"https://idp.example","aud":"warden","exp":1700000600})")),
                JwtProblem::kMalformed);
}

TEST_F(JwtTest, RoleClaimIsAStringOrAbsent) {
  JwtResult r = Check(Mint(kHsHeader, R"({"sub":"a","iss":"https://idp.example","aud":"warden","exp":1700000600})"));
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.role, "");
  ExpectProblem(
      Check(Mint(kHsHeader,
                 R"({"sub":"a","iss":"https://idp.example","aud":"warden","exp":1700000600,"role":["admin"]})")),
      JwtProblem::kMalformed);
  JwtOptions custom = DefaultOptions();
  custom.role_claim = "warden_role";
  r = Check(Mint(kHsHeader, Claims(R"(,"warden_role":"auditor")")), custom);
  ExpectProblem(r, JwtProblem::kNone);
  EXPECT_EQ(r.claims.role, "auditor");
  custom.role_claim.clear();
  r = Check(Mint(kHsHeader, Claims()), custom);
  EXPECT_EQ(r.claims.role, "");
}

// --- Structure -------------------------------------------------------------------------------

TEST_F(JwtTest, DuplicateKeysAreMalformed) {
  // Boost.JSON would keep the last "sub"; another parser the first. Refuse either reading.
  JwtResult r = Check(Mint(kHsHeader, Claims(R"(,"sub":"admin")")));
  ExpectProblem(r, JwtProblem::kMalformed);
  EXPECT_NE(r.detail.find("repeats a key"), std::string::npos);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"s\u0075b":"admin")"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(R"(,"ctx":{"a":1,"a":2})"))), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"HS256","kid":"hs","alg":"none"})", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"none","alg":"HS256","kid":"hs"})", Claims())), JwtProblem::kMalformed);
}

TEST_F(JwtTest, HeaderAndPayloadMustBeJsonObjects) {
  ExpectProblem(Check(Mint("[\"HS256\"]", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"HS256",})", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"HS256"} x)", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, "[1,2]")), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, "\"sub\"")), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims() + "/* c */")), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(kHsHeader, Claims(",\"x\":\"\xff\""))), JwtProblem::kMalformed);
  std::string deep = Claims(",\"x\":" + std::string(40, '[') + std::string(40, ']'));
  ExpectProblem(Check(Mint(kHsHeader, deep)), JwtProblem::kMalformed);
}

TEST_F(JwtTest, NonBase64UrlCharactersAreMalformed) {
  std::string token = Mint(kHsHeader, Claims());
  for (char bad : {'+', '/', ' ', '\n', '\0', '\x80', '~', '%'}) {
    for (size_t pos : {size_t{3}, token.find('.') + 3, token.size() - 2}) {
      std::string t = token;
      t[pos] = bad;
      SCOPED_TRACE(::testing::Message() << "pos " << pos << " char " << int(bad));
      ExpectProblem(Check(t), JwtProblem::kMalformed);
    }
  }
}

TEST_F(JwtTest, PaddingAndNonCanonicalEncodingsAreMalformed) {
  std::string input = B64(kHsHeader) + "." + B64(Claims());
  std::string sig = B64(HmacSha256(kHmacSecret, input));
  ASSERT_EQ(sig.size(), 43u);  // 32 bytes: the last character carries 4 bits and 2 zero bits
  ExpectProblem(Check(input + "." + sig), JwtProblem::kNone);
  ExpectProblem(Check(input + "." + sig + "="), JwtProblem::kMalformed);
  ExpectProblem(Check(input + "." + sig + "AA"), JwtProblem::kMalformed);  // 45 characters leave 6 dangling bits
  std::string header = B64(kHsHeader);  // 26 bytes: 35 characters, so padding would add one '='
  ASSERT_NE(header.size() % 4, 0u);
  std::string padded_input = header + std::string(4 - header.size() % 4, '=') + "." + B64(Claims());
  ExpectProblem(Check(padded_input + "." + B64(HmacSha256(kHmacSecret, padded_input))), JwtProblem::kMalformed);
  // Same bytes, different spelling: the unused low bits of the last character set.
  std::string noncanonical = sig;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t v = alphabet.find(noncanonical.back());
  noncanonical.back() = alphabet[v | 1];
  ASSERT_NE(noncanonical, sig);
  JwtResult r = Check(input + "." + noncanonical);
  ExpectProblem(r, JwtProblem::kMalformed);
  EXPECT_NE(r.detail.find("signature"), std::string::npos);
}

TEST_F(JwtTest, WrongNumberOfPartsIsMalformed) {
  std::string token = Mint(kHsHeader, Claims());
  ExpectProblem(Check(token + ".x"), JwtProblem::kMalformed);
  ExpectProblem(Check(token + ".x.y"), JwtProblem::kMalformed);  // JWE shape
  ExpectProblem(Check(token.substr(0, token.rfind('.'))), JwtProblem::kMalformed);
  ExpectProblem(Check(""), JwtProblem::kMalformed);
  ExpectProblem(Check(".."), JwtProblem::kMalformed);
  ExpectProblem(Check("wdn_" + std::string(43, 'A')), JwtProblem::kMalformed);
}

TEST_F(JwtTest, TokensOver8KiBAreTooLargeBeforeAnyParsing) {
  std::string big = Mint(kHsHeader, Claims(",\"pad\":\"" + std::string(6000, 'x') + "\""));
  ASSERT_GT(big.size(), kMaxJwtBytes);
  ExpectProblem(Check(big), JwtProblem::kTooLarge);
  ExpectProblem(Check(std::string(kMaxJwtBytes + 1, '.')), JwtProblem::kTooLarge);
  ExpectProblem(Check(std::string(kMaxJwtBytes, '.')), JwtProblem::kMalformed);
  std::string fits = Mint(kHsHeader, Claims(",\"pad\":\"" + std::string(5900, 'x') + "\""));
  ASSERT_LE(fits.size(), kMaxJwtBytes);
  ExpectProblem(Check(fits), JwtProblem::kNone);
}

TEST_F(JwtTest, CritHeaderIsRefused) {
  ExpectProblem(Check(Mint(R"({"alg":"HS256","kid":"hs","crit":["exp"],"exp":1})", Claims())), JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"HS256","kid":"hs","crit":["b64"],"b64":false})", Claims())),
                JwtProblem::kMalformed);
  ExpectProblem(Check(Mint(R"({"alg":"HS256","kid":"hs","crit":[]})", Claims())), JwtProblem::kMalformed);
}

TEST_F(JwtTest, EmbeddedKeyHeadersAreIgnored) {
  // An attacker-supplied "jwk" must not be trusted: the token is still checked against the file.
  std::string header =
      R"({"alg":"HS256","jwk":{"kty":"oct","k":")" + B64("attacker key, 32 bytes or longer!!") + R"("}})";
  std::string input = B64(header) + "." + B64(Claims());
  ExpectProblem(Check(input + "." + B64(HmacSha256("attacker key, 32 bytes or longer!!", input))),
                JwtProblem::kBadSignature);
}

// --- Details are safe to show --------------------------------------------------------------

TEST_F(JwtTest, DetailsNeverCarryTheTokenOrKeysAndFitAnAuthenticateHeader) {
  std::string good = Mint(kHsHeader, Claims());
  std::string sig = good.substr(good.rfind('.') + 1);
  std::vector<std::string> tokens = {
      Mint(kHsHeader, Claims(R"(,"sub":"x")")),
      Mint(kHsHeader, Claims("", kNow - 1000)),
      Mint(R"({"alg":"HS256","kid":"nope"})", Claims()),
      good.substr(0, good.size() - 3) + "AAA",
      Mint(R"({"alg":"ES256"})", Claims()),
      good + ".x",
      B64(kHsHeader) + "." + B64(Claims()) + ".+" + sig,
      Mint(kHsHeader, R"({"sub":"a","iss":"https://evil","aud":"warden","exp":1700000600})")};
  auto v = Verifier();
  for (const std::string& token : tokens) {
    JwtResult r = v->Verify(token, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(r.detail.empty());
    EXPECT_EQ(r.detail.find(sig.substr(0, 16)), std::string::npos) << r.detail;
    EXPECT_EQ(r.detail.find(token.substr(0, 16)), std::string::npos) << r.detail;
    EXPECT_EQ(r.detail.find(B64(kHmacSecret).substr(0, 16)), std::string::npos) << r.detail;
    for (char c : r.detail) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f && c != '"' && c != '\\') << r.detail;
    }
  }
}

TEST(JwtProblemText, NamesEveryProblem) {
  EXPECT_EQ(JwtProblemText(JwtProblem::kNone), "valid");
  EXPECT_EQ(JwtProblemText(JwtProblem::kExpired), "expired");
  for (int p = 0; p <= static_cast<int>(JwtProblem::kTooLarge); ++p) {
    EXPECT_NE(JwtProblemText(static_cast<JwtProblem>(p)), "?");
  }
}

TEST(LooksLikeJwt, TellsJwtsFromWardenTokens) {
  EXPECT_TRUE(LooksLikeJwt(kRfc7515Token));
  EXPECT_TRUE(LooksLikeJwt("eyJhbGciOiJub25lIn0.e30."));
  EXPECT_FALSE(LooksLikeJwt("wdn_" + std::string(43, 'A')));
  EXPECT_FALSE(LooksLikeJwt("a.b"));
  EXPECT_FALSE(LooksLikeJwt("a.b.c.d"));
  EXPECT_FALSE(LooksLikeJwt(".b.c"));
  EXPECT_FALSE(LooksLikeJwt("a..c"));
  EXPECT_FALSE(LooksLikeJwt("a.b=.c"));
  EXPECT_FALSE(LooksLikeJwt("a b.c.d"));
  EXPECT_FALSE(LooksLikeJwt(""));
}

// --- Cache ---------------------------------------------------------------------------------------

TEST_F(JwtTest, CachedTokensAreStillCheckedForTime) {
  auto v = Verifier();
  std::string token = Mint(kRsHeader, Claims(R"(,"nbf":1700000000)", kNow + 100), Signer::kRs);
  ExpectProblem(v->Verify(token, kNow), JwtProblem::kNone);
  JwtResult hit = v->Verify(token, kNow + 1);
  ExpectProblem(hit, JwtProblem::kNone);
  EXPECT_EQ(hit.claims.subject, "alice");
  EXPECT_EQ(hit.claims.key_id, "rs");
  ExpectProblem(v->Verify(token, kNow + 160), JwtProblem::kExpired);
  ExpectProblem(v->Verify(token, kNow - 100), JwtProblem::kNotYetValid);
  ExpectProblem(v->Verify(token, kNow), JwtProblem::kNone);
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v->Verify(tampered, kNow).ok());
}

TEST_F(JwtTest, SmallCacheEvictsAndStaysCorrect) {
  JwtOptions options = DefaultOptions();
  options.cache_entries = 2;
  auto v = Verifier(options);
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) tokens.push_back(Mint(kHsHeader, Claims(",\"n\":" + std::to_string(i))));
  for (int round = 0; round < 3; ++round) {
    for (const std::string& t : tokens) ExpectProblem(v->Verify(t, kNow), JwtProblem::kNone);
  }
  options.cache_entries = 0;
  ExpectProblem(Verifier(options)->Verify(tokens[0], kNow), JwtProblem::kNone);
}

TEST_F(JwtTest, VerifyIsSafeFromManyThreads) {
  JwtOptions options = DefaultOptions();
  options.cache_entries = 8;  // small, so threads also evict concurrently
  auto v = Verifier(options);
  std::vector<std::string> tokens;
  for (int i = 0; i < 12; ++i) {
    Signer s = i % 3 == 0 ? Signer::kHs : i % 3 == 1 ? Signer::kRs : Signer::kEd;
    std::string_view header = i % 3 == 0 ? kHsHeader : i % 3 == 1 ? kRsHeader : kEdHeader;
    tokens.push_back(Mint(header, Claims(",\"n\":" + std::to_string(i)), s));
  }
  tokens.push_back(Mint(kHsHeader, Claims(), Signer::kRs));  // refused
  std::atomic<int> accepted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string& token = tokens[static_cast<size_t>(i * 7 + t) % tokens.size()];
        (v->Verify(token, kNow).ok() ? accepted : refused)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted + refused, 800);
  EXPECT_GT(refused.load(), 0);
  EXPECT_GT(accepted.load(), refused.load());
}

// Not a benchmark with a threshold (DESIGN.md §5: no timed unit tests): prints the cost of one
// verification per algorithm, uncached and cached, for the record.
TEST_F(JwtTest, PrintsVerifyCost) {
  JwtOptions uncached = DefaultOptions();
  uncached.cache_entries = 0;
  auto cold = Verifier(uncached);
  auto warm = Verifier();
  struct Case {
    const char* name;
    std::string token;
  };
  std::vector<Case> cases = {{"HS256", Mint(kHsHeader, Claims())},
                             {"RS256", Mint(kRsHeader, Claims(), Signer::kRs)},
                             {"EdDSA", Mint(kEdHeader, Claims(), Signer::kEd)}};
  auto time_ns = [](const JwtVerifier& v, const std::string& token, int n) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (!v.Verify(token, kNow).ok()) ADD_FAILURE();
    }
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / n;
  };
  for (const Case& c : cases) {
    double uncached_ns = time_ns(*cold, c.token, 2000);
    double cached_ns = time_ns(*warm, c.token, 20000);
    std::printf("[ cost     ] %s verify: %.0f ns uncached, %.0f ns cache hit (token %zu bytes)\n", c.name, uncached_ns,
                cached_ns, c.token.size());
  }
}

}  // namespace
}  // namespace warden::security
