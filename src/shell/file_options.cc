// Files named by options nobody modelled, for any tool: a long option whose name says it names
// a file (`--index-file=P`, `--log-file P`, `--output=P`, `--pid-file P`, `--rcfile P`) gives a
// fact on P — a write when the name says the tool writes there (output, log, index, dump, pid,
// history, report, save), an access otherwise (the policy decides which places matter, as for
// the operands of programs without a model); `-o P` is a write when P reads as a path, except
// for the tools whose -o is something else (ssh, ps, mount, …). The models read the options they know exactly;
// this is the net under the rest, so a fact may repeat one a model added.
#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxSettingOptions = 32;  // a generated line of thousands of options is not read whole

// "--index-file" → whether it names a file, and whether the tool writes it.
struct FileOption {
  bool names_file = false;
  bool writes = false;
  bool path_only = false;  // only a value that reads as a path (--target x86_64-… is not one)
};

[[gnu::noinline]] FileOption Classify(std::string_view option, bool modelled) {
  FileOption out;
  if (option.size() < 5 || option[0] != '-' || option[1] != '-') return out;
  std::array<char, 48> buffer;
  const size_t n = std::min(option.size() - 2, buffer.size());
  for (size_t i = 0; i < n; ++i) buffer[i] = AsciiLower(option[i + 2]);
  const std::string_view name(buffer.data(), n);
  auto has = [&](std::string_view part) { return name.find(part) != std::string_view::npos; };
  // Every name below holds one of these: most options are rejected here.
  if (!has("out") && !has("file") && !has("std") && !has("junit") && !has("target") && !has("dest")) return out;
  const bool output = has("output") || has("outfile") || has("out-file") || name == "out";
  // Where a tool writes, named without "file": --stderr P, --junitxml P; --target DIR and
  // --dest DIR too, for a tool with a model (for others the word may name what is read).
  static constexpr std::string_view kDestinations[] = {"stderr", "stdout", "junitxml", "junit-xml"};
  if (!output && std::any_of(std::begin(kDestinations), std::end(kDestinations), [&](std::string_view d) { return has(d); })) {
    return FileOption{true, true, true};
  }
  if (!output && (has("target") || has("dest"))) return FileOption{true, modelled, true};
  out.names_file = output || has("file") || has("rcfile") || has("logfile");
  if (!out.names_file) return out;
  // --output-format json, --file-type x: the value is not a file.
  if (has("format") || has("type") || has("mode") || has("level") || has("size") || has("encoding") || has("count")) {
    return FileOption{};
  }
  static constexpr std::string_view kWrites[] = {"log", "index", "dump", "pid", "history", "report", "save", "write", "trace"};
  out.writes = output || std::any_of(std::begin(kWrites), std::end(kWrites), [&](std::string_view w) { return has(w); });
  return out;
}

// A value that can be a path (not -, not a number, not a URL).
bool PathLike(std::string_view value) {
  if (value.empty() || value == "-" || value.size() > 4096) return false;
  if (value.find("://") != std::string_view::npos) return false;
  return !std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A word that reads as a path whatever the option: absolute, ~, ./ or ../, or with a '/'.
bool LooksLikePath(std::string_view word) {
  return PathLike(word) && (word[0] == '/' || word[0] == '~' || word.rfind("./", 0) == 0 || word.rfind("../", 0) == 0 ||
                            word.find('/') != std::string_view::npos);
}

// Tools whose -o is not an output file (ssh -o KEY=V, ps -o FORMAT, mount -o OPTS, …).
bool OtherDashO(std::string_view tool) {
  static constexpr std::string_view kTools[] = {"ssh", "scp", "sftp", "autossh", "sshfs", "mosh", "mount", "ps", "pgrep",
                                                "pkill", "findmnt", "lsblk", "df", "column", "grep", "egrep", "rg",
                                                "ls", "rsync", "git", "xargs", "parallel", "tar", "apt", "apt-get",
                                                "find", "test", "["};  // find's and test's -o is "or"
  return std::find(std::begin(kTools), std::end(kTools), tool) != std::end(kTools);
}

}  // namespace

void Analyzer::FilesInOptions(int index, const CommandSpec& spec, const State& st) {
  const CommandFact& f = Cmd(index);
  struct Found {
    FileOp op;
    std::string option, path;
    uint8_t bits;
  };
  std::vector<Found> found;  // collected first: adding facts may move `f`
  const bool unknown = spec.family == Family::kUnknown;
  for (size_t k = 0; k < f.options.size() && k < kMaxSettingOptions; ++k) {  // options come early
    const Option& o = f.options[k];
    // -o FILE: output, for most tools; and listed short output options (ssh -E LOG).
    const bool dash_o = (o.name == "-o" && !OtherDashO(f.name)) || (o.name == "-E" && (f.name == "ssh" || f.name == "autossh"));
    if (!dash_o && (o.name.size() < 5 || o.name[1] != '-')) continue;
    const FileOption kind = dash_o ? FileOption{true, true} : Classify(o.name, !unknown);
    if (!kind.names_file) continue;
    // A value the model did not read: the next word, for a tool without a model, or when it
    // reads as a path (git log --output FILE).
    const std::string* next = o.arg_index + 1 < f.argv.size() ? &f.argv[o.arg_index + 1] : nullptr;
    const bool take_next = !o.has_value && next != nullptr && !next->empty() && (*next)[0] != '-' &&
                           (LooksLikePath(*next) || (unknown && !dash_o));
    if (!o.has_value && !take_next) continue;
    const std::string& value = o.has_value ? o.value : *next;
    const uint32_t at = std::min<uint32_t>(o.has_value ? o.arg_index : o.arg_index + 1, f.arg_bits.size() - 1);
    if (dash_o || kind.path_only ? LooksLikePath(value) : PathLike(value)) {
      found.push_back({kind.writes ? FileOp::kWrite : FileOp::kAccess, o.name, value, f.arg_bits[at]});
    }
  }
  for (const Found& x : found) AddFile(x.op, x.path, x.bits, false, Cmd(index).name + " " + x.option, index, st);
}

}  // namespace warden::shell
