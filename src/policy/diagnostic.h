// Problems found while loading a policy: where (file:line:column), a stable code, a plain
// sentence and, when there is one, a hint. Printed as text or JSON by `warden policy check`.
//
// Stable codes (docs/POLICY.md lists them all):
//   io-error  file-too-large  bad-encoding  yaml-syntax  bad-version  wrong-type  unknown-key
//   duplicate-key  missing-key  bad-value  bad-glob  bad-regex  duplicate-id  unknown-role
//   unknown-rule  final-override  unreachable-rule  unsupported-kind  ignored-setting
#pragma once

#include <string>
#include <vector>

#include "policy/yaml_document.h"

namespace warden::policy {

enum class Severity : uint8_t { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;
  std::string file;
  Mark mark;
  std::string message;
  std::string hint;
};

// "file:line:col: error[code]: message (hint)".
std::string FormatDiagnostic(const Diagnostic& d);

class Diagnostics {
 public:
  void Error(std::string code, const std::string& file, Mark mark, std::string message, std::string hint = {});
  void Warning(std::string code, const std::string& file, Mark mark, std::string message, std::string hint = {});
  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& all() const { return all_; }
  void Append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> all_;
  size_t errors_ = 0;
};

}  // namespace warden::policy
