// Where values come from: "$@" and arrays item by item, pids from lookups of Warden through
// variables, files, loops and filters, text Warden decodes itself, path names it computes,
// paths with unknown parts that still say where they are.
#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

Facts WithSelf(std::string_view command) {
  static WardenSelf self = [] {
    WardenSelf s;
    s.config_dir = "/home/dev/.config/warden";
    s.state_dir = "/home/dev/.local/state/warden";
    s.socket = "/run/user/1000/warden/warden.sock";
    s.runtime_dir = "/run/user/1000/warden";
    s.env = {{"XDG_RUNTIME_DIR", "/run/user/1000"}};
    return s;
  }();
  AnalyzeOptions o;
  o.cwd = "/home/dev/project";
  o.home = "/home/dev";
  o.resolve_symlinks = false;
  o.self = &self;
  return AnalyzeCommand(command, o);
}

TEST(ProvenanceTest, QuotedAtIsOneWordPerParameter) {
  Facts f = Analyze("g() { rm \"$@\"; }; g -rf /");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  Facts h = Analyze("set -- -rf ~; rm \"$@\"");
  EXPECT_NE(FindFile(h, FileOp::kDelete, "/home/dev"), nullptr) << Dump(h);
  Facts s = Analyze("set -- a -rf /; shift; rm \"$@\"");
  EXPECT_TRUE(HasCommandLine(s, "rm -rf /")) << Dump(s);
}

TEST(ProvenanceTest, ArraysItemByItem) {
  Facts f = Analyze("cmd=(rm -rf /); \"${cmd[@]}\"");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  Facts g = Analyze("a=(x /etc); rm -rf ${a[1]}");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/etc"), nullptr) << Dump(g);
}

TEST(ProvenanceTest, PidsFromLookupsOfWardenAreFollowed) {
  for (std::string_view cmd : {"read p < ~/.local/state/warden/w.pid; kill $p", "kill $(< ~/.local/state/warden/w.pid)",
                               "pgrep -f ward | while read p; do kill $p; done", "for p in $(pgrep warden); do kill $p; done",
                               "pgrep warden > /tmp/p; kill $(cat /tmp/p)", "kill $(pgrep -u dev)", "kill -9 $(ps -u dev -o pid=)",
                               "ps aux | grep dev | awk '{print $2}' | xargs kill"}) {
    Facts f = WithSelf(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
  for (std::string_view cmd : {"ps aux | grep node | awk '{print $2}' | xargs kill", "kill $(pgrep -f vite)"}) {
    Facts f = WithSelf(cmd);
    EXPECT_FALSE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

TEST(ProvenanceTest, TextWardenDecodesIsAnalyzedAndStillHidden) {
  Facts f = Analyze("echo cm0gLXJmIC8= | base64 -d | sh");  // rm -rf /
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalRce)) << Dump(f);
  Facts g = Analyze("echo 726d202d7266202f | xxd -r -p | bash");
  EXPECT_TRUE(HasCommandLine(g, "rm -rf /")) << Dump(g);
  Facts h = Analyze("echo '/ fr- mr' | rev | sh");
  EXPECT_TRUE(HasCommandLine(h, "rm -rf /")) << Dump(h);
  Facts r = Analyze("echo 'ez -ts /' | tr 'a-z' 'n-za-m' | sh");  // rot13 of "rm -fg /"
  EXPECT_NE(FindCommand(r, "rm"), nullptr) << Dump(r);
}

TEST(ProvenanceTest, PathNamesAreComputed) {
  Facts f = WithSelf("cd $(dirname ~/.config/warden/x) && rm policy.yaml");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/.config/warden/policy.yaml"), nullptr) << Dump(f);
  Facts g = Analyze("rm -rf \"$(realpath ../..)\"");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/home"), nullptr) << Dump(g);
}

TEST(ProvenanceTest, DynamicPathsWithADeepStartArePatternsToo) {
  Facts f = Analyze("echo {} > ~/.cl${x}aude/settings.json");
  const FileFact* g = FindFile(f, FileOp::kWrite, "/home/dev/.cl**aude/settings.json");
  ASSERT_NE(g, nullptr) << Dump(f);
  EXPECT_TRUE(g->glob);
  Facts h = Analyze("echo x > \"$OUT/log.txt\"; rm -rf /tmp/$X");
  for (const auto& x : h.files) EXPECT_FALSE(x.glob) << "a shallow start says nothing: " << Dump(h);
}

TEST(ProvenanceTest, EnvironmentBehindWardensPlacesIsKnown) {
  Facts f = WithSelf("rm \"$XDG_RUNTIME_DIR\"/warden/warden.sock");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/run/user/1000/warden/warden.sock"), nullptr) << Dump(f);
}

TEST(ProvenanceTest, FindOutputInASubstitutionIsAPattern) {
  Facts f = Analyze("cat $(find ~/.ssh -name 'id_*')");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/.ssh/**/id_*"), nullptr) << Dump(f);
}

TEST(ProvenanceTest, ScriptsWrittenEarlierRunInTheirOwnLanguage) {
  Facts f = Analyze("cat > /tmp/c.py <<'EOF'\nimport os\nos.system('rm -rf /')\nEOF\npython3 /tmp/c.py");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  for (const auto& s : f.signals) EXPECT_NE(s.type, kSignalParseError) << "python is not parsed as bash: " << Dump(f);
  Facts m = Analyze("printf 'all:\\n\\trm -rf ~\\n' > Makefile; make");
  EXPECT_NE(FindFile(m, FileOp::kDelete, "/home/dev"), nullptr) << Dump(m);
  Facts d = Analyze("echo 'rm -rf ~' > .envrc; direnv allow");
  EXPECT_NE(FindFile(d, FileOp::kDelete, "/home/dev"), nullptr) << Dump(d);
  Facts b = Analyze("bash --rcfile <(echo 'rm -rf ~') -i");
  EXPECT_NE(FindFile(b, FileOp::kDelete, "/home/dev"), nullptr) << Dump(b);
}

}  // namespace
}  // namespace warden::shell
