// Command corpora against the default policy. Each corpus is a TSV file of
//   expect<TAB>command        expect: deny | block (deny or ask) | ask | allow
//   <TAB>more               a line starting with TAB continues the command on a new line
// with a header of "# name: …" / "# description: …" lines; other "#" lines are comments.
// The shared corpus (../shared/corpora/commands.tsv) must pass 100%; so must ours.
// Every command runs with context ai, cwd = workspace = /home/dev/project, HOME=/home/dev,
// the machine's files left out (no symlink resolution), exactly like the shared corpus; Warden
// itself lives where it would for that user: ~/.config/warden, ~/.local/state/warden and
// /run/user/1000/warden/warden.sock (XDG_RUNTIME_DIR=/run/user/1000), its daemon pid 4242.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden {
namespace {

namespace fs = std::filesystem;
using policy::Decision;

struct Corpus {
  std::string path;
  std::string name;
};

// So that ctest lists "GetParam() = /path/to/file.tsv", not 64 bytes of hex.
void PrintTo(const Corpus& c, std::ostream* os) { *os << c.path; }

std::vector<Corpus> Corpora() {
  std::vector<Corpus> out;
  out.push_back({std::string(WARDEN_SHARED_DIR) + "/corpora/commands.tsv", "shared_commands"});
  std::vector<fs::path> ours;
  for (const auto& e : fs::directory_iterator(std::string(WARDEN_SOURCE_DIR) + "/tests/corpora")) {
    if (e.path().extension() == ".tsv") ours.push_back(e.path());
  }
  std::sort(ours.begin(), ours.end());
  for (const auto& p : ours) out.push_back({p.string(), p.stem().string()});
  return out;
}

class CorpusTest : public ::testing::TestWithParam<Corpus> {
 protected:
  static void SetUpTestSuite() {
    std::vector<policy::PolicyText> texts;
    policy::BuiltinProfile("default", &texts);
    WardenSelf self;
    self.config_dir = "/home/dev/.config/warden";
    self.state_dir = "/home/dev/.local/state/warden";
    self.socket = "/run/user/1000/warden/warden.sock";
    self.runtime_dir = "/run/user/1000/warden";
    self.pids = {4242};
    self.env = {{"XDG_RUNTIME_DIR", "/run/user/1000"}};
    auto r = policy::LoadPolicyTexts(texts, self);
    ASSERT_TRUE(r.ok());
    snap_ = r.snapshot;
  }
  static std::shared_ptr<const policy::Snapshot> snap_;
};
std::shared_ptr<const policy::Snapshot> CorpusTest::snap_;

bool Acceptable(std::string_view expect, Decision got) {
  if (expect == "deny") return got == Decision::kDeny;
  if (expect == "ask") return got == Decision::kAsk;
  if (expect == "block") return got != Decision::kAllow;
  if (expect == "allow") return got == Decision::kAllow;
  return false;
}

struct Entry {
  int line = 0;
  std::string expect;
  std::string command;
};

std::vector<Entry> ReadCorpus(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return {};
  }
  std::vector<Entry> entries;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '\t') {
      if (entries.empty()) {
        *error = path + ":" + std::to_string(n) + ": a continuation line with no command before it";
        return {};
      }
      entries.back().command += "\n" + line.substr(1);
      continue;
    }
    size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      *error = path + ":" + std::to_string(n) + ": no TAB between expectation and command";
      return {};
    }
    Entry e{n, line.substr(0, tab), line.substr(tab + 1)};
    if (e.expect != "deny" && e.expect != "block" && e.expect != "ask" && e.expect != "allow") {
      *error = path + ":" + std::to_string(n) + ": unknown expectation '" + e.expect + "'";
      return {};
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

TEST_P(CorpusTest, EveryLinePasses) {
  std::string error;
  std::vector<Entry> entries = ReadCorpus(GetParam().path, &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_FALSE(entries.empty()) << "empty corpus " << GetParam().path;
  std::ostringstream failures;
  for (const Entry& e : entries) {
    policy::Request req;
    req.kind = policy::RequestKind::kExec;
    req.context = policy::Context::kAi;
    req.command = e.command;
    req.cwd = req.workspace = "/home/dev/project";
    req.home = "/home/dev";
    policy::EvalOptions opts;
    opts.resolve_symlinks = false;
    policy::Outcome out = policy::Evaluate(*snap_, req, opts);
    if (!Acceptable(e.expect, out.decision)) {
      failures << "\n  " << GetParam().path << ":" << e.line << ": expected " << e.expect << ", got "
               << policy::DecisionName(out.decision) << " — " << e.command << "\n      (" << out.reason << ")";
    }
  }
  EXPECT_TRUE(failures.str().empty()) << failures.str();
}

INSTANTIATE_TEST_SUITE_P(Corpora, CorpusTest, ::testing::ValuesIn(Corpora()),
                         [](const ::testing::TestParamInfo<Corpus>& param) { return param.param.name; });

}  // namespace
}  // namespace warden
