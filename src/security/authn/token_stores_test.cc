// The interface tests of TokenStore: the SQLite store and the Redis store (on a real
// redis-server of the test's own) pass the same tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "redis/hub.h"
#include "redis/test_server.h"
#include "security/authn/redis_token_store.h"
#include "security/authn/sqlite_token_store.h"

namespace warden::security {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct StateDir {
  fs::path dir;
  StateDir() {
    static int n = 0;
    dir = fs::temp_directory_path() / ("warden-token-stores-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  }
  ~StateDir() { fs::remove_all(dir); }
};

struct SqliteFactory {
  StateDir state;
  std::shared_ptr<TokenStore> Make() {
    auto s = SqliteTokenStore::Open(state.dir.string());
    return s.ok() ? std::shared_ptr<TokenStore>(*s) : nullptr;
  }
};

struct RedisFactory {
  StateDir state;
  redis::testing::TestServer server;
  std::unique_ptr<redis::Hub> hub;
  std::shared_ptr<TokenStore> store;
  std::shared_ptr<TokenStore> Make() {
    if (!redis::testing::TestServer::Available() || !server.Start()) return nullptr;
    redis::ClientOptions o;
    o.address = *redis::ParseUrl(server.Url());
    hub = std::make_unique<redis::Hub>(o, "t", "wt:");
    auto s = RedisTokenStore::Open(*hub, state.dir.string(), TokenFailureMode::kClosed);
    if (!s.ok()) return nullptr;
    hub->Start();
    for (int i = 0; i < 400 && !(hub->connected() && (*s)->loaded()); ++i) std::this_thread::sleep_for(5ms);
    return *s;
  }
  ~RedisFactory() {
    if (hub) hub->Stop();
  }
};

template <class F>
class TokenStoreInterfaceTest : public ::testing::Test {
 protected:
  F factory_;
};
using Factories = ::testing::Types<SqliteFactory, RedisFactory>;
TYPED_TEST_SUITE(TokenStoreInterfaceTest, Factories);

TYPED_TEST(TokenStoreInterfaceTest, CreateVerifyListRevoke) {
  auto store = this->factory_.Make();
  if (!store) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  auto made = store->Create("service", "billing", 3600, 1000);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(made->secret.rfind("wdn_", 0), 0u);
  EXPECT_EQ(made->info.id.rfind("tok_", 0), 0u);
  auto v = store->Verify(made->secret, 1001);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.info.role, "service");
  EXPECT_EQ(v.info.name, "billing");
  EXPECT_EQ(store->Verify(made->secret, 1000 + 3600).problem, TokenProblem::kExpired);
  EXPECT_EQ(store->Verify("wdn_" + std::string(43, 'A'), 1001).problem, TokenProblem::kUnknown);
  EXPECT_EQ(store->Verify("not-a-token", 1001).problem, TokenProblem::kMalformed);
  auto other = store->Create("admin", "billing", 0, 1000);
  ASSERT_TRUE(other.ok());
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(store->size(), 2u);
  auto ambiguous = store->Revoke("billing", 1002);
  EXPECT_EQ(ambiguous.status().code(), Status::Code::kInvalidArgument) << "two live tokens share the name";
  auto revoked = store->Revoke(made->info.id, 1002);
  ASSERT_TRUE(revoked.ok()) << revoked.status().message();
  EXPECT_EQ(revoked->revoked, 1002);
  EXPECT_EQ(store->Verify(made->secret, 1003).problem, TokenProblem::kRevoked);
  EXPECT_TRUE(store->Verify(other->secret, 1003).ok()) << "revoking one token touched another";
  EXPECT_TRUE(store->Revoke("billing", 1004).ok()) << "one live token left with the name";
  EXPECT_EQ(store->Revoke("nobody", 1004).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(store->Create("", "x", 60, 1000).ok());
  EXPECT_FALSE(store->Create("service", "x", -1, 1000).ok());
}

}  // namespace
}  // namespace warden::security
