#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

bool Runs(std::string_view cmd, std::string_view line) {
  Facts f = Analyze(cmd);
  return std::any_of(f.commands.begin(), f.commands.end(),
                     [&](const CommandFact& c) { return c.Line() == line; });
}

// A setting whose name says it holds a command has its value read as a command line, for any
// tool and any spelling of the setting.
TEST(SettingsTest, ValuesOfCommandSettingsAreCommandLines) {
  EXPECT_TRUE(Runs("git grep --open-files-in-pager='rm -rf /tmp/a;:' TODO", "rm -rf /tmp/a"));
  EXPECT_TRUE(Runs("sftp -o ProxyCommand='rm -rf /tmp/b' h", "rm -rf /tmp/b"));
  EXPECT_TRUE(Runs("git -c trailer.x.command='rm -rf /tmp/c' interpret-trailers", "rm -rf /tmp/c"));
  EXPECT_TRUE(Runs("tar -cf /dev/null --checkpoint=1 --checkpoint-action 'exec=rm -rf /tmp/d' .",
                                "rm -rf /tmp/d"));
  EXPECT_TRUE(Runs("systemd-run --user -p ExecStartPre='/bin/rm -rf /tmp/e' true", "rm -rf /tmp/e"));
  EXPECT_TRUE(Runs("cargo run --config 'target.x.runner=[\"rm\",\"-rf\",\"/tmp/f\"]'", "rm -rf /tmp/f"));
  EXPECT_TRUE(Runs("FOO_RUNNER='rm -rf /tmp/g' cargo run", "rm -rf /tmp/g"));
  EXPECT_TRUE(Runs("git -c submodule.lib.update='!rm -rf /tmp/h' submodule update", "rm -rf /tmp/h"));
}

TEST(SettingsTest, OneWordIsAScriptOnlyIfWrittenEarlier) {
  EXPECT_TRUE(Runs("printf 'rm -rf /tmp/i\\n' > /tmp/x.sh; npm --script-shell=/tmp/x.sh run build",
                                "rm -rf /tmp/i"));
  Facts f = Analyze("npm test --script-shell=bash");
  EXPECT_FALSE(std::any_of(f.commands.begin(), f.commands.end(), [](const CommandFact& c) { return c.speculative; }))
      << Dump(f);
}

// A configuration file written earlier in the line and given by an option that names one
// (ssh -F, --config, --config-file, --settings, …) has its lines read as settings.
TEST(SettingsTest, ConfigurationFilesWrittenEarlier) {
  EXPECT_TRUE(Runs("printf 'Host *\\n  ProxyCommand rm -rf /tmp/j\\n' > /tmp/sc; ssh -F /tmp/sc h", "rm -rf /tmp/j"));
  EXPECT_TRUE(Runs("echo 'pager = rm -rf /tmp/k' > t.conf; tool --config=t.conf", "rm -rf /tmp/k"));
  EXPECT_TRUE(Runs("printf '[a]\\nhook_command = \"rm -rf /tmp/l\"\\n' > a.ini; app --config-file a.ini", "rm -rf /tmp/l"));
  EXPECT_TRUE(Runs("echo 'editor: rm -rf /tmp/m' > c.yml; tool --settings c.yml", "rm -rf /tmp/m"));
  EXPECT_TRUE(Runs("printf 'Match host x exec \"rm -rf /tmp/p\"\\n' > /tmp/sc; ssh -F /tmp/sc x", "rm -rf /tmp/p"));
  EXPECT_TRUE(Runs("printf 'Host *\\n ProxyCommand rm -rf /tmp/q\\n' | ssh -F /dev/stdin h", "rm -rf /tmp/q"));
  // Start-up files: ssh's Include, shell escapes of command scripts, code by extension, .npmrc.
  EXPECT_TRUE(Runs("printf 'Include /tmp/d\\n' > /tmp/c; printf 'ProxyCommand rm -rf /tmp/r\\n' > /tmp/d; ssh -F /tmp/c h",
                   "rm -rf /tmp/r"));
  EXPECT_TRUE(Runs("echo '!rm -rf /tmp/s' > /tmp/vrc; vim -u /tmp/vrc -c q", "rm -rf /tmp/s"));
  EXPECT_TRUE(Runs("echo '!rm -rf /tmp/t' > /tmp/lf; lftp -f /tmp/lf", "rm -rf /tmp/t"));
  EXPECT_TRUE(Runs("echo 'require(\"child_process\").execSync(\"rm -rf /tmp/u\")' > /tmp/r.js; node -r /tmp/r.js -e 1",
                   "rm -rf /tmp/u"));
  EXPECT_TRUE(Runs("echo 'rm -rf /tmp/v' > /tmp/x.sh; echo 'script-shell=/tmp/x.sh' > .npmrc; npm run build", "rm -rf /tmp/v"));
  EXPECT_TRUE(Runs("echo '\\! rm -rf /tmp/w' > /tmp/rc; PSQLRC=/tmp/rc psql", "rm -rf /tmp/w"));
  EXPECT_FALSE(Runs("echo 'comment = rm -rf /tmp/n' > c.conf; tool --config c.conf", "rm -rf /tmp/n"));
  EXPECT_FALSE(Runs("echo 'pager = rm -rf /tmp/o' > c.conf; tool --input c.conf", "rm -rf /tmp/o"));
}

TEST(SettingsTest, OtherSettingsAreData) {
  for (std::string_view cmd : {"git commit -m 'rm -rf build'", "git log --format='rm -rf %h'",
                               "git --exec-path=/usr/lib/git-core status", "pytest --override-ini 'addopts=rm -rf x'"}) {
    Facts f = Analyze(cmd);
    EXPECT_EQ(FindCommand(f, "rm"), nullptr) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
