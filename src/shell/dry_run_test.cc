#include "shell/dry_run.h"

#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

bool DryRun(std::string_view cmd, std::string_view name) {
  Facts f = Analyze(cmd);
  const CommandFact* c = FindCommand(f, name);
  return c != nullptr && c->dry_run;
}

TEST(DryRunTest, ToolsOwnDryRunOptions) {
  EXPECT_TRUE(DryRun("kubectl apply --dry-run=client -f k8s/", "kubectl"));
  EXPECT_TRUE(DryRun("kubectl delete ns prod --dry-run=server", "kubectl"));
  EXPECT_TRUE(DryRun("helm uninstall api --dry-run", "helm"));
  EXPECT_TRUE(DryRun("npm publish --dry-run", "npm"));
  EXPECT_TRUE(DryRun("git push -n --force origin main", "git"));
  EXPECT_TRUE(DryRun("apt-get -s remove libc6", "apt-get"));
  EXPECT_TRUE(DryRun("ansible-playbook -C site.yml", "ansible-playbook"));
  EXPECT_TRUE(DryRun("aws s3 rm s3://b --recursive --dryrun", "aws"));
}

TEST(DryRunTest, SameLetterElsewhereOrTurnedOffIsNoDryRun) {
  EXPECT_FALSE(DryRun("kubectl delete ns prod --dry-run=none", "kubectl"));
  EXPECT_FALSE(DryRun("git commit -n -m x", "git"));  // --no-verify
  EXPECT_FALSE(DryRun("mv -n a b", "mv"));            // no clobber
  EXPECT_FALSE(DryRun("rm -rf / --dry-run", "rm"));
  EXPECT_FALSE(DryRun("terraform destroy --dry-run", "terraform"));
  EXPECT_FALSE(DryRun("kubectl delete ns --dry-run=client; kubectl delete ns prod", "kubectl") &&
               Analyze("kubectl delete ns --dry-run=client; kubectl delete ns prod").commands[1].dry_run);
}

TEST(DryRunTest, ADryRunStillRunsWhatItWraps) {
  Facts f = Analyze("bash -c 'rm -rf /' --dry-run");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  const CommandFact* rm = FindCommand(f, "rm");
  ASSERT_NE(rm, nullptr);
  EXPECT_FALSE(rm->dry_run);
}

}  // namespace
}  // namespace warden::shell
