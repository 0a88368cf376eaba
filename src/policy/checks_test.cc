#include "policy/checks.h"

#include <gtest/gtest.h>

#include "policy/test_util.h"

namespace warden::policy {
namespace {

using testing::HasDiagnostic;
using testing::Load;

TEST(ChecksTest, DuplicateIds) {
  auto r = Load(R"(version: 1
rules:
  - {id: a, kind: exec, match: {command: rm}, decision: deny}
  - {id: a, kind: exec, match: {command: mv}, decision: deny}
)");
  EXPECT_TRUE(HasDiagnostic(r, "duplicate-id", 4)) << testing::Diagnostics(r);
}

TEST(ChecksTest, AllKindsSupported) {
  auto r = Load("version: 1\nrules:\n  - {id: a, kind: mcp, match: {server: fs, tool: \"read_*\"}, decision: deny}\n");
  EXPECT_TRUE(r.ok()) << testing::Diagnostics(r);
  auto http = Load("version: 1\nrules:\n  - {id: a, kind: http, match: {}, decision: deny}\n");
  EXPECT_TRUE(http.ok()) << testing::Diagnostics(http);
}

TEST(ChecksTest, FactRulesCannotUseCommandKeys) {
  auto r = Load("version: 1\nrules:\n  - {id: a, kind: exec, match: {fact: rce, command: curl}, decision: deny}\n");
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 3));
}

TEST(ChecksTest, FinalRulesCannotBeReplacedOrDisabled) {
  std::vector<PolicyText> texts = {
      {"base.yaml", LayerKind::kUser,
       "version: 1\nrules:\n  - {id: f, kind: exec, match: {command: rm}, decision: deny, final: true}\n"},
      {"repo.yaml", LayerKind::kRepository,
       "version: 1\ndisable: [f]\nrules:\n  - {id: f, kind: exec, match: {command: rm}, decision: allow}\n"}};
  auto r = LoadPolicyTexts(texts);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "final-override", 2)) << testing::Diagnostics(r);
  EXPECT_TRUE(HasDiagnostic(r, "final-override", 4));
}

TEST(ChecksTest, DisablingAnUnknownRuleWarns) {
  auto r = Load("version: 1\ndisable: [nope]\n");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "unknown-rule", 2));
}

TEST(ChecksTest, RepositoryCannotLoosenDefaults) {
  std::vector<PolicyText> texts = {{"user.yaml", LayerKind::kUser, "version: 1\ndefaults: {ai: ask}\n"},
                                   {"repo.yaml", LayerKind::kRepository, "version: 1\ndefaults: {ai: allow}\n"}};
  auto r = LoadPolicyTexts(texts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "ignored-setting", 2));
  EXPECT_EQ(r.snapshot->defaults[0], Decision::kAsk);
}

TEST(ChecksTest, UnknownRolesAndBadPermissions) {
  auto r = Load(R"(version: 1
roles:
  reader: {allow: ["doc:read", "nocolon", "a:b:c"]}
subjects:
  alice: {roles: [reeder]}
)");
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 3));
  EXPECT_TRUE(HasDiagnostic(r, "unknown-role", 5));
}

TEST(ChecksTest, UnreachableRules) {
  auto path = Load("version: 1\nrules:\n  - {id: a, kind: exec, match: {command: /usr/bin/rm}, decision: deny}\n");
  EXPECT_TRUE(HasDiagnostic(path, "unreachable-rule", 3)) << testing::Diagnostics(path);
  auto flags = Load(
      "version: 1\nrules:\n  - {id: a, kind: exec, match: {command: rm, flags: {all: ['-r'], none: ['-r|-R']}}, decision: deny}\n");
  EXPECT_TRUE(HasDiagnostic(flags, "unreachable-rule", 3));
  auto counts = Load("version: 1\nrules:\n  - {id: a, kind: exec, match: {args: {min: 3, max: 1}}, decision: deny}\n");
  EXPECT_TRUE(HasDiagnostic(counts, "unreachable-rule", 3));
  auto ctx = Load("version: 1\nrules:\n  - {id: a, kind: exec, match: {}, decision: deny, context: []}\n");
  EXPECT_TRUE(HasDiagnostic(ctx, "unreachable-rule", 3));
  auto shadowed = Load(R"(version: 1
rules:
  - {id: a, kind: exec, match: {command: rm}, decision: deny}
  - {id: b, kind: exec, match: {command: rm}, decision: allow}
)");
  EXPECT_TRUE(HasDiagnostic(shadowed, "unreachable-rule", 4)) << testing::Diagnostics(shadowed);
  auto higher = Load(R"(version: 1
rules:
  - {id: a, kind: exec, match: {command: rm}, decision: deny}
  - {id: b, kind: exec, match: {command: rm}, decision: allow, priority: 2}
)");
  EXPECT_TRUE(HasDiagnostic(higher, "unreachable-rule", 3)) << "the higher-priority allow always wins";
  auto final_floor = Load(R"(version: 1
rules:
  - {id: a, kind: exec, match: {command: rm}, decision: deny, final: true}
  - {id: b, kind: exec, match: {command: rm}, decision: allow, priority: 9}
)");
  EXPECT_TRUE(HasDiagnostic(final_floor, "unreachable-rule", 4));
  auto dyn = Load("version: 1\nrules:\n  - {id: a, kind: file, match: {dynamic: true, path: '/etc/**'}, decision: deny}\n");
  EXPECT_TRUE(HasDiagnostic(dyn, "unreachable-rule"));
}

}  // namespace
}  // namespace warden::policy
