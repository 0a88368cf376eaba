#include "server/protocol.h"

#include <gtest/gtest.h>

namespace warden::server {
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

TEST(ProtocolTest, TheSerializedSummaryIsTheSummarySerialized) {
  std::vector<std::string> requests = {
      R"({"kind":"exec","command":"mysql -u root -phunter2 -e 'select \"x\"'\tdone\n","cwd":"/w","workspace":"/w","home":"/h"})",
      R"({"kind":"exec","argv":["curl","-H","Authorization: Bearer abc.def.ghi","https://x/?token=1"],"context":"human"})",
      R"({"kind":"exec","command":"make test","sandbox":"4e13b8417cf3100bf05d5f45d128fa9bc6c983edbebdc01aa49a97d37ec73e2b"})",
      R"({"kind":"file","op":"write","path":"/tmp/a\u0001b\\c","cwd":"/"})",
      R"({"kind":"http","method":"GET","url":"https://user:pw@example.com/a?key=s3cret"})",
      R"({"kind":"http","method":"POST","path":"/v1/items?page=2"})",
      R"({"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"42"},"context":"service"})",
      R"({"kind":"action","subject":"wdn_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde","action":"r","resource":{"type":"t"}})",
      R"({"kind":"mcp","server":"fs","tool":"write_file","arguments":{"path":"/w/a","content":"password=hunter3"}})",
  };
  std::string long_command = "echo " + std::string(5000, 'x') + " password=swordfish";
  requests.push_back(json::serialize(json::object{{"kind", "exec"}, {"command", long_command}}));
  for (const auto& text : requests) {
    auto req = policy::ParseRequestJson(text);
    ASSERT_TRUE(req.ok()) << text << ": " << req.status().message();
    std::string direct = RequestSummaryJson(*req);
    // The rule set a confined program runs in is in the audit record (issue #16).
    if (!req->sandbox.empty()) {
      EXPECT_NE(direct.find("\"sandbox\":\"" + req->sandbox + "\""), std::string::npos) << direct;
    }
    EXPECT_EQ(direct, json::serialize(RequestSummary(*req))) << text;
    EXPECT_NO_THROW(json::parse(direct)) << direct;
  }
  auto secret = policy::ParseRequestJson(requests[0]);
  EXPECT_EQ(RequestSummaryJson(*secret).find("hunter2"), std::string::npos);
  auto mcp = policy::ParseRequestJson(requests[requests.size() - 2]);
  EXPECT_EQ(RequestSummaryJson(*mcp).find("hunter3"), std::string::npos);
  // A tool call's arguments are cut (whole UTF-8 sequences) when they are large.
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xc3\xa9";
  json::object big{{"kind", "mcp"}, {"server", "fs"}, {"tool", "write_file"},
                   {"arguments", json::object{{"content", std::string(3001, 'x') + accents}}}};
  std::string big_text = json::serialize(big);
  auto large = policy::ParseRequestJson(big_text);
  ASSERT_TRUE(large.ok()) << large.status().message();
  std::string s = RequestSummaryJson(*large);
  EXPECT_NO_THROW(json::parse(s)) << s.substr(0, 200);
  EXPECT_NE(s.find("\"truncated\":true"), std::string::npos);
  EXPECT_LT(s.size(), 4600u);
  auto cut = policy::ParseRequestJson(requests.back());
  std::string summary = RequestSummaryJson(*cut);
  EXPECT_NE(summary.find(",\"truncated\":true}"), std::string::npos);
  EXPECT_LT(summary.size(), 4300u);
}

}  // namespace
}  // namespace warden::server
