#include "server/redact.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace warden::server {
namespace {

TEST(RedactTest, CredentialsOnCommandLines) {
  struct Case {
    const char* in;
    const char* secret;
  } cases[] = {
      {"mysql -u root -phunter22 db", "hunter22"},
      {"curl -H 'Authorization: Bearer abc.def.ghi' https://x", "abc.def.ghi"},
      {"export API_KEY=sk-live-123456", "sk-live-123456"},
      {"deploy --password='s3cr3t value' now", "s3cr3t value"},
      {"GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa git push", "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
      {"echo AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"},
      {"git clone https://bob:pa55word@example.com/r.git", "pa55word"},
      {"curl -d token=xoxb-1234567890-abcdef https://slack", "xoxb-1234567890-abcdef"},
      {"echo eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
       "dozjgNryP4J3jVmNHl0w5N"},
      {"curl http://x/v1/check/Xwdn_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde", "wdn_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"},
      {"printf '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----'", "b3BlbnNzaC1rZXk"},
  };
  for (const auto& c : cases) {
    std::string out = RedactSecrets(c.in);
    EXPECT_EQ(out.find(c.secret), std::string::npos) << c.in << " → " << out;
    EXPECT_NE(out.find("[REDACTED]"), std::string::npos) << c.in << " → " << out;
    EXPECT_TRUE(MayHoldSecret(c.in)) << c.in;  // the prefilter never hides a secret
  }
  // An AWS key alone has none of the punctuation the other shapes need.
  EXPECT_TRUE(MayHoldSecret("AKIAABCDEFGHIJKLMNOP"));
  EXPECT_EQ(RedactSecrets("AKIAABCDEFGHIJKLMNOP"), "[REDACTED]");
}

TEST(RedactTest, CredentialsInUrlQueries) {
  struct Case {
    const char* in;
    const char* secret;
    const char* kept;
  } cases[] = {
      {"https://maps.example.com/api?key=AIzaSyA-secret1&q=x", "AIzaSyA-secret1", "&q=x"},
      {"https://x.example/cb?state=1&access_token=tok-secret2", "tok-secret2", "?state=1"},
      {"https://s3.example/o?X-Amz-Credential=cred-secret3&X-Amz-Signature=sig-secret4", "sig-secret4", "https://s3.example/o?"},
      {"https://blob.example/c?sv=2024&sig=sas-secret5", "sas-secret5", "?sv=2024"},
      {"https://app.example/login?code=oauth-secret6#x", "oauth-secret6", "#x"},
  };
  for (const auto& c : cases) {
    std::string out = RedactSecrets(c.in);
    EXPECT_EQ(out.find(c.secret), std::string::npos) << c.in << " → " << out;
    EXPECT_NE(out.find(c.kept), std::string::npos) << c.in << " → " << out;
  }
  EXPECT_EQ(RedactSecrets("https://x.example/search?keyword=warden&page=2"), "https://x.example/search?keyword=warden&page=2");
}

TEST(RedactTest, OrdinaryCommandsAreUnchanged) {
  for (const char* s : {"git status", "rm -rf build", "make -j4 test", "cp -p a b", "tar -pxvf a.tgz", "grep -rn TODO src/",
                        "ssh-keygen -lf ~/.ssh/id_ed25519.pub", "npm publish --access public"}) {
    EXPECT_EQ(RedactSecrets(s), s);
  }
}

TEST(RedactTest, JsonDocumentsAndThePrefilter) {
  for (const char* plain : {"alice", "read", "doc", "42", "git status", "rm -rf build/", "alice's role reader grants doc:read",
                            "no rule matched (command: ls -la src); the default for ai is allow"}) {
    EXPECT_FALSE(MayHoldSecret(plain)) << plain;
  }
  boost::json::value clean = boost::json::parse(R"({"subject":"alice","action":"read","resource":{"type":"doc","id":"42"}})");
  EXPECT_FALSE(JsonMayHoldSecret(clean));
  boost::json::value dirty =
      boost::json::parse(R"({"argv":["mysql","-u","root","-phunter22"],"env":{"X":"token=abc123"},"n":[1,2]})");
  EXPECT_TRUE(JsonMayHoldSecret(dirty));
  RedactJson(dirty);
  std::string out = boost::json::serialize(dirty);
  EXPECT_EQ(out.find("abc123"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED]"), std::string::npos) << out;
  EXPECT_NE(out.find("root"), std::string::npos) << out;
}

}  // namespace
}  // namespace warden::server
