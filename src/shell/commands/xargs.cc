// xargs and GNU parallel: a command run once per item of their input (or of `:::` lists).
// Items known as text (a here-string, echo, printf) are substituted where the command names
// them ({} or -I STR) or appended; the paths find prints are one pattern (or whole trees when nothing
// narrows them); anything else is one unknown item.
#include <algorithm>
#include <optional>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxItems = 16;

struct XargsOptions {
  std::string replace;    // -I STR / -i: where each item goes
  std::string delimiter;  // -0 / -d: what separates items
  bool delimited = false;
  size_t stop = 0;        // where the command starts
  std::optional<Expanded> arg_file;  // -a FILE: items come from FILE, not standard input
};

XargsOptions ReadXargsOptions(const Call& c) {
  const CommandSpec& spec = LookupCommand("xargs");
  std::vector<std::string> texts;
  for (const auto& a : c.argv) texts.push_back(a.text);
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  XargsOptions x;
  ParseOptions(spec, texts, 1, &options, &operands, &x.stop);
  if (const Option* o = FindOption(options, {"-I", "--replace"}); o) x.replace = o->has_value ? o->value : "{}";
  if (HasOption(options, {"-i"})) x.replace = "{}";
  for (size_t k = 1; k < x.stop && k < texts.size(); ++k) {
    // -iSTR and --replace=STR: GNU xargs' optional argument, attached.
    if (texts[k].size() > 2 && texts[k].rfind("-i", 0) == 0) x.replace = texts[k].substr(2);
    if (texts[k].rfind("--replace=", 0) == 0) x.replace = texts[k].substr(10);
  }
  if (const Option* a = FindOption(options, {"-a", "--arg-file"}); a && a->has_value) x.arg_file = c.OptionValue(*a);
  if (HasOption(options, {"-0", "--null"})) {
    x.delimiter = std::string(1, '\0');
    x.delimited = true;
  } else if (const Option* d = FindOption(options, {"-d", "--delimiter"}); d && d->has_value) {
    x.delimiter = d->value == "\\n" ? "\n" : d->value.substr(0, 1);
    x.delimited = true;
  }
  return x;
}

// Literal input split the way xargs would: by the delimiter, by lines with -I, else by blanks
// and quotes.
std::vector<std::string> LiteralItems(const std::string& text, const XargsOptions& x) {
  std::vector<std::string> pieces;
  if (x.delimited) {
    for (auto p : Split(text, x.delimiter.empty() ? '\n' : x.delimiter[0])) {
      if (!p.empty()) pieces.emplace_back(p);
    }
    if (x.delimiter == std::string(1, '\0') && pieces.size() == 1) pieces[0] = std::string(Trim(pieces[0]));
    return pieces;
  }
  if (x.replace.empty()) return SplitQuoted(text);
  for (auto p : Split(text, '\n')) {
    if (!Trim(p).empty()) pieces.emplace_back(Trim(p));
  }
  return pieces;
}

std::vector<Expanded> Items(const Stream& in, const XargsOptions& x) {
  std::vector<Expanded> items;
  if (in.kind == Stream::Kind::kPaths) {
    items.push_back(PlainWord(in.text, in.bits));  // find sets whether it stands for whole trees
  } else if (in.kind == Stream::Kind::kLiteral) {
    for (auto& p : LiteralItems(in.text, x)) {
      items.push_back(PlainWord(std::move(p)));
      if (items.size() >= kMaxItems) break;
    }
  }
  if (items.empty()) {
    Expanded item = PlainWord("…", kArgDynamic);
    if (in.tainted()) item.taint = in;
    items.push_back(item);
  }
  if (in.warden) {
    for (auto& item : items) item.bits |= kArgWarden;
  }
  return items;
}

// Every occurrence of `mark` in the words replaced by `item`.
std::vector<Expanded> Substituted(std::vector<Expanded> cmd, const std::string& mark, const Expanded& item) {
  for (auto& w : cmd) {
    size_t at = w.text.find(mark);
    if (at == std::string::npos) continue;
    while (at != std::string::npos) {
      w.text.replace(at, mark.size(), item.text);
      at = w.text.find(mark, at + item.text.size());
    }
    w.bits |= item.bits;
    if (item.taint.tainted()) w.taint = item.taint;
  }
  return cmd;
}

// What the items are read from: -a FILE (a <(…) or a file written earlier in the command), else
// standard input — a file redirected there is read for its text when that is known.
Stream ItemSource(const Call& c, const std::optional<Expanded>& arg_file) {
  if (arg_file) {
    if (arg_file->procsub) return arg_file->procsub_stream;
    if (auto text = c.an.KnownContents(arg_file->text, c.st)) return LiteralStream(*text, arg_file->text);
    return UnknownStream(arg_file->text);
  }
  if (c.in.kind == Stream::Kind::kFile) {
    if (auto text = c.an.KnownContents(c.in.text, c.st)) return LiteralStream(*text, c.in.text);
  }
  return c.in;
}

Stream Xargs(Call& c) {
  XargsOptions x = ReadXargsOptions(c);
  std::vector<Expanded> items = Items(ItemSource(c, x.arg_file), x);
  std::vector<Expanded> base = Slice(c.argv, x.stop);
  if (base.empty()) base.push_back(PlainWord("echo"));
  Ctx inner = c.an.Inner(c.ctx, "xargs", false, "xargs");
  if (x.replace.empty()) {
    for (auto& item : items) base.push_back(item);
    return c.an.Exec(std::move(base), c.st, inner, Stream{});
  }
  Stream out;
  for (const auto& item : items) out = c.an.Exec(Substituted(base, x.replace, item), c.st, inner, Stream{});
  return out;
}

bool IsSeparator(const std::string& t) { return t == ":::" || t == "::::" || t == ":::+"; }

// Where parallel's own options end.
size_t ParallelCommandStart(const std::vector<Expanded>& argv) {
  static constexpr std::string_view kValued[] = {"-j", "--jobs", "-S", "--sshlogin", "--joblog", "--results",
                                                 "-d", "--delimiter", "-a", "--arg-file", "--tmpdir", "-I",
                                                 "--colsep", "-C", "-n", "-N", "--max-args", "-L", "--max-lines",
                                                 "-P", "--workdir", "--wd", "--env", "--timeout", "--retries",
                                                 "--halt", "--delay", "--memfree", "--load", "--tag-string",
                                                 "--basefile", "--bf", "--return", "--transferfile", "--tf"};
  size_t i = 1;
  while (i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-' && argv[i].text != ":::" &&
         argv[i].text != "::::") {
    const std::string& t = argv[i].text;
    const bool glued_procsub = t.back() == '=' && i + 1 < argv.size() && argv[i + 1].procsub;  // --arg-file=<(…)
    if (glued_procsub || std::find(std::begin(kValued), std::end(kValued), t) != std::end(kValued)) ++i;
    ++i;
  }
  return i;
}

// Arguments from standard input: its lines when known, a tree for find's paths, else one
// unknown argument.
std::vector<Expanded> ParallelInput(const Call& c) {
  XargsOptions lines;
  lines.delimiter = "\n";
  lines.delimited = true;
  return Items(ItemSource(c, std::nullopt), lines);
}

// parallel --version, --help, --number-of-cpus…: it prints and runs nothing.
bool ParallelOnlyInforms(const std::vector<Expanded>& argv) {
  static constexpr std::string_view kInfo[] = {"--version", "--help", "-h", "--citation", "--bibtex", "--number-of-cpus",
                                               "--number-of-cores", "--number-of-threads", "--number-of-sockets",
                                               "--max-line-length-allowed", "--minversion", "--record-env"};
  return std::any_of(argv.begin() + 1, argv.end(), [](const Expanded& a) {
    return std::find(std::begin(kInfo), std::end(kInfo), a.text) != std::end(kInfo);
  });
}

// GNU parallel: parallel [options] COMMAND ::: ARGS … ; without COMMAND, each ARG is a command.
// GNU parallel's replacement strings — {}, {.}, {/}, {//}, {/.}, {#}, {%}, {N}, {N.}… — each
// replaced by `word`.
std::string ReplacementStrings(std::string_view line, std::string_view word, bool* replaced) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    const size_t close = line[i] == '{' ? line.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos && close - i <= 6) {
      std::string_view in = line.substr(i + 1, close - i - 1);
      const size_t digits = in.find_first_not_of("0123456789");
      std::string_view rest = digits == std::string_view::npos ? std::string_view() : in.substr(digits);
      if (in == "#" || in == "%" || rest.empty() || rest == "." || rest == "/" || rest == "//" || rest == "/.") {
        out += word;
        *replaced = true;
        i = close + 1;
        continue;
      }
    }
    out += line[i++];
  }
  return out;
}

// parallel's own options that change what runs: -I STR (the replacement string), -q (the
// command's words are quoted, not one shell line), -a/--arg-file FILE (items from FILE).
struct ParallelOptions {
  std::string replace = "{}";
  bool quote = false;
  std::vector<size_t> arg_files;  // argv indices of -a FILE values
};

ParallelOptions ReadParallelOptions(const std::vector<Expanded>& argv, size_t stop) {
  ParallelOptions o;
  for (size_t k = 1; k < stop && k < argv.size(); ++k) {
    const std::string& t = argv[k].text;
    if ((t == "-I" || t == "--replace") && k + 1 < stop) o.replace = argv[++k].text;
    if (t.rfind("--replace=", 0) == 0) o.replace = t.substr(10);
    if (t == "-q" || t == "--quote") o.quote = true;
    if ((t == "-a" || t == "--arg-file") && k + 1 < stop) {
      o.arg_files.push_back(++k);
    } else if (t == "--arg-file=" && k + 1 < stop && argv[k + 1].procsub) {
      o.arg_files.push_back(++k);  // --arg-file=<(…): "--arg-file=" and the <(…) word
    } else if (t.rfind("--arg-file=", 0) == 0) {
      o.arg_files.push_back(k);
    }
  }
  return o;
}

// The items of `:::: FILE…` and `-a FILE`: the lines of each file, as far as they are known
// (written earlier in the line, a <(…) of known text), else one unknown item.
void FileItems(const Call& c, size_t at, std::vector<Expanded>* items) {
  Expanded file = c.argv[at];
  if (file.text.rfind("--arg-file=", 0) == 0) file.text = file.text.substr(11);
  XargsOptions lines;
  lines.delimiter = "\n";
  lines.delimited = true;
  for (auto& item : Items(ItemSource(c, file), lines)) items->push_back(std::move(item));
}

// Several input sources: parallel runs the command for every combination of one item of each,
// {N} the Nth source's item and {} all of them (appended when the command names none); at most
// 16 combinations. An item only known at run time is an unknown variable, as with one source.
Stream ParallelCombinations(Call& c, const std::vector<Expanded>& command,
                            const std::vector<std::vector<Expanded>>& sources, const ParallelOptions& options) {
  std::string line;
  for (const auto& w : command) line += (line.empty() ? "" : " ") + (options.quote ? SingleQuoted(w.text) : w.text);
  auto word = [](const Expanded& a) {
    return (a.bits & kArgDynamic) && !a.taint.tainted() ? std::string("\"${__parallel_item}\"") : SingleQuoted(a.text);
  };
  std::vector<size_t> at(sources.size(), 0);
  Ctx inner = c.an.Inner(c.ctx, "parallel", false, "parallel");
  Stream out;
  for (int combination = 0; combination < 16; ++combination) {
    if (std::any_of(sources.begin(), sources.end(), [](const auto& s) { return s.empty(); })) break;
    std::string code = line, all;
    bool named = false;
    Expanded taint;
    for (size_t n = 0; n < sources.size(); ++n) {
      const Expanded& item = sources[n][at[n]];
      all += (all.empty() ? "" : " ") + word(item);
      if (item.taint.tainted()) taint.taint = item.taint;
      const std::string ref = "{" + std::to_string(n + 1) + "}";
      for (size_t p = code.find(ref); p != std::string::npos; p = code.find(ref, p + 1)) {
        code.replace(p, ref.size(), word(item));
        named = true;
      }
    }
    if (code.find("{}") != std::string::npos) {
      code = Substituted({PlainWord(code)}, "{}", PlainWord(all))[0].text;
    } else if (!named) {
      code += " " + all;
    }
    Expanded run = PlainWord(code);
    run.taint = taint.taint;
    out = c.an.CodeString(run, "parallel", c.st, inner);
    size_t n = sources.size();  // the next combination, the last source fastest
    while (n > 0 && ++at[n - 1] == sources[n - 1].size()) at[--n] = 0;
    if (n == 0) break;
  }
  return out;
}

Stream Parallel(Call& c) {
  size_t i = ParallelCommandStart(c.argv);
  const ParallelOptions options = ReadParallelOptions(c.argv, i);
  size_t sep = i;
  while (sep < c.argv.size() && !IsSeparator(c.argv[sep].text)) ++sep;
  std::vector<Expanded> command(c.argv.begin() + static_cast<std::ptrdiff_t>(i),
                                c.argv.begin() + static_cast<std::ptrdiff_t>(sep));
  std::vector<std::vector<Expanded>> sources;  // each ::: / :::: / -a is one input source
  bool files = false;  // after ::::, the words are files whose lines are the items
  for (size_t k = sep; k < c.argv.size(); ++k) {
    if (IsSeparator(c.argv[k].text)) {
      files = c.argv[k].text == "::::";
      sources.emplace_back();
    } else if (files) {
      FileItems(c, k, &sources.back());
    } else {
      sources.back().push_back(c.argv[k]);
    }
  }
  for (size_t at : options.arg_files) FileItems(c, at, &sources.emplace_back());
  if (sources.size() > 1 && !command.empty()) return ParallelCombinations(c, command, sources, options);
  std::vector<Expanded> args;
  for (auto& source : sources) args.insert(args.end(), source.begin(), source.end());
  if (command.empty() && sep >= c.argv.size() && ParallelOnlyInforms(c.argv)) return UnknownStream(c.name());
  if (sep >= c.argv.size() && options.arg_files.empty()) args = ParallelInput(c);
  Ctx inner = c.an.Inner(c.ctx, "parallel", false, "parallel");
  Stream out;
  if (command.empty()) {
    for (const auto& a : args) out = c.an.CodeString(a, "parallel", c.st, inner);
    return out;
  }
  // The command is a shell command line: {} (or the end) gets the argument, quoted as parallel
  // quotes it (`parallel sh -c ::: 'rm -rf ~'` runs sh -c 'rm -rf ~').
  // An item only known at run time is still one quoted word, not code: it stands in as an
  // unknown variable, in every replacement string ({}, {.}, {/}, …); unless it came from the
  // network or a decoder, then the line runs what that gave.
  std::string line;
  for (const auto& w : command) {
    if (!line.empty()) line += ' ';
    line += options.quote ? SingleQuoted(w.text) : w.text;  // -q: the words as they are
  }
  if (options.replace != "{}") line = Substituted({PlainWord(line)}, options.replace, PlainWord("{}"))[0].text;
  line = Substituted({PlainWord(line)}, "{1}", PlainWord("{}"))[0].text;  // one source: {1} is {}
  for (const auto& a : args) {
    Expanded quoted = a;
    const bool opaque = (a.bits & kArgDynamic) && !a.taint.tainted() && !(a.bits & kArgTree);
    if (opaque) {
      quoted.text = "\"${__parallel_item}\"";
    } else if (!(a.bits & (kArgDynamic | kArgTree))) {
      quoted.text = SingleQuoted(a.text);
    }
    std::string code;
    if (opaque) {
      bool replaced = false;
      code = ReplacementStrings(line, quoted.text, &replaced);
      if (!replaced) code += " " + quoted.text;
    } else {
      code = line.find("{}") == std::string::npos ? line + " " + quoted.text
                                                  : Substituted({PlainWord(line)}, "{}", quoted)[0].text;
    }
    Expanded line_code = PlainWord(code, opaque ? 0 : a.bits & kArgDynamic);
    line_code.taint = a.taint;  // items from the network or a decoder: the line runs what they gave
    out = c.an.CodeString(line_code, "parallel", c.st, inner);
  }
  return out;
}

constexpr CommandSpec kModels[] = {
    {"xargs", Family::kWrapper, "adEILnPs", "arg-file delimiter eof replace max-lines max-args max-procs max-chars process-slot-var", true, 0, 0, "", false, Xargs},
    {"parallel", Family::kWrapper, "", "", true, 0, 0, "", false, Parallel},
};

}  // namespace

ModelTable XargsCommands() { return kModels; }

}  // namespace warden::shell
