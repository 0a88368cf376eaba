#include "policy/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include <utility>

#include "policy/compiler.h"
#include "policy/test_util.h"

namespace warden::policy {
namespace {

PathEnv Env() { return PathEnv{"/home/u/p", "/home/u/p", "/home/u"}; }

CompiledPath PathOf(std::vector<std::string> globs, std::vector<std::string> under = {},
                    std::vector<std::string> outside = {}, std::vector<std::string> is = {}) {
  std::string yaml = "version: 1\nrules:\n  - id: r\n    kind: file\n    decision: deny\n    match:\n";
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return s + "]";
  };
  if (!globs.empty()) yaml += "      path: " + list(globs) + "\n";
  if (!under.empty()) yaml += "      under: " + list(under) + "\n";
  if (!outside.empty()) yaml += "      outside: " + list(outside) + "\n";
  if (!is.empty()) yaml += "      is: " + list(is) + "\n";
  auto r = testing::Load(yaml);
  EXPECT_TRUE(r.ok()) << testing::Diagnostics(r);
  return r.ok() ? r.snapshot->rules[0].path : CompiledPath{};
}

// Whether the path may (certain=false) or must (certain=true) match `p`.
bool Matches(const CompiledPath& p, std::string path, bool recursive, bool shell_glob, bool certain) {
  shell::FileFact f;
  f.path = std::move(path);
  f.recursive = recursive;
  f.glob = shell_glob;
  f.shell_glob = shell_glob;
  auto pattern = shell_glob ? FactPattern(f, false) : std::nullopt;
  auto subtree = shell_glob && recursive ? FactPattern(f, true) : std::nullopt;
  PathView v{f.path, false, f.glob, recursive, pattern ? &*pattern : nullptr, subtree ? &*subtree : nullptr};
  return MatchPath(p, v, Env(), nullptr, certain);
}

bool May(const CompiledPath& p, std::string path, bool recursive = false, bool shell_glob = false) {
  return Matches(p, std::move(path), recursive, shell_glob, false);
}

bool Certain(const CompiledPath& p, std::string path, bool recursive = false, bool shell_glob = false) {
  return Matches(p, std::move(path), recursive, shell_glob, true);
}

TEST(MatcherTest, AnchoredGlobs) {
  auto ssh = PathOf({"~/.ssh/**"});
  EXPECT_TRUE(May(ssh, "/home/u/.ssh/id_rsa"));
  EXPECT_FALSE(May(ssh, "/home/u/.sshx/id_rsa"));
  auto env = PathOf({".env"});
  EXPECT_TRUE(May(env, "/home/u/p/.env"));
  EXPECT_TRUE(May(env, "/srv/deep/dir/.env"));
  EXPECT_FALSE(May(env, "/home/u/p/.envrc"));
  auto ws = PathOf({"src/**"});
  EXPECT_TRUE(May(ws, "/home/u/p/src/a.cc"));
  EXPECT_FALSE(May(ws, "/home/u/q/src/a.cc"));
}

TEST(MatcherTest, RecursiveOperationsReachProtectedTrees) {
  auto ssh = PathOf({"~/.ssh/**"});
  EXPECT_TRUE(May(ssh, "/home/u", true));
  EXPECT_TRUE(May(ssh, "/", true));
  EXPECT_FALSE(May(ssh, "/home/u/p", true));
  EXPECT_FALSE(Certain(ssh, "/home/u", true)) << "an allow rule must cover the whole tree";
  auto tmp = PathOf({"/tmp/**"});
  EXPECT_TRUE(Certain(tmp, "/tmp/build", true));
  EXPECT_FALSE(Certain(tmp, "/", true));
}

TEST(MatcherTest, ShellGlobsFollowBash) {
  auto ssh = PathOf({"~/.ssh/**"});
  EXPECT_FALSE(May(ssh, "/home/u/*", true, true)) << "bash * does not match .ssh";
  EXPECT_FALSE(May(ssh, "/home/u/.ss*", false, true)) << "reading the directory itself reads no key";
  EXPECT_TRUE(May(ssh, "/home/u/.ss*", true, true)) << "copying it recursively does";
  EXPECT_TRUE(May(ssh, "/home/u/.ssh/id*", false, true));
  auto etc = PathOf({"/etc/**"});
  EXPECT_TRUE(May(etc, "/*", true, true));
  EXPECT_FALSE(Certain(PathOf({"~/.ssh/*.pub"}), "/home/u/.ssh/id*", false, true))
      << "an allow rule does not cover a pattern that may name a private key";
}

// A pattern Warden made (find -name, a dynamic part: '*' and '**' match dotfiles).
bool MayPattern(const CompiledPath& p, std::string path) {
  shell::FileFact f;
  f.path = std::move(path);
  f.glob = true;
  auto pattern = FactPattern(f, false);
  PathView v{f.path, false, true, false, pattern ? &*pattern : nullptr, nullptr};
  return MatchPath(p, v, Env(), nullptr, false);
}

TEST(MatcherTest, SourceKindPatternsAreNotHiddenSecretFiles) {
  auto env = PathOf({".env", ".env.*"});
  EXPECT_FALSE(MayPattern(env, "/home/u/p/**/*.ts")) << ".env.* swallowing .ts is source, not a secret";
  EXPECT_FALSE(MayPattern(env, "/home/u/p/build/**.html"));
  EXPECT_TRUE(MayPattern(env, "/home/u/p/**/*.local")) << "not a source kind: .env.local may be meant";
  EXPECT_TRUE(MayPattern(env, "/home/u/p/**/.env*"));
  EXPECT_TRUE(MayPattern(env, "/home/u/p/**"));
  EXPECT_TRUE(MayPattern(PathOf({"credentials.json"}), "/home/u/p/**/*.json")) << "data formats keep their meaning";
}

TEST(MatcherTest, UnderOutsideIs) {
  auto under = PathOf({}, {"$WORKSPACE"});
  EXPECT_TRUE(May(under, "/home/u/p"));
  EXPECT_TRUE(May(under, "/home/u/p/x"));
  EXPECT_FALSE(May(under, "/home/u/px"));
  EXPECT_TRUE(Certain(under, "/home/u/p/*", true, true)) << "every path of the pattern is inside";
  auto outside = PathOf({}, {}, {"$WORKSPACE", "/tmp"});
  EXPECT_TRUE(May(outside, "/etc"));
  EXPECT_FALSE(May(outside, "/tmp/x"));
  EXPECT_TRUE(May(outside, "/*", true, true));
  EXPECT_FALSE(Certain(outside, "/", true)) << "the tree below / includes the workspace";
  auto is = PathOf({}, {}, {}, {"/", "~"});
  EXPECT_TRUE(May(is, "/"));
  EXPECT_TRUE(May(is, "/home/u"));
  EXPECT_FALSE(May(is, "/home"));
  EXPECT_TRUE(May(is, "/home/*", false, true));
  EXPECT_FALSE(May(is, "/h*", false, true));
}

TEST(McpMatchTest, JsonPointers) {
  EXPECT_EQ(SplitJsonPointer("/a/b"), (JsonPointerTokens{"a", "b"}));
  EXPECT_EQ(SplitJsonPointer("/a~1b/c~0d"), (JsonPointerTokens{"a/b", "c~d"}));
  EXPECT_EQ(SplitJsonPointer("/"), (JsonPointerTokens{""}));
  EXPECT_EQ(SplitJsonPointer("/paths/*"), (JsonPointerTokens{"paths", "*"}));
  boost::json::value doc = boost::json::parse(R"({"a":{"b":1},"paths":["x","y"],"":7,"m":{"k1":"v1","k2":"v2"}})");
  auto texts = [&](std::string_view p) {
    std::vector<const boost::json::value*> out;
    CollectPointer(doc, SplitJsonPointer(p), &out);
    std::vector<std::string> t;
    for (const auto* v : out) t.push_back(JsonText(*v));
    std::sort(t.begin(), t.end());
    return t;
  };
  EXPECT_EQ(texts("/a/b"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(texts("/paths/*"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(texts("/paths/1"), (std::vector<std::string>{"y"}));
  EXPECT_TRUE(texts("/paths/01").empty());  // no leading zeros (RFC 6901)
  EXPECT_TRUE(texts("/paths/2").empty());
  EXPECT_TRUE(texts("/paths/-1").empty());
  EXPECT_EQ(texts("/m/*"), (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(texts("/"), (std::vector<std::string>{"7"}));
  EXPECT_TRUE(texts("/a/b/c").empty());
  EXPECT_TRUE(texts("/nope").empty());
}

TEST(McpMatchTest, AllowNeedsEveryValueDenyAny) {
  auto r = testing::Load(R"(version: 1
rules:
  - {id: ok, kind: mcp, match: {tool: t, args: {/p/*: {path: {under: [/srv]}}}}, decision: allow}
  - {id: no, kind: mcp, match: {tool: t, args: {/p/*: {path: {under: [/etc]}}}}, decision: deny}
)");
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  Request req;
  req.kind = RequestKind::kMcp;
  req.server = "s";
  req.tool = "t";
  req.arguments = boost::json::parse(R"({"p":["/srv/a","/etc/passwd"]})");
  const auto& allow = r.snapshot->rules[0];
  const auto& deny = r.snapshot->rules[1];
  std::string why;
  EXPECT_FALSE(MatchMcp(allow, req, Env(), &why));  // one value outside /srv
  EXPECT_NE(why.find("/p/*"), std::string::npos) << why;
  EXPECT_TRUE(MatchMcp(deny, req, Env(), nullptr));  // one value under /etc
  req.arguments = boost::json::parse(R"({"p":["/srv/a","../../../srv/b"]})");
  EXPECT_TRUE(MatchMcp(allow, req, Env(), nullptr));  // relative to the cwd /home/u/p
  req.arguments = boost::json::parse(R"({"q":1})");
  EXPECT_FALSE(MatchMcp(deny, req, Env(), &why));
  EXPECT_NE(why.find("no /p/*"), std::string::npos) << why;
}

}  // namespace
}  // namespace warden::policy
