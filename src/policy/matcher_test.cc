#include "policy/matcher.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace warden::policy
