#include "policy/request.h"

#include <gtest/gtest.h>

namespace warden::policy {
namespace {

TEST(RequestTest, ParsesEveryKind) {
  auto exec = ParseRequestJson(R"({"kind":"exec","command":"ls","context":"human","cwd":"/x"})");
  ASSERT_TRUE(exec.ok()) << exec.status().message();
  EXPECT_EQ(exec->kind, RequestKind::kExec);
  EXPECT_EQ(exec->context, Context::kHuman);
  EXPECT_EQ(exec->cwd, "/x");
  auto argv = ParseRequestJson(R"({"kind":"exec","argv":["rm","-rf","/"]})");
  ASSERT_TRUE(argv.ok());
  EXPECT_TRUE(argv->has_argv);
  EXPECT_EQ(argv->argv.size(), 3u);
  auto file = ParseRequestJson(R"({"kind":"file","op":"delete","path":"~/x"})");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->op, shell::FileOp::kDelete);
  auto action = ParseRequestJson(R"({"kind":"action","subject":"u","action":"read","resource":{"type":"doc","id":"1"}})");
  ASSERT_TRUE(action.ok());
  EXPECT_EQ(action->resource_type, "doc");
  EXPECT_EQ(action->resource_id, "1");
}

TEST(RequestTest, ParsesHttpRequests) {
  auto fetch = ParseRequestJson(R"({"kind":"http","url":"HTTPS://Example.com:443/a/../b?x=1","cwd":"/w"})");
  ASSERT_TRUE(fetch.ok()) << fetch.status().message();
  EXPECT_EQ(fetch->kind, RequestKind::kHttp);
  EXPECT_EQ(fetch->http.method, "GET");
  EXPECT_EQ(fetch->http.host, "example.com");
  EXPECT_EQ(fetch->http.port, 443);
  EXPECT_EQ(fetch->http.path, "/b");
  EXPECT_EQ(fetch->http.query, "x=1");
  EXPECT_EQ(fetch->http.url, "https://example.com/b?x=1");
  EXPECT_EQ(fetch->cwd, "/w");
  auto api = ParseRequestJson(R"({"kind":"http","method":"DELETE","path":"/v1/users/7","context":"service"})");
  ASSERT_TRUE(api.ok()) << api.status().message();
  EXPECT_EQ(api->http.method, "DELETE");
  EXPECT_EQ(api->http.path, "/v1/users/7");
  EXPECT_FALSE(api->http.has_host());
  EXPECT_EQ(api->http.url, "/v1/users/7");
}

TEST(RequestTest, PresenceIsReported) {
  RequestPresence p;
  auto r = ParseRequestJson(R"({"kind":"exec","command":"ls","home":"/h"})", &p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(p.home);
  EXPECT_FALSE(p.cwd);
  EXPECT_FALSE(p.context);
}

TEST(RequestTest, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* needle;
  } cases[] = {
      {R"({"kind":"exec","command":"ls","comand":"x"})", "unknown field 'comand'"},
      {R"({"kind":"exec","command":5})", "'command' must be a string"},
      {R"({"kind":"exec"})", "needs 'command'"},
      {R"({"kind":"exec","command":"a","argv":["a"]})", "either 'command' or 'argv'"},
      {R"({"kind":"file","op":"rename","path":"x"})", "op must be"},
      {R"({"kind":"file","op":"read","path":"x","cwd":"rel"})", "absolute"},
      {R"({"kind":"action","subject":"u","action":"r","resource":{"type":"t","owner":"x"}})", "resource.owner"},
      {R"({"kind":"teleport"})", "unknown kind"},
      {R"({"kind":"mcp"})", "needs 'server'"},
      {R"({"kind":"mcp","server":"fs"})", "needs 'tool'"},
      {R"({"kind":"mcp","server":"","tool":"x"})", "'server' must not be empty"},
      {R"({"kind":"mcp","server":"fs","tool":"x","arguments":[1]})", "'arguments' must be an object"},
      {R"({"kind":"mcp","server":"fs","tool":"x","args":{}})", "unknown field 'args'"},
      {R"({"kind":"http"})", "needs 'url'"},
      {R"({"kind":"http","url":"https://a/","path":"/b"})", "either 'url' or 'path'"},
      {R"({"kind":"http","url":"ftp://a/"})", "'url' must be an http or https URL"},
      {R"({"kind":"http","url":7})", "'url' must be a string"},
      {R"({"kind":"http","path":"v1"})", "'path' must start with '/'"},
      {R"({"kind":"http","url":"https://a/","method":"get"})", "'method' must be uppercase"},
      {R"({"kind":"http","url":"https://a/","method":["GET"]})", "'method' must be a string"},
      {R"({"kind":"http","url":"https://a/","headers":{}})", "unknown field 'headers'"},
      {R"({"kind":"http","url":"https://a/","op":"read"})", "unknown field 'op'"},
      {R"({"kind":"exec","command":"ls","context":"robot"})", "context must be"},
      {R"([1,2])", "JSON object"},
      {R"({"kind":"exec","command":"ls"} trailing)", "malformed JSON at byte"},
      {R"({"kind":"exec","command":"ls)", "malformed JSON"},
  };
  for (const auto& c : cases) {
    auto r = ParseRequestJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << c.json << " → " << r.status().message();
  }
}

}  // namespace
}  // namespace warden::policy
