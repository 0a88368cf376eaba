// Database shells: sqlite3 DB [SQL|.COMMAND]… changes DB, and its dot-commands and ATTACH write
// and read other files (.output, .once, .save, .backup write; .read, .import read); SQL and
// dot-commands may come from its input too. What they drop is decided by command rules.
#include <re2/re2.h>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

void SqliteScript(Call& c, std::string_view script) {
  static const RE2 kWrites(R"((?m)^\s*\.(?:output|once|save|backup|dump\s+\S+\s*>)\s+['"]?([^'"\s]+))");
  static const RE2 kReads(R"((?m)^\s*\.(?:read|import|restore|open)\s+['"]?([^'"\s]+))");
  static const RE2 kAttach(R"re((?i)\battach\s+(?:database\s+)?'([^']+)')re");
  static const RE2 kShell(R"((?m)^\s*\.(?:shell|system)\s+(.+)$)");
  const std::string home = c.an.options().home;
  re2::StringPiece text(script.data(), std::min<size_t>(script.size(), 64 * 1024));
  std::string file;
  re2::StringPiece in = text;
  for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, kWrites, &file); ++guard) {
    c.File(FileOp::kWrite, ExpandTilde(file, home), 0, false, "sqlite3 .output");
  }
  in = text;
  for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, kReads, &file); ++guard) {
    c.File(FileOp::kRead, ExpandTilde(file, home), 0, false, "sqlite3 .read");
  }
  in = text;
  for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, kAttach, &file); ++guard) {
    c.File(FileOp::kWrite, ExpandTilde(file, home), 0, false, "sqlite3 attach");
  }
  in = text;
  for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, kShell, &file); ++guard) c.RunCode(file, "sqlite3 .shell", "sqlite3");
}

Stream Sqlite(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty() && f.argv[f.operands[0]] != ":memory:") c.Operand(FileOp::kWrite, f.operands[0]);
  for (size_t k = 1; k < f.operands.size(); ++k) SqliteScript(c, f.argv[f.operands[k]]);
  for (const Option& o : f.options) {
    if ((o.name == "-cmd" || o.name == "-init") && o.has_value) SqliteScript(c, o.value);
  }
  if (c.in.kind == Stream::Kind::kLiteral) SqliteScript(c, c.in.text);
  return c.PassThrough();
}

constexpr CommandSpec kModels[] = {
    {.name = "sqlite3", .family = Family::kEffects, .run = Sqlite},
};

}  // namespace

ModelTable DatabaseCommands() { return kModels; }

}  // namespace warden::shell
