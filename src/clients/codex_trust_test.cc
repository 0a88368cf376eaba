// Codex hook trust: the hash of the normalized hook group, and config.toml edits that touch only
// their own lines.
#include "clients/codex_trust.h"

#include <gtest/gtest.h>

namespace warden::clients {
namespace {

// The expected value is SHA-256 of the group's compact, key-sorted JSON, computed independently
// (Python: json.dumps(group, sort_keys=True, separators=(",", ":"))).
TEST(CodexTrust, HashIsTheSha256OfTheNormalizedGroup) {
  CodexHookGroup g{"Bash|apply_patch|mcp__.*", "/usr/local/bin/warden hook codex", 30};
  EXPECT_EQ(CodexTrustedHash(g), "sha256:98dc58b05e73e8d31e817e4c39e4a64d6177a2e8cb081ed85d8838f0e1bdcbc3");
  // Any change to what runs changes the hash (Codex then distrusts it until installed again).
  CodexHookGroup other = g;
  other.command = "/usr/local/bin/warden hook codex --no-daemon";
  EXPECT_NE(CodexTrustedHash(other), CodexTrustedHash(g));
  other = g;
  other.timeout_seconds = 31;
  EXPECT_NE(CodexTrustedHash(other), CodexTrustedHash(g));
}

TEST(CodexTrust, KeyNamesTheFileEventGroupAndIndex) {
  EXPECT_EQ(CodexTrustKey("/home/u/.codex/hooks.json", 2, 0), "/home/u/.codex/hooks.json:pre_tool_use:2:0");
}

TEST(CodexTrust, TrustIsAddedOnceAndReplacedInPlace) {
  const std::string key = CodexTrustKey("/h/.codex/hooks.json", 0, 0);
  const std::string user = "# mine\nmodel = \"gpt-5.5\"\n\n[profiles.x]\nmodel = \"o3\"\n";
  std::string once = WithCodexTrust(user, key, "sha256:aa");
  EXPECT_EQ(once, user + "\n[hooks.state.\"/h/.codex/hooks.json:pre_tool_use:0:0\"]\ntrusted_hash = \"sha256:aa\"\n");
  EXPECT_EQ(WithCodexTrust(once, key, "sha256:aa"), once);  // idempotent
  std::string updated = WithCodexTrust(once, key, "sha256:bb");
  EXPECT_EQ(updated.find("sha256:aa"), std::string::npos);
  EXPECT_NE(updated.find("trusted_hash = \"sha256:bb\""), std::string::npos);
  EXPECT_EQ(updated.substr(0, user.size()), user);  // the user's lines, byte for byte
  // Another hook's trust entry is left alone.
  std::string two = WithCodexTrust(updated, CodexTrustKey("/h/.codex/hooks.json", 1, 0), "sha256:cc");
  EXPECT_NE(two.find("sha256:bb"), std::string::npos);
  EXPECT_NE(two.find("sha256:cc"), std::string::npos);
}

TEST(CodexTrust, KeysWithQuotesAndBackslashesAreEscaped) {
  std::string t = WithCodexTrust("", CodexTrustKey("/h/we\"ird\\dir/hooks.json", 0, 0), "sha256:aa");
  EXPECT_NE(t.find("[hooks.state.\"/h/we\\\"ird\\\\dir/hooks.json:pre_tool_use:0:0\"]"), std::string::npos) << t;
}

TEST(CodexTrust, HooksFeatureIsTurnedOn) {
  EXPECT_EQ(WithCodexHooksFeature(""), "[features]\nhooks = true\n");
  EXPECT_EQ(WithCodexHooksFeature("[features]\nplugins = false\n"), "[features]\nhooks = true\nplugins = false\n");
  EXPECT_EQ(WithCodexHooksFeature("[features]\nhooks = false\n[x]\nhooks = false\n"),
            "[features]\nhooks = true\n[x]\nhooks = false\n");
  EXPECT_EQ(WithCodexHooksFeature("a = 1"), "a = 1\n\n[features]\nhooks = true\n");
}

}  // namespace
}  // namespace warden::clients
