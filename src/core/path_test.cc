#include "core/path.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <string_view>

namespace warden {
namespace {

struct PathCase {
  std::string_view in, out;
};

TEST(NormalizePathTest, Cases) {
  for (const PathCase& c : {
           PathCase{"", ""},
           PathCase{"/", "/"},
           PathCase{"//", "/"},
           PathCase{"///a//b///", "/a/b"},
           PathCase{"/a/b/", "/a/b"},
           PathCase{"/a/./b/.", "/a/b"},
           PathCase{"/./", "/"},
           PathCase{"/a/b/../c", "/a/c"},
           PathCase{"/a/b/../../..", "/"},
           PathCase{"/..", "/"},
           PathCase{"/../../etc/passwd", "/etc/passwd"},
           PathCase{"/tmp/../etc/./shadow", "/etc/shadow"},
           PathCase{"a", "a"},
           PathCase{"a/", "a"},
           PathCase{"a/b/..", "a"},
           PathCase{"./a", "a"},
           PathCase{"../x", "../x"},
           PathCase{"../../x", "../../x"},
           PathCase{"a/../../b", "../b"},
           PathCase{"../a/..", ".."},
           PathCase{"/a/.../b", "/a/.../b"},
           PathCase{"/a/..b/.c", "/a/..b/.c"},
           PathCase{"/tmp/ünï/./çødé/", "/tmp/ünï/çødé"},
           PathCase{"/a b/ c /", "/a b/ c "},
       }) {
    EXPECT_EQ(NormalizePath(c.in), c.out) << "NormalizePath(\"" << c.in << "\")";
  }
}

TEST(NormalizePathTest, RelativePathThatCancelsOutIsDot) {
  EXPECT_EQ(NormalizePath("."), ".");
  EXPECT_EQ(NormalizePath("./"), ".");
  EXPECT_EQ(NormalizePath("a/.."), ".");
  EXPECT_EQ(NormalizePath("a/b/../.."), ".");
}

TEST(NormalizePathTest, IsIdempotent) {
  for (std::string_view p : {"", "/", "//x/./y/../z/", "../../a/./b", "a/..", "/..", "x//y"}) {
    std::string once = NormalizePath(p);
    EXPECT_EQ(NormalizePath(once), once) << p;
  }
}

TEST(JoinPathTest, JoinsRelativeToBase) {
  EXPECT_EQ(JoinPath("/a", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a/", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/", "x"), "/x");
  EXPECT_EQ(JoinPath("a", "b/c"), "a/b/c");
}

TEST(JoinPathTest, AbsoluteRelWinsOverBase) {
  EXPECT_EQ(JoinPath("/home/u", "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(JoinPath("", "/etc"), "/etc");
}

TEST(JoinPathTest, EmptyRelGivesBase) { EXPECT_EQ(JoinPath("/home/u", ""), "/home/u"); }

TEST(JoinPathTest, DoesNotNormalize) {
  EXPECT_EQ(JoinPath("/a", "../b"), "/a/../b");
  EXPECT_EQ(JoinPath("/a", "./b/"), "/a/./b/");
}

TEST(ExpandTildeTest, BareTildeIsHome) {
  EXPECT_EQ(ExpandTilde("~", "/home/u"), "/home/u");
  EXPECT_EQ(ExpandTilde("~/", "/home/u"), "/home/u/");
  EXPECT_EQ(ExpandTilde("~/.ssh/id_rsa", "/home/u"), "/home/u/.ssh/id_rsa");
}

TEST(ExpandTildeTest, RootAndNamedUsers) {
  EXPECT_EQ(ExpandTilde("~root", "/home/u"), "/root");
  EXPECT_EQ(ExpandTilde("~root/.ssh", "/home/u"), "/root/.ssh");
  EXPECT_EQ(ExpandTilde("~alice", "/home/u"), "/home/alice");
  EXPECT_EQ(ExpandTilde("~alice/x/y", "/home/u"), "/home/alice/x/y");
}

TEST(ExpandTildeTest, AnythingElseIsUnchanged) {
  for (std::string_view p : {"", "x", "/abs/~", "x/~", "a~b", "./~", "/~/x"}) {
    EXPECT_EQ(ExpandTilde(p, "/home/u"), p);
  }
}

TEST(ResolvePathTest, RelativeIsJoinedToCwdAndNormalized) {
  EXPECT_EQ(ResolvePath("x", "/home/u", "/home/u"), "/home/u/x");
  EXPECT_EQ(ResolvePath("../etc/passwd", "/home/u", "/home/u"), "/home/etc/passwd");
  EXPECT_EQ(ResolvePath("./a//b/", "/w", "/home/u"), "/w/a/b");
  EXPECT_EQ(ResolvePath(".", "/a/b", "/home/u"), "/a/b");
  EXPECT_EQ(ResolvePath("../../../../..", "/a", "/home/u"), "/");
}

TEST(ResolvePathTest, AbsoluteIgnoresCwd) {
  EXPECT_EQ(ResolvePath("/etc/./passwd", "/home/u", "/home/u"), "/etc/passwd");
  EXPECT_EQ(ResolvePath("/", "/home/u", "/home/u"), "/");
}

TEST(ResolvePathTest, TildeExpandsBeforeJoining) {
  EXPECT_EQ(ResolvePath("~/.ssh/../x", "/w", "/home/u"), "/home/u/x");
  EXPECT_EQ(ResolvePath("~", "/w", "/home/u/"), "/home/u");
  EXPECT_EQ(ResolvePath("~root", "/w", "/home/u"), "/root");
  EXPECT_EQ(ResolvePath("~bob/../alice", "/w", "/home/u"), "/home/alice");
}

TEST(ResolvePathTest, EmptyPathIsCwd) { EXPECT_EQ(ResolvePath("", "/w/x/", "/home/u"), "/w/x"); }

TEST(IsUnderTest, EqualOrBelow) {
  EXPECT_TRUE(IsUnder("/a", "/a"));
  EXPECT_TRUE(IsUnder("/a/b", "/a"));
  EXPECT_TRUE(IsUnder("/a/b/c", "/a/b"));
  EXPECT_TRUE(IsUnder("/home/u/.ssh", "/home/u"));
}

TEST(IsUnderTest, SharedStringPrefixIsNotContainment) {
  EXPECT_FALSE(IsUnder("/ab", "/a"));
  EXPECT_FALSE(IsUnder("/a/bc", "/a/b"));
  EXPECT_FALSE(IsUnder("/home/user2", "/home/user"));
}

TEST(IsUnderTest, AncestorIsNotUnderDescendant) {
  EXPECT_FALSE(IsUnder("/a", "/a/b"));
  EXPECT_FALSE(IsUnder("/", "/a"));
  EXPECT_FALSE(IsUnder("/b", "/a"));
}

TEST(IsUnderTest, EverythingAbsoluteIsUnderRoot) {
  EXPECT_TRUE(IsUnder("/", "/"));
  EXPECT_TRUE(IsUnder("/etc", "/"));
  EXPECT_TRUE(IsUnder("/etc/passwd", "/"));
  EXPECT_FALSE(IsUnder("etc", "/"));
  EXPECT_FALSE(IsUnder("", "/"));
}

TEST(BasenameTest, FinalComponent) {
  EXPECT_EQ(Basename("/usr/bin/rm"), "rm");
  EXPECT_EQ(Basename("/rm"), "rm");
  EXPECT_EQ(Basename("rm"), "rm");
  EXPECT_EQ(Basename("a/b"), "b");
  EXPECT_EQ(Basename("/usr/bin/"), "bin");
  EXPECT_EQ(Basename("dir//"), "dir");
  EXPECT_EQ(Basename("/usr/bin/.hidden"), ".hidden");
  EXPECT_EQ(Basename("/tmp/ünï"), "ünï");
}

TEST(BasenameTest, RootAndEmptyHaveNoBasename) {
  EXPECT_EQ(Basename("/"), "");
  EXPECT_EQ(Basename("//"), "");
  EXPECT_EQ(Basename(""), "");
}

// A scratch directory (its real path, in case TMPDIR itself is a symlink) holding:
//   real/  real/file  real/sub/  other/
//   abs -> <root>/real      rel -> real          deep -> real/sub
//   flink -> real/file      up -> real/../other  slashy -> real//sub/
//   dangling -> <root>/nowhere/x                 toroot -> /
//   loop1 -> loop2 -> loop1 self -> self
class ResolveSymlinksTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "warden_path_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = std::filesystem::canonical(tmpl).string();
    ASSERT_EQ(ResolveSymlinks(root_), root_);
    MakeDir("real");
    MakeDir("real/sub");
    MakeDir("other");
    ASSERT_TRUE(std::ofstream(At("real/file")).good());
    Link("abs", At("real"));
    Link("rel", "real");
    Link("deep", "real/sub");
    Link("flink", "real/file");
    Link("up", "real/../other");
    Link("slashy", "real//sub/");
    Link("dangling", At("nowhere/x"));
    Link("toroot", "/");
    Link("loop1", "loop2");
    Link("loop2", "loop1");
    Link("self", "self");
  }

  void TearDown() override {
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

  std::string At(std::string_view rel) const { return root_ + "/" + std::string(rel); }
  void MakeDir(std::string_view rel) { ASSERT_TRUE(std::filesystem::create_directory(At(rel))); }
  void Link(std::string_view name, const std::string& target) {
    ASSERT_EQ(symlink(target.c_str(), At(name).c_str()), 0) << name;
  }

  std::string root_;
};

TEST_F(ResolveSymlinksTest, PathWithoutLinksIsUnchanged) {
  EXPECT_EQ(ResolveSymlinks(At("real/file")), At("real/file"));
  EXPECT_EQ(ResolveSymlinks(At("real/sub")), At("real/sub"));
  EXPECT_EQ(ResolveSymlinks("/"), "/");
}

TEST_F(ResolveSymlinksTest, RelativePathIsReturnedAsIs) {
  EXPECT_EQ(ResolveSymlinks("rel/file"), "rel/file");
  EXPECT_EQ(ResolveSymlinks(""), "");
}

TEST_F(ResolveSymlinksTest, AbsoluteLink) {
  EXPECT_EQ(ResolveSymlinks(At("abs")), At("real"));
  EXPECT_EQ(ResolveSymlinks(At("abs/file")), At("real/file"));
}

TEST_F(ResolveSymlinksTest, RelativeLinkResolvesAgainstItsDirectory) {
  EXPECT_EQ(ResolveSymlinks(At("rel/file")), At("real/file"));
  EXPECT_EQ(ResolveSymlinks(At("deep")), At("real/sub"));
  EXPECT_EQ(ResolveSymlinks(At("flink")), At("real/file"));
}

TEST_F(ResolveSymlinksTest, ChainOfLinks) {
  Link("chain3", "abs");
  Link("chain2", At("chain3"));
  Link("chain1", "chain2");
  EXPECT_EQ(ResolveSymlinks(At("chain1/sub")), At("real/sub"));
}

TEST_F(ResolveSymlinksTest, LinkInsideLinkTarget) {
  Link("real/sub/back", "../../rel");
  EXPECT_EQ(ResolveSymlinks(At("abs/sub/back/file")), At("real/file"));
}

TEST_F(ResolveSymlinksTest, DotDotAfterLinkIsPhysical) {
  // deep -> real/sub, so deep/.. is real, not the scratch directory (as the kernel sees it).
  EXPECT_EQ(ResolveSymlinks(At("deep/..")), At("real"));
  EXPECT_EQ(ResolveSymlinks(At("deep/../file")), At("real/file"));
}

TEST_F(ResolveSymlinksTest, DotDotInsideLinkTarget) {
  EXPECT_EQ(ResolveSymlinks(At("up")), At("other"));
}

TEST_F(ResolveSymlinksTest, LinkTargetWithRedundantSlashes) {
  EXPECT_EQ(ResolveSymlinks(At("slashy")), At("real/sub"));
}

TEST_F(ResolveSymlinksTest, LinkToRootThenBackDown) {
  EXPECT_EQ(ResolveSymlinks(At("toroot")), "/");
  EXPECT_EQ(ResolveSymlinks(At("toroot") + root_ + "/rel/file"), At("real/file"));
}

TEST_F(ResolveSymlinksTest, MissingTailIsKeptLexically) {
  EXPECT_EQ(ResolveSymlinks(At("abs/missing/x")), At("real/missing/x"));
  EXPECT_EQ(ResolveSymlinks(At("abs/missing/../file")), At("real/file"));
  EXPECT_EQ(ResolveSymlinks(At("abs/missing/rel/x")), At("real/missing/rel/x"));
  EXPECT_EQ(ResolveSymlinks("/nonexistent-warden-test/a/b"), "/nonexistent-warden-test/a/b");
}

TEST_F(ResolveSymlinksTest, DanglingLinkResolvesToItsTarget) {
  // What a write through the link would create.
  EXPECT_EQ(ResolveSymlinks(At("dangling")), At("nowhere/x"));
  EXPECT_EQ(ResolveSymlinks(At("dangling/y")), At("nowhere/x/y"));
}

TEST_F(ResolveSymlinksTest, PathThroughFileIsKeptLexically) {
  EXPECT_EQ(ResolveSymlinks(At("flink/x")), At("real/file/x"));
}

TEST_F(ResolveSymlinksTest, LoopReturnsInput) {
  EXPECT_EQ(ResolveSymlinks(At("loop1")), At("loop1"));
  EXPECT_EQ(ResolveSymlinks(At("loop1/x")), At("loop1/x"));
  EXPECT_EQ(ResolveSymlinks(At("self")), At("self"));
}

TEST_F(ResolveSymlinksTest, FollowsAtMostFortyLinks) {
  // l1 -> real, l2 -> l1, … : resolving lN follows N links.
  Link("l1", "real");
  for (int i = 2; i <= 41; ++i) Link("l" + std::to_string(i), "l" + std::to_string(i - 1));
  EXPECT_EQ(ResolveSymlinks(At("l40/file")), At("real/file"));
  EXPECT_EQ(ResolveSymlinks(At("l41/file")), At("l41/file"));
}

// The resolver must give exactly what ResolveSymlinks gives, asked once or again (cached),
// for every kind of path above.
TEST_F(ResolveSymlinksTest, ResolverAgreesWithResolveSymlinks) {
  Link("l1", "real");
  for (int i = 2; i <= 41; ++i) Link("l" + std::to_string(i), "l" + std::to_string(i - 1));
  Link("real/sub/back", "../../rel");
  const std::vector<std::string> rels = {
      "real/file", "real/sub", "real/missing", "abs", "abs/file", "abs/sub/x", "rel/file", "deep", "deep/x",
      "flink", "flink/x", "up", "up/x", "slashy", "slashy/x", "dangling", "dangling/y", "toroot", "loop1",
      "loop1/x", "self", "self/x", "l40/file", "l41/file", "abs/missing/x", "abs/missing/rel/x",
      "abs/sub/back/file", "deep/..", "deep/../file", "abs/missing/../file", "real//file", "real/./file",
      "nowhere/a/b", "real/file/", "abs/missing/deeper/x", "dangling/y/z", "flink/x/y", "loop1/x/y",
      "real/sub/back/file", "rel/missing/x"};
  SymlinkResolver resolver;
  for (int round = 0; round < 2; ++round) {
    for (const auto& rel : rels) {
      EXPECT_EQ(resolver.Resolve(At(rel)), ResolveSymlinks(At(rel))) << rel << " round " << round;
    }
  }
  EXPECT_EQ(resolver.Resolve("/"), "/");
  EXPECT_EQ(resolver.Resolve("relative/x"), "relative/x");
  EXPECT_EQ(resolver.Resolve("/nonexistent-warden-test/a/b"), "/nonexistent-warden-test/a/b");
}

// A resolver remembers at most a few directories; asking about many still gives right answers.
TEST_F(ResolveSymlinksTest, ResolverWithManyDirectories) {
  SymlinkResolver resolver;
  for (int i = 0; i < 40; ++i) {
    MakeDir("d" + std::to_string(i));
    Link("d" + std::to_string(i) + "/to", "../real");
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      EXPECT_EQ(resolver.Resolve(At("d" + std::to_string(i) + "/to")), At("real"));
      EXPECT_EQ(resolver.Resolve(At("d" + std::to_string(i) + "/to/file")), At("real/file"));
    }
  }
}

}  // namespace
}  // namespace warden
