// Broken policies in tests/fixtures/bad_policies/: each file states, in comments, the
// diagnostics loading it must produce ("# expect: CODE LINE"); loading must report each of
// them (with that line) and must not produce a snapshot.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "policy/loader.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(std::string(WARDEN_SOURCE_DIR) + "/tests/fixtures/bad_policies")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class BadPolicyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BadPolicyTest, ReportsTheExpectedDiagnostics) {
  std::ifstream in(GetParam(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::pair<std::string, uint32_t>> expected;
  std::regex expect_re(R"(# expect: ([a-z-]+) (\d+))");
  for (std::sregex_iterator it(text.begin(), text.end(), expect_re), end; it != end; ++it) {
    expected.emplace_back((*it)[1], static_cast<uint32_t>(std::stoul((*it)[2])));
  }
  ASSERT_FALSE(expected.empty()) << GetParam() << " states no '# expect: CODE LINE'";
  std::vector<policy::PolicyText> texts;
  policy::BuiltinProfile("default", &texts);
  texts.push_back({GetParam(), policy::LayerKind::kCommandLine, text});
  auto r = policy::LoadPolicyTexts(texts);
  EXPECT_FALSE(r.ok());
  std::string all;
  for (const auto& d : r.diagnostics.all()) all += "\n  " + policy::FormatDiagnostic(d);
  for (const auto& [code, line] : expected) {
    bool found = false;
    for (const auto& d : r.diagnostics.all()) found = found || (d.code == code && d.mark.line == line);
    EXPECT_TRUE(found) << "missing " << code << " at line " << line << "; got:" << all;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadPolicyTest, ::testing::ValuesIn(Fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = fs::path(param.param).stem().string();
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace warden
