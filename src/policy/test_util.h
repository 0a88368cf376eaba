// Helpers shared by the policy tests: loading policy texts and evaluating requests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden::policy::testing {

inline LoadResult Load(const std::string& text, bool with_default = false) {
  std::vector<PolicyText> texts;
  if (with_default) BuiltinProfile("default", &texts);
  texts.push_back({"test.yaml", LayerKind::kCommandLine, text});
  return LoadPolicyTexts(texts);
}

inline bool HasDiagnostic(const LoadResult& r, std::string_view code, uint32_t line = 0) {
  for (const auto& d : r.diagnostics.all()) {
    if (d.code == code && (line == 0 || d.mark.line == line)) return true;
  }
  return false;
}

inline std::string Diagnostics(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.all()) out += FormatDiagnostic(d) + "\n";
  return out;
}

inline Request Exec(std::string command, Context ctx = Context::kAi) {
  Request r;
  r.kind = RequestKind::kExec;
  r.context = ctx;
  r.command = std::move(command);
  r.home = "/home/u";
  r.workspace = "/home/u/p";
  r.cwd = "/home/u/p";
  return r;
}

inline Request FileReq(shell::FileOp op, std::string path, Context ctx = Context::kAi) {
  Request r = Exec("", ctx);
  r.kind = RequestKind::kFile;
  r.op = op;
  r.path = std::move(path);
  return r;
}

inline Outcome Eval(const Snapshot& s, const Request& r) {
  EvalOptions o;
  o.resolve_symlinks = false;
  return Evaluate(s, r, o);
}

}  // namespace warden::policy::testing
