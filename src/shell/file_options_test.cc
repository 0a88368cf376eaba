#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

const FileFact* FileWith(const Facts& f, std::string_view path, FileOp op) {
  for (const auto& x : f.files) {
    if (x.path == path && x.op == op) return &x;
  }
  return nullptr;
}

// A long option whose name says it names a file gives a fact on its value, for any tool: a
// write when the name says the tool writes there, an access otherwise.
TEST(FileOptionsTest, OptionsThatNameFiles) {
  Facts f = Analyze("tar -cf /dev/null --index-file=/etc/profile .");
  EXPECT_NE(FileWith(f, "/etc/profile", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("sometool --log-file /etc/x run");
  EXPECT_NE(FileWith(f, "/etc/x", FileOp::kWrite), nullptr) << "an unmodelled tool's next word: " << Dump(f);
  f = Analyze("sometool --output=/etc/y");
  EXPECT_NE(FileWith(f, "/etc/y", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("sometool --key-file=/etc/z");
  EXPECT_NE(FileWith(f, "/etc/z", FileOp::kAccess), nullptr) << Dump(f);
}

// -o PATH is an output for most tools; a modelled tool's option that did not take the next
// word still names it when the word reads as a path.
TEST(FileOptionsTest, DashOAndSeparateValuesOfModelledTools) {
  Facts f = Analyze("go build -o /usr/local/bin/x .");
  EXPECT_NE(FileWith(f, "/usr/local/bin/x", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("git log --output /etc/y");
  EXPECT_NE(FileWith(f, "/etc/y", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("ssh -o ProxyCommand=/bin/x h");
  EXPECT_EQ(FileWith(f, "ProxyCommand=/bin/x", FileOp::kWrite), nullptr) << "ssh's -o is an option: " << Dump(f);
  f = Analyze("grep -o /etc/z file.txt");
  EXPECT_EQ(FileWith(f, "/etc/z", FileOp::kWrite), nullptr) << "grep -o is a flag: " << Dump(f);
}

// Where tools write without a "file" in the option's name: --stderr, --junitxml, ssh -E, and
// --target/--dest of a modelled tool (cargo's --target TRIPLE is not a path).
TEST(FileOptionsTest, DestinationsNamedOtherwise) {
  Facts f = Analyze("curl --stderr /etc/e -v https://example.org/");
  EXPECT_NE(FileWith(f, "/etc/e", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("ssh -E /etc/f host");
  EXPECT_NE(FileWith(f, "/etc/f", FileOp::kWrite), nullptr) << Dump(f);
  f = Analyze("pip install --target /usr/lib/x pkg");
  EXPECT_NE(FileWith(f, "/usr/lib/x", FileOp::kWrite), nullptr) << Dump(f);
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
