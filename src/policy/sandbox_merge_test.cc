#include "policy/sandbox_merge.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "policy/loader.h"

namespace warden::policy {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

LoadResult Load(const std::string& base, const std::string& repo) {
  std::vector<PolicyText> texts = {{"<base>", LayerKind::kUser, base}};
  if (!repo.empty()) texts.push_back({"/w/.warden/policy.yaml", LayerKind::kRepository, repo});
  return LoadPolicyTexts(texts);
}

constexpr const char* kBase = R"(version: 1
rules:
  - id: read-secrets
    kind: file
    match: {op: read, path: ["~/.ssh/**", "~/.netrc", "*.pem", "/proc/**/environ"]}
    decision: ask
sandbox:
  ai:
    enabled: true
    network: loopback
    writable: ["$WORKSPACE"]
    deny_read_rules: [read-secrets]
    limits: {nproc: 100, fsize: 1M}
)";

TEST(SandboxMergeTest, DenyReadRulesAddTheAnchoredPathsOfTheRule) {
  auto r = Load(kBase, "");
  ASSERT_TRUE(r.ok());
  const auto& s = r.snapshot->sandbox[static_cast<size_t>(Context::kAi)];
  EXPECT_TRUE(s.enabled);
  EXPECT_TRUE(Has(s.deny_read, "~/.ssh"));
  EXPECT_TRUE(Has(s.deny_read, "~/.netrc"));
  EXPECT_FALSE(Has(s.deny_read, "*.pem")) << "not one place";
  EXPECT_FALSE(Has(s.deny_read, "/proc/**/environ"));
  EXPECT_EQ(s.limits.fsize, 1 << 20);
  EXPECT_FALSE(r.snapshot->sandbox[static_cast<size_t>(Context::kHuman)].enabled);
}

TEST(SandboxMergeTest, ARepositoryLayerOnlyTightens) {
  auto r = Load(kBase, R"(version: 1
disable: [read-secrets]
rules:
  - id: read-secrets
    kind: file
    match: {op: read, path: ["/nothing"]}
    decision: allow
sandbox:
  ai:
    enabled: false
    network: on
    unix_sockets: off
    writable: ["/"]
    protected: ["$WORKSPACE/secret-dir"]
    limits: {nproc: 1000, fsize: 1K}
    unsupported: warn
)");
  ASSERT_TRUE(r.ok()) << r.diagnostics.all().size();
  const auto& s = r.snapshot->sandbox[static_cast<size_t>(Context::kAi)];
  EXPECT_TRUE(s.enabled) << "cannot turn it off";
  EXPECT_EQ(s.network, SandboxNetwork::kLoopback) << "cannot widen the network";
  EXPECT_FALSE(s.unix_sockets) << "may narrow";
  EXPECT_FALSE(Has(s.writable, "/")) << "cannot add writable paths";
  EXPECT_TRUE(Has(s.protected_paths, "$WORKSPACE/secret-dir")) << "may protect more";
  EXPECT_EQ(s.limits.nproc, 100) << "cannot raise a limit";
  EXPECT_EQ(s.limits.fsize, 1024) << "may lower one";
  EXPECT_TRUE(s.refuse_unsupported);
  EXPECT_TRUE(Has(s.deny_read, "~/.ssh")) << "disabling or replacing read-secrets uncovers nothing";
  size_t warnings = 0;
  for (const auto& d : r.diagnostics.all()) warnings += d.code == "ignored-setting";
  EXPECT_GE(warnings, 5u) << "each loosening is said";
}

}  // namespace
}  // namespace warden::policy
