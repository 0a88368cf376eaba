// Rule packs: `packs: [NAME]` turns on policies/packs/NAME.yaml after the layer that names it.
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden::policy {
namespace {

LoadResult Load(std::vector<std::string> files) {
  std::vector<PolicyText> texts;
  for (size_t i = 0; i < files.size(); ++i) {
    texts.push_back({"layer" + std::to_string(i) + ".yaml", LayerKind::kCommandLine, files[i]});
  }
  return LoadPolicyTexts(texts);
}

bool HasRule(const Snapshot& s, std::string_view id) {
  return std::any_of(s.rules.begin(), s.rules.end(), [&](const auto& r) { return r.id == id; });
}

TEST(PacksTest, EveryBuiltinPackLoadsAlone) {
  const auto names = BuiltinPackNames();
  EXPECT_GE(names.size(), 11u);
  for (std::string_view name : names) {
    LoadResult r = Load({"version: 1\npacks: [" + std::string(name) + "]\n"});
    ASSERT_TRUE(r.ok()) << name;
    for (const auto& d : r.diagnostics.all()) ADD_FAILURE() << FormatDiagnostic(d);
    EXPECT_FALSE(r.snapshot->rules.empty()) << name;
  }
}

TEST(PacksTest, APackAddsItsRulesOnceAfterItsLayer) {
  LoadResult r = Load({"version: 1\npacks: [disks]\nrules:\n  - {id: mine, kind: exec, match: {command: ls}, decision: allow}\n",
                       "version: 1\npacks: [disks, power]\n"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(HasRule(*r.snapshot, "write-block-device"));
  EXPECT_TRUE(HasRule(*r.snapshot, "shutdown-or-reboot"));
  const auto count = std::count_if(r.snapshot->rules.begin(), r.snapshot->rules.end(),
                                   [](const auto& rule) { return rule.id == "write-block-device"; });
  EXPECT_EQ(count, 1);
  // layer0, pack disks, layer1, pack power.
  ASSERT_EQ(r.layers.size(), 4u);
  EXPECT_EQ(r.layers[1].path, "<builtin:pack/disks>");
  EXPECT_EQ(r.layers[3].path, "<builtin:pack/power>");
}

TEST(PacksTest, AnUnknownPackIsAnErrorWithAHint) {
  LoadResult r = Load({"version: 1\npacks: [disk]\n"});
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.all().empty());
  const auto& d = r.diagnostics.all()[0];
  EXPECT_EQ(d.code, "unknown-pack");
  EXPECT_EQ(d.mark.line, 2);
  EXPECT_NE(d.hint.find("disks"), std::string::npos) << d.hint;
}

TEST(PacksTest, LaterLayersCanLoosenNonFinalPackRulesNeverFinalOnes) {
  LoadResult ok = Load({"version: 1\npacks: [cloud]\n", "version: 1\ndisable: [infrastructure-change]\n"});
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(HasRule(*ok.snapshot, "infrastructure-change"));
  LoadResult bad = Load({"version: 1\npacks: [disks]\n", "version: 1\ndisable: [write-block-device]\n"});
  EXPECT_FALSE(bad.ok());
  bool final_override = false;
  for (const auto& d : bad.diagnostics.all()) final_override = final_override || d.code == "final-override";
  EXPECT_TRUE(final_override);
}

TEST(PacksTest, PacksAreNamesOrAList) {
  EXPECT_TRUE(Load({"version: 1\npacks: disks\n"}).ok());
  EXPECT_FALSE(Load({"version: 1\npacks: {disks: on}\n"}).ok());
}

TEST(PacksTest, TheDefaultProfileTurnsEveryPackOn) {
  std::vector<PolicyText> texts;
  ASSERT_TRUE(BuiltinProfile("default", &texts));
  LoadResult r = LoadPolicyTexts(texts);
  ASSERT_TRUE(r.ok());
  for (std::string_view name : BuiltinPackNames()) {
    const bool on = std::any_of(r.layers.begin(), r.layers.end(),
                                [&](const PolicyFile& f) { return f.path == "<builtin:pack/" + std::string(name) + ">"; });
    EXPECT_TRUE(on) << name;
  }
}

}  // namespace
}  // namespace warden::policy
