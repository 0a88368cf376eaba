// The evaluators of small text programs (src/shell/text_programs.h) on arbitrary programs and
// input: the first line is a sed script (tried as BRE and ERE, quiet or not) and an awk program,
// the rest its input; the whole input is also read as a string literal and as awk -v values.
//
// Checks that an evaluation that succeeds without `e` has an output, that nothing evaluated
// grows without bound (s/x/xx/g repeated stops at the evaluator's limits), and that
// a literal's value is never longer than the literal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shell/text_programs.h"

namespace warden::shell {
namespace {

void Sed(const std::string& script, std::string_view input) {
  for (bool extended : {false, true}) {
    for (bool quiet : {false, true}) {
      auto run = EvaluateSed({script}, extended, quiet, input);
      if (!run) continue;
      if (run->executed.empty() && !run->output) __builtin_trap();
      // Substitutions can double a line per command: the evaluator stops at its limits.
      if (run->output && run->output->size() > 256 * 1024 + 64 * 1024 + 2) __builtin_trap();
    }
  }
}

}  // namespace
}  // namespace warden::shell

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden::shell;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t nl = text.find('\n');
  const std::string program(text.substr(0, nl));
  const std::string_view input = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  Sed(program, input);
  (void)AwkOutput(program, std::nullopt);
  (void)AwkOutput(program, input.size() % 300);
  (void)WithAwkVariables(text, {{"c", std::string(input)}, {"x", program}});
  if (auto value = DoubleQuotedValue(text); value && value->size() > text.size()) __builtin_trap();
  return 0;
}
