#include "shell/facts.h"

namespace warden::shell {

// argv with the normalized name first: "/usr/bin/rm -rf /" reads "rm -rf /", so `line`
// rules do not depend on how the command was spelled.
std::string CommandFact::Line() const {
  if (argv.empty()) return {};
  size_t size = name.size();
  for (size_t i = 1; i < argv.size(); ++i) size += 1 + argv[i].size();
  std::string out;
  out.reserve(size);
  out = name;
  for (size_t i = 1; i < argv.size(); ++i) {
    out += ' ';
    out += argv[i];
  }
  return out;
}

std::string_view FileOpName(FileOp op) {
  switch (op) {
    case FileOp::kRead: return "read";
    case FileOp::kWrite: return "write";
    case FileOp::kDelete: return "delete";
    case FileOp::kExec: return "exec";
    case FileOp::kAccess: return "access";
  }
  return "?";
}

const std::vector<std::string_view>& SignalNames() {
  static const std::vector<std::string_view> kNames = {
      kSignalRce, kSignalUpload, kSignalParseError, kSignalDepthLimit, kSignalDynamicCommand,
      kSignalDynamicScript, kSignalForkBomb, kSignalTooLarge, kSignalUnknownConstruct, kSignalEmpty,
      kSignalInlineCode, kSignalWardenTamper, kSignalReverseShell};
  return kNames;
}

bool IsAnalysisProblem(std::string_view signal) {
  return signal == kSignalParseError || signal == kSignalDepthLimit || signal == kSignalDynamicCommand ||
         signal == kSignalDynamicScript || signal == kSignalTooLarge || signal == kSignalUnknownConstruct;
}

}  // namespace warden::shell
