// Helpers shared by the audit tests: a scratch directory, records, and reading or rewriting
// segment files line by line.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/segment.h"
#include "audit/writer.h"

namespace warden::audit::testing {

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "warden_audit_test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string audit() const { return path_ + "/audit"; }

 private:
  std::string path_;
};

inline Record MakeRecord(int i, std::string decision = "allow", std::optional<std::string> rule = std::nullopt,
                         std::string kind = "exec") {
  Record r;
  r.decision_id = "d-" + std::to_string(i);
  r.kind = std::move(kind);
  r.context = "ai";
  r.decision = std::move(decision);
  r.rule = std::move(rule);
  r.latency_ns = 1000 + static_cast<uint64_t>(i);
  r.policy_revision = "rev-1";
  r.subject = "agent";
  r.reason = "test record " + std::to_string(i);
  r.request = boost::json::object{{"command", "echo " + std::to_string(i)}};
  r.facts = boost::json::array{boost::json::object{{"argv", boost::json::array{"echo", std::to_string(i)}}}};
  return r;
}

inline std::unique_ptr<Writer> OpenWriter(WriterOptions options) {
  auto w = Writer::Open(std::move(options));
  EXPECT_TRUE(w.ok()) << w.status().message();
  return w.ok() ? std::move(w).value() : nullptr;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// The file's lines without their '\n' (a final line without one included).
inline std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(ReadAll(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::string data;
  for (const auto& l : lines) data += l + "\n";
  WriteAll(path, data);
}

inline std::vector<Segment> SegmentsOf(const std::string& dir) {
  auto s = ListSegments(dir);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : std::vector<Segment>{};
}

}  // namespace warden::audit::testing
