#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

// A long option whose name says it names a file gives a fact on its value, for any tool: a
// write when the name says the tool writes there, an access otherwise.
TEST(FileOptionsTest, OptionsThatNameFiles) {
  Facts f = Analyze("tar -cf /dev/null --index-file=/etc/profile .");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/profile"), nullptr) << Dump(f);
  f = Analyze("sometool --log-file /etc/x run");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/x"), nullptr) << "an unmodelled tool's next word: " << Dump(f);
  f = Analyze("sometool --output=/etc/y");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/y"), nullptr) << Dump(f);
  f = Analyze("sometool --key-file=/etc/z");
  EXPECT_NE(FindFile(f, FileOp::kAccess, "/etc/z"), nullptr) << Dump(f);
}

// -o PATH is an output for most tools; a modelled tool's option that did not take the next
// word still names it when the word reads as a path.
TEST(FileOptionsTest, DashOAndSeparateValuesOfModelledTools) {
  Facts f = Analyze("go build -o /usr/local/bin/x .");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/usr/local/bin/x"), nullptr) << Dump(f);
  f = Analyze("git log --output /etc/y");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/y"), nullptr) << Dump(f);
  f = Analyze("ssh -o ProxyCommand=/bin/x h");
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "ProxyCommand=/bin/x"), nullptr) << "ssh's -o is an option: " << Dump(f);
  f = Analyze("grep -o /etc/z file.txt");
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/etc/z"), nullptr) << "grep -o is a flag: " << Dump(f);
}

// Where tools write without a "file" in the option's name: --stderr, --junitxml, ssh -E, and
// --target/--dest of a modelled tool (cargo's --target TRIPLE is not a path).
TEST(FileOptionsTest, DestinationsNamedOtherwise) {
  Facts f = Analyze("curl --stderr /etc/e -v https://example.org/");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/e"), nullptr) << Dump(f);
  f = Analyze("ssh -E /etc/f host");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/f"), nullptr) << Dump(f);
  f = Analyze("pip install --target /usr/lib/x pkg");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/usr/lib/x"), nullptr) << Dump(f);
  f = Analyze("cargo build --target x86_64-unknown-linux-gnu");
  EXPECT_TRUE(std::none_of(f.files.begin(), f.files.end(), [](const FileFact& x) { return x.op == FileOp::kWrite; })) << Dump(f);
}

TEST(FileOptionsTest, ValuesThatAreNotFiles) {
  for (std::string_view cmd : {"kubectl get pods --output-format json", "tool --file-type text", "tool --output -",
                               "tool --logfile-level 3", "tool --output-file=https://example.org/x"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(std::none_of(f.files.begin(), f.files.end(), [](const FileFact& x) { return x.op == FileOp::kWrite; }))
        << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
