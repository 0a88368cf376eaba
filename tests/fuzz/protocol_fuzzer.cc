// The daemon's protocol handler on arbitrary bytes, the way a connection sees them: split
// into lines, each parsed as a message; a decide message is evaluated against the built-in
// policy and its request must survive RequestJson → ParseRequestJson unchanged in meaning;
// every error line must be one JSON line. Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/evaluator.h"
#include "policy/loader.h"
#include "local/protocol.h"

namespace {

const warden::policy::Snapshot& Builtin() {
  static const auto snap = [] {
    std::vector<warden::policy::PolicyText> texts;
    warden::policy::BuiltinProfile("default", &texts);
    return warden::policy::LoadPolicyTexts(texts).snapshot;
  }();
  return *snap;
}

void OneLine(std::string_view line) {
  using namespace warden::local;
  Message m;
  ProtocolError e;
  if (!ParseMessage(line, &m, &e)) {
    std::string err = ErrorLine(e);
    if (err.empty() || err.back() != '\n' || err.find('\n') != err.size() - 1) __builtin_trap();
    boost::json::parse(err);  // must be JSON
    return;
  }
  if (m.op != Op::kDecide) return;
  std::string again = boost::json::serialize(RequestJson(m.request));
  auto back = warden::policy::ParseRequestJson(again);
  if (!back.ok() || back->kind != m.request.kind || back->command != m.request.command ||
      back->argv != m.request.argv || back->path != m.request.path) {
    __builtin_trap();
  }
  if (m.request.cwd.empty()) m.request.cwd = "/";
  if (m.request.workspace.empty()) m.request.workspace = m.request.cwd;
  warden::policy::Outcome out = warden::policy::Evaluate(Builtin(), m.request);
  (void)ReplyLine(boost::json::object{{"decision", std::string(warden::policy::DecisionName(out.decision))}}, m.id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= in.size()) {
    size_t nl = in.find('\n', start);
    std::string_view line = in.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty()) OneLine(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return 0;
}
