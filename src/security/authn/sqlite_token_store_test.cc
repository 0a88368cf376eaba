#include "security/authn/sqlite_token_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace warden::security {
namespace {

constexpr int64_t kNow = 1'800'000'000;

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-tok-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = SqliteTokenStore::Open(dir_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = *s;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string dir_;
  std::shared_ptr<TokenStore> store_;
};

TEST_F(TokenStoreTest, ACreatedTokenVerifiesAndNothingElseDoes) {
  auto t = store_->Create("service", "ci", 3600, kNow);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->secret.size(), kTokenLength);
  EXPECT_EQ(t->secret.substr(0, 4), "wdn_");
  EXPECT_EQ(t->info.id.substr(0, 4), "tok_");
  auto v = store_->Verify(t->secret, kNow);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.info.role, "service");
  EXPECT_EQ(v.info.name, "ci");
  std::string other = t->secret;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(store_->Verify(other, kNow).problem, TokenProblem::kUnknown);
  EXPECT_EQ(store_->Verify("wdn_short", kNow).problem, TokenProblem::kMalformed);
  EXPECT_EQ(store_->Verify(t->secret + "x", kNow).problem, TokenProblem::kMalformed);
  std::string bad_alphabet = t->secret;
  bad_alphabet[10] = '+';
  EXPECT_EQ(store_->Verify(bad_alphabet, kNow).problem, TokenProblem::kMalformed);
  EXPECT_EQ(store_->Verify("", kNow).problem, TokenProblem::kMalformed);
}

TEST_F(TokenStoreTest, ExpiryAndNeverExpiring) {
  auto t = store_->Create("service", "", 60, kNow);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(store_->Verify(t->secret, kNow + 59).ok());
  EXPECT_EQ(store_->Verify(t->secret, kNow + 60).problem, TokenProblem::kExpired);
  auto forever = store_->Create("service", "", 0, kNow);
  ASSERT_TRUE(forever.ok());
  EXPECT_EQ(forever->info.expires, 0);
  EXPECT_TRUE(store_->Verify(forever->secret, kNow + 10LL * 365 * 86400).ok());
}

TEST_F(TokenStoreTest, RevokedInAnotherProcessStopsWorkingAtOnce) {
  auto t = store_->Create("admin", "ops", 3600, kNow);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(store_->Verify(t->secret, kNow).ok());
  auto cli = SqliteTokenStore::Open(dir_);  // what `warden token revoke` does
  ASSERT_TRUE(cli.ok());
  auto r = (*cli)->Revoke("ops", kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, t->info.id);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // past the 1 ms recheck
  EXPECT_EQ(store_->Verify(t->secret, kNow).problem, TokenProblem::kRevoked);
  EXPECT_FALSE((*cli)->Revoke("ops", kNow).ok());  // nothing live by that name any more
}

TEST_F(TokenStoreTest, RevokeByAmbiguousNameIsRefused) {
  ASSERT_TRUE(store_->Create("service", "twin", 3600, kNow).ok());
  ASSERT_TRUE(store_->Create("service", "twin", 3600, kNow).ok());
  auto r = store_->Revoke("twin", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("revoke by id"), std::string::npos);
}

TEST_F(TokenStoreTest, TheDatabaseNeverHoldsTheSecret) {
  auto t = store_->Create("service", "x", 3600, kNow);
  ASSERT_TRUE(t.ok());
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  for (const char* f : {"/warden.db", "/warden.db-wal"}) {
    std::ifstream in(dir_ + f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str().find(t->secret.substr(4)), std::string::npos) << f;
  }
}

TEST_F(TokenStoreTest, TheKeyFileIsPrivateAndAReadableOneIsRefused) {
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/token.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  chmod((dir_ + "/token.key").c_str(), 0644);
  auto again = SqliteTokenStore::Open(dir_);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("0600"), std::string::npos);
}

TEST(TokenTtlTest, Durations) {
  EXPECT_EQ(*ParseTokenTtl("24h"), 86400);
  EXPECT_EQ(*ParseTokenTtl("30m"), 1800);
  EXPECT_EQ(*ParseTokenTtl("7d"), 7 * 86400);
  EXPECT_EQ(*ParseTokenTtl("never"), 0);
  EXPECT_FALSE(ParseTokenTtl("0h").ok());
  EXPECT_FALSE(ParseTokenTtl("1y").ok());
  EXPECT_FALSE(ParseTokenTtl("h").ok());
}

}  // namespace
}  // namespace warden::security
