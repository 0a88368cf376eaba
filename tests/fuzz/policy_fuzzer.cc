// Policy loading (YAML reader → checks → compiler) on arbitrary policy file text, layered on
// the built-in default policy and on its own.
//
// Checks that a load succeeds exactly when it reported no error, that every diagnostic has a
// code and a message, and that a policy that compiled can evaluate requests without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden::policy {
namespace {

std::vector<Request> FixedRequests() {
  Request exec;
  exec.kind = RequestKind::kExec;
  exec.command = "rm -rf /";
  exec.cwd = exec.workspace = "/home/u/p";
  exec.home = "/home/u";

  Request file;
  file.kind = RequestKind::kFile;
  file.op = shell::FileOp::kRead;
  file.path = "~/.ssh/id_rsa";
  file.cwd = file.workspace = "/home/u/p";
  file.home = "/home/u";

  Request action;
  action.kind = RequestKind::kAction;
  action.context = Context::kService;
  action.subject = "alice";
  action.action = "read";
  action.resource_type = "doc";
  action.resource_id = "42";

  Request fetch = exec;
  fetch.kind = RequestKind::kHttp;
  fetch.command.clear();
  auto target = ParseHttpUrl("http://user:pw@0xa9fea9fe:8080//latest/../meta-data/?token=x", "url");
  if (!target.ok()) __builtin_trap();
  fetch.http = std::move(target).value();
  fetch.http.method = "POST";

  Request api = action;
  api.kind = RequestKind::kHttp;
  auto path = ParseHttpPath("/v1/admin/users?x=1", "path");
  if (!path.ok()) __builtin_trap();
  api.http = std::move(path).value();
  return {exec, file, action, fetch, api};
}

void Check(const std::vector<PolicyText>& texts) {
  LoadResult result = LoadPolicyTexts(texts);
  if (result.ok() != !result.diagnostics.has_errors()) __builtin_trap();
  for (const Diagnostic& d : result.diagnostics.all()) {
    if (d.code.empty() || d.message.empty()) __builtin_trap();
  }
  if (!result.ok()) return;
  static const std::vector<Request> requests = FixedRequests();
  EvalOptions eo;
  eo.resolve_symlinks = false;
  eo.explain = true;
  for (const Request& req : requests) {
    Outcome out = Evaluate(*result.snapshot, req, eo);
    if (out.decision > Decision::kDeny) __builtin_trap();
  }
}

void FuzzPolicy(std::string text) {
  static const std::vector<PolicyText> builtin = [] {
    std::vector<PolicyText> t;
    if (!BuiltinProfile("default", &t)) __builtin_trap();
    return t;
  }();
  std::vector<PolicyText> layered = builtin;
  layered.push_back({"fuzz.yaml", LayerKind::kCommandLine, text});
  Check(layered);
  Check({{"fuzz.yaml", LayerKind::kCommandLine, std::move(text)}});
}

}  // namespace
}  // namespace warden::policy

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  warden::policy::FuzzPolicy(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
