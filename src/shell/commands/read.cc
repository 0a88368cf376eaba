// Readers: commands that read the files named by their operands and print something derived
// from them (cat, head, wc, sha256sum, base64, diff, sort, uniq, jq, …). base64 -d and xxd -r
// decode (their output is obfuscated data); cat of a file written earlier in the same string
// prints its known text; sort -o and uniq's second operand write.
#include <optional>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/literal.h"
#include "shell/text_programs.h"

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

// Known text decoded by Warden itself: what it hides is analyzed (and running it is still
// running something hidden).
Stream DecodedLiteral(std::optional<std::string> text, std::string source) {
  if (!text) return MakeStream(Stream::Kind::kDecoded, std::move(source));
  Stream s = LiteralStream(std::move(*text), std::move(source));
  s.decoded = true;
  return s;
}

Stream Decode(Call& c, std::string_view family) {
  if (c.in.tainted()) return c.in;
  const std::string source = c.name() + " -d";
  if (c.in.kind != Stream::Kind::kLiteral || !c.fact().operands.empty()) return MakeStream(Stream::Kind::kDecoded, source);
  return DecodedLiteral(family == "base32" ? DecodeBase32(c.in.text) : DecodeBase64(c.in.text), source);
}

Stream Reader(Call& c) {
  const CommandFact& f = c.fact();
  c.Operands(0, FileOp::kRead);
  const std::string_view family = LookupCommand(c.name()).name;
  if (Decodes(family, f.options)) return Decode(c, family);
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
// jq's operands without the second word of --arg/--argjson/--slurpfile/--rawfile NAME VALUE
// (the option table gives them one value: NAME): the filter, then the files.
std::vector<uint32_t> JqOperands(const Call& c) {
  const CommandFact& f = c.fact();
  std::vector<uint32_t> out;
  for (uint32_t op : f.operands) {
    const std::string& before = op >= 2 ? c.argv[op - 2].text : std::string();
    if (before == "--arg" || before == "--argjson" || before == "--slurpfile" || before == "--rawfile") continue;
    out.push_back(op);
  }
  return out;
}

Stream Jq(Call& c) {
  const CommandFact& f = c.fact();
  const bool filter_file = HasOption(f.options, {"-f", "--from-file"});
  const std::vector<uint32_t> ops = JqOperands(c);
  const bool in_place = HasOption(f.options, {"-i", "--inplace", "--in-place"});
  for (size_t k = filter_file ? 0 : 1; k < ops.size(); ++k) {
    c.Operand(FileOp::kRead, ops[k]);
    if (in_place) c.Operand(FileOp::kWrite, ops[k]);
  }
  if (c.in.tainted()) return c.in;
  // jq -rn '"TEXT"': a string literal printed raw, without reading input, is known text.
  if (!filter_file && ops.size() == 1 && HasOption(f.options, {"-n", "--null-input"}) &&
      HasOption(f.options, {"-r", "--raw-output", "-j", "--join-output"})) {
    // --arg NAME VALUE: "\($NAME)" in the literal is VALUE.
    std::string program(Trim(f.argv[ops[0]]));
    for (size_t k = 1; k + 2 < c.argv.size(); ++k) {
      if (c.argv[k].text != "--arg") continue;
      const std::string ref = "\\($" + c.argv[k + 1].text + ")";
      for (size_t at = program.find(ref); at != std::string::npos; at = program.find(ref, at + 1)) {
        program.replace(at, ref.size(), c.argv[k + 2].text);
      }
    }
    if (auto text = DoubleQuotedValue(program)) {
      return LiteralStream(*text + (HasOption(f.options, {"-j", "--join-output"}) ? "" : "\n"), c.name());
    }
  }
  return MakeStream(Stream::Kind::kUnknown, c.name());
}

// xxd [INFILE [OUTFILE]] (-r turns a dump back into bytes): the second operand is written.
Stream Xxd(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty() && f.argv[f.operands[0]] != "-") c.Operand(FileOp::kRead, f.operands[0]);
  if (f.operands.size() > 1) c.Operand(FileOp::kWrite, f.operands[1]);
  if (f.operands.size() > 1) return Stream{};
  if (!HasOption(f.options, {"-r", "-revert"})) return MakeStream(Stream::Kind::kUnknown, c.name());
  if (c.in.tainted()) return c.in;
  if (c.in.kind == Stream::Kind::kLiteral && f.operands.empty() && HasOption(f.options, {"-p", "-ps", "-plain"})) {
    return DecodedLiteral(DecodeHex(c.in.text), "xxd -r -p");
  }
  return MakeStream(Stream::Kind::kDecoded, "xxd -r");
}

// cut -c LIST / -b LIST over known text: N, N-, N-M, -M, comma separated.
Stream Cut(Call& c) {
  const CommandFact& f = c.fact();
  c.Operands(0, FileOp::kRead);
  const Option* list = FindOption(f.options, {"-c", "-b", "--characters", "--bytes"});
  if (c.in.kind != Stream::Kind::kLiteral || !f.operands.empty() || list == nullptr || !list->has_value) {
    return c.in.tainted() ? c.in : UnknownStream(c.name());
  }
  std::vector<std::pair<size_t, size_t>> ranges;
  for (auto part : Split(list->value, ',')) {
    const size_t dash = part.find('-');
    auto num = [](std::string_view s, size_t fallback) {
      size_t v = 0;
      if (s.empty()) return fallback;
      for (char ch : s) {
        if (ch < '0' || ch > '9') return size_t{0};
        v = v * 10 + static_cast<size_t>(ch - '0');
      }
      return v;
    };
    const size_t from = num(dash == std::string_view::npos ? part : part.substr(0, dash), 1);
    const size_t to = dash == std::string_view::npos ? from : num(part.substr(dash + 1), std::string::npos);
    if (from == 0 || to == 0) return UnknownStream(c.name());
    ranges.emplace_back(from, to);
  }
  std::string out;
  for (auto line : Split(c.in.text, '\n')) {
    for (size_t i = 0; i < line.size(); ++i) {
      for (const auto& [from, to] : ranges) {
        if (i + 1 >= from && i + 1 <= to) {
          out += line[i];
          break;
        }
      }
    }
    out += '\n';
  }
  if (!out.empty() && (c.in.text.empty() || c.in.text.back() != '\n')) out.pop_back();
  return DecodedLiteral(out, "cut");
}

// rev: each line of known text reversed.
Stream Rev(Call& c) {
  c.Operands(0, FileOp::kRead);
  if (c.in.kind != Stream::Kind::kLiteral || !c.fact().operands.empty()) return c.PassThrough();
  std::string out;
  for (auto line : Split(c.in.text, '\n')) {
    out += std::string(line.rbegin(), line.rend());
    out += '\n';
  }
  if (!c.in.text.empty() && c.in.text.back() != '\n' && !out.empty()) out.pop_back();
  return DecodedLiteral(out, "rev");
}

// The characters a tr SET stands for (ranges a-z, escapes \n \t \r \\ \NNN): "" when it holds
// classes.
std::string TrSet(std::string_view set) {
  std::string out;
  for (size_t i = 0; i < set.size(); ++i) {
    if (set[i] == '[') return {};
    if (set[i] == '\\' && i + 1 < set.size()) {
      const char e = set[++i];
      if (e >= '0' && e <= '7') {
        int v = 0;
        for (int n = 0; n < 3 && i < set.size() && set[i] >= '0' && set[i] <= '7'; ++n, ++i) v = v * 8 + (set[i] - '0');
        --i;
        out += static_cast<char>(v);
      } else {
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      }
      continue;
    }
    if (i + 2 < set.size() && set[i + 1] == '-' && set[i] <= set[i + 2]) {
      for (int ch = set[i]; ch <= set[i + 2]; ++ch) out += static_cast<char>(ch);
      i += 2;
    } else {
      out += set[i];
    }
  }
  return out;
}

// tr SET1 SET2 over known text (rot13 and friends); tr -d SET deletes, -s squeezes (left as is:
// squeezing only removes repeats).
Stream Tr(Call& c) {
  const CommandFact& f = c.fact();
  if (c.in.kind == Stream::Kind::kLiteral && f.operands.size() == 1 && HasOption(f.options, {"-d", "--delete"}) &&
      f.options.size() == 1) {
    const std::string drop = TrSet(f.argv[f.operands[0]]);
    if (drop.empty()) return UnknownStream(c.name());
    std::string out;
    for (char ch : c.in.text) {
      if (drop.find(ch) == std::string::npos) out += ch;
    }
    return DecodedLiteral(out, "tr -d");
  }
  if (c.in.kind != Stream::Kind::kLiteral || f.operands.size() != 2 || !f.options.empty()) return c.PassThrough();
  std::string from = TrSet(f.argv[f.operands[0]]), to = TrSet(f.argv[f.operands[1]]);
  if (from.empty() || to.empty()) return UnknownStream(c.name());
  std::string out = c.in.text;
  for (char& ch : out) {
    size_t at = from.find(ch);
    if (at != std::string::npos) ch = to[std::min(at, to.size() - 1)];
  }
  return DecodedLiteral(out, "tr");
}

// iconv -o FILE / --output=FILE writes the converted text there.
Stream Iconv(Call& c) {
  if (const Option* o = FindOption(c.fact().options, {"-o", "--output"}); o && o->has_value) c.File(FileOp::kWrite, o->value);
  return Reader(c);
}

using F = Family;

// man -P PAGER / --pager=PAGER / -H BROWSER (--html=BROWSER): a command line it runs.
Stream Man(Call& c) {
  for (const Option& o : c.fact().options) {
    if (o.has_value && (o.name == "-P" || o.name == "--pager" || o.name == "-H" || o.name == "--html")) {
      c.RunCode(o.value, "man " + o.name, c.name());
    }
  }
  return UnknownStream(c.name());
}

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
    {"man", F::kNoFiles, "PHMLmSsCRE", "pager html manpath locale systems sections config-file recode encoding", false, 0, 0, "", false, Man},
    {"ldd", F::kEffects, "", "", false, 0, 0, "", false, Reader},
    {"readelf", F::kEffects, "pRxw", "hex-dump relocated-dump string-dump debug-dump", false, 0, 0, "", false, Reader},
    {"objdump", F::kEffects, "bjmMEF", "section architecture disassembler-options target start-address stop-address", false, 0, 0, "", false, Reader},
    {"nm", F::kEffects, "tf", "radix format target", false, 0, 0, "", false, Reader},
    {"size", F::kEffects, "", "format radix target", false, 0, 0, "", false, Reader},
    {"wc", F::kEffects, "", "files0-from", false, 0, 0, "", false, Reader},
    {"sort", F::kEffects, "kotTSy", "key output field-separator temporary-directory buffer-size parallel files0-from", false, 0, 0, "", false, Sort},
    {"uniq", F::kEffects, "fsw", "skip-fields skip-chars check-chars", false, 0, 0, "", false, Uniq},
    {"cut", F::kEffects, "bcdf", "bytes characters delimiter fields output-delimiter", false, 0, 0, "", false, Cut},
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
    {.name = "rev", .family = F::kEffects, .run = Rev},
    {.name = "tr", .family = F::kNoFiles, .run = Tr},
    {"yq", F::kEffects, "pIo", "input-format output-format indent expression from-file", false, 0, 0, "", false, Jq},
};

}  // namespace

ModelTable ReadCommands() { return kModels; }

}  // namespace warden::shell
