#include "security/jwt/jwks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "security/jwt/jwt.h"
#include "security/jwt/test_keys.h"

namespace warden::security {
namespace {

using testing::B64;
using testing::RsaTestKey;

const std::string kOct = R"({"kty":"oct","kid":"hs","k":")" + B64(std::string(32, 'k')) + R"("})";
const std::string kOkp = R"({"kty":"OKP","crv":"Ed25519","kid":"ed","x":")" + std::string(testing::kRfc8037X) + R"("})";

std::string Set(const std::string& members) {
  return R"({"keys":[)" + members + "]}";
}

// The load error for `json`, "" when it loads.
std::string LoadError(const std::string& json) {
  auto set = ParseJwks(json, "keys.json");
  return set.ok() ? "" : set.status().message();
}

class JwksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rsa_ = new RsaTestKey(2048); }
  static void TearDownTestSuite() {
    delete rsa_;
    rsa_ = nullptr;
  }
  static RsaTestKey* rsa_;
};

RsaTestKey* JwksTest::rsa_ = nullptr;

TEST_F(JwksTest, LoadsTheThreeKeyTypes) {
  auto set = ParseJwks(Set(kOct + "," + rsa_->Jwk("rs") + "," + kOkp), "keys.json");
  ASSERT_TRUE(set.ok()) << set.status().message();
  ASSERT_EQ(set->keys.size(), 3u);
  EXPECT_EQ(set->keys[0].type, JwkType::kOct);
  EXPECT_EQ(set->keys[1].type, JwkType::kRsa);
  EXPECT_EQ(set->keys[1].kid, "rs");
  EXPECT_EQ(set->keys[1].rsa_bytes, 256u);
  EXPECT_EQ(set->keys[2].type, JwkType::kOkp);
  EXPECT_EQ(set->keys[2].index, 2u);
  EXPECT_TRUE(set->skipped.empty());
  EXPECT_EQ(JwkAlgorithm(JwkType::kOkp), "EdDSA");
}

TEST_F(JwksTest, BadJsonNamesTheSource) {
  EXPECT_EQ(LoadError("{\"keys\": [").rfind("keys.json: not valid JSON", 0), 0u) << LoadError("{\"keys\": [");
  EXPECT_NE(LoadError(R"({"keys":[],"keys":[]})").find("duplicate key \"keys\""), std::string::npos);
  EXPECT_NE(LoadError("[]").find("\"keys\" is missing"), std::string::npos);
  EXPECT_NE(LoadError(R"({"keys":{}})").find("\"keys\" must be an array"), std::string::npos);
  EXPECT_EQ(LoadError(R"({"keys":[]})"),
            "keys.json: no usable signing key (HS256 oct, RS256 RSA or EdDSA Ed25519 OKP)");
  EXPECT_EQ(LoadError(Set("[]")), "keys.json: keys[0]: must be an object");
}

TEST_F(JwksTest, MissingAndMistypedFieldsAreNamedWithTheirIndex) {
  EXPECT_EQ(LoadError(Set(kOct + R"(,{"kid":"x"})")), "keys.json: keys[1]: \"kty\" is missing");
  EXPECT_EQ(LoadError(Set(R"({"kty":5})")), "keys.json: keys[0]: \"kty\" must be a string");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct"})")), "keys.json: keys[0]: \"k\" is missing");
  EXPECT_EQ(LoadError(Set(R"({"kty":"RSA","e":"AQAB"})")), "keys.json: keys[0]: \"n\" is missing");
  EXPECT_EQ(LoadError(Set(R"({"kty":"OKP","x":"AAAA"})")),
            "keys.json: keys[0]: \"crv\" is missing (kty \"OKP\" needs crv \"Ed25519\")");
  EXPECT_EQ(LoadError(Set(R"({"kty":"OKP","crv":"Ed25519"})")), "keys.json: keys[0]: \"x\" is missing");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct","kid":1,"k":"AAAA"})")), "keys.json: keys[0]: \"kid\" must be a string");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct","use":false,"k":"AAAA"})")), "keys.json: keys[0]: \"use\" must be a string");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct","key_ops":"verify","k":"AAAA"})")),
            "keys.json: keys[0]: \"key_ops\" must be an array of strings");
}

TEST_F(JwksTest, NonBase64UrlMembersAreRefused) {
  std::string rsa = rsa_->Jwk("rs");
  std::string bad_n = rsa;
  bad_n.insert(bad_n.find("\"n\":\"") + 6, "+");
  EXPECT_EQ(LoadError(Set(kOct + "," + kOkp + "," + bad_n)),
            "keys.json: keys[2]: \"n\" is not base64url (unpadded, A-Z a-z 0-9 - _)");
  EXPECT_NE(
      LoadError(Set(R"({"kty":"oct","k":")" + B64(std::string(32, 'k')) + R"(="})")).find("\"k\" is not base64url"),
      std::string::npos);
  EXPECT_NE(LoadError(Set(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"))
                .find("\"x\" is not base64url"),
            std::string::npos);
}

TEST_F(JwksTest, WeakOrWrongSizedKeysAreRefused) {
  RsaTestKey small(1024);
  EXPECT_EQ(LoadError(Set(small.Jwk("old"))),
            "keys.json: keys[0]: the RSA key has 1024 bits; 2048 to 8192 are accepted");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct","k":")" + B64(std::string(31, 'k')) + R"("})")),
            "keys.json: keys[0]: \"k\" is 31 bytes; HS256 needs at least 32 (RFC 7518 §3.2)");
  EXPECT_EQ(LoadError(Set(R"({"kty":"OKP","crv":"Ed25519","x":")" + B64(std::string(31, 'x')) + R"("})")),
            "keys.json: keys[0]: \"x\" is 31 bytes, not 32");
  std::string e3 = rsa_->Jwk("rs");
  e3.replace(e3.find("\"e\":\"AQAB\""), 10, "\"e\":\"Aw\"");
  EXPECT_EQ(LoadError(Set(e3)), "keys.json: keys[0]: \"e\" must be odd and from 65537 to 2^256 (SP 800-56B)");
  std::string e_even = rsa_->Jwk("rs");
  e_even.replace(e_even.find("\"e\":\"AQAB\""), 10, "\"e\":\"AQAA\"");
  EXPECT_NE(LoadError(Set(e_even)).find("\"e\" must be odd"), std::string::npos);
  std::string even_n = R"({"kty":"RSA","n":")" + B64(std::string(256, '\xf0')) + R"(","e":"AQAB"})";
  EXPECT_NE(LoadError(Set(even_n)).find("not a valid RSA public key"), std::string::npos) << LoadError(Set(even_n));
}

TEST_F(JwksTest, UnsupportedKeysAreSkippedWithANote) {
  std::string ec = R"({"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"})";
  std::string enc = R"({"kty":"RSA","use":"enc","n":"AAAA","e":"AQAB"})";
  std::string ed448 = R"({"kty":"OKP","crv":"Ed448","x":"AAAA"})";
  std::string hs512 = R"({"kty":"oct","alg":"HS512","k":"AAAA"})";
  std::string no_verify = R"({"kty":"oct","key_ops":["sign"],"k":"AAAA"})";
  auto set = ParseJwks(Set(ec + "," + enc + "," + ed448 + "," + hs512 + "," + no_verify + "," + kOct), "keys.json");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->keys.size(), 1u);
  ASSERT_EQ(set->skipped.size(), 5u);
  EXPECT_EQ(set->skipped[0], "keys.json: keys[0]: kty \"EC\" is not supported (oct, RSA, OKP are); key skipped");
  EXPECT_EQ(set->skipped[1], "keys.json: keys[1]: \"use\" is \"enc\", not \"sig\"; key skipped");
  EXPECT_EQ(set->skipped[2], "keys.json: keys[2]: crv \"Ed448\" is not supported (only \"Ed25519\"); key skipped");
  EXPECT_EQ(set->skipped[3],
            "keys.json: keys[3]: \"alg\" \"HS512\" is not supported (only HS256 for kty \"oct\"); key skipped");
  EXPECT_EQ(set->skipped[4], "keys.json: keys[4]: \"key_ops\" does not include \"verify\"; key skipped");
  // Only unusable keys: the load fails, naming the first reason.
  EXPECT_EQ(LoadError(Set(ec)),
            "keys.json: no usable signing key (HS256 oct, RS256 RSA or EdDSA Ed25519 OKP); keys.json: keys[0]: kty "
            "\"EC\" is not supported (oct, RSA, OKP are); key skipped");
}

TEST_F(JwksTest, AlgOfAnotherKeyTypeIsAnError) {
  std::string rsa = rsa_->Jwk("rs");
  rsa.insert(1, R"("alg":"HS256",)");
  EXPECT_EQ(LoadError(Set(rsa)), "keys.json: keys[0]: \"alg\" \"HS256\" is not an algorithm for kty \"RSA\"");
  EXPECT_EQ(LoadError(Set(R"({"kty":"oct","alg":"RS256","k":"AAAA"})")),
            "keys.json: keys[0]: \"alg\" \"RS256\" is not an algorithm for kty \"oct\"");
  rsa = rsa_->Jwk("rs");
  rsa.insert(1, R"("alg":"RS256","use":"sig","key_ops":["verify"],)");
  EXPECT_EQ(LoadError(Set(rsa)), "");
}

TEST_F(JwksTest, PrivateKeyMaterialIsRefused) {
  std::string okp = R"({"kty":"OKP","crv":"Ed25519","d":")" + std::string(testing::kRfc8037D) + R"(","x":")" +
                    std::string(testing::kRfc8037X) + R"("})";
  EXPECT_EQ(LoadError(Set(okp)),
            "keys.json: keys[0]: holds the private member \"d\"; put only the public key (without it) in this file");
  std::string rsa = rsa_->Jwk("rs");
  rsa.insert(1, R"("p":"AAAA",)");
  EXPECT_NE(LoadError(Set(rsa)).find("private member \"p\""), std::string::npos);
}

TEST_F(JwksTest, RepeatedKidIsAnError) {
  std::string second = R"({"kty":"OKP","crv":"Ed25519","kid":"hs","x":")" + std::string(testing::kRfc8037X) + R"("})";
  EXPECT_EQ(LoadError(Set(kOct + "," + kOkp + "," + second)),
            "keys.json: keys[2]: kid \"hs\" is already used by keys[0]");
}

TEST_F(JwksTest, SizeLimits) {
  std::string many;
  for (size_t i = 0; i <= kMaxJwks; ++i) many += (i ? "," : "") + std::string(R"({"kty":"EC"})");
  EXPECT_EQ(LoadError(Set(many)), "keys.json: more than 100 keys");
  EXPECT_EQ(LoadError(std::string(kMaxJwksBytes + 1, ' ')), "keys.json: larger than 1048576 bytes");
}

TEST_F(JwksTest, VerifierLoadsFromAFileAndNamesIt) {
  auto missing = JwtVerifier::FromJwksFile("/nonexistent/keys.json", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "/nonexistent/keys.json: no such file");

  char path[] = "/tmp/warden_jwks_test_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string body = Set(kOct + "," + kOkp + R"(,{"kty":"EC"})");
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  auto v = JwtVerifier::FromJwksFile(path, {});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ((*v)->key_count(), 2u);
  ASSERT_EQ((*v)->skipped_keys().size(), 1u);
  EXPECT_EQ((*v)->skipped_keys()[0].rfind(std::string(path) + ": keys[2]: ", 0), 0u);
  unlink(path);
}

TEST_F(JwksTest, SkewOutOfRangeIsRefused) {
  JwtOptions options;
  options.skew_s = -1;
  EXPECT_FALSE(JwtVerifier::FromJwks(Set(kOct), options, "keys.json").ok());
  options.skew_s = 86401;
  EXPECT_FALSE(JwtVerifier::FromJwks(Set(kOct), options, "keys.json").ok());
}

}  // namespace
}  // namespace warden::security
