// MCP stdio framing, message classification, id recovery and error answers.
#include "clients/mcp_jsonrpc.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace warden::mcp {
namespace {

namespace json = boost::json;

struct Oversize {
  size_t bytes;
  std::string head;
};

// A framer and everything it produced.
struct Framed {
  explicit Framed(size_t max) : framer(max) {}
  void Feed(std::string_view bytes) {
    framer.Feed(
        bytes, [&](std::string_view line) { lines.emplace_back(line); },
        [&](size_t total, std::string_view head) {
          oversize.push_back({total, std::string(head)});
        });
  }
  LineFramer framer;
  std::vector<std::string> lines;
  std::vector<Oversize> oversize;
};

TEST(LineFramerTest, ManyLinesInOneFeed) {
  Framed f(100);
  f.Feed("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
  EXPECT_EQ(f.framer.pending_bytes(), 0u);
}

TEST(LineFramerTest, LineSplitAcrossFeeds) {
  Framed f(100);
  f.Feed("{\"a\"");
  EXPECT_TRUE(f.lines.empty());
  EXPECT_EQ(f.framer.pending_bytes(), 4u);
  f.Feed(":1");
  f.Feed("}\n{\"b\":");
  f.Feed("2}\n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(LineFramerTest, ByteAtATime) {
  Framed f(100);
  std::string input = "{\"x\":\"y\"}\r\n\n{}\n";
  for (char c : input) f.Feed(std::string_view(&c, 1));
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{\"x\":\"y\"}", "{}"}));
}

TEST(LineFramerTest, CrlfIsStrippedOnce) {
  Framed f(100);
  f.Feed("{}\r\n{}\r\r\n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{}", "{}\r"}));
}

TEST(LineFramerTest, BlankLinesAreSkipped) {
  Framed f(100);
  f.Feed("\n\r\n  \t \n{}\n \r\n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{}"}));
  EXPECT_TRUE(f.oversize.empty());
}

TEST(LineFramerTest, InnerWhitespaceIsKept) {
  Framed f(100);
  f.Feed("  { \"a\" : 1 }  \n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"  { \"a\" : 1 }  "}));
}

TEST(LineFramerTest, ExactlyAtTheCap) {
  Framed f(10);
  f.Feed("0123456789\n0123456789\r\n01234567890\n");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"0123456789", "0123456789"}));
  ASSERT_EQ(f.oversize.size(), 1u);
  EXPECT_EQ(f.oversize[0].bytes, 11u);
  EXPECT_EQ(f.oversize[0].head, "01234567890");
}

TEST(LineFramerTest, OversizeThenNormalLine) {
  Framed f(10);
  f.Feed(std::string(25, 'x') + "\n{\"ok\":1}\n");
  ASSERT_EQ(f.oversize.size(), 1u);
  EXPECT_EQ(f.oversize[0].bytes, 25u);
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{\"ok\":1}"}));
}

TEST(LineFramerTest, OversizeAcrossFeedsKeepsOnlyTheHead) {
  const size_t max = 1000;
  Framed f(max);
  std::string start = R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"data":")";
  f.Feed(start);
  std::string chunk(64 * 1024, 'a');
  for (int i = 0; i < 100; ++i) {
    f.Feed(chunk);
    EXPECT_LE(f.framer.pending_bytes(), start.size() + (i + 1) * chunk.size());
  }
  f.Feed("\"}}\n{\"next\":true}\n");
  ASSERT_EQ(f.oversize.size(), 1u);
  EXPECT_EQ(f.oversize[0].bytes, start.size() + 100 * chunk.size() + 3);
  EXPECT_EQ(f.oversize[0].head.size(), kOversizeHeadBytes);
  EXPECT_EQ(f.oversize[0].head.substr(0, start.size()), start);
  EXPECT_EQ(RecoverId(f.oversize[0].head), "42");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"{\"next\":true}"}));
  EXPECT_EQ(f.framer.pending_bytes(), 0u);
}

TEST(LineFramerTest, OversizeWithSmallCapGetsAFullHead) {
  Framed f(16);
  std::string line(10000, 'b');
  for (size_t i = 0; i < line.size(); i += 7) f.Feed(std::string_view(line).substr(i, 7));
  f.Feed("\n");
  ASSERT_EQ(f.oversize.size(), 1u);
  EXPECT_EQ(f.oversize[0].bytes, 10000u);
  EXPECT_EQ(f.oversize[0].head, line.substr(0, kOversizeHeadBytes));
}

TEST(LineFramerTest, OversizeCompletedByAFeedWithItsNewline) {
  Framed f(8);
  f.Feed("12345");
  f.Feed("6789abc\nxy\n");
  ASSERT_EQ(f.oversize.size(), 1u);
  EXPECT_EQ(f.oversize[0].bytes, 12u);
  EXPECT_EQ(f.oversize[0].head, "123456789abc");
  EXPECT_EQ(f.lines, (std::vector<std::string>{"xy"}));
}

TEST(ParseMessageTest, Request) {
  Message m = ParseMessage(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}})");
  EXPECT_EQ(m.type, Message::Type::kRequest) << m.error;
  EXPECT_EQ(m.id, "1");
  EXPECT_EQ(m.method, "tools/call");
  EXPECT_EQ(m.json.at("params").at("name").as_string(), "x");
  EXPECT_TRUE(m.error.empty());
}

TEST(ParseMessageTest, RequestWithStringIdAndArrayParams) {
  Message m = ParseMessage(R"({"method":"ping","params":[],"id":"a\"b","jsonrpc":"2.0"})");
  EXPECT_EQ(m.type, Message::Type::kRequest) << m.error;
  EXPECT_EQ(m.id, R"("a\"b")");
}

TEST(ParseMessageTest, Notification) {
  Message m = ParseMessage(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(m.type, Message::Type::kNotification) << m.error;
  EXPECT_EQ(m.id, "");
  EXPECT_EQ(m.method, "notifications/initialized");
}

TEST(ParseMessageTest, Responses) {
  Message ok = ParseMessage(R"({"jsonrpc":"2.0","id":7,"result":{}})");
  EXPECT_EQ(ok.type, Message::Type::kResponse) << ok.error;
  EXPECT_EQ(ok.id, "7");
  Message err = ParseMessage(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})");
  EXPECT_EQ(err.type, Message::Type::kResponse) << err.error;
  EXPECT_EQ(err.id, "null");
  Message big = ParseMessage(R"({"jsonrpc":"2.0","id":18446744073709551615,"result":null})");
  EXPECT_EQ(big.type, Message::Type::kResponse) << big.error;
  EXPECT_EQ(big.id, "18446744073709551615");
}

struct BadCase {
  const char* line;
  const char* error_part;
  const char* id;  // what Message::id still says
};

TEST(ParseMessageTest, InvalidMessagesSayWhy) {
  const BadCase cases[] = {
      {"", "invalid JSON at byte 0", ""},
      {R"({"jsonrpc":"2.0","id":1,)", "invalid JSON at byte 24", ""},
      {R"({"jsonrpc":"2.0"} x)", "invalid JSON at byte 18", ""},
      {"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}", "invalid JSON at byte 27", ""},
      {R"([{"jsonrpc":"2.0","id":1,"method":"a"}])", "batch", ""},
      {R"("hello")", "not a JSON object", ""},
      {R"({"id":1,"method":"a"})", "\"jsonrpc\" must be \"2.0\"", ""},
      {R"({"jsonrpc":"1.0","id":1,"method":"a"})", "\"jsonrpc\" must be \"2.0\"", ""},
      {R"({"jsonrpc":"2.0","id":1.5,"method":"a"})", "\"id\" must be a string or an integer", ""},
      {R"({"jsonrpc":"2.0","id":null,"method":"a"})", "\"id\" must be a string or an integer", ""},
      {R"({"jsonrpc":"2.0","id":{},"result":{}})", "\"id\" must be a string or an integer", ""},
      {R"({"jsonrpc":"2.0","id":3,"method":5})", "\"method\" must be a string", "3"},
      {R"({"jsonrpc":"2.0","id":3,"method":"a","params":"x"})", "\"params\" must be", "3"},
      {R"({"jsonrpc":"2.0","id":3,"method":"a","result":1})", "no \"result\"", "3"},
      {R"({"jsonrpc":"2.0","result":1})", "neither", ""},
      {R"({"jsonrpc":"2.0","id":"q"})", "exactly one", "\"q\""},
      {R"({"jsonrpc":"2.0","id":"q","result":1,"error":{}})", "exactly one", "\"q\""},
      {R"({"jsonrpc":"2.0","id":"q","error":"bad"})", "\"error\" must be an object", "\"q\""},
  };
  for (const BadCase& c : cases) {
    Message m = ParseMessage(c.line);
    EXPECT_EQ(m.type, Message::Type::kInvalid) << c.line;
    EXPECT_NE(m.error.find(c.error_part), std::string::npos) << c.line << " → " << m.error;
    EXPECT_EQ(m.id, c.id) << c.line;
  }
}

TEST(ParseMessageTest, DeepNestingIsInvalidNotACrash) {
  std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  Message m = ParseMessage(deep);
  EXPECT_EQ(m.type, Message::Type::kInvalid);
  EXPECT_NE(m.error.find("invalid JSON"), std::string::npos) << m.error;
}

TEST(ParseMessageTest, DuplicateKeysLastWins) {
  Message m = ParseMessage(R"({"jsonrpc":"2.0","id":1,"method":"a","method":"b"})");
  EXPECT_EQ(m.method, "b");
}

TEST(RecoverIdTest, FromHeads) {
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","id":12,"method":"x","params":{"a":"bbbb)"), "12");
  EXPECT_EQ(RecoverId(R"( { "id" : "a\"b" , "params": )"), R"("a\"b")");
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","params":{"id":5,"x":[1,{"y":"}"}]},"id":-3,"m)"), "-3");
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","method":"x","params":{"id":5,"data":"aaaa)"), "null");
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","id":12)"), "null");  // maybe 123…
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","id":"abc)"), "null");
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","id":1.5,)"), "null");
  EXPECT_EQ(RecoverId(R"({"jsonrpc":"2.0","id":true,)"), "null");
  EXPECT_EQ(RecoverId(R"({"id":"\ud800",)"), "null");  // a lone surrogate is not a string JSON accepts
  EXPECT_EQ(RecoverId(R"([{"id":1},)"), "null");
  EXPECT_EQ(RecoverId(""), "null");
  EXPECT_EQ(RecoverId("\"\\"), "null");
}

TEST(RecoverTypeTest, FromHeads) {
  EXPECT_EQ(RecoverType(R"({"jsonrpc":"2.0","id":1,"method":"a","params":{)"), Message::Type::kRequest);
  EXPECT_EQ(RecoverType(R"({"jsonrpc":"2.0","method":"a","params":{)"), Message::Type::kNotification);
  EXPECT_EQ(RecoverType(R"({"jsonrpc":"2.0","id":1,"result":{"content":[)"), Message::Type::kResponse);
  EXPECT_EQ(RecoverType(R"({"jsonrpc":"2.0","id":1,"params":{"method":1)"), Message::Type::kInvalid);
}

TEST(ErrorResponseTest, Shape) {
  std::string line = ErrorResponse("7", kMethodNotFound, "no such method");
  EXPECT_EQ(line, R"({"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no such method"}})");
  EXPECT_EQ(ErrorResponse("", kParseError, "x"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})");
}

TEST(ErrorResponseTest, EscapesAndRepairsTheMessage) {
  std::string message =
      std::string("quote\" back\\ nl\n tab\t nul") + '\0' + " \x01 \x7f é € 😀 bad:\xff\xc3 \xed\xa0\x80 end";
  std::string line = ErrorResponse("\"id\"", kPolicyDenied, message);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  ASSERT_FALSE(ec) << line;
  EXPECT_EQ(v.at("id").as_string(), "id");
  EXPECT_EQ(v.at("error").at("code").as_int64(), kPolicyDenied);
  std::string got(v.at("error").at("message").as_string());
  EXPECT_EQ(got, std::string("quote\" back\\ nl\n tab\t nul") + '\0' +
                     " \x01 \x7f é € 😀 bad:\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(ErrorResponseTest, Data) {
  json::value data = {{"bytes", 20}, {"limit", 10}};
  std::string line = ErrorResponse("1", kMessageTooLarge, "too large", &data);
  json::value v = json::parse(line);
  EXPECT_EQ(v.at("error").at("data").at("limit").as_int64(), 10);
  json::value bad = {{"x", std::numeric_limits<double>::infinity()}};
  json::value w = json::parse(ErrorResponse("1", kInternalError, "x", &bad));
  EXPECT_FALSE(w.at("error").as_object().contains("data"));
}

TEST(ErrorResponseTest, CarriesParsedIds) {
  for (const char* line : {R"({"jsonrpc":"2.0","id":"\u00e9\n","method":"a"})",
                           R"({"jsonrpc":"2.0","id":-9223372036854775808,"method":"a"})"}) {
    Message m = ParseMessage(line);
    json::value v = json::parse(ErrorResponse(m.id, kPolicyDenied, "denied"));
    EXPECT_EQ(v.at("id"), m.json.at("id")) << line;
  }
}

}  // namespace
}  // namespace warden::mcp
