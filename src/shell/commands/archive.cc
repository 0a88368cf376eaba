// Archives and compressors: tar -c reads its operands (whole trees) and writes the archive,
// tar -x writes every file below -C DIR (or its operands); options that make tar run commands
// (--to-command, --checkpoint-action=exec=, -I/--use-compress-program, -F/--info-script) are
// shell strings. zip writes its archive (and -TT is a command), unzip writes below -d DIR,
// gzip and friends replace their operands (or decode to standard output).
#include <algorithm>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

constexpr std::string_view kBundledLetters = "abcdfhijklmnoprstuvwxzABCGJKLMNOPSTUVWXZ";

// The options that make tar run a command, as parsed (abbreviations completed, -I'…' glued):
// --to-command, --info-script (-F), --new-volume-script, --use-compress-program (-I), and
// --checkpoint-action=exec=CMD.
void TarCommands(Call& c, const CommandFact& f) {
  static constexpr std::string_view kRuns[] = {"--to-command", "--info-script", "-F", "--new-volume-script",
                                               "--use-compress-program", "-I"};
  for (const Option& o : f.options) {
    if (!o.has_value) continue;
    if (std::find(std::begin(kRuns), std::end(kRuns), o.name) != std::end(kRuns)) {
      c.RunCode(o.value, "tar " + o.name, "tar");
    } else if (o.name == "--checkpoint-action" && o.value.rfind("exec=", 0) == 0) {
      c.RunCode(o.value.substr(5), "tar --checkpoint-action", "tar");
    }
  }
}

// Old style "tar czf out.tgz dir": the first word is a bundle of options.
CommandFact TarFact(const CommandFact& fact) {
  CommandFact f = fact;
  if (f.argv.size() > 1 && !f.argv[1].empty() && f.argv[1][0] != '-' &&
      f.argv[1].find_first_not_of(kBundledLetters) == std::string::npos) {
    f.argv[1] = "-" + f.argv[1];
    f.options.clear();
    f.operands.clear();
    size_t stop;
    ParseOptions(LookupCommand(f.name), f.argv, 1, &f.options, &f.operands, &stop);
  }
  return f;
}

void TarExtract(Call& c, const CommandFact& f, const State& where) {
  if (f.operands.empty()) {
    c.an.AddFile(FileOp::kWrite, "**", kArgPattern, true, "tar -x", c.index, where);
    return;
  }
  for (uint32_t op : f.operands) c.an.AddFile(FileOp::kWrite, f.argv[op], f.arg_bits[op], true, "tar -x", c.index, where);
}

Stream Tar(Call& c) {
  CommandFact f = TarFact(c.fact());
  TarCommands(c, f);
  State where = c.st;
  if (const Option* d = FindOption(f.options, {"-C", "--directory"}); d && d->has_value) {
    c.an.ChangeDirectory({PlainWord("cd"), PlainWord(d->value)}, where);
  }
  const Option* file = FindOption(f.options, {"-f", "--file"});
  std::string archive = file && file->has_value ? file->value : "-";
  if (HasOption(f.options, {"-c", "--create", "-r", "--append", "-u", "--update"})) {
    if (archive != "-") c.File(FileOp::kWrite, archive, 0, false, "tar");
    const bool removes = HasOption(f.options, {"--remove-files"});
    for (uint32_t op : f.operands) {
      c.an.AddFile(FileOp::kRead, f.argv[op], f.arg_bits[op], true, "tar", c.index, where);
      if (removes) c.an.AddFile(FileOp::kDelete, f.argv[op], f.arg_bits[op], true, "tar --remove-files", c.index, where);
    }
    return UnknownStream(c.name());
  }
  if (archive != "-") c.File(FileOp::kRead, archive, 0, false, "tar");
  if (HasOption(f.options, {"-x", "--extract", "--get"})) TarExtract(c, f, where);
  return UnknownStream(c.name());
}

// zip -TT CMD / --unzip-command CMD: the test command is a shell command.
Stream Zip(Call& c) {
  const CommandFact& f = c.fact();
  for (const auto& o : f.options) {
    if ((o.name == "-TT" || o.name == "--unzip-command") && o.has_value) c.RunCode(o.value, "zip -TT", "zip");
  }
  for (size_t k = 0; k + 1 < f.argv.size(); ++k) {
    if (f.argv[k] == "-TT") c.RunCode(f.argv[k + 1], "zip -TT", "zip");
  }
  if (!f.operands.empty()) c.Operand(FileOp::kWrite, f.operands[0]);
  const bool recursive = HasOption(f.options, {"-r", "-R", "--recursive"});
  c.Operands(1, FileOp::kRead, recursive);
  if (HasOption(f.options, {"-m", "--move"})) c.Operands(1, FileOp::kDelete, recursive);  // moved into the archive
  return Stream{};
}

// Extractors that write below a directory: 7z x|e -oDIR, cpio -i (here), unrar/rar x|e [DIR],
// ar x, jar xf; 7z a / rar a / cpio -o write their archive.
Stream Extract(Call& c) {
  const CommandFact& f = c.fact();
  const std::string sub = f.operands.empty() ? std::string() : f.argv[f.operands[0]];
  std::string dir = ".";
  for (size_t k = 1; k < f.argv.size(); ++k) {
    if (f.argv[k].rfind("-o", 0) == 0 && f.argv[k].size() > 2 && f.name.rfind("7z", 0) == 0) dir = f.argv[k].substr(2);
  }
  const bool cpio_in = f.name == "cpio" && HasOption(f.options, {"-i", "--extract"});
  const bool cpio_pass = f.name == "cpio" && HasOption(f.options, {"-p", "--pass-through"});
  const bool extracts = cpio_in || sub == "x" || sub == "e" || (f.name == "jar" && sub.find('x') != std::string::npos) ||
                        (f.name == "ar" && sub.find('x') != std::string::npos);
  if ((f.name == "unrar" || f.name == "rar") && extracts && f.operands.size() >= 3) dir = f.argv[f.operands.back()];
  if (cpio_pass && !f.operands.empty()) dir = f.argv[f.operands.back()];
  if (extracts || cpio_pass) {
    c.File(FileOp::kWrite, JoinPath(dir, "**"), kArgPattern, true, c.name() + " extract");
  } else if (f.operands.size() >= 2) {
    c.Operand(FileOp::kWrite, f.operands[1]);  // 7z a ARCHIVE FILES…
    c.Operands(2, FileOp::kRead, true);
  }
  if (f.operands.size() >= 2 && extracts) c.Operand(FileOp::kRead, f.operands[1]);
  return Stream{};
}

Stream Unzip(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty()) c.Operand(FileOp::kRead, f.operands[0]);
  std::string dir = ".";
  if (const Option* d = FindOption(f.options, {"-d"}); d && d->has_value) dir = d->value;
  c.File(FileOp::kWrite, JoinPath(dir, "**"), kArgPattern, true);
  return Stream{};
}

Stream Compress(Call& c) {
  const CommandFact& f = c.fact();
  bool to_stdout = HasOption(f.options, {"-c", "--stdout", "--to-stdout"});
  bool decompress = f.name == "gunzip" || HasOption(f.options, {"-d", "--decompress", "--uncompress"});
  bool recursive = HasOption(f.options, {"-r", "-R", "--recursive"});
  c.Operands(0, FileOp::kRead, recursive);
  if (!to_stdout) c.Operands(0, FileOp::kWrite, recursive);
  if (decompress && (to_stdout || f.operands.empty())) {
    return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kDecoded, f.name + " -d");
  }
  return Stream{};
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"tar", F::kEffects, "fCTXbgKLNVIF", "file directory files-from exclude-from exclude blocking-factor listed-incremental starting-file newer after-date label transform use-compress-program to-command info-script new-volume-script checkpoint-action index-file", false, 0, 0, "", false, Tar},
    {"zip", F::kEffects, "bnttxi", "unzip-command", false, 0, 0, "", false, Zip},
    {"unzip", F::kEffects, "dxZ", "", false, 0, 0, "", false, Unzip},
    {"gzip", F::kEffects, "S", "suffix", false, 0, 0, "", false, Compress},
    {"gunzip", F::kEffects, "S", "suffix", false, 0, 0, "", false, Compress},
    {.name = "bzip2", .family = F::kEffects, .run = Compress},
    {.name = "xz", .family = F::kEffects, .run = Compress},
    {"zstd", F::kEffects, "oD", "output", false, 0, 0, "", false, Compress},
    {"bsdtar", F::kEffects, "fCTXbgKLNVIF", "file directory files-from exclude-from exclude", false, 0, 0, "", false, Tar},
    {.name = "7z", .family = F::kEffects, .run = Extract},
    {.name = "7za", .family = F::kEffects, .run = Extract},
    {.name = "7zr", .family = F::kEffects, .run = Extract},
    {"cpio", F::kEffects, "EFHIMOR", "pattern-file file format message owner", false, 0, 0, "", false, Extract},
    {.name = "unrar", .family = F::kEffects, .run = Extract},
    {.name = "rar", .family = F::kEffects, .run = Extract},
    {.name = "ar", .family = F::kEffects, .run = Extract},
    {.name = "jar", .family = F::kEffects, .run = Extract},
};

}  // namespace

ModelTable ArchiveCommands() { return kModels; }

}  // namespace warden::shell
