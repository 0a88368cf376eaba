#include "policy/diagnostic.h"

namespace warden::policy {

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out = d.file.empty() ? std::string("<policy>") : d.file;
  if (d.mark.line > 0) out += ":" + std::to_string(d.mark.line) + ":" + std::to_string(d.mark.column);
  out += d.severity == Severity::kError ? ": error[" : ": warning[";
  out += d.code + "]: " + d.message;
  if (!d.hint.empty()) out += " (" + d.hint + ")";
  return out;
}

void Diagnostics::Error(std::string code, const std::string& file, Mark mark, std::string message,
                        std::string hint) {
  all_.push_back({Severity::kError, std::move(code), file, mark, std::move(message), std::move(hint)});
  ++errors_;
}

void Diagnostics::Warning(std::string code, const std::string& file, Mark mark, std::string message,
                          std::string hint) {
  all_.push_back({Severity::kWarning, std::move(code), file, mark, std::move(message), std::move(hint)});
}

void Diagnostics::Append(const Diagnostics& other) {
  for (const auto& d : other.all_) {
    all_.push_back(d);
    if (d.severity == Severity::kError) ++errors_;
  }
}

}  // namespace warden::policy
