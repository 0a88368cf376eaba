// Readers: commands that read the files named by their operands and print something derived
// from them (cat, head, wc, sha256sum, base64, diff, sort, uniq, jq, …). base64 -d and xxd -r
// decode (their output is obfuscated data); cat of a file written earlier in the same string
// prints its known text; sort -o and uniq's second operand write.
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

bool Decodes(std::string_view family, const std::vector<Option>& options) {
  return (family == "base64" || family == "base32" || family == "basenc") && HasOption(options, {"-d", "--decode"});
}

// cat FILE: the output is the file — its text if it was written earlier in this command.
Stream CatOutput(Call& c, const std::string& file) {
  bool dynamic = false;
  for (const auto& p : c.an.Resolve(file, c.st, &dynamic)) {
    auto& contents = c.an.memory().contents;
    if (auto it = contents.find(c.an.FollowLinks(p)); !dynamic && it != contents.end()) {
      return LiteralStream(it->second, "cat");
    }
  }
  return MakeStream(Stream::Kind::kFile, "cat", file);
}

}  // namespace

Stream Reader(Call& c) {
  const CommandFact& f = c.fact();
  c.Operands(0, FileOp::kRead);
  const std::string_view family = LookupCommand(c.name()).name;
  if (Decodes(family, f.options)) return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kDecoded, c.name() + " -d");
  if (family == "cat" && f.operands.size() == 1 && f.argv[f.operands[0]] != "-") return CatOutput(c, f.argv[f.operands[0]]);
  if (family == "cat" && f.operands.empty()) return c.in;
  return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kUnknown, c.name());
}

namespace {

Stream Uniq(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty()) c.Operand(FileOp::kRead, f.operands[0]);
  if (f.operands.size() > 1) c.Operand(FileOp::kWrite, f.operands[1]);
  return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kUnknown, c.name());
}

Stream Sort(Call& c) {
  if (const Option* o = FindOption(c.fact().options, {"-o", "--output"}); o && o->has_value) {
    c.File(FileOp::kWrite, o->value);
  }
  c.Operands(0, FileOp::kRead);
  return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kUnknown, c.name());
}

// jq FILTER FILES… (or -f FILTERFILE FILES…); yq -i edits the files in place.
Stream Jq(Call& c) {
  bool filter_file = HasOption(c.fact().options, {"-f", "--from-file"});
  c.Operands(filter_file ? 0 : 1, FileOp::kRead);
  if (HasOption(c.fact().options, {"-i", "--inplace", "--in-place"})) c.Operands(filter_file ? 0 : 1, FileOp::kWrite);
  return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kUnknown, c.name());
}

// xxd [INFILE [OUTFILE]] (-r turns a dump back into bytes): the second operand is written.
Stream Xxd(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty() && f.argv[f.operands[0]] != "-") c.Operand(FileOp::kRead, f.operands[0]);
  if (f.operands.size() > 1) c.Operand(FileOp::kWrite, f.operands[1]);
  if (f.operands.size() > 1) return Stream{};
  if (HasOption(f.options, {"-r", "-revert"})) return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kDecoded, "xxd -r");
  return MakeStream(Stream::Kind::kUnknown, c.name());
}

// iconv -o FILE / --output=FILE writes the converted text there.
Stream Iconv(Call& c) {
  if (const Option* o = FindOption(c.fact().options, {"-o", "--output"}); o && o->has_value) c.File(FileOp::kWrite, o->value);
  return Reader(c);
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {.name = "cat", .family = F::kEffects, .run = Reader},
    {"tac", F::kEffects, "s", "separator", false, 0, 0, "", false, Reader},
    {"nl", F::kEffects, "bdfhilnsvw", "", false, 0, 0, "", false, Reader},
    {"head", F::kEffects, "cn", "bytes lines", false, 0, 0, "", false, Reader},
    {"tail", F::kEffects, "cns", "bytes lines pid sleep-interval max-unchanged-stats", false, 0, 0, "", false, Reader},
    {"less", F::kEffects, "bhjkopPTtxyz#", "", false, 0, 0, "", false, Reader},
    {"more", F::kEffects, "n", "lines", false, 0, 0, "", false, Reader},
    {.name = "most", .family = F::kEffects, .run = Reader},
    {"bat", F::kEffects, "lHrmp", "language highlight-line line-range map-syntax theme style paging color", false, 0, 0, "", false, Reader},
    {"batcat", F::kEffects, "lHrmp", "language highlight-line line-range map-syntax theme style paging color", false, 0, 0, "", false, Reader},
    {"strings", F::kEffects, "nteT", "bytes radix encoding target", false, 0, 0, "", false, Reader},
    {"od", F::kEffects, "AjNSstw", "address-radix skip-bytes read-bytes strings format width", false, 0, 0, "", false, Reader},
    {"hexdump", F::kEffects, "ensf", "", false, 0, 0, "", false, Reader},
    {"xxd", F::kEffects, "cglosn", "", false, 0, 0, "", false, Xxd},
    {"base64", F::kEffects, "w", "wrap", false, 0, 0, "", false, Reader},
    {"base32", F::kEffects, "w", "wrap", false, 0, 0, "", false, Reader},
    {"basenc", F::kEffects, "w", "wrap", false, 0, 0, "", false, Reader},
    {.name = "md5sum", .family = F::kEffects, .run = Reader},
    {.name = "sha1sum", .family = F::kEffects, .run = Reader},
    {.name = "sha224sum", .family = F::kEffects, .run = Reader},
    {.name = "sha256sum", .family = F::kEffects, .run = Reader},
    {.name = "sha384sum", .family = F::kEffects, .run = Reader},
    {.name = "sha512sum", .family = F::kEffects, .run = Reader},
    {"b2sum", F::kEffects, "l", "length", false, 0, 0, "", false, Reader},
    {"cksum", F::kEffects, "al", "algorithm length", false, 0, 0, "", false, Reader},
    {.name = "sum", .family = F::kEffects, .run = Reader},
    {"wc", F::kEffects, "", "files0-from", false, 0, 0, "", false, Reader},
    {"sort", F::kEffects, "kotTSy", "key output field-separator temporary-directory buffer-size parallel files0-from", false, 0, 0, "", false, Sort},
    {"uniq", F::kEffects, "fsw", "skip-fields skip-chars check-chars", false, 0, 0, "", false, Uniq},
    {"cut", F::kEffects, "bcdf", "bytes characters delimiter fields output-delimiter", false, 0, 0, "", false, Reader},
    {"paste", F::kEffects, "d", "delimiters", false, 0, 0, "", false, Reader},
    {"column", F::kEffects, "cstoNRHEWdlr", "", false, 0, 0, "", false, Reader},
    {"fold", F::kEffects, "w", "width", false, 0, 0, "", false, Reader},
    {"fmt", F::kEffects, "pw", "prefix width", false, 0, 0, "", false, Reader},
    {"expand", F::kEffects, "t", "tabs", false, 0, 0, "", false, Reader},
    {"unexpand", F::kEffects, "t", "tabs", false, 0, 0, "", false, Reader},
    {"iconv", F::kEffects, "fto", "from-code to-code output", false, 0, 0, "", false, Iconv},
    {"diff", F::kEffects, "CUFIxXSL", "ifdef show-function-line ignore-matching-lines exclude exclude-from starting-file label horizon-lines", false, 0, 0, "", false, Reader},
    {"cmp", F::kEffects, "inI", "ignore-initial bytes", false, 0, 0, "", false, Reader},
    {"comm", F::kEffects, "", "output-delimiter", false, 0, 0, "", false, Reader},
    {"file", F::kEffects, "mfFeP", "magic-file files-from separator exclude parameter", false, 0, 0, "", false, Reader},
    {"jq", F::kEffects, "fL", "from-file arg argjson slurpfile rawfile indent", false, 0, 0, "", false, Jq},
    {"yq", F::kEffects, "pIo", "input-format output-format indent expression from-file", false, 0, 0, "", false, Jq},
};

}  // namespace

ModelTable ReadCommands() { return kModels; }

}  // namespace warden::shell
