// The one parser of the daemon's decide replies: a decision, or "not decided" with why — never
// an allow from a reply that is not one.
#include "local/decide.h"

#include <gtest/gtest.h>

namespace warden::local {
namespace {

namespace json = boost::json;

DecideReply Parse(std::string_view text) { return ParseDecideReply(json::parse(text).as_object()); }

TEST(DecideReplyTest, ReadsEachDecisionWithItsReasonAndRule) {
  DecideReply a = Parse(R"({"ok":true,"decision":"allow"})");
  EXPECT_TRUE(a.decided);
  EXPECT_EQ(a.decision, policy::Decision::kAllow);
  DecideReply d = Parse(R"({"ok":true,"decision":"deny","reason":"deletes the home","rule":"rm-home","id":3})");
  EXPECT_TRUE(d.decided);
  EXPECT_EQ(d.decision, policy::Decision::kDeny);
  EXPECT_EQ(d.reason, "deletes the home");
  EXPECT_EQ(d.rule, "rm-home");
  EXPECT_EQ(Parse(R"({"ok":true,"decision":"ask","reason":"r"})").decision, policy::Decision::kAsk);
}

TEST(DecideReplyTest, AnythingElseIsNotDecided) {
  for (const char* text : {R"({"ok":false,"error":{"code":"bad-request","message":"no kind"}})",
                           R"({"ok":true})", R"({"ok":true,"decision":"yes"})", R"({"ok":true,"decision":1})",
                           R"({"decision":"allow"})", R"({"ok":"true","decision":"allow"})"}) {
    DecideReply r = Parse(text);
    EXPECT_FALSE(r.decided) << text;
    EXPECT_FALSE(r.error.empty()) << text;
  }
  EXPECT_NE(Parse(R"({"ok":false,"error":{"code":"internal","message":"the policy has errors"}})").error.find(
                "the policy has errors"),
            std::string::npos);
}

TEST(DecideReplyTest, TheMessageWaitsOnlyWhenAsked) {
  policy::Request req;
  req.kind = policy::RequestKind::kExec;
  req.command = "ls";
  json::object m = DecideMessage(req, 0, true);
  EXPECT_EQ(m.at("op").as_string(), "decide");
  EXPECT_FALSE(m.contains("wait_ms"));
  EXPECT_FALSE(m.contains("if_watched"));
  json::object w = DecideMessage(req, 5000, true);
  EXPECT_EQ(w.at("wait_ms").as_int64(), 5000);
  EXPECT_TRUE(w.at("if_watched").as_bool());
  EXPECT_EQ(w.at("request").as_object().at("command").as_string(), "ls");
}

}  // namespace
}  // namespace warden::local
