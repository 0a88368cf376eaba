#include "security/jwt/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace warden::security {
namespace {

TEST(StrictJson, ParsesOrdinaryDocuments) {
  StrictJsonResult r = ParseStrictJson(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]} )");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.at("b").at("a").as_int64(), 2);
  EXPECT_EQ(r.value.at("c").as_array().size(), 2u);
  EXPECT_TRUE(ParseStrictJson("[]").ok());
  EXPECT_TRUE(ParseStrictJson(R"({"":1})").ok());
}

TEST(StrictJson, RefusesDuplicateKeysAtAnyDepth) {
  for (const char* doc : {R"({"a":1,"a":2})", R"({"x":{"b":1,"c":2,"b":3}})", R"([{"a":1},{"a":1,"a":1}])",
                          R"({"a":1,"\u0061":2})", R"({"":1,"":2})"}) {
    StrictJsonResult r = ParseStrictJson(doc);
    EXPECT_FALSE(r.ok()) << doc;
    EXPECT_TRUE(r.duplicate) << doc;
    EXPECT_EQ(r.error, "duplicate key");
  }
  EXPECT_EQ(ParseStrictJson(R"({"k":{"z":1},"k":2})").duplicate_key, "k");
}

TEST(StrictJson, RefusesWhatStandardJsonRefuses) {
  for (const char* doc : {"", "{", R"({"a":1,})", "{} {}", "{} x", "/*c*/{}", "{\"a\":\"\xc3\"}", "nul", "[1,]"}) {
    StrictJsonResult r = ParseStrictJson(doc);
    EXPECT_FALSE(r.ok()) << doc;
    EXPECT_FALSE(r.duplicate) << doc;
    EXPECT_EQ(r.error.rfind("not valid JSON (", 0), 0u) << r.error;
  }
}

TEST(StrictJson, LimitsNesting) {
  EXPECT_TRUE(ParseStrictJson(std::string(4, '[') + std::string(4, ']'), 4).ok());
  EXPECT_FALSE(ParseStrictJson(std::string(5, '[') + std::string(5, ']'), 4).ok());
}

TEST(StrictJson, ManyKeysStayCheap) {
  std::string doc = "{";
  for (int i = 0; i < 2000; ++i) doc += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  EXPECT_TRUE(ParseStrictJson(doc + "}").ok());
  EXPECT_TRUE(ParseStrictJson(doc + ",\"k1999\":1}").duplicate);
}

}  // namespace
}  // namespace warden::security
