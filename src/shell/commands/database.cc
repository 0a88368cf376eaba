// Database shells: sqlite3 DB [SQL|.COMMAND]… changes DB, and its dot-commands and ATTACH write
// and read other files (.output, .once, .save, .backup write; .read, .import read); SQL and
// dot-commands may come from its input too. psql and mysql scripts run shell commands through
// client escapes and COPY … PROGRAM. What they drop is decided by command rules.
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
  // -cmd COMMAND runs COMMAND; -init FILE runs FILE's commands (single-dash long options).
  for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    if (t == "-cmd" || t == "--cmd") SqliteScript(c, c.argv[k + 1].text);
    if (t != "-init" && t != "--init") continue;
    c.File(FileOp::kRead, c.argv[k + 1].text, c.argv[k + 1].bits, false, "sqlite3 -init");
    bool decoded = false;
    if (auto text = c.an.ScriptText(c.argv[k + 1], c.st, c.in, &decoded)) SqliteScript(c, *text);
  }
  if (c.in.kind == Stream::Kind::kLiteral) SqliteScript(c, c.in.text);
  return c.PassThrough();
}

// SQL clients' scripts (psql, mysql/mariadb): client commands that run a shell (\\! CMD, system
// CMD, \\o |CMD, \\g |CMD, \\copy … program 'CMD'), server commands that run one (COPY … PROGRAM
// 'CMD') or write a file on the server, which may be this machine (INTO OUTFILE/DUMPFILE '…').
void SqlScript(Call& c, std::string_view script) {
  static const RE2 kShellEscape(R"((?m)(?:^|;)\s*(?:\\!|\\system|system)\s+([^;\n]+))");
  static const RE2 kPipeTo(R"((?m)\\(?:o|out|g|gx|w|write)\s*\|\s*([^\n]+))");
  static const RE2 kProgram(R"re((?i)\bprogram\s+'((?:[^']|'')*)')re");
  static const RE2 kOutfile(R"re((?i)\binto\s+(?:outfile|dumpfile)\s+'([^']+)')re");
  const std::string home = c.an.options().home;
  re2::StringPiece text(script.data(), std::min<size_t>(script.size(), 64 * 1024));
  std::string found;
  for (const RE2* re : {&kShellEscape, &kPipeTo, &kProgram}) {
    re2::StringPiece in = text;
    for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, *re, &found); ++guard) c.RunCode(found, c.name() + " shell", c.name());
  }
  re2::StringPiece in = text;
  for (int guard = 0; guard < 16 && RE2::FindAndConsume(&in, kOutfile, &found); ++guard) {
    c.File(FileOp::kWrite, ExpandTilde(found, home), 0, false, c.name() + " into outfile");
  }
}

// psql -c CMD / --command=CMD / -f FILE, mysql -e CMD / --execute=CMD, --pager=CMD; scripts on
// standard input.
Stream SqlClient(Call& c) {
  const CommandFact& f = c.fact();
  for (const Option& o : f.options) {
    if (!o.has_value) continue;
    if (o.name == "-c" || o.name == "--command" || o.name == "-e" || o.name == "--execute") SqlScript(c, o.value);
    if (o.name == "--pager") c.RunCode(o.value, c.name() + " --pager", c.name());
    if (o.name == "-f" || o.name == "--file") {
      if (auto text = c.an.KnownContents(o.value, c.st)) SqlScript(c, *text);
    }
  }
  if (c.in.kind == Stream::Kind::kLiteral) SqlScript(c, c.in.text);
  return c.PassThrough();
}

constexpr CommandSpec kModels[] = {
    {.name = "sqlite3", .family = Family::kEffects, .run = Sqlite},
    {"psql", Family::kNoFiles, "cdfhopUvFRTLo", "command dbname file host port username set variable field-separator record-separator table-attr log-file output pset", false, 0, 0, "", false, SqlClient},
    {"mysql", Family::kNoFiles, "eDhPuSpo", "execute database host port user socket password pager init-command", false, 0, 0, "", false, SqlClient},
    {"mariadb", Family::kNoFiles, "eDhPuSpo", "execute database host port user socket password pager init-command", false, 0, 0, "", false, SqlClient},
};

}  // namespace

ModelTable DatabaseCommands() { return kModels; }

}  // namespace warden::shell
