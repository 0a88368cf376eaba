// Shell analysis and its verdict under the default policy, on arbitrary command strings.
//
// Checks that nothing crashes or hangs, that every file fact names a path, that the decision is
// one of allow/ask/deny, and that a command the analyzer could not see through (parse error,
// depth limit, too large, dynamic command or script, unknown construct) is never allowed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/evaluator.h"
#include "policy/loader.h"
#include "shell/analyzer.h"
#include "shell/facts.h"

namespace warden {
namespace {

constexpr std::string_view kCwd = "/home/u/p";
constexpr std::string_view kHome = "/home/u";

std::shared_ptr<const policy::Snapshot> DefaultPolicy() {
  static const auto snap = [] {
    std::vector<policy::PolicyText> texts;
    if (!policy::BuiltinProfile("default", &texts)) __builtin_trap();
    auto loaded = policy::LoadPolicyTexts(texts);
    if (!loaded.ok()) __builtin_trap();  // the embedded policy must always compile
    return loaded.snapshot;
  }();
  return snap;
}

bool HasAnalysisProblem(const shell::Facts& facts) {
  for (const auto& s : facts.signals) {
    if (s.type == shell::kSignalParseError || s.type == shell::kSignalDepthLimit ||
        s.type == shell::kSignalTooLarge || s.type == shell::kSignalDynamicCommand ||
        s.type == shell::kSignalDynamicScript || s.type == shell::kSignalUnknownConstruct) {
      return true;
    }
  }
  return false;
}

void CheckFiles(const shell::Facts& facts) {
  for (const auto& f : facts.files) {
    if (f.path.empty()) __builtin_trap();
  }
}

void FuzzCommand(std::string_view command) {
  shell::AnalyzeOptions ao;
  ao.cwd = std::string(kCwd);
  ao.home = std::string(kHome);
  ao.resolve_symlinks = true;  // only lstat/readlink; the evaluation below runs without it
  CheckFiles(shell::AnalyzeCommand(command, ao));

  policy::Request req;
  req.kind = policy::RequestKind::kExec;
  req.context = policy::Context::kAi;
  req.command = std::string(command);
  req.cwd = std::string(kCwd);
  req.workspace = std::string(kCwd);
  req.home = std::string(kHome);
  policy::EvalOptions eo;
  eo.resolve_symlinks = false;
  policy::Outcome out = policy::Evaluate(*DefaultPolicy(), req, eo);

  using policy::Decision;
  if (out.decision != Decision::kAllow && out.decision != Decision::kAsk && out.decision != Decision::kDeny) {
    __builtin_trap();
  }
  CheckFiles(out.facts);
  if (HasAnalysisProblem(out.facts) && out.decision == Decision::kAllow) __builtin_trap();
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  warden::FuzzCommand(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
