#include "local/protocol.h"

#include <gtest/gtest.h>

namespace warden::local {
namespace {

namespace json = boost::json;

TEST(ProtocolTest, ParsesDecideWithItsRequest) {
  Message m;
  ProtocolError e;
  ASSERT_TRUE(ParseMessage(R"({"op":"decide","id":7,"request":{"kind":"exec","command":"ls","cwd":"/tmp"}})", &m, &e))
      << e.message;
  EXPECT_EQ(m.op, Op::kDecide);
  EXPECT_EQ(m.id.as_int64(), 7);
  EXPECT_EQ(m.request.command, "ls");
  EXPECT_TRUE(m.present.cwd);
  EXPECT_FALSE(m.present.home);
}

TEST(ProtocolTest, ParsesRecord) {
  Message m;
  ProtocolError e;
  ASSERT_TRUE(ParseMessage(
      R"({"op":"record","event":{"kind":"mcp","server":"fs","tool":"read","type":"redacted","decision":"allow","detail":"x"}})",
      &m, &e))
      << e.message;
  EXPECT_EQ(m.op, Op::kRecord);
  EXPECT_EQ(m.request.server, "fs");
  EXPECT_EQ(m.event_type, "redacted");
  EXPECT_EQ(m.event_decision, "allow");
  Message sb;
  ASSERT_TRUE(ParseMessage(
      R"({"op":"record","event":{"kind":"sandbox","command":"make test","sandbox":"ab12","cwd":"/w","type":"confined","decision":"allow"}})",
      &sb, &e))
      << e.message;
  EXPECT_EQ(sb.request.kind, policy::RequestKind::kExec);
  EXPECT_EQ(sb.request.command, "make test");
  EXPECT_EQ(sb.request.sandbox, "ab12");
  for (const char* bad : {R"({"op":"record"})",
                          R"({"op":"record","event":{"kind":"sandbox","command":"x","type":"confined","decision":"allow"}})", R"({"op":"record","event":{"kind":"exec","server":"s","type":"t","decision":"allow"}})",
                          R"({"op":"record","event":{"kind":"mcp","server":"s","type":"t","decision":"maybe"}})",
                          R"({"op":"record","event":{"kind":"mcp","server":"s","type":"t","decision":"allow","x":1}})"}) {
    Message b;
    EXPECT_FALSE(ParseMessage(bad, &b, &e)) << bad;
  }
}

TEST(ProtocolTest, ParsesTheOtherOps) {
  for (auto [text, op] : {std::pair{"status", Op::kStatus}, {"reload", Op::kReload}, {"subscribe", Op::kSubscribe}}) {
    Message m;
    ProtocolError e;
    ASSERT_TRUE(ParseMessage(std::string(R"({"op":")") + text + "\"}", &m, &e)) << text;
    EXPECT_EQ(m.op, op);
    EXPECT_TRUE(m.id.is_null());
  }
}

// Each malformed message names what is wrong, with a stable code, and keeps the id if it
// got that far.
TEST(ProtocolTest, RejectsMalformedMessages) {
  struct Case {
    const char* line;
    std::string_view code;
    const char* says;
  } cases[] = {
      {"not json", kErrBadMessage, "not JSON"},
      {"[1,2]", kErrBadMessage, "JSON object"},
      {R"({"id":1})", kErrBadMessage, "\"op\""},
      {R"({"op":"launch"})", kErrBadMessage, "unknown op"},
      {R"({"op":"status","extra":1})", kErrBadMessage, "unknown field \"extra\""},
      {R"({"op":"status","request":{}})", kErrBadMessage, "unknown field \"request\""},
      {R"({"op":"status","id":{"a":1}})", kErrBadMessage, "\"id\""},
      {R"({"op":"decide","id":"x"})", kErrBadRequest, "needs \"request\""},
      {R"({"op":"decide","request":{"kind":"exec","command":"ls","bogus":1}})", kErrBadRequest, "bogus"},
      {R"({"op":"decide","request":{"kind":"teleport"}})", kErrBadRequest, "request:"},
  };
  for (const auto& c : cases) {
    Message m;
    ProtocolError e;
    EXPECT_FALSE(ParseMessage(c.line, &m, &e)) << c.line;
    EXPECT_EQ(e.code, c.code) << c.line;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.line << " → " << e.message;
  }
  Message m;
  ProtocolError e;
  ASSERT_FALSE(ParseMessage(R"({"op":"decide","id":"x"})", &m, &e));
  EXPECT_EQ(e.id.as_string(), "x");
  EXPECT_NE(ErrorLine(e).find(R"("id":"x")"), std::string::npos);
}

TEST(ProtocolTest, RejectsOversizedAndDeepMessages) {
  Message m;
  ProtocolError e;
  EXPECT_FALSE(ParseMessage(std::string(kMaxMessageBytes + 1, ' '), &m, &e));
  EXPECT_EQ(e.code, kErrTooLarge);
  std::string deep = R"({"op":"status","id":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(ParseMessage(deep, &m, &e));
  EXPECT_EQ(e.code, kErrBadMessage);
}

TEST(ProtocolTest, RepliesAreOneLineWithOk) {
  json::object o;
  o["decision"] = "deny";
  std::string line = ReplyLine(o, json::value(3));
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  json::value v = json::parse(line);
  EXPECT_EQ(v.at("ok").as_bool(), true);
  EXPECT_EQ(v.at("id").as_int64(), 3);
  EXPECT_EQ(v.at("decision").as_string(), "deny");
  std::string err = ErrorLine({kErrTooLarge, "big", nullptr});
  json::value ev = json::parse(err);
  EXPECT_EQ(ev.at("ok").as_bool(), false);
  EXPECT_EQ(ev.at("error").at("code").as_string(), "too-large");
  EXPECT_FALSE(ev.as_object().contains("id"));
}

}  // namespace
}  // namespace warden::local
