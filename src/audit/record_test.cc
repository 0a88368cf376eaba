#include "audit/record.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>

namespace warden::audit {
namespace {

TEST(AuditRecordTest, FormatsTimestampsInUtcWithMicroseconds) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1714564800123456), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(FormatTimestamp(951782400000001), "2000-02-29T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(NowMicros()).size(), kTimestampSize);
}

TEST(AuditRecordTest, ParsesRfc3339AndDates) {
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00Z"), 1714564800000000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00.123456Z"), 1714564800123456);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00.5Z"), 1714564800500000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T14:00:00+02:00"), 1714564800000000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T07:30:00-04:30"), 1714564800000000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01"), 1714521600000000);
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-05-01T12:00", "2024-05-01T12:00:00", "2024-05-01X",
                          "2024-05-01T12:00:00Zjunk"}) {
    auto r = ParseTimestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("RFC 3339"), std::string::npos);
    }
  }
}

TEST(AuditRecordTest, SinceAcceptsAgesAndTimes) {
  int64_t now = 1714564800000000;
  EXPECT_EQ(*ParseSince("10m", now), "2024-05-01T11:50:00.000000Z");
  EXPECT_EQ(*ParseSince("24h", now), "2024-04-30T12:00:00.000000Z");
  EXPECT_EQ(*ParseSince("7d", now), "2024-04-24T12:00:00.000000Z");
  EXPECT_EQ(*ParseSince("90s", now), "2024-05-01T11:58:30.000000Z");
  EXPECT_EQ(*ParseSince("2024-05-01T14:00:00+02:00", now), "2024-05-01T12:00:00.000000Z");
  EXPECT_FALSE(ParseSince("10w", now).ok());
  EXPECT_FALSE(ParseSince("m", now).ok());
  EXPECT_FALSE(ParseSince("-5m", now).ok());
}

TEST(AuditRecordTest, SerializesFieldsInTheDocumentedOrder) {
  Record r;
  r.decision_id = "id-1";
  r.kind = "exec";
  r.context = "ai";
  r.decision = "deny";
  r.rule = "no-rm";
  r.latency_ns = 1234;
  r.policy_revision = "abc";
  r.reason = "say \"no\"";
  r.request = boost::json::object{{"command", "rm -rf /"}};
  r.facts = boost::json::array{1, 2};
  EXPECT_EQ(SerializeRecordFields(r),
            R"("decision_id":"id-1","kind":"exec","context":"ai","decision":"deny","rule":"no-rm","latency_ns":1234,)"
            R"("policy_revision":"abc","subject":null,"reason":"say \"no\"","request":{"command":"rm -rf /"},)"
            R"("facts":[1,2])");
  r.rule.reset();
  r.subject = "alice";
  std::string fields = SerializeRecordFields(r);
  EXPECT_NE(fields.find(R"("rule":null)"), std::string::npos);
  EXPECT_NE(fields.find(R"("subject":"alice")"), std::string::npos);
}

TEST(AuditRecordTest, NonFiniteNumbersBecomeNull) {
  Record r;
  r.facts = boost::json::array{std::nan(""), 1.5, boost::json::object{{"x", -HUGE_VAL}}, "NaN"};
  std::string fields = SerializeRecordFields(r);
  boost::system::error_code ec;
  boost::json::parse("{" + fields + "}", ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << fields;
  EXPECT_NE(fields.find(R"("facts":[null,1.5E0,{"x":null},"NaN"])"), std::string::npos) << fields;
}

TEST(AuditRecordTest, InvalidUtf8BecomesReplacementCharacters) {
  Record r;
  r.reason = "bad \xff byte and \xc3";
  r.request = boost::json::object{{"arg", "\xe2\x82"}};
  std::string fields = SerializeRecordFields(r);
  boost::system::error_code ec;
  boost::json::parse("{" + fields + "}", ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << fields;
  EXPECT_NE(fields.find("bad \xEF\xBF\xBD byte"), std::string::npos);
}

}  // namespace
}  // namespace warden::audit
