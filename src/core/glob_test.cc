#include "core/glob.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace warden {
namespace {

using Mode = Glob::Mode;

// Compile failures are reported as test failures, so that NoMatch cannot pass just because the
// pattern was rejected.
testing::AssertionResult Matches(std::string_view pattern, std::string_view subject, Mode mode = Mode::kPath,
                                 bool subtree = false) {
  auto g = Glob::Compile(pattern, mode, subtree);
  if (!g.ok()) return testing::AssertionFailure() << "'" << pattern << "' does not compile: " << g.status().message();
  if (g->Match(subject)) return testing::AssertionSuccess() << "'" << pattern << "' matches '" << subject << "'";
  return testing::AssertionFailure() << "'" << pattern << "' does not match '" << subject << "'";
}

testing::AssertionResult NoMatch(std::string_view pattern, std::string_view subject, Mode mode = Mode::kPath,
                                 bool subtree = false) {
  auto g = Glob::Compile(pattern, mode, subtree);
  if (!g.ok()) return testing::AssertionFailure() << "'" << pattern << "' does not compile: " << g.status().message();
  if (!g->Match(subject)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << pattern << "' unexpectedly matches '" << subject << "'";
}

// Whether the two globs intersect; a compile error or an asymmetric answer fails the test.
bool Intersect(std::string_view a, std::string_view b, Mode mode_a = Mode::kPath, Mode mode_b = Mode::kPath) {
  auto ga = Glob::Compile(a, mode_a);
  auto gb = Glob::Compile(b, mode_b);
  if (!ga.ok() || !gb.ok()) {
    ADD_FAILURE() << "'" << a << "' or '" << b << "' does not compile";
    return false;
  }
  const bool ab = ga->Intersects(*gb), ba = gb->Intersects(*ga);
  EXPECT_EQ(ab, ba) << "Intersects is not symmetric for '" << a << "' and '" << b << "'";
  return ab;
}

Status CompileError(std::string_view pattern, Mode mode = Mode::kPath) {
  auto g = Glob::Compile(pattern, mode);
  return g.ok() ? Status::Ok() : g.status();
}

TEST(GlobTest, LiteralPatternMatchesOnlyItself) {
  auto g = Glob::Compile("/etc/passwd");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->is_literal());
  EXPECT_EQ(g->pattern(), "/etc/passwd");
  EXPECT_EQ(g->literal_prefix(), "/etc/passwd");
  EXPECT_TRUE(g->Match("/etc/passwd"));
  EXPECT_FALSE(g->Match("/etc/passwd2"));
  EXPECT_FALSE(g->Match("/etc/passw"));
  EXPECT_FALSE(g->Match("/etc/passwd/"));
  EXPECT_FALSE(g->Match(""));
}

TEST(GlobTest, EmptyPatternMatchesOnlyEmptyString) {
  auto g = Glob::Compile("");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->is_literal());
  EXPECT_TRUE(g->Match(""));
  EXPECT_FALSE(g->Match("a"));
  EXPECT_FALSE(g->Match("/"));
}

TEST(GlobTest, WildcardPatternsAreNotLiteral) {
  for (std::string_view p : {"*", "a?", "[ab]", "{a,b}", "a\\*"}) {
    auto g = Glob::Compile(p);
    ASSERT_TRUE(g.ok()) << p;
    EXPECT_FALSE(g->is_literal()) << p;
  }
}

TEST(GlobTest, StarMatchesAnyRunWithinAComponent) {
  EXPECT_TRUE(Matches("*.txt", "notes.txt"));
  EXPECT_TRUE(Matches("*.txt", ".txt"));
  EXPECT_TRUE(Matches("a*b", "ab"));
  EXPECT_TRUE(Matches("a*b", "axxxb"));
  EXPECT_TRUE(Matches("/tmp/*", "/tmp/x"));
  EXPECT_TRUE(Matches("/home/*/.ssh", "/home/alice/.ssh"));
  EXPECT_TRUE(NoMatch("*.txt", "notes.md"));
  EXPECT_TRUE(NoMatch("a*b", "abx"));
}

TEST(GlobTest, StarDoesNotCrossSlashInPathMode) {
  EXPECT_TRUE(NoMatch("*.txt", "dir/notes.txt"));
  EXPECT_TRUE(NoMatch("/tmp/*", "/tmp/a/b"));
  EXPECT_TRUE(NoMatch("/home/*/.ssh", "/home/a/b/.ssh"));
  EXPECT_TRUE(NoMatch("a*b", "a/b"));
}

TEST(GlobTest, StarAndQuestionMatchLeadingDotInPathMode) {
  // A policy on "/home/*/secret" must not be dodged by a dotfile or dot directory.
  EXPECT_TRUE(Matches("*", ".env"));
  EXPECT_TRUE(Matches("/home/u/*", "/home/u/.bashrc"));
  EXPECT_TRUE(Matches("/home/*/secret", "/home/.hidden/secret"));
  EXPECT_TRUE(Matches("?bashrc", ".bashrc"));
  EXPECT_TRUE(Matches("[.]env", ".env"));
}

TEST(GlobTest, DoubleStarCrossesSlashes) {
  EXPECT_TRUE(Matches("/a/**", "/a/b"));
  EXPECT_TRUE(Matches("/a/**", "/a/b/c/d"));
  EXPECT_TRUE(Matches("**", "/any/thing/at/all"));
  EXPECT_TRUE(Matches("/etc/**.conf", "/etc/nginx/sites/x.conf"));
  EXPECT_TRUE(NoMatch("/a/**", "/b/c"));
  EXPECT_TRUE(NoMatch("/etc/**.conf", "/etc/nginx/x.txt"));
}

TEST(GlobTest, DoubleStarSlashMatchesZeroDirectories) {
  EXPECT_TRUE(Matches("a/**/b", "a/b"));
  EXPECT_TRUE(Matches("a/**/b", "a/x/b"));
  EXPECT_TRUE(Matches("a/**/b", "a/x/y/z/b"));
  EXPECT_TRUE(NoMatch("a/**/b", "a/xb"));
  EXPECT_TRUE(NoMatch("a/**/b", "ab"));
  EXPECT_TRUE(NoMatch("a/**/b", "a/x/bc"));
}

// Match first looks for the literal text every match must contain (the longest literal run of
// each alternative): these are the places where taking the wrong run would reject a match.
TEST(GlobTest, RequiredLiteralTextNeverRejectsAMatch) {
  EXPECT_TRUE(Matches("x/**/secret.txt", "x/secret.txt"));     // the '/' of "**/" is optional
  EXPECT_TRUE(Matches("**/.ssh/**", ".ssh/id_ed25519"));
  EXPECT_TRUE(Matches("**/abc", "abc", Mode::kText));
  EXPECT_TRUE(Matches("a/**/bcd", "a/x/bcd", Mode::kShell));  // ** is * in the shell: "/bcd" is literal
  EXPECT_TRUE(NoMatch("a/**/bcd", "a/bcd", Mode::kShell));
  EXPECT_TRUE(Matches("{foo,barbaz}/**/qux1", "barbaz/qux1"));
  EXPECT_TRUE(Matches("{foo,barbaz}/**/qux1", "foo/a/qux1"));
  EXPECT_TRUE(Matches("a\\*bc*", "a*bcdef"));
  EXPECT_TRUE(Matches("ab[cd]ef*", "abcefg"));
  EXPECT_TRUE(Matches("/etc/secret", "/etc/secret/x", Mode::kPath, /*subtree=*/true));
  EXPECT_TRUE(Matches("/etc/**/key?pem", "/etc/key.pem"));
  // And it rejects what lacks the text, in every mode.
  EXPECT_TRUE(NoMatch("**/*secret*", "/home/u/project/main.cc"));
  EXPECT_TRUE(NoMatch("{**/id_rsa*,**/id_ed25519*}", "/home/u/.ssh/known_hosts"));
  EXPECT_TRUE(NoMatch("*token*", "a/b", Mode::kText));
}

TEST(GlobTest, LeadingDoubleStarSlashMatchesAtAnyDepth) {
  EXPECT_TRUE(Matches("**/.env", ".env"));
  EXPECT_TRUE(Matches("**/.env", "app/.env"));
  EXPECT_TRUE(Matches("**/.env", "/home/u/project/.env"));
  EXPECT_TRUE(NoMatch("**/.env", "x.env"));
  EXPECT_TRUE(NoMatch("**/.env", "/home/u/.env.bak"));
}

TEST(GlobTest, TripleStarBehavesLikeDoubleStar) {
  EXPECT_TRUE(Matches("a/***/b", "a/b"));
  EXPECT_TRUE(Matches("a/***/b", "a/x/y/b"));
  EXPECT_TRUE(Matches("a/***", "a/x/y"));
}

TEST(GlobTest, QuestionMatchesExactlyOneCharacter) {
  EXPECT_TRUE(Matches("a?c", "abc"));
  EXPECT_TRUE(Matches("???", "xyz"));
  EXPECT_TRUE(NoMatch("a?c", "ac"));
  EXPECT_TRUE(NoMatch("a?c", "abbc"));
  EXPECT_TRUE(NoMatch("?", ""));
}

TEST(GlobTest, QuestionDoesNotMatchSlashInPathMode) {
  EXPECT_TRUE(NoMatch("a?c", "a/c"));
  EXPECT_TRUE(NoMatch("a?c", "a/c", Mode::kShell));
  EXPECT_TRUE(Matches("a?c", "a/c", Mode::kText));
}

TEST(GlobTest, CharacterClassMatchesListedCharacters) {
  EXPECT_TRUE(Matches("[abc]", "a"));
  EXPECT_TRUE(Matches("[abc]", "c"));
  EXPECT_TRUE(NoMatch("[abc]", "d"));
  EXPECT_TRUE(NoMatch("[abc]", "ab"));
  EXPECT_TRUE(NoMatch("[abc]", ""));
  EXPECT_TRUE(Matches("file[0-9].log", "file7.log"));
  EXPECT_TRUE(NoMatch("file[0-9].log", "filex.log"));
}

TEST(GlobTest, CharacterClassRanges) {
  EXPECT_TRUE(Matches("[a-z]", "a"));
  EXPECT_TRUE(Matches("[a-z]", "m"));
  EXPECT_TRUE(Matches("[a-z]", "z"));
  EXPECT_TRUE(NoMatch("[a-z]", "A"));
  EXPECT_TRUE(Matches("[a-cx-z]", "y"));
  EXPECT_TRUE(NoMatch("[a-cx-z]", "m"));
}

TEST(GlobTest, NegatedClassWithBangOrCaret) {
  for (std::string_view p : {"[!a-c]", "[^a-c]"}) {
    EXPECT_TRUE(Matches(p, "d")) << p;
    EXPECT_TRUE(Matches(p, "\xff")) << p;
    EXPECT_TRUE(NoMatch(p, "a")) << p;
    EXPECT_TRUE(NoMatch(p, "c")) << p;
    EXPECT_TRUE(NoMatch(p, "")) << p;
  }
}

TEST(GlobTest, ClassSpecialMembers) {
  EXPECT_TRUE(Matches("[]]", "]"));           // ']' first is a member
  EXPECT_TRUE(Matches("[!]]", "x"));
  EXPECT_TRUE(NoMatch("[!]]", "]"));
  EXPECT_TRUE(Matches("[a-]", "-"));          // '-' last is literal
  EXPECT_TRUE(Matches("[a-]", "a"));
  EXPECT_TRUE(NoMatch("[a-]", "b"));
  EXPECT_TRUE(Matches("[\\]x]", "]"));        // escaped ']'
  EXPECT_TRUE(Matches("[*?]", "*"));          // wildcards are literal inside a class
  EXPECT_TRUE(NoMatch("[*?]", "a"));
}

TEST(GlobTest, ClassNeverMatchesSlashOutsideTextMode) {
  EXPECT_TRUE(NoMatch("a[!x]b", "a/b"));
  EXPECT_TRUE(NoMatch("a[/]b", "a/b"));
  EXPECT_TRUE(NoMatch("a[!x]b", "a/b", Mode::kShell));
  EXPECT_TRUE(Matches("a[!x]b", "a/b", Mode::kText));
  EXPECT_TRUE(Matches("a[/]b", "a/b", Mode::kText));
}

TEST(GlobTest, BracesMatchAnyAlternative) {
  EXPECT_TRUE(Matches("{a,b,c}", "a"));
  EXPECT_TRUE(Matches("{a,b,c}", "c"));
  EXPECT_TRUE(NoMatch("{a,b,c}", "d"));
  EXPECT_TRUE(NoMatch("{a,b,c}", "a,b"));
  EXPECT_TRUE(Matches("*.{c,h}", "main.c"));
  EXPECT_TRUE(Matches("*.{c,h}", "main.h"));
  EXPECT_TRUE(NoMatch("*.{c,h}", "main.cc"));
  EXPECT_TRUE(Matches("/etc/{passwd,shadow}", "/etc/shadow"));
}

TEST(GlobTest, BracesMayHoldEmptyAlternatives) {
  EXPECT_TRUE(Matches("x{,.bak}", "x"));
  EXPECT_TRUE(Matches("x{,.bak}", "x.bak"));
  EXPECT_TRUE(NoMatch("x{,.bak}", "x.ba"));
}

TEST(GlobTest, NestedBraces) {
  EXPECT_TRUE(Matches("{a,b{c,d}}", "a"));
  EXPECT_TRUE(Matches("{a,b{c,d}}", "bc"));
  EXPECT_TRUE(Matches("{a,b{c,d}}", "bd"));
  EXPECT_TRUE(NoMatch("{a,b{c,d}}", "b"));
  EXPECT_TRUE(NoMatch("{a,b{c,d}}", "ac"));
  EXPECT_TRUE(Matches("/{usr/{bin,sbin},bin}/rm", "/usr/sbin/rm"));
  EXPECT_TRUE(Matches("/{usr/{bin,sbin},bin}/rm", "/bin/rm"));
  EXPECT_TRUE(NoMatch("/{usr/{bin,sbin},bin}/rm", "/sbin/rm"));
}

TEST(GlobTest, BracesWithoutCommaAreLiteral) {
  EXPECT_TRUE(Matches("{}", "{}"));
  EXPECT_TRUE(NoMatch("{}", ""));
  EXPECT_TRUE(Matches("{a}", "{a}"));
  EXPECT_TRUE(NoMatch("{a}", "a"));
  EXPECT_TRUE(Matches("find-{}", "find-{}"));
  EXPECT_TRUE(Matches("{x}{a,b}", "{x}b"));
}

TEST(GlobTest, EscapedCommaAndBraceInsideBraces) {
  EXPECT_TRUE(Matches("{a\\,b,c}", "a,b"));
  EXPECT_TRUE(Matches("{a\\,b,c}", "c"));
  EXPECT_TRUE(NoMatch("{a\\,b,c}", "a"));
  EXPECT_TRUE(Matches("{a\\},b}", "a}"));
  EXPECT_TRUE(Matches("{a\\},b}", "b"));
}

TEST(GlobTest, ClassInsideBracesIsOneUnit) {
  // A ',' or '}' inside "[…]" belongs to the set, not to the braces.
  EXPECT_TRUE(Matches("{x,[,;]}", "x"));
  EXPECT_TRUE(Matches("{x,[,;]}", ","));
  EXPECT_TRUE(Matches("{x,[,;]}", ";"));
  EXPECT_TRUE(Matches("{x,[}]}", "x"));
  EXPECT_TRUE(Matches("{x,[}]}", "}"));
  EXPECT_TRUE(Matches("{a,[\\]}],b}", "]"));  // "[\]}]" holds ']' and '}'
  EXPECT_TRUE(Matches("{a,[\\]}],b}", "}"));
  EXPECT_TRUE(Matches("{a,[\\]}],b}", "b"));
  EXPECT_TRUE(NoMatch("{a,[\\]}],b}", "x"));
}

TEST(GlobTest, SixtyFourAlternativesAreAllowed) {
  // 2^6 = 64 alternatives in total.
  auto g = Glob::Compile("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_TRUE(g->Match("aaaaaa"));
  EXPECT_TRUE(g->Match("babbab"));
  EXPECT_FALSE(g->Match("aaaaa"));
  std::string list = "{0";
  for (int i = 1; i < 64; ++i) list += "," + std::to_string(i);
  list += "}";
  auto flat = Glob::Compile(list);
  ASSERT_TRUE(flat.ok()) << flat.status().message();
  EXPECT_TRUE(flat->Match("63"));
  EXPECT_FALSE(flat->Match("64"));
}

TEST(GlobTest, MoreThanSixtyFourAlternativesIsAnError) {
  Status s = CompileError("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(s.message().empty());
  std::string list = "{0";
  for (int i = 1; i < 65; ++i) list += "," + std::to_string(i);
  list += "}";
  EXPECT_EQ(CompileError(list).code(), Status::Code::kInvalidArgument);
  // Nesting counts the total, not the alternatives of one group.
  EXPECT_EQ(CompileError("{a,b}{a,b}{a,b}{a,b}{a,b}{a,{b,c}}").code(), Status::Code::kInvalidArgument);
}

TEST(GlobTest, BackslashEscapesSpecialCharacters) {
  EXPECT_TRUE(Matches("\\*", "*"));
  EXPECT_TRUE(NoMatch("\\*", "a"));
  EXPECT_TRUE(Matches("a\\?b", "a?b"));
  EXPECT_TRUE(NoMatch("a\\?b", "axb"));
  EXPECT_TRUE(Matches("\\[x]", "[x]"));
  EXPECT_TRUE(NoMatch("\\[x]", "x"));
  EXPECT_TRUE(Matches("\\{a,b}", "{a,b}"));
  EXPECT_TRUE(NoMatch("\\{a,b}", "a"));
  EXPECT_TRUE(Matches("\\\\", "\\"));
  EXPECT_TRUE(Matches("\\a", "a"));
}

TEST(GlobTest, CompileErrors) {
  for (std::string_view p : {"[abc", "/tmp/[", "[!", "{a,b", "x{a,{b,c}", "abc\\", "\\", "{a,b}\\"}) {
    Status s = CompileError(p);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << "'" << p << "' compiled";
    EXPECT_FALSE(s.message().empty()) << p;
  }
}

TEST(GlobTest, PatternLengthLimitIs4096Bytes) {
  std::string at_limit(4096, 'a');
  auto g = Glob::Compile(at_limit);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->Match(at_limit));
  EXPECT_EQ(CompileError(std::string(4097, 'a')).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CompileError(std::string(4097, '*')).code(), Status::Code::kInvalidArgument);
}

TEST(GlobTest, LongestPatternWithoutBracesCompiles) {
  // "*/" is as dense in automaton states per byte as a pattern gets (with "*a"); '/' subjects
  // keep few states active, so this stays quick.
  std::string pattern;
  while (pattern.size() < 4096) pattern += "*/";
  for (bool subtree : {false, true}) {
    auto g = Glob::Compile(pattern, Mode::kPath, subtree);
    ASSERT_TRUE(g.ok()) << g.status().message();
    EXPECT_TRUE(g->Match(std::string(2048, '/')));
    std::string dirs;
    for (int i = 0; i < 2048; ++i) dirs += "d/";
    EXPECT_TRUE(g->Match(dirs));
    EXPECT_FALSE(g->Match(std::string(2047, '/')));
    EXPECT_EQ(g->Match(std::string(2048, '/') + "x"), subtree);
  }
}

TEST(GlobTest, BracesCannotMultiplyALongPatternBeyondBounds) {
  // 64 alternatives of a ~4000-byte tail: an automaton of 250k states whose ε-closure table
  // would take gigabytes. Fact patterns come from agents' commands, so this must be an error.
  const std::string groups = "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}";
  Status s = CompileError(groups + std::string(4000, '?'));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(s.message().empty());
  // Moderate tails are fine.
  auto g = Glob::Compile(groups + std::string(64, '?'));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_TRUE(g->Match("abbaab" + std::string(64, 'x')));
  EXPECT_FALSE(g->Match("abbaab" + std::string(63, 'x')));
}

TEST(GlobTest, LongPatternUsesManyStates) {
  // More than 256 NFA states: the state sets no longer fit the matcher's fixed buffers.
  std::string pattern(300, '?');
  auto g = Glob::Compile(pattern);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->Match(std::string(300, 'x')));
  EXPECT_FALSE(g->Match(std::string(299, 'x')));
  EXPECT_FALSE(g->Match(std::string(301, 'x')));
  std::string stars;
  for (int i = 0; i < 200; ++i) stars += "*a";
  auto s = Glob::Compile(stars);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Match(std::string(250, 'a')));
  EXPECT_FALSE(s->Match(std::string(199, 'a')));
}

TEST(GlobTest, MatchingIsLinearOnPathologicalPattern) {
  // A backtracking matcher takes exponential time here; the NFA simulation finishes at once.
  // Only results are asserted: the suite never measures time.
  const std::string subject(100000, 'a');
  for (Mode mode : {Mode::kPath, Mode::kShell, Mode::kText}) {
    auto g = Glob::Compile("a*a*a*a*a*a*a*a*a*b", mode);
    ASSERT_TRUE(g.ok());
    EXPECT_FALSE(g->Match(subject));
    EXPECT_TRUE(g->Match(subject + "b"));
  }
  auto dbl = Glob::Compile("**a**a**a**a**a**a**a**b");
  ASSERT_TRUE(dbl.ok());
  EXPECT_FALSE(dbl->Match(subject));
  std::string slashes;
  for (int i = 0; i < 20000; ++i) slashes += "a/";
  auto deep = Glob::Compile("**/a/**/a/**/a/**/a/**/b");
  ASSERT_TRUE(deep.ok());
  EXPECT_FALSE(deep->Match(slashes));
  EXPECT_TRUE(deep->Match(slashes + "b"));
}

TEST(GlobTest, ShellStarDoesNotMatchLeadingDot) {
  EXPECT_TRUE(NoMatch("*", ".bashrc", Mode::kShell));
  EXPECT_TRUE(NoMatch("*rc", ".bashrc", Mode::kShell));
  EXPECT_TRUE(Matches("*", "bashrc", Mode::kShell));
  EXPECT_TRUE(Matches("*", "a.b", Mode::kShell));
  EXPECT_TRUE(Matches("a*", "a.b", Mode::kShell));
  EXPECT_TRUE(Matches(".*", ".bashrc", Mode::kShell));
  EXPECT_TRUE(Matches("x*", "x.y", Mode::kShell));
}

TEST(GlobTest, ShellWildcardsDoNotMatchDotStartingAnyComponent) {
  EXPECT_TRUE(NoMatch("/home/u/*", "/home/u/.ssh", Mode::kShell));
  EXPECT_TRUE(Matches("/home/u/*", "/home/u/docs", Mode::kShell));
  EXPECT_TRUE(NoMatch("/home/*/x", "/home/.u/x", Mode::kShell));
  EXPECT_TRUE(NoMatch("dir/?ssh", "dir/.ssh", Mode::kShell));
  EXPECT_TRUE(Matches("dir/?ssh", "dir/xssh", Mode::kShell));
  EXPECT_TRUE(NoMatch("[.]env", ".env", Mode::kShell));
  EXPECT_TRUE(NoMatch("[!x]env", ".env", Mode::kShell));
  EXPECT_TRUE(Matches("[!x]env", "yenv", Mode::kShell));
  EXPECT_TRUE(Matches("/home/u/.*", "/home/u/.ssh", Mode::kShell));
}

TEST(GlobTest, ShellDoubleStarIsSingleStar) {
  EXPECT_TRUE(NoMatch("a/**", "a/b/c", Mode::kShell));
  EXPECT_TRUE(Matches("a/**", "a/b", Mode::kShell));
  EXPECT_TRUE(Matches("**/x", "a/x", Mode::kShell));
  EXPECT_TRUE(NoMatch("**/x", "a/b/x", Mode::kShell));
  EXPECT_TRUE(NoMatch("a/**/b", "a/b", Mode::kShell));
}

TEST(GlobTest, TextModeHasNoPathStructure) {
  EXPECT_TRUE(Matches("*", "a/b/c", Mode::kText));
  EXPECT_TRUE(Matches("file:*", "file:/etc/passwd", Mode::kText));
  EXPECT_TRUE(Matches("?", "/", Mode::kText));
  EXPECT_TRUE(Matches("*", ".x", Mode::kText));
  EXPECT_TRUE(Matches("db.*", "db.read", Mode::kText));
  EXPECT_TRUE(NoMatch("db.*", "dbxread", Mode::kText));
}

TEST(GlobTest, SubtreeMatchesEverythingBelowAMatch) {
  EXPECT_TRUE(Matches("/tmp/*", "/tmp/a", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/*", "/tmp/a/b", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/*", "/tmp/a/b/c/.d", Mode::kPath, true));
  EXPECT_TRUE(NoMatch("/tmp/*", "/tmpx/a", Mode::kPath, true));
  EXPECT_TRUE(NoMatch("/tmp/*", "/var/a/b", Mode::kPath, true));
  EXPECT_TRUE(NoMatch("/tmp/*", "/tmp/a/b", Mode::kPath, false));
}

TEST(GlobTest, SubtreeOfLiteralPathIsNotPrefixMatch) {
  auto g = Glob::Compile("/etc", Mode::kPath, true);
  ASSERT_TRUE(g.ok());
  // With subtree, Match is no longer string equality.
  EXPECT_FALSE(g->is_literal());
  EXPECT_TRUE(g->Match("/etc"));
  EXPECT_TRUE(g->Match("/etc/passwd"));
  EXPECT_TRUE(g->Match("/etc/ssl/certs/x.pem"));
  EXPECT_FALSE(g->Match("/etcetera"));
  EXPECT_FALSE(g->Match("/et"));
}

TEST(GlobTest, SubtreeOfPatternEndingInSlash) {
  // "/" and "/tmp/" name directories; what lies below them has no second slash.
  EXPECT_TRUE(Matches("/", "/", Mode::kPath, true));
  EXPECT_TRUE(Matches("/", "/etc", Mode::kPath, true));
  EXPECT_TRUE(Matches("/", "/etc/passwd", Mode::kPath, true));
  EXPECT_TRUE(NoMatch("/", "etc", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/", "/tmp/x", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/", "/tmp/x/y", Mode::kPath, true));
  EXPECT_TRUE(Matches("/t*/", "/tmp/x", Mode::kPath, true));
  EXPECT_TRUE(NoMatch("/tmp/", "/tmpx", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/**/", "/tmp/x", Mode::kPath, true));
  EXPECT_TRUE(Matches("/tmp/**/", "/tmp/a/b/c", Mode::kPath, true));
  EXPECT_TRUE(Matches("/home/*/", "/home/u/x", Mode::kShell, true));
  EXPECT_TRUE(NoMatch("/home/*/", "/home/.u/x", Mode::kShell, true));
  auto root = Glob::Compile("/", Mode::kPath, true);
  auto shadow = Glob::Compile("/etc/shadow");
  ASSERT_TRUE(root.ok() && shadow.ok());
  EXPECT_TRUE(root->Intersects(*shadow));
}

TEST(GlobTest, SubtreeInShellModeStillHonoursDotRule) {
  EXPECT_TRUE(Matches("/home/u/*", "/home/u/docs/.git/config", Mode::kShell, true));
  EXPECT_TRUE(NoMatch("/home/u/*", "/home/u/.ssh/id_rsa", Mode::kShell, true));
}

TEST(GlobTest, LiteralPrefix) {
  struct Case {
    std::string_view pattern, prefix;
  };
  for (const Case& c : {Case{"/etc/**/*.conf", "/etc/"}, Case{"*", ""}, Case{"", ""}, Case{"abc", "abc"},
                        Case{"/tmp/?x", "/tmp/"}, Case{"/var/[a-z]", "/var/"}, Case{"/a/{b,c}", "/a/"},
                        Case{"{/a/x,/a/y}", "/a/"}, Case{"{/usr/bin,/usr/sbin}/*", "/usr/"},
                        Case{"{/a,/b}", "/"}, Case{"{a,b}", ""}, Case{"\\*x*", "*x"}, Case{"/etc/\\[x]", "/etc/[x]"}}) {
    auto g = Glob::Compile(c.pattern);
    ASSERT_TRUE(g.ok()) << c.pattern;
    EXPECT_EQ(g->literal_prefix(), c.prefix) << c.pattern;
  }
}

TEST(GlobTest, EveryMatchStartsWithLiteralPrefix) {
  auto g = Glob::Compile("{/srv/app/logs,/srv/app/tmp}/**");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->literal_prefix(), "/srv/app/");
  EXPECT_TRUE(g->Match("/srv/app/tmp/x"));
  EXPECT_TRUE(g->Match("/srv/app/logs/a/b"));
  EXPECT_FALSE(g->Match("/srv/app/cache/x"));
  EXPECT_FALSE(g->Match("/srv/ap"));
}

TEST(GlobTest, LiteralSuffix) {
  struct Case {
    std::string_view pattern, suffix;
  };
  for (const Case& c : {Case{"/etc/**/*.conf", ".conf"}, Case{"*", ""}, Case{"", ""}, Case{"abc", "abc"},
                        Case{"**/.env", ".env"}, Case{"a/**/b", "b"}, Case{"*/x", "/x"}, Case{"?x", "x"},
                        Case{"[ab]x", "x"}, Case{"[]]x", "x"}, Case{"*.{pem,key}", ""}, Case{"{a,b}c", "c"},
                        Case{"{x.yaml,y.yaml}", ".yaml"}, Case{"x\\*", "x*"}, Case{"a/**", ""},
                        Case{"a/***/.b", ".b"}}) {
    auto g = Glob::Compile(c.pattern);
    ASSERT_TRUE(g.ok()) << c.pattern;
    EXPECT_EQ(g->literal_suffix(), c.suffix) << c.pattern;
  }
  auto sub = Glob::Compile("/tmp/*.log", Mode::kPath, /*subtree=*/true);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->literal_suffix(), "");  // a subtree match goes on past the pattern
}

TEST(GlobTest, SuffixShortcutKeepsZeroDirectoryMatches) {
  EXPECT_TRUE(Matches("**/.env", ".env"));
  EXPECT_TRUE(Matches("**/.env", "a/b/.env"));
  EXPECT_FALSE(Matches("**/.env", "a/b/x.env"));
  EXPECT_TRUE(Matches("a/**/b", "a/b"));
  EXPECT_TRUE(Matches("{x,y}/**/.git/config", "x/.git/config"));
  EXPECT_TRUE(Matches("*\\*", "a*"));
  EXPECT_FALSE(Matches("*\\*", "ab"));
  EXPECT_TRUE(Matches("/tmp/*.log", "/tmp/a.log/b", Mode::kPath, /*subtree=*/true));
  EXPECT_FALSE(Matches("**/.env", ".env", Mode::kShell));  // bash without globstar: */.env
  EXPECT_TRUE(Matches("*.txt", ".txt"));
}

TEST(GlobTest, IntersectsWhenSomeStringMatchesBoth) {
  EXPECT_TRUE(Intersect("/etc/*", "/etc/passwd"));
  EXPECT_TRUE(Intersect("/etc/*", "/*/passwd"));
  EXPECT_TRUE(Intersect("/a/**", "**/b"));
  EXPECT_TRUE(Intersect("*.txt", "notes.*"));
  EXPECT_TRUE(Intersect("[a-c]", "[c-e]"));
  EXPECT_TRUE(Intersect("{x,y}", "[y-z]"));
  EXPECT_TRUE(Intersect("", "*"));
  EXPECT_TRUE(Intersect("/home/*/.ssh/**", "/home/alice/**"));
  // Literal suffixes that agree (one ends the other) do not rule anything out.
  EXPECT_TRUE(Intersect("**/*.pem", "/srv/**/key.pem"));
  EXPECT_TRUE(Intersect("*.tar.gz", "*.gz"));
  EXPECT_TRUE(Intersect("a*bc", "*c"));
  EXPECT_TRUE(Intersect("**/*.{pem,key}", "/x/**/*.key"));
}

TEST(GlobTest, DoesNotIntersectWhenNoStringMatchesBoth) {
  EXPECT_FALSE(Intersect("/etc/*", "/var/*"));
  EXPECT_FALSE(Intersect("*.txt", "*.md"));
  EXPECT_FALSE(Intersect("[a-b]", "[c-d]"));
  EXPECT_FALSE(Intersect("/tmp/*", "/tmp/a/b"));
  EXPECT_FALSE(Intersect("", "?"));
  EXPECT_FALSE(Intersect("a/**/b", "a/*c"));
  EXPECT_FALSE(Intersect("?", "??"));
  EXPECT_FALSE(Intersect("**/*.pem", "/srv/**/*.pyc"));
  EXPECT_FALSE(Intersect("*.tar.gz", "*.tar.xz"));
}

TEST(GlobTest, IntersectsRespectsModes) {
  EXPECT_TRUE(Intersect("*", ".env", Mode::kPath, Mode::kPath));
  EXPECT_FALSE(Intersect("*", ".env", Mode::kShell, Mode::kPath));
  EXPECT_FALSE(Intersect("/home/u/*", "**/.ssh", Mode::kShell, Mode::kPath));
  EXPECT_TRUE(Intersect("/home/u/*", "**/.ssh", Mode::kPath, Mode::kPath));
  EXPECT_TRUE(Intersect("a*", "a/b", Mode::kText, Mode::kPath));
  EXPECT_FALSE(Intersect("a*", "a/b", Mode::kPath, Mode::kPath));
}

TEST(GlobTest, SubtreeGlobIntersectsPathsBelow) {
  auto fact = Glob::Compile("/home/*", Mode::kPath, true);
  auto rule = Glob::Compile("**/.ssh/id_*");
  ASSERT_TRUE(fact.ok() && rule.ok());
  EXPECT_TRUE(fact->Intersects(*rule));
  EXPECT_TRUE(rule->Intersects(*fact));
  auto plain = Glob::Compile("/home/*");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->Intersects(*rule));
}

TEST(GlobTest, EscapeMakesTextMatchItselfLiterally) {
  for (std::string_view text : {"plain/path", "a*b?c", "[x]", "{a,b}", "back\\slash", "\\", "end\\", "a}b,c]",
                                "**/x", "", "ünïcödé*"}) {
    std::string escaped = Glob::Escape(text);
    for (Mode mode : {Mode::kPath, Mode::kShell, Mode::kText}) {
      auto g = Glob::Compile(escaped, mode);
      ASSERT_TRUE(g.ok()) << "Escape('" << text << "') = '" << escaped << "': " << g.status().message();
      EXPECT_TRUE(g->Match(text)) << escaped;
      EXPECT_FALSE(g->Match(std::string(text) + "x")) << escaped;
      EXPECT_EQ(g->literal_prefix(), text) << escaped;
    }
  }
  EXPECT_EQ(Glob::Escape("plain/path.txt"), "plain/path.txt");
  EXPECT_EQ(Glob::Escape("a*b"), "a\\*b");
  auto star = Glob::Compile(Glob::Escape("*"));
  ASSERT_TRUE(star.ok());
  EXPECT_FALSE(star->Match("x"));
}

TEST(GlobTest, EscapedTextInsideBracesStaysOneAlternative) {
  auto g = Glob::Compile("{" + Glob::Escape("a,b}") + ",c}");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_TRUE(g->Match("a,b}"));
  EXPECT_TRUE(g->Match("c"));
  EXPECT_FALSE(g->Match("a"));
}

TEST(GlobTest, MatchesUtf8Bytes) {
  EXPECT_TRUE(Matches("*.txt", "héllo.txt"));
  EXPECT_TRUE(Matches("/home/*/日本", "/home/ユーザー/日本"));
  EXPECT_TRUE(Matches("café", "café"));
  EXPECT_TRUE(NoMatch("café", "cafe"));
  EXPECT_TRUE(Matches("{é,ü}x", "üx"));
}

TEST(GlobTest, SubjectWithNulBytes) {
  auto g = Glob::Compile("a*b");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->Match(std::string_view("a\0b", 3)));
  auto lit = Glob::Compile("ab");
  ASSERT_TRUE(lit.ok());
  EXPECT_FALSE(lit->Match(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace warden
