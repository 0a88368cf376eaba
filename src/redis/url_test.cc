#include "redis/url.h"

#include <gtest/gtest.h>

namespace warden::redis {
namespace {

TEST(RedisUrl, TcpWithEveryPart) {
  auto a = ParseUrl("redis://warden:s%40cret@10.0.0.5:6380/3");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->user, "warden");
  EXPECT_EQ(a->password, "s@cret");
  EXPECT_EQ(a->db, 3);
  EXPECT_EQ(a->Describe(), "redis://warden:***@10.0.0.5:6380/3");
}

TEST(RedisUrl, Defaults) {
  auto a = ParseUrl("redis://localhost");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->port, 6379);
  EXPECT_EQ(a->db, 0);
  EXPECT_TRUE(a->password.empty());
  auto b = ParseUrl("redis://:pw@[::1]:7000/");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 7000);
  EXPECT_EQ(b->password, "pw");
  EXPECT_EQ(b->Describe(), "redis://:***@[::1]:7000");
}

TEST(RedisUrl, UnixSocket) {
  auto a = ParseUrl("unix:///run/redis/redis.sock?db=2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(a->db, 2);
}

TEST(RedisUrl, ErrorsNameThePartAndNeverThePassword) {
  struct Case {
    const char* url;
    const char* says;
  } cases[] = {
      {"http://x", "must start with redis://"},
      {"rediss://x", "TLS"},
      {"redis://", "host is missing"},
      {"redis://h:", "port after : is missing"},
      {"redis://h:0", "port must be"},
      {"redis://h:65536", "port must be"},
      {"redis://h:12x", "port must be"},
      {"redis://h/abc", "database"},
      {"redis://h/70000", "database"},
      {"redis://[::1", "closing ]"},
      {"redis://[::1]x", "only :PORT"},
      {"redis://u:p%zz@h", "%-escape in the password"},
      {"redis://h o", "blanks"},
      {"unix://relative", "absolute path"},
      {"unix:///s?x=1", "db=N"},
  };
  for (const auto& c : cases) {
    auto a = ParseUrl(c.url);
    ASSERT_FALSE(a.ok()) << c.url;
    EXPECT_NE(a.status().message().find(c.says), std::string::npos) << c.url << " → " << a.status().message();
  }
  auto secret = ParseUrl("redis://u:hunter2@h:99999");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace warden::redis
