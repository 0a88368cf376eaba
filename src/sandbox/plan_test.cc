#include "sandbox/plan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sandbox/access.h"

namespace warden::sandbox {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-plan-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    char* real = ::realpath(root_.c_str(), nullptr);
    root_ = real;
    std::free(real);
    for (const char* d : {"/home", "/home/.ssh", "/home/.config", "/home/.cache", "/home/other", "/ws", "/ws/.git",
                          "/ws/.git/hooks", "/ws/src", "/tmp", "/state", "/home/.config/warden"}) {
      ::mkdir((root_ + d).c_str(), 0700);
    }
    std::ofstream(root_ + "/home/.ssh/id_ed25519") << "decoy";
    std::ofstream(root_ + "/home/.bashrc") << "decoy";
    std::ofstream(root_ + "/ws/.git/config") << "[core]";
    ::symlink((root_ + "/home/.ssh").c_str(), (root_ + "/home/link-to-ssh").c_str());
    place_.home = root_ + "/home";
    place_.workspace = root_ + "/ws";
    place_.cwd = root_ + "/ws/src";
    place_.tmpdir = root_ + "/tmp";
    place_.self.state_dir = root_ + "/state";
    place_.self.config_dir = root_ + "/home/.config/warden";
  }
  void TearDown() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  const LandlockRule* RuleFor(const Plan& p, const std::string& path) {
    for (const auto& r : p.rules) {
      if (r.path == path) return &r;
    }
    return nullptr;
  }
  // Every right the rules on exactly `path` grant.
  uint64_t AccessFor(const Plan& p, const std::string& path) {
    uint64_t a = 0;
    for (const auto& r : p.rules) {
      if (r.path == path) a |= r.access;
    }
    return a;
  }

  std::string root_;
  Place place_;
};

TEST_F(PlanTest, ExpandsTheVariablesOfItsPaths) {
  EXPECT_EQ(ExpandSandboxPath("~/.cache", place_), root_ + "/home/.cache");
  EXPECT_EQ(ExpandSandboxPath("$WORKSPACE/.git/hooks", place_), root_ + "/ws/.git/hooks");
  EXPECT_EQ(ExpandSandboxPath("$TMPDIR", place_), root_ + "/tmp");
  EXPECT_EQ(ExpandSandboxPath("$WARDEN_STATE", place_), root_ + "/state");
  EXPECT_EQ(ExpandSandboxPath("/a/../b", place_), "/b");
  EXPECT_EQ(ExpandSandboxPath("$WORKSPACEX", place_), "");  // not a variable of the sandbox
  EXPECT_EQ(ExpandSandboxPath("relative", place_), "");
  Place empty;
  EXPECT_EQ(ExpandSandboxPath("~/x", empty), "");  // an unset home is not "/x"
}

TEST_F(PlanTest, WritableRootsAreExistingDirectoriesAndNeverTheRoot) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE", "$TMPDIR", "~/.cache", "~/.missing", "/", "~/.bashrc"};
  Plan p = MakePlan(s, place_);
  EXPECT_EQ(p.writable, (std::vector<std::string>{root_ + "/ws", root_ + "/tmp", root_ + "/home/.cache"}));
  EXPECT_EQ(p.notes.size(), 3u) << "missing, / and a file are each noted";
  EXPECT_EQ(AccessFor(p, root_ + "/ws") & fs::kWrite, fs::kWrite);
  EXPECT_EQ(AccessFor(p, root_ + "/home") & fs::kWrite, 0u);
}

TEST_F(PlanTest, ProtectedPathsInsideAWritableRootAreReadOnlyMountsWithTheWayToThemPinned) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE"};
  s.protected_paths = {"$WORKSPACE/.git/hooks", "$WORKSPACE/.git/config", "$WORKSPACE/.warden", "/etc"};
  Plan p = MakePlan(s, place_);
  EXPECT_TRUE(Has(p.read_only, root_ + "/ws/.git/hooks"));
  EXPECT_TRUE(Has(p.read_only, root_ + "/ws/.git/config"));
  EXPECT_FALSE(Has(p.read_only, "/etc")) << "outside writable roots Landlock already refuses writes";
  EXPECT_TRUE(Has(p.pinned, root_ + "/ws"));
  EXPECT_TRUE(Has(p.pinned, root_ + "/ws/.git"));
  // Pinned parents come before their children (mounted in that order).
  auto ws = std::find(p.pinned.begin(), p.pinned.end(), root_ + "/ws");
  auto git = std::find(p.pinned.begin(), p.pinned.end(), root_ + "/ws/.git");
  EXPECT_LT(ws, git);
}

TEST_F(PlanTest, DeniedReadsAreCoveredNotLeftToLandlock) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE"};
  s.deny_read = {"~/.ssh/**", "~/.aws", "~/.config/gh*", "/proc/*/environ"};
  Plan p = MakePlan(s, place_);
  EXPECT_TRUE(Has(p.hidden, root_ + "/home/.ssh")) << "~/.ssh/** is the directory itself";
  EXPECT_FALSE(Has(p.hidden, root_ + "/home/.ssh/id_ed25519"));
  EXPECT_EQ(AccessFor(p, "/"), fs::kRead) << "Landlock reads everywhere; the cover does the refusing";
  EXPECT_EQ(p.rules.size(), 1u + 1u + 5u + 1u) << "/, the workspace, five devices, /dev/pts";
  for (const auto& h : p.hidden) EXPECT_NE(h.rfind("/proc", 0), 0u) << h << ": /proc is never expanded";
  EXPECT_TRUE(p.pinned.empty()) << "outside writable roots nothing can be renamed anyway";
}

TEST_F(PlanTest, ADeniedPathInsideAWritableRootIsCoveredAndOneHoldingTheWorkspaceIsNot) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE", "~/.cache"};
  std::ofstream(root_ + "/ws/.env") << "SECRET=1";
  s.deny_read = {"$WORKSPACE/.env", root_, "~"};
  Plan p = MakePlan(s, place_);
  EXPECT_TRUE(Has(p.hidden, root_ + "/ws/.env"));
  EXPECT_TRUE(Has(p.pinned, root_ + "/ws")) << "the way to a cover inside a writable root is pinned";
  EXPECT_FALSE(Has(p.hidden, root_)) << "it holds the workspace";
  EXPECT_FALSE(Has(p.hidden, root_ + "/home")) << "the home itself";
  EXPECT_GE(p.notes.size(), 2u);
}

TEST_F(PlanTest, WardensOwnPlacesAreProtectedWhateverTheListsSay) {
  policy::SandboxSettings s;
  s.writable = {"~/.config"};  // a careless policy: the config dir included
  place_.self.runtime_dir = root_ + "/home/.config/warden";
  Plan p = MakePlan(s, place_);
  EXPECT_TRUE(Has(p.hidden, root_ + "/state")) << "the state (keys) is never readable";
  EXPECT_TRUE(Has(p.hidden, root_ + "/home/.config/warden")) << "the socket's place is covered";
  EXPECT_TRUE(Has(p.pinned, root_ + "/home/.config"));
}

TEST_F(PlanTest, AMissingProtectedDirectoryIsMadeSoThatItCanBeHeld) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE"};
  s.protected_paths = {"$WORKSPACE/.claude/", "$WORKSPACE/.envrc", "~/.nothing/"};
  Plan explained = MakePlan(s, place_);
  struct stat st {};
  EXPECT_NE(::stat((root_ + "/ws/.claude").c_str(), &st), 0) << "explaining makes nothing";
  EXPECT_FALSE(Has(explained.read_only, root_ + "/ws/.claude"));
  place_.make_missing_protected_dirs = true;
  Plan p = MakePlan(s, place_);
  ASSERT_EQ(::stat((root_ + "/ws/.claude").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(Has(p.read_only, root_ + "/ws/.claude"));
  EXPECT_NE(::stat((root_ + "/ws/.envrc").c_str(), &st), 0) << "a file is not guessed at";
  EXPECT_NE(::stat((root_ + "/home/.nothing").c_str(), &st), 0) << "outside writable roots nothing could create it";
}

TEST_F(PlanTest, AWritableRootThatHoldsTheHomeLeavesTheHomeReadOnly) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE", "~/.cache", "$TMPDIR"};
  place_.workspace = root_;  // an agent started above the home directory
  Plan p = MakePlan(s, place_);
  EXPECT_TRUE(Has(p.writable, root_)) << "the workspace stays writable";
  EXPECT_TRUE(Has(p.writable, root_ + "/home/.cache")) << "and so do the caches inside the home";
  EXPECT_TRUE(Has(p.read_only, root_ + "/home")) << "but not the home itself";
  EXPECT_EQ(p.warnings.size(), 1u) << "said on stderr, not only noted";
  place_.workspace = root_ + "/ws";
  s.writable = {"$WORKSPACE", root_};  // a home under a temp directory: not the workspace's doing
  Plan q = MakePlan(s, place_);
  EXPECT_TRUE(Has(q.read_only, root_ + "/home"));
  EXPECT_TRUE(q.warnings.empty());
}

TEST_F(PlanTest, TheHashNamesTheRuleSet) {
  policy::SandboxSettings s;
  s.writable = {"$WORKSPACE"};
  Plan a = MakePlan(s, place_);
  Plan b = MakePlan(s, place_);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.hash.size(), 64u);
  s.network = policy::SandboxNetwork::kOff;
  EXPECT_NE(MakePlan(s, place_).hash, a.hash);
  s.network = policy::SandboxNetwork::kOn;
  s.writable.push_back("$TMPDIR");
  EXPECT_NE(MakePlan(s, place_).hash, a.hash);
}

}  // namespace
}  // namespace warden::sandbox
