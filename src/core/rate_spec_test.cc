#include "core/rate_spec.h"

#include <gtest/gtest.h>

namespace warden {
namespace {

TEST(RateSpecTest, ClassesBansAndKeys) {
  auto d = ParseRateSpec("default=600/min");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, RateSpec::Kind::kClass);
  EXPECT_EQ(d->count, 600u);
  EXPECT_EQ(d->period_ns, 60'000'000'000);
  auto b = ParseRateSpec("expensive=30/min, burst=5");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->burst, 5u);
  auto ban = ParseRateSpec("ban=5/1h");
  ASSERT_TRUE(ban.ok());
  EXPECT_EQ(ban->kind, RateSpec::Kind::kBan);
  EXPECT_EQ(ban->period_ns, 3600'000'000'000);
  EXPECT_EQ(ParseRateSpec("ban=off")->kind, RateSpec::Kind::kBanOff);
  EXPECT_EQ(ParseRateSpec("max-keys=200000")->count, 200000u);
  EXPECT_EQ(ParseRateSpec("auth-failure=10/s")->period_ns, 1'000'000'000);
}

TEST(RateSpecTest, ErrorsSayWhatIsAccepted) {
  auto msg = [](const char* s) { return ParseRateSpec(s).status().message(); };
  EXPECT_NE(msg("default").find("NAME=VALUE"), std::string::npos);
  EXPECT_NE(msg("default=100").find("COUNT/UNIT"), std::string::npos);
  EXPECT_NE(msg("default=0/min").find("> 0"), std::string::npos);
  EXPECT_NE(msg("default=10/week").find("unknown unit \"week\""), std::string::npos);
  EXPECT_NE(msg("default=10/min,bust=3").find("burst=N"), std::string::npos);
  EXPECT_NE(msg("ban=5").find("TIMES/DURATION"), std::string::npos);
  EXPECT_NE(msg("ban=5/1y").find("unknown duration"), std::string::npos);
  EXPECT_NE(msg("max-keys=5").find("1024"), std::string::npos);
  EXPECT_NE(msg("premium=1/s").find("unknown name \"premium\""), std::string::npos);
  EXPECT_NE(msg("default=99999999999999/s").find("count"), std::string::npos);
}

}  // namespace
}  // namespace warden
