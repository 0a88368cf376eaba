// The fast reader must give exactly the IR tree-sitter gives, for every string it accepts.
// Checked here on every corpus command and a list of edge cases; the differential fuzzer
// (tests/fuzz/parser_diff_fuzzer.cc) checks arbitrary input the same way.
#include "shell/fast_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

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
  EXPECT_TRUE(fast->root == ts.root) << "same rendering, different IR (quoting?) for: " << s;
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
      // expansions
      "echo $HOME", "echo ${HOME}", "echo $HOME/x", "echo a$HOME", "echo \"$HOME\"",
      "echo \"a $HOME b\"", "echo \"${HOME}x\"", "X=$HOME/bin cmd", "rm -rf $HOME", "rm -rf \"$DIR\"/",
      "echo $(date)", "x=$(date) y=1 cmd", "echo $(a b | c)", "ls -la $(pwd)", "echo a$(b)c", "make -j$(nproc)",
      "VERSION=$(cat VERSION) && echo \"$VERSION\"", "echo \"a\\\"b\"", "echo \"\\$x\"",
      // redirections
      "echo hi > out.txt", "echo hi>f", "cat < in.txt", "ls 2>/dev/null", "cmd >> log 2>&1", "make 2>&1 | tail -5",
      "cmd &> all.log", "cmd &>> all.log", "cmd 2>&1 >/dev/null", "cat <f >g", "npm test 2>&1 | tail -50",
      "echo x > 'a b'", "cmd 1>&2", "cd /tmp && cmd > out",
      // escapes, braces, comments, newlines, background
      "r\\m -rf /", "\\rm x", "echo a\\ b", "find . -exec rm {} \\;", "find . -name x -exec rm -rf {} +",
      "echo {a,b}", "echo a{b,c}d", "echo {}", "ls # comment", "echo a#b", "ls;#c", "a\nb", "a && b\nc",
      "ls\n", "echo a &", "a && b &", "a & b", "a | b &", "sleep 1 & wait",
  };
  for (const char* c : cases) EXPECT_TRUE(Agrees(c)) << "refused: " << c;
}

TEST(FastReaderTest, RefusesWhatNeedsTreeSitter) {
  const char* cases[] = {
      "echo `id`", "(ls)", "{ ls; }", "a[1]=x", "# c", "! ls", "a |& b", "if true; then ls; fi",
      "for x in a; do ls; done", "export X=1", "local y", "case x in x) ;; esac", "time ls", "[[ -f x ]]",
      "echo 'unclosed", "echo \"unclosed", "a && ", "| a", "&& a", "a;;", "X= cmd", "ls\r", "coproc x",
      "echo \"$(id)\"", "cat <<EOF\nx\nEOF", "cat <<< x", "diff <(a) <(b)", "echo $1", "echo $@", "echo ${x:-y}",
      "echo ${#x}", "echo $((1+2))", "echo $(a $(b))", "echo $('x')", "a &&\nb", "\nls", "a\\", "a\\\nb",
      "cmd >&-", "cmd <&3", "cmd > $F", "{ls,-la}", "x2>f", "echo a >f b", "> f", "X=1 > f",
      "cmd >| f", "cmd <> f", "echo $HOME$USER", "$HOME/bin/tool x", "a | b | c && d", "a && b > f && c",
      "X=1\nls", "echo a2#b", "x | ./y | z || w", "unsetenv\"\"", "unsetenv X", "export\"\" x",
  };
  for (const char* c : cases) EXPECT_FALSE(ReadSimple(c).has_value()) << "accepted: " << c;
}

// Random lines from pieces that exercise every rule of the fast reader (and many it must
// refuse): whatever it accepts, tree-sitter must read the same. Deterministic (fixed seed);
// tests/fuzz/parser_diff_fuzzer.cc explores the same property without a vocabulary.
TEST(FastReaderTest, RandomLinesAgree) {
  const std::vector<std::string> atoms = {
      "ls", "rm", "-rf", "/", "~", "a", "b", "x=1", "X=$HOME", "$HOME", "${A}", "$(b)", "$(a b | c)", "\"q $X r\"",
      "'s q'", "\"\"", "''", "{}", "{a,b}", "\\;", "\\m", "a\\ b", ">", ">>", "<", "2>", "2>&1", "&>", "1>&2", "&",
      ";", "&&", "||", "|", "\n", "#c", " ", " ", "\t", "f", "2", "x2", "=", "a=b", "-", "--x=y", "*.o", "?", "~/a",
      "\"$(x)\"", "\\\"", "\"a\\\"b\"", "$", "{", "}", "}x", "a{", "#", "a#b", "12", "3>", "$1", "${x:-y}", "<<", "(",
      ")", "!", "[", "]", "\\\n", "$((1))", "`id`", "<(a)", ">&-", "|&", ";;", "$X$Y", "\"${A}\"", "a=", "=a", "--",
      "\\", "\\\\", "\\$x", "\"\\$x\"", "e\xc3\xa9", "\x01", "\r", "if", "do", "time", "{ a; }", "$HOME/x", "x$HOME",
      "a$(b)", "2>>", "&>>", "<&", "0<", "$(date)x", "'a\nb'", "$(a;b)", "$(a&&b)", "$( a )", "$()", "${A", "\"",
      "'", "x'y'z", "\"$HOME\"/x", "$HOME\"x\"", "y${A}z"};
  std::mt19937 rng(20261122);
  int accepted = 0;
  for (int it = 0; it < 60000; ++it) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < len; ++k) {
      s += atoms[rng() % atoms.size()];
      if (rng() % 3) s += ' ';
    }
    if (Agrees(s)) ++accepted;
    if (HasFailure()) break;  // one input is enough to see what went wrong
  }
  EXPECT_GT(accepted, 1000);  // the vocabulary keeps the fast path busy
}

}  // namespace
}  // namespace warden::shell
