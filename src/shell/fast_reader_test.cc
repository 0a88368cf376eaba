// The fast reader must give exactly the IR tree-sitter gives, for every string it accepts.
// Checked here on every corpus command and a list of edge cases; the differential fuzzer
// (tests/fuzz/parser_diff_fuzzer.cc) checks arbitrary input the same way.
#include "shell/fast_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "shell/tree_sitter_reader.h"

namespace warden::shell {
namespace {

// Returns true when the fast reader accepted `s` (and asserts it agrees with tree-sitter).
bool Agrees(const std::string& s) {
  auto fast = ReadSimple(s);
  if (!fast) return false;
  ParseResult ts = ReadWithTreeSitter(s);
  EXPECT_TRUE(ts.errors.empty()) << "fast reader accepted what tree-sitter rejects: " << s;
  EXPECT_EQ(DebugString(fast->root), DebugString(ts.root)) << "for: " << s;
  return true;
}

std::vector<std::string> CorpusCommands() {
  std::vector<std::string> out;
  std::vector<std::string> files = {std::string(WARDEN_SHARED_DIR) + "/corpora/commands.tsv"};
  for (const auto& e : std::filesystem::directory_iterator(std::string(WARDEN_SOURCE_DIR) + "/tests/corpora")) {
    files.push_back(e.path().string());
  }
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == '\t') continue;
      size_t tab = line.find('\t');
      if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
    }
  }
  return out;
}

TEST(FastReaderTest, AgreesWithTreeSitterOnEveryCorpusCommand) {
  size_t accepted = 0, total = 0;
  for (const auto& cmd : CorpusCommands()) {
    ++total;
    if (Agrees(cmd)) ++accepted;
  }
  // Not an assertion about speed: just that the fast path is actually used.
  EXPECT_GT(accepted, total / 3) << accepted << " of " << total;
}

TEST(FastReaderTest, EdgeCasesAgree) {
  const char* cases[] = {
      "ls", "ls -la", "a;b", "a ; b ;", "a && b || c", "a | b | c", "a | b && c || d | e", "a; b && c; d",
      "FOO=bar ./run.sh", "A=1 B=2 cmd x", "A=1", "A=1 B=2", "X='a b' cmd", "X=\"a b\" cmd", "X=a'b'c cmd",
      "echo ''", "echo \"\"", "echo a\"\"b", "echo 'a'\"b\"c", "rm -rf *.o", "cp a.txt ~/b.txt", "git commit -m 'x y'",
      "git push origin HEAD:main", "echo a=b c=d", "echo ~ ~/x ~root", "  ls  ", "ls\t-l", "echo ,:@%+-./",
      "echo é ü 日本", "cmd --flag=value", "echo do done in", "echo if", "python3 -c \"print(1)\"",
      "find . -name '*.tmp' -delete", "ls && rm -rf build/ dist/", "a||b", "a&&b", "a|b",
  };
  for (const char* c : cases) EXPECT_TRUE(Agrees(c)) << "refused: " << c;
}

TEST(FastReaderTest, RefusesWhatNeedsTreeSitter) {
  const char* cases[] = {
      "echo $HOME", "echo `id`", "a\\b", "cat < f", "echo > f", "(ls)", "{ ls; }", "a[1]=x", "# c", "! ls",
      "a &", "a |& b", "a\nb", "if true; then ls; fi", "for x in a; do ls; done", "export X=1", "local y",
      "case x in x) ;; esac", "time ls", "[[ -f x ]]", "echo 'unclosed", "echo \"unclosed", "a && ", "| a",
      "&& a", "a;;", "X= cmd", "echo {a,b}", "ls\r", "coproc x", "echo \"$(id)\"",
  };
  for (const char* c : cases) EXPECT_FALSE(ReadSimple(c).has_value()) << "accepted: " << c;
}

}  // namespace
}  // namespace warden::shell
