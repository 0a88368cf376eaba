// Build tools: make's recipes are shell commands — with a Makefile given on standard input
// (`make -f -`) they are known and analyzed. Compilers and other build drivers touch no files
// through their operands that a rule decides on.
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// make -f - / -f /dev/stdin with a literal Makefile: the recipes are shell commands.
Stream Make(Call& c) {
  const Option* f = FindOption(c.fact().options, {"-f", "--file", "--makefile"});
  if (!f || !f->has_value || (f->value != "-" && f->value != "/dev/stdin")) return c.PassThrough();
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  if (c.in.kind != Stream::Kind::kLiteral) {
    c.an.CodeStream(c.in, "make -f -", c.index, c.st, inner);
    return c.PassThrough();
  }
  for (auto line : Split(c.in.text, '\n')) {
    if (!line.empty() && line[0] == '\t') c.an.CodeString(PlainWord(std::string(line.substr(1))), "make recipe", c.st, inner);
  }
  return c.PassThrough();
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"make", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file assume-old what-if new-file assume-new", false, 0, 0, "", false, Make},
    {"gmake", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file", false, 0, 0, "", false, Make},
    {.name = "cmake", .family = F::kNoFiles}, {.name = "ctest", .family = F::kNoFiles},
    {.name = "ninja", .family = F::kNoFiles}, {.name = "pip", .family = F::kNoFiles},
    {.name = "pip3", .family = F::kNoFiles}, {.name = "pytest", .family = F::kNoFiles},
    {"cargo", F::kNoFiles, "", "manifest-path target-dir config", false},
    {.name = "rustc", .family = F::kNoFiles}, {.name = "go", .family = F::kNoFiles},
    {.name = "gcc", .family = F::kNoFiles}, {.name = "g++", .family = F::kNoFiles},
    {.name = "cc", .family = F::kNoFiles}, {.name = "c++", .family = F::kNoFiles},
    {.name = "clang", .family = F::kNoFiles}, {.name = "clang++", .family = F::kNoFiles},
    {.name = "javac", .family = F::kNoFiles}, {.name = "java", .family = F::kNoFiles},
    {.name = "mvn", .family = F::kNoFiles}, {.name = "gradle", .family = F::kNoFiles},
};

}  // namespace

ModelTable BuildCommands() { return kModels; }

}  // namespace warden::shell
