// RequestSummaryJson writes what serializing RequestSummary would, byte for byte, redacted.
#include "server/request_summary.h"

#include <gtest/gtest.h>

namespace warden::server {
namespace {

namespace json = boost::json;

TEST(RequestSummaryTest, TheSerializedSummaryIsTheSummarySerialized) {
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
