#include "policy/compiler.h"

#include <gtest/gtest.h>

#include "policy/test_util.h"

namespace warden::policy {
namespace {

using testing::HasDiagnostic;
using testing::Load;

TEST(CompilerTest, BadGlobAndBadRegexHavePositions) {
  auto r = Load(R"(version: 1
rules:
  - id: a
    kind: file
    match: {path: "/etc/[abc"}
    decision: deny
  - id: b
    kind: exec
    match: {command: git, line: "(unclosed"}
    decision: deny
  - id: c
    kind: exec
    match: {command: git, line: '(\w+)\1'}
    decision: deny
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "bad-glob", 5)) << testing::Diagnostics(r);
  EXPECT_TRUE(HasDiagnostic(r, "bad-regex", 9));
  EXPECT_TRUE(HasDiagnostic(r, "bad-regex", 13)) << "backreferences are not RE2";
}

TEST(CompilerTest, RootsAndAnchors) {
  Root root;
  std::string error;
  ASSERT_TRUE(ParseRoot("~/.ssh", WardenSelf{}, &root, &error));
  EXPECT_EQ(root.anchor, Anchor::kHome);
  EXPECT_EQ(root.rel, ".ssh");
  ASSERT_TRUE(ParseRoot("$WORKSPACE", WardenSelf{}, &root, &error));
  EXPECT_EQ(root.anchor, Anchor::kWorkspace);
  EXPECT_EQ(root.rel, "");
  ASSERT_TRUE(ParseRoot("/etc//x/", WardenSelf{}, &root, &error));
  EXPECT_EQ(root.rel, "/etc/x");
  EXPECT_FALSE(ParseRoot("$NOPE/x", WardenSelf{}, &root, &error));
  EXPECT_FALSE(ParseRoot("/etc/*", WardenSelf{}, &root, &error));
  EXPECT_FALSE(ParseRoot("$HOME/../x", WardenSelf{}, &root, &error));
}

TEST(CompilerTest, WardenAnchorsTakeThisProcessesLocations) {
  WardenSelf self;
  self.config_dir = "/cfg/warden";
  self.state_dir = "/srv/w[1]/state";
  self.runtime_dir = "/run/user/7/warden";
  Root root;
  std::string error;
  ASSERT_TRUE(ParseRoot("$WARDEN_STATE/audit", self, &root, &error)) << error;
  EXPECT_EQ(root.anchor, Anchor::kAbsolute);
  EXPECT_EQ(root.rel, "/srv/w[1]/state/audit");
  ASSERT_TRUE(ParseRoot("${WARDEN_RUNTIME}", self, &root, &error)) << error;
  EXPECT_EQ(root.rel, "/run/user/7/warden");
  EXPECT_FALSE(ParseRoot("$WARDEN_STATEX", self, &root, &error)) << "only the whole name is an anchor";
  std::vector<PolicyText> texts{{"p.yaml", LayerKind::kCommandLine, R"(version: 1
rules:
  - id: own
    kind: file
    match: {op: write, path: ["$WARDEN_STATE/**", "$WARDEN_CONFIG"]}
    decision: deny
)"}};
  LoadResult r = LoadPolicyTexts(texts, self);
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  const auto& globs = r.snapshot->rules[0].path.globs;
  ASSERT_EQ(globs.size(), 2u);
  EXPECT_TRUE(globs[0].glob.Match("/srv/w[1]/state/approver.key")) << "the location is escaped in the pattern";
  EXPECT_TRUE(globs[1].glob.Match("/cfg/warden"));
}

TEST(CompilerTest, LaterLayersReplaceAndDisable) {
  std::vector<PolicyText> texts = {
      {"a.yaml", LayerKind::kUser,
       "version: 1\nrules:\n  - {id: x, kind: exec, match: {command: rm}, decision: deny}\n"
       "  - {id: y, kind: exec, match: {command: mv}, decision: deny}\n"},
      {"b.yaml", LayerKind::kCommandLine,
       "version: 1\ndisable: [y]\nrules:\n  - {id: x, kind: exec, match: {command: rm}, decision: ask}\n"}};
  auto r = LoadPolicyTexts(texts);
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  ASSERT_EQ(r.snapshot->rules.size(), 1u);
  EXPECT_EQ(r.snapshot->rules[0].id, "x");
  EXPECT_EQ(r.snapshot->rules[0].decision, Decision::kAsk);
  EXPECT_EQ(r.snapshot->rules[0].file, "b.yaml");
}

TEST(CompilerTest, IndexesByCommandName) {
  auto r = Load(R"(version: 1
rules:
  - {id: a, kind: exec, match: {command: [rm, unlink]}, decision: deny}
  - {id: b, kind: exec, match: {command: "mk*"}, decision: deny}
  - {id: c, kind: exec, match: {line: x}, decision: deny}
  - {id: d, kind: exec, match: {fact: rce}, decision: ask}
)");
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  const Snapshot& s = *r.snapshot;
  EXPECT_EQ(s.exec_by_name.at("rm").size(), 1u);
  EXPECT_EQ(s.exec_by_name.at("unlink").size(), 1u);
  EXPECT_EQ(s.exec_glob_names.size(), 1u);
  EXPECT_EQ(s.exec_any.size(), 1u);
  EXPECT_EQ(s.signal_by_type.at("rce").size(), 1u);
}

TEST(CompilerTest, IndexesFileRulesByPrefixNameAndExtension) {
  auto r = Load(R"(version: 1
rules:
  - {id: a, kind: file, match: {path: "/etc/**"}, decision: deny}
  - {id: b, kind: file, match: {path: ".env"}, decision: ask}
  - {id: c, kind: file, match: {path: "*.pem"}, decision: ask}
  - {id: d, kind: file, match: {outside: [$WORKSPACE]}, decision: ask}
  - {id: e, kind: file, match: {path: "~/.ssh/**"}, decision: ask}
)");
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  const FileIndex& ix = r.snapshot->files;
  EXPECT_EQ(ix.basename.count(".env"), 1u);
  EXPECT_EQ(ix.extension.count("pem"), 1u);
  EXPECT_EQ(ix.always.size(), 1u);
  std::vector<uint32_t> out;
  ix.tries[static_cast<size_t>(Anchor::kAbsolute)].Collect("/etc/hosts", false, &out);
  EXPECT_EQ(out, std::vector<uint32_t>{0});
  out.clear();
  ix.tries[static_cast<size_t>(Anchor::kAbsolute)].Collect("/usr/bin", false, &out);
  EXPECT_TRUE(out.empty());
  out.clear();
  ix.tries[static_cast<size_t>(Anchor::kHome)].Collect(".ssh/id_rsa", false, &out);
  EXPECT_EQ(out, std::vector<uint32_t>{4});
}

TEST(CompilerTest, HttpRulesAreIndexedByLiteralHost) {
  auto r = Load(R"(version: 1
rules:
  - {id: a, kind: http, match: {host: [Metadata.Google.Internal., 169.254.169.254]}, decision: deny}
  - {id: b, kind: http, match: {host: "[FD00:EC2:0::254]"}, decision: deny}
  - {id: c, kind: http, match: {host: ["*.example.com", localhost]}, decision: ask}
  - {id: d, kind: http, match: {host: 10.0.0.0/8}, decision: ask}
  - {id: e, kind: http, match: {path: "/admin/**"}, decision: deny}
)");
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  const Snapshot& s = *r.snapshot;
  EXPECT_EQ(s.http_by_host.at("metadata.google.internal"), std::vector<uint32_t>{0});
  EXPECT_EQ(s.http_by_host.at("169.254.169.254"), std::vector<uint32_t>{0});
  EXPECT_EQ(s.http_by_host.at("fd00:ec2::254"), std::vector<uint32_t>{1});
  EXPECT_EQ(s.http_any, (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(s.rules[3].hosts[0].type, HostPattern::Type::kNetwork);
}

TEST(CompilerTest, HttpPatternErrorsHavePositions) {
  auto r = Load(R"(version: 1
rules:
  - {id: a, kind: http, match: {host: 10.0.0.0/33}, decision: deny}
  - {id: b, kind: http, match: {path: "/a/{b"}, decision: deny}
  - {id: c, kind: http, match: {url: "(unclosed"}, decision: deny}
  - {id: d, kind: http, match: {method: "[A"}, decision: deny}
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "bad-value", 3)) << testing::Diagnostics(r);
  EXPECT_TRUE(HasDiagnostic(r, "bad-glob", 4));
  EXPECT_TRUE(HasDiagnostic(r, "bad-regex", 5));
  EXPECT_TRUE(HasDiagnostic(r, "bad-glob", 6));
}

TEST(CompilerTest, RbacPermissionShapes) {
  auto r = Load(R"(version: 1
roles:
  admin: {allow: ["*"]}
  editor: {allow: ["doc:*", "*:read", "img:edit", "rep*:view"]}
subjects:
  a: {roles: [admin]}
  e: {roles: [editor]}
)");
  ASSERT_TRUE(r.ok()) << testing::Diagnostics(r);
  const auto& editor = *r.snapshot->subjects.at("e")[0];
  EXPECT_TRUE(editor.Grants("doc", "delete"));
  EXPECT_TRUE(editor.Grants("anything", "read"));
  EXPECT_TRUE(editor.Grants("img", "edit"));
  EXPECT_FALSE(editor.Grants("img", "delete"));
  EXPECT_TRUE(editor.Grants("report", "view"));
  EXPECT_FALSE(editor.Grants("report", "edit"));
  EXPECT_TRUE(r.snapshot->subjects.at("a")[0]->Grants("x", "y"));
}

}  // namespace
}  // namespace warden::policy

namespace warden::policy {
namespace {

// The built-in policies' regexes are compiled on first use (LazyRegex), so nothing at load
// time would notice a bad one: loading the same texts as a command-line layer compiles every
// regex eagerly and must report no problem.
TEST(BuiltinPolicyTest, EveryRegexCompiles) {
  for (std::string_view name : {"default", "strict"}) {
    std::vector<PolicyText> texts;
    if (name == "strict") texts.push_back({"default.yaml", LayerKind::kCommandLine, std::string(EmbeddedPolicy("default"))});
    texts.push_back({std::string(name) + ".yaml", LayerKind::kCommandLine, std::string(EmbeddedPolicy(name))});
    LoadResult r = LoadPolicyTexts(texts);
    EXPECT_TRUE(r.ok()) << name;
    for (const auto& d : r.diagnostics.all()) ADD_FAILURE() << FormatDiagnostic(d);
  }
}

// A regex given lazily and one given built behave the same.
TEST(LazyRegexTest, CompilesOnFirstUseAndMatches) {
  LazyRegex lazy("^git\\s+push\\b");
  EXPECT_EQ(lazy.pattern(), "^git\\s+push\\b");
  EXPECT_TRUE(lazy.get().ok());
  EXPECT_TRUE(RE2::PartialMatch("git push origin", lazy.get()));
  LazyRegex built(std::make_unique<RE2>("push", LazyRegex::Options()));
  EXPECT_TRUE(RE2::PartialMatch("git push", built.get()));
  EXPECT_FALSE(RE2::PartialMatch("git pull", built.get()));
}

}  // namespace
}  // namespace warden::policy
