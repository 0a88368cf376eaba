// RuleForPath names the entry of the policy that decides for a path, on a plan made over decoy
// directories.
#include "sandbox/path_rule.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace warden::sandbox {
namespace {

class PathRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-path-rule-XXXXXX";
    char* real = ::realpath(::mkdtemp(tmpl), nullptr);
    root_ = real;
    std::free(real);
    for (const char* d : {"/home", "/home/.ssh", "/home/.cache", "/ws", "/ws/.git", "/ws/.git/hooks", "/state"}) {
      ::mkdir((root_ + d).c_str(), 0700);
    }
    std::ofstream(root_ + "/home/.ssh/id_ed25519") << "decoy";
    ::symlink((root_ + "/home/.ssh").c_str(), (root_ + "/ws/keys").c_str());
    place_.home = root_ + "/home";
    place_.workspace = place_.cwd = place_.tmpdir = root_ + "/ws";
    place_.self.state_dir = root_ + "/state";
    settings_.writable = {"$WORKSPACE", "~/.cache"};
    settings_.protected_paths = {"$WORKSPACE/.git/hooks"};
    settings_.deny_read = {"~/.ssh/**"};
    plan_ = MakePlan(settings_, place_);
  }
  void TearDown() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  std::string root_;
  Place place_;
  policy::SandboxSettings settings_;
  Plan plan_;
};

TEST_F(PathRuleTest, AWritableRootNamesItsEntry) {
  PathRule r = RuleForPath(plan_, root_ + "/ws/src/new-file.c");  // missing: its tail kept
  EXPECT_TRUE(r.writable);
  EXPECT_EQ(r.path, root_ + "/ws/src/new-file.c");
  EXPECT_EQ(r.rule, "writable: writable $WORKSPACE");
  EXPECT_EQ(r.refusal, "");
  EXPECT_EQ(RuleForPath(plan_, root_ + "/home/.cache/pip/x").rule, "writable: writable ~/.cache");
}

TEST_F(PathRuleTest, AProtectedPathInsideAWritableRootIsReadOnly) {
  PathRule r = RuleForPath(plan_, root_ + "/ws/.git/hooks/pre-commit");
  EXPECT_FALSE(r.writable);
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(r.rule, "read-only: protected $WORKSPACE/.git/hooks");
  EXPECT_NE(r.refusal.find("EROFS"), std::string::npos);
  PathRule way = RuleForPath(plan_, root_ + "/ws/.git");  // on the way: writable, but kept in place
  EXPECT_TRUE(way.writable);
  EXPECT_NE(way.rule.find("kept in place"), std::string::npos) << way.rule;
}

TEST_F(PathRuleTest, ADeniedPathIsCoveredEvenThroughASymlink) {
  for (const std::string& p : {root_ + "/home/.ssh/id_ed25519", root_ + "/ws/keys/id_ed25519"}) {
    PathRule r = RuleForPath(plan_, p);
    EXPECT_EQ(r.path, root_ + "/home/.ssh/id_ed25519");
    EXPECT_FALSE(r.readable);
    EXPECT_FALSE(r.writable);
    EXPECT_EQ(r.rule, "covered: deny_read ~/.ssh/**");
    EXPECT_NE(r.refusal.find("ENOENT"), std::string::npos);
  }
  EXPECT_EQ(RuleForPath(plan_, root_ + "/state/audit.log").rule, "covered: Warden's state (never readable)");
}

TEST_F(PathRuleTest, AnythingElseIsReadOnlyBecauseNoWritableRootHoldsIt) {
  PathRule r = RuleForPath(plan_, root_ + "/home/.bashrc");
  EXPECT_TRUE(r.readable);
  EXPECT_FALSE(r.writable);
  EXPECT_NE(r.rule.find("outside every writable root"), std::string::npos);
  EXPECT_TRUE(RuleForPath(plan_, "/dev/null").writable);
  EXPECT_FALSE(RuleForPath(plan_, "/etc/passwd").writable);
}

}  // namespace
}  // namespace warden::sandbox
