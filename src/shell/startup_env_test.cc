#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

bool DeletesHome(std::string_view cmd) {
  Facts f = Analyze(cmd);
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
  return d != nullptr && d->recursive;
}

// The code a variable makes an interpreter or shell load is analyzed in its language, when the
// command line shows it: a file written earlier, a <(…), the value itself.
TEST(StartupEnvTest, CodeLoadedThroughVariables) {
  for (std::string_view cmd :
       {"PYTHONSTARTUP=<(echo 'import os;os.system(\"rm -rf ~\")') python3 -i",
        "echo 'import os;os.system(\"rm -rf ~\")' > sitecustomize.py; PYTHONPATH=. python3 -m pytest",
        "echo 'require(\"child_process\").execSync(\"rm -rf ~\")' > e.js; NODE_OPTIONS='-r ./e.js' npm test",
        "echo 'require(\"child_process\").execSync(\"rm -rf ~\")' > e.js; NODE_OPTIONS=--require=./e.js node x.js",
        "PERL5DB='system(\"rm -rf ~\")' perl -d -e 1", "echo 'rm -rf ~' > /tmp/z/.zshenv; ZDOTDIR=/tmp/z zsh -c true",
        "echo 'rm -rf ~' > /tmp/e; BASH_ENV=/tmp/e ./build.sh", "echo 'rm -rf ~' > /tmp/e; export ENV=/tmp/e; sh -c :"}) {
    EXPECT_TRUE(DeletesHome(cmd)) << cmd << ": " << Dump(Analyze(cmd));
  }
}

TEST(StartupEnvTest, OrdinaryValuesLoadNothing) {
  for (std::string_view cmd : {"PYTHONPATH=src pytest", "NODE_OPTIONS='--max-old-space-size=4096' npm run build",
                               "NODE_OPTIONS='-r dotenv/config' node app.js", "ZDOTDIR=~/.config/zsh zsh"}) {
    Facts f = Analyze(cmd);
    EXPECT_FALSE(HasSignal(f, kSignalInlineCode)) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
