// What individual commands do to files and where their output comes from: the kEffects
// family of command_specs.cc. Each handler reads the CommandFact built for the command and
// adds FileFacts and SignalFacts; the returned Stream describes its standard output.
#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

enum class Handler {
  kDelete, kCopy, kMove, kLink, kRemoteCopy, kTee, kCreate, kTruncate, kDd, kMode, kRead, kUniq,
  kSearch, kSearchRecursive, kSed, kJq, kEdit, kTar, kZip, kUnzip, kCompress, kCurl, kWget, kFind,
  kGit, kNetcat, kSsh, kSort, kSponge, kPatch, kFetch,
};

const std::unordered_map<std::string_view, Handler>& Handlers() {
  static const std::unordered_map<std::string_view, Handler> kMap = {
      {"rm", Handler::kDelete}, {"unlink", Handler::kDelete}, {"rmdir", Handler::kDelete},
      {"shred", Handler::kDelete}, {"srm", Handler::kDelete}, {"trash", Handler::kDelete},
      {"trash-put", Handler::kDelete}, {"cp", Handler::kCopy}, {"install", Handler::kCopy},
      {"mv", Handler::kMove}, {"ln", Handler::kLink}, {"rsync", Handler::kRemoteCopy},
      {"scp", Handler::kRemoteCopy}, {"tee", Handler::kTee}, {"touch", Handler::kCreate},
      {"mkdir", Handler::kCreate}, {"mkfifo", Handler::kCreate}, {"mknod", Handler::kCreate},
      {"truncate", Handler::kTruncate}, {"dd", Handler::kDd}, {"chmod", Handler::kMode},
      {"chown", Handler::kMode}, {"chgrp", Handler::kMode}, {"chattr", Handler::kMode},
      {"setfacl", Handler::kMode}, {"uniq", Handler::kUniq}, {"sort", Handler::kSort},
      {"grep", Handler::kSearch}, {"egrep", Handler::kSearch}, {"fgrep", Handler::kSearch},
      {"zgrep", Handler::kSearch}, {"rg", Handler::kSearchRecursive}, {"ag", Handler::kSearchRecursive},
      {"ack", Handler::kSearchRecursive}, {"sed", Handler::kSed}, {"jq", Handler::kJq}, {"yq", Handler::kJq},
      {"vim", Handler::kEdit}, {"vi", Handler::kEdit}, {"nvim", Handler::kEdit}, {"nano", Handler::kEdit},
      {"emacs", Handler::kEdit}, {"code", Handler::kEdit}, {"tar", Handler::kTar}, {"zip", Handler::kZip},
      {"unzip", Handler::kUnzip}, {"gzip", Handler::kCompress}, {"gunzip", Handler::kCompress},
      {"bzip2", Handler::kCompress}, {"xz", Handler::kCompress}, {"zstd", Handler::kCompress},
      {"curl", Handler::kCurl}, {"wget", Handler::kWget}, {"find", Handler::kFind}, {"git", Handler::kGit},
      {"nc", Handler::kNetcat}, {"ncat", Handler::kNetcat}, {"netcat", Handler::kNetcat},
      {"socat", Handler::kNetcat}, {"ssh", Handler::kSsh}, {"rimraf", Handler::kDelete},
      {"sponge", Handler::kSponge}, {"patch", Handler::kPatch}, {"ed", Handler::kEdit}, {"ex", Handler::kEdit},
      {"aria2c", Handler::kFetch},
  };
  return kMap;
}

Stream Make(Stream::Kind kind, std::string source, std::string text = {}) {
  Stream s;
  s.kind = kind;
  s.source = std::move(source);
  s.text = std::move(text);
  return s;
}

// A remote rsync/scp location: [user@]host:path or rsync://… (a colon before any slash).
bool IsRemoteSpec(std::string_view s) {
  if (s.rfind("rsync://", 0) == 0) return true;
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  size_t slash = s.find('/');
  return slash == std::string_view::npos || colon < slash;
}

// The file name curl -O / wget would save a URL under.
std::string UrlFileName(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  size_t slash = url.find('/');
  if (slash == std::string_view::npos) return {};
  url.remove_prefix(slash);
  url = url.substr(0, url.find_first_of("?#"));
  return std::string(Basename(url));
}

bool LooksLikeMode(std::string_view s) {
  if (s.empty()) return false;
  if (s.find_first_not_of("01234567") == std::string_view::npos) return true;
  return s.find_first_not_of("ugoarwxXst+-=,01234567") == std::string_view::npos &&
         s.find_first_of("+-=") != std::string_view::npos;
}

bool IsUrl(std::string_view s) { return s.find("://") != std::string_view::npos; }

}  // namespace

bool IsFetcher(std::string_view name) {
  static constexpr std::string_view kNames[] = {"curl", "wget", "fetch", "aria2c", "http", "https", "xh",
                                                "lwp-request", "GET", "nc", "ncat", "netcat", "socat",
                                                "telnet", "ssh", "ftp", "tftp", "lynx", "links"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool IsNetworkSender(std::string_view name) {
  static constexpr std::string_view kNames[] = {"nc", "ncat", "netcat", "socat", "telnet", "ssh"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

Stream Analyzer::Effects(int index, State& st, const Ctx& ctx, const Stream& in) {
  // Facts::commands is a deque: handlers that add inner commands leave `f` in place.
  const CommandFact& f = Cmd(index);
  const std::string& name = f.name;
  auto it = Handlers().find(LookupCommand(name).name);
  if (it == Handlers().end()) {
    // Plain readers: cat, head, wc, base64, …
    for (uint32_t op : f.operands) {
      if (f.argv[op] != "-") AddOperandFile(FileOp::kRead, index, op, false, name, st);
    }
    const std::string_view family = LookupCommand(name).name;
    bool decode = ((family == "base64" || family == "base32" || family == "basenc") &&
                   HasOption(f.options, {"-d", "--decode"})) ||
                  (family == "xxd" && HasOption(f.options, {"-r", "--revert"}));
    if (decode) return in.tainted() ? in : Make(Stream::Kind::kDecoded, name + " -d");
    if (family == "cat" && f.operands.size() == 1 && f.argv[f.operands[0]] != "-") {
      // The output is the file: its text if it was written earlier in this command.
      bool dynamic = false;
      for (const auto& p : Resolve(f.argv[f.operands[0]], st, &dynamic)) {
        if (auto c = contents_.find(FollowLinks(p)); !dynamic && c != contents_.end()) {
          return LiteralStream(c->second, "cat");
        }
      }
      return Make(Stream::Kind::kFile, "cat", f.argv[f.operands[0]]);
    }
    if (family == "cat" && f.operands.empty()) return in;
    return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
  }
  auto operands_from = [&](size_t first, FileOp op, bool recursive) {
    for (size_t k = first; k < f.operands.size(); ++k) {
      if (f.argv[f.operands[k]] != "-") AddOperandFile(op, index, f.operands[k], recursive, name, st);
    }
  };
  const bool recursive_flag = HasOption(f.options, {"-r", "-R", "--recursive"});
  switch (it->second) {
    case Handler::kDelete: {
      bool shred_only = name == "shred" && !HasOption(f.options, {"-u", "--remove"});
      bool recursive = (name == "rm" && recursive_flag) || name == "rimraf";
      operands_from(0, shred_only ? FileOp::kWrite : FileOp::kDelete, recursive);
      return Stream{};
    }
    case Handler::kCopy: Copy(index, st, false); return Stream{};
    case Handler::kMove: Copy(index, st, true); return Stream{};
    case Handler::kLink: Link(index, st); return Stream{};
    case Handler::kRemoteCopy: Remote(index, st, ctx, name); return Stream{};
    case Handler::kTee: {
      operands_from(0, FileOp::kWrite, false);
      for (uint32_t op : f.operands) {
        bool dynamic = false;
        for (const auto& p : Resolve(f.argv[op], st, &dynamic)) {
          if (dynamic) break;
          std::string real = FollowLinks(p);
          if (in.tainted()) tainted_[real] = in.source;
          if (in.kind == Stream::Kind::kLiteral) contents_[real] = in.text;
        }
      }
      return in;
    }
    case Handler::kCreate: {
      operands_from(0, FileOp::kWrite, false);
      return Stream{};
    }
    case Handler::kSponge: operands_from(0, FileOp::kWrite, false); return Stream{};
    case Handler::kPatch: {
      // patch writes the files its input names: unknown here, so anything below the directory.
      std::string dir = ".";
      if (const Option* d = FindOption(f.options, {"-d", "--directory"}); d && d->has_value) dir = d->value;
      if (const Option* o = FindOption(f.options, {"-o", "--output"}); o && o->has_value) {
        AddFile(FileOp::kWrite, o->value, 0, false, name, index, st);
      } else if (!f.operands.empty()) {
        AddOperandFile(FileOp::kWrite, index, f.operands[0], false, name, st);
      } else {
        AddFile(FileOp::kWrite, JoinPath(dir, "**"), kArgPattern, true, name, index, st);
      }
      return Stream{};
    }
    case Handler::kTruncate:
      if (const Option* r = FindOption(f.options, {"-r", "--reference"}); r && r->has_value) {
        AddFile(FileOp::kRead, r->value, 0, false, name, index, st);
      }
      operands_from(0, FileOp::kWrite, false);
      return Stream{};
    case Handler::kDd: {
      bool has_of = false;
      Stream out = in;
      for (uint32_t op : f.operands) {
        const std::string& a = f.argv[op];
        if (a.rfind("if=", 0) == 0) {
          AddFile(FileOp::kRead, a.substr(3), f.arg_bits[op], false, "dd", index, st);
          out = Make(Stream::Kind::kFile, "dd", a.substr(3));
        } else if (a.rfind("of=", 0) == 0) {
          AddFile(FileOp::kWrite, a.substr(3), f.arg_bits[op], false, "dd", index, st);
          has_of = true;
        }
      }
      return has_of ? Stream{} : out;
    }
    case Handler::kMode: {
      size_t first = 0;
      bool reference = HasOption(f.options, {"--reference"});
      if (!reference && !f.operands.empty() && name != "setfacl") {
        const std::string& a = f.argv[f.operands[0]];
        bool first_is_spec = name == "chattr" ? (a[0] == '+' || a[0] == '=') : true;
        if (name == "chmod") {
          bool option_mode = std::any_of(f.options.begin(), f.options.end(), [](const Option& o) {
            return o.name.size() == 2 && std::string_view("rwxXst").find(o.name[1]) != std::string_view::npos;
          });
          first_is_spec = LooksLikeMode(a) || !option_mode;
        }
        if (first_is_spec) first = 1;
      }
      operands_from(first, FileOp::kWrite, recursive_flag);
      return Stream{};
    }
    case Handler::kRead: operands_from(0, FileOp::kRead, false); return Stream{};
    case Handler::kUniq:
      if (!f.operands.empty()) AddOperandFile(FileOp::kRead, index, f.operands[0], false, name, st);
      if (f.operands.size() > 1) AddOperandFile(FileOp::kWrite, index, f.operands[1], false, name, st);
      return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
    case Handler::kSort:
      if (const Option* o = FindOption(f.options, {"-o", "--output"}); o && o->has_value) {
        AddFile(FileOp::kWrite, o->value, 0, false, name, index, st);
      }
      operands_from(0, FileOp::kRead, false);
      return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
    case Handler::kSearch:
    case Handler::kSearchRecursive: {
      bool pattern_given = HasOption(f.options, {"-e", "-f", "--regexp", "--file"});
      if (const Option* o = FindOption(f.options, {"-f", "--file"}); o && o->has_value) {
        AddFile(FileOp::kRead, o->value, 0, false, name, index, st);
      }
      bool recursive = it->second == Handler::kSearchRecursive || recursive_flag ||
                       HasOption(f.options, {"--dereference-recursive"});
      size_t first = pattern_given ? 0 : 1;
      if (recursive && f.operands.size() <= first) {
        AddFile(FileOp::kRead, ".", 0, true, name, index, st);
      }
      operands_from(first, FileOp::kRead, recursive);
      return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
    }
    case Handler::kSed: {
      bool script_given = HasOption(f.options, {"-e", "-f", "--expression", "--file"});
      if (const Option* o = FindOption(f.options, {"-f", "--file"}); o && o->has_value) {
        AddFile(FileOp::kRead, o->value, 0, false, name, index, st);
      }
      // The scripts: `e CMD` runs CMD, `s///e` runs the result, `w FILE` writes FILE.
      std::vector<std::string> scripts;
      for (const auto& o : f.options) {
        if ((o.name == "-e" || o.name == "--expression") && o.has_value) scripts.push_back(o.value);
      }
      if (!script_given && !f.operands.empty()) scripts.push_back(f.argv[f.operands[0]]);
      static const RE2 kExec(R"((?:^|[;\n{}])\s*(?:[0-9$,]+|/[^/]*/)?\s*e\s+([^;\n}]+))");
      static const RE2 kWrite(R"((?:^|[;\n{}])\s*(?:[0-9$,]+|/[^/]*/)?\s*[wW]\s+(\S+))");
      static const RE2 kSubstExec(R"(s(.).*?.*[^\\]?[gpIiMm0-9]*e[gpIiMm0-9]*(?:$|[;\n}]))");
      for (const auto& script : scripts) {
        re2::StringPiece input(script);
        std::string cmd;
        int guard = 0;
        while (guard++ < 16 && RE2::FindAndConsume(&input, kExec, &cmd)) {
          Expanded e;
          e.text = cmd;
          CodeString(e, "sed e", st, Inner(ctx, "sed", false));
        }
        input = re2::StringPiece(script);
        std::string file;
        guard = 0;
        while (guard++ < 16 && RE2::FindAndConsume(&input, kWrite, &file)) {
          AddFile(FileOp::kWrite, file, 0, false, "sed w", index, st);
        }
        if (script.size() > 3 && script[0] == 's' && (script.back() == 'e' || script.find("/e;") != std::string::npos ||
                                                      script.find("/ge") != std::string::npos ||
                                                      script.find("/eg") != std::string::npos)) {
          Signal(kSignalDynamicScript, "sed s///e runs the text it produces as a command", index);
          // The replacement is (part of) what runs: analyze it too.
          char sep = script[1];
          size_t a = script.find(sep, 2), b = a == std::string::npos ? a : script.find(sep, a + 1);
          if (b != std::string::npos) {
            Expanded e;
            e.text = script.substr(a + 1, b - a - 1);
            CodeString(e, "sed s///e", st, Inner(ctx, "sed", false));
          }
        }
      }
      bool in_place = HasOption(f.options, {"-i", "--in-place"});
      size_t first = script_given ? 0 : 1;
      operands_from(first, FileOp::kRead, false);
      if (in_place) operands_from(first, FileOp::kWrite, false);
      return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
    }
    case Handler::kJq: {
      bool filter_file = HasOption(f.options, {"-f", "--from-file"});
      operands_from(filter_file ? 0 : 1, FileOp::kRead, false);
      return in.tainted() ? in : Make(Stream::Kind::kUnknown, name);
    }
    case Handler::kEdit:
      operands_from(0, FileOp::kRead, false);
      operands_from(0, FileOp::kWrite, false);
      return Stream{};
    case Handler::kTar: Tar(index, st, ctx); return Make(Stream::Kind::kUnknown, name);
    case Handler::kZip: {
      // zip -TT CMD / --unzip-command CMD: the test command is a shell command.
      for (const auto& o : f.options) {
        if ((o.name == "-TT" || o.name == "--unzip-command") && o.has_value) {
          Expanded e;
          e.text = o.value;
          CodeString(e, "zip -TT", st, Inner(ctx, "zip", false));
        }
      }
      for (size_t k = 0; k + 1 < f.argv.size(); ++k) {
        if (f.argv[k] == "-TT") {
          Expanded e;
          e.text = f.argv[k + 1];
          CodeString(e, "zip -TT", st, Inner(ctx, "zip", false));
        }
      }
      if (!f.operands.empty()) AddOperandFile(FileOp::kWrite, index, f.operands[0], false, name, st);
      operands_from(1, FileOp::kRead, recursive_flag);
      return Stream{};
    }
    case Handler::kUnzip: {
      if (!f.operands.empty()) AddOperandFile(FileOp::kRead, index, f.operands[0], false, name, st);
      std::string dir = ".";
      if (const Option* d = FindOption(f.options, {"-d"}); d && d->has_value) dir = d->value;
      AddFile(FileOp::kWrite, JoinPath(dir, "**"), kArgPattern, true, name, index, st);
      return Stream{};
    }
    case Handler::kCompress: {
      bool to_stdout = HasOption(f.options, {"-c", "--stdout", "--to-stdout"});
      bool decompress = name == "gunzip" || HasOption(f.options, {"-d", "--decompress", "--uncompress"});
      operands_from(0, FileOp::kRead, recursive_flag);
      if (!to_stdout) operands_from(0, FileOp::kWrite, recursive_flag);
      if (decompress && (to_stdout || f.operands.empty())) {
        return in.tainted() ? in : Make(Stream::Kind::kDecoded, name + " -d");
      }
      return Stream{};
    }
    case Handler::kCurl: return Curl(index, st, in);
    case Handler::kWget: return Wget(index, st);
    case Handler::kFetch: {
      // aria2c: downloads to -o NAME in -d DIR (or the URL's name).
      std::string dir = ".";
      if (const Option* d = FindOption(f.options, {"-d", "--dir"}); d && d->has_value) dir = d->value;
      std::string out;
      if (const Option* o = FindOption(f.options, {"-o", "--out"}); o && o->has_value) out = o->value;
      for (uint32_t op : f.operands) {
        std::string file = out.empty() ? UrlFileName(f.argv[op]) : out;
        if (file.empty()) continue;
        std::string target = JoinPath(dir, file);
        AddFile(FileOp::kWrite, target, f.arg_bits[op], false, name, index, st);
        Taint(target, f.arg_bits[op], st, name);
      }
      return Stream{};
    }
    case Handler::kFind: return Find(index, st, ctx);
    case Handler::kGit: Git(index, st, ctx); return Make(Stream::Kind::kUnknown, name);
    case Handler::kNetcat:
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, name + " sends " + in.text + " over the network", index);
      } else if (in.kind != Stream::Kind::kNone) {
        Signal(kSignalUpload, name + " sends the output of " + (in.source.empty() ? "a command" : in.source) +
                                  " over the network", index);
      }
      return Make(Stream::Kind::kFetched, name);
    case Handler::kSsh: {
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, "ssh sends " + in.text + " to a remote host", index);
      } else if (in.kind != Stream::Kind::kNone && in.kind != Stream::Kind::kLiteral) {
        Signal(kSignalUpload, "ssh sends the output of " + (in.source.empty() ? "a command" : in.source) +
                                  " to a remote host", index);
      }
      // -o ProxyCommand=… / LocalCommand=… run locally through a shell.
      for (size_t k = 1; k < f.argv.size(); ++k) {
        std::string opt;
        if (f.argv[k] == "-o" && k + 1 < f.argv.size()) {
          opt = f.argv[k + 1];
        } else if (f.argv[k].rfind("-o", 0) == 0 && f.argv[k].size() > 2) {
          opt = f.argv[k].substr(2);
        } else {
          continue;
        }
        std::string lower = ToLower(opt);
        for (std::string_view key : {"proxycommand", "localcommand", "knownhostscommand"}) {
          if (lower.rfind(key, 0) != 0) continue;
          size_t sep = opt.find_first_of("= ", key.size());
          if (sep == std::string::npos) continue;
          Expanded e;
          e.text = opt.substr(sep + 1);
          CodeString(e, "ssh -o " + std::string(key), st, Inner(ctx, "ssh", false));
        }
      }
      if (f.operands.size() > 1) {
        Expanded code;
        for (size_t k = 1; k < f.operands.size(); ++k) {
          if (k > 1) code.text += ' ';
          code.text += f.argv[f.operands[k]];
          code.bits |= f.arg_bits[f.operands[k]];
        }
        State remote = st;
        remote.cwds.clear();
        remote.cwd_unknown = true;
        Ctx c = Inner(ctx, "ssh", false);
        c.remote = true;
        CodeString(code, "ssh", remote, c);
      }
      return Make(Stream::Kind::kFetched, "ssh");
    }
  }
  return Make(Stream::Kind::kUnknown, name);
}

void Analyzer::GuessedReads(int index, const State& st) {
  const CommandFact& f = Cmd(index);
  for (uint32_t op : f.operands) {
    const std::string& a = f.argv[op];
    if (a.empty() || IsUrl(a)) continue;
    AddOperandFile(FileOp::kRead, index, op, false, f.name, st, true);
  }
  for (const Option& o : f.options) {
    if (!o.has_value || o.value.empty() || IsUrl(o.value)) continue;
    const std::string& v = o.value;
    // Values that look like file names: a path, or a name with an extension.
    bool path_like = v[0] == '/' || v[0] == '~' || v.find('/') != std::string::npos ||
                     (v.find('.') != std::string::npos && v.find(' ') == std::string::npos);
    if (path_like) {
      std::string home = opt_.home;
      if (auto h = st.vars.find("HOME"); h != st.vars.end() && h->second.known) home = h->second.text;
      AddFile(FileOp::kRead, ExpandTilde(v, home), f.arg_bits[o.arg_index], false, f.name, index, st, true);
    }
  }
}

void Analyzer::Copy(int index, const State& st, bool move) {
  const CommandFact& f = Cmd(index);
  bool recursive = move || HasOption(f.options, {"-r", "-R", "-a", "--recursive", "--archive"});
  std::vector<uint32_t> sources = f.operands;
  std::string dest;
  uint8_t dest_bits = 0;
  bool into_dir = false;
  if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
    dest = t->value;
    into_dir = true;
  } else if (f.name == "install" && HasOption(f.options, {"-d", "--directory"})) {
    for (uint32_t s : sources) AddOperandFile(FileOp::kWrite, index, s, false, f.name, st);
    return;
  } else if (sources.size() >= 2) {
    dest = f.argv[sources.back()];
    dest_bits = f.arg_bits[sources.back()];
    sources.pop_back();
    into_dir = sources.size() > 1 || (!dest.empty() && dest.back() == '/') || dest == "." || dest == "..";
  }
  for (uint32_t s : sources) {
    AddOperandFile(FileOp::kRead, index, s, recursive, f.name, st);
    if (move) AddOperandFile(FileOp::kDelete, index, s, true, f.name, st);
  }
  if (dest.empty()) return;
  // The written path: DEST, or DEST/NAME when copying into a directory. When it is not
  // known whether DEST is a directory, both.
  for (uint32_t s : sources) {
    const std::string& src = f.argv[s];
    std::string base(Basename(src == "." ? std::string() : src));
    std::vector<std::string> targets;
    if (!into_dir) targets.push_back(dest);
    if ((into_dir || !base.empty()) && !(f.arg_bits[s] & kArgDynamic) && !base.empty() && base != "." && base != "..") {
      targets.push_back(JoinPath(dest, base));
    } else if (into_dir) {
      targets.push_back(dest);
    }
    for (const auto& t : targets) {
      AddFile(FileOp::kWrite, t, dest_bits, recursive, f.name, index, st);
      // What the copy carries along: download taint, known text, the program's name.
      bool dyn1 = false, dyn2 = false;
      auto from = Resolve(src, st, &dyn1), to = Resolve(t, st, &dyn2);
      if (dyn1 || dyn2 || from.size() != 1 || to.size() != 1) continue;
      std::string a = FollowLinks(from[0]), b = FollowLinks(to[0]);
      if (auto it = tainted_.find(a); it != tainted_.end()) tainted_[b] = it->second;
      if (auto it = contents_.find(a); it != contents_.end()) contents_[b] = it->second;
      std::string original = exec_names_.count(a) ? exec_names_[a] : std::string(Basename(a));
      exec_names_[b] = original;
    }
  }
}

void Analyzer::Link(int index, const State& st) {
  const CommandFact& f = Cmd(index);
  const bool symbolic = HasOption(f.options, {"-s", "--symbolic"});
  std::vector<uint32_t> targets = f.operands;
  std::string link;
  if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
    for (uint32_t op : targets) {
      std::string l = JoinPath(t->value, std::string(Basename(f.argv[op])));
      AddFile(FileOp::kWrite, l, 0, false, f.name, index, st);
    }
    return;
  }
  if (targets.empty()) return;
  if (targets.size() >= 2) {
    link = f.argv[targets.back()];
    targets.pop_back();
  } else {
    link = std::string(Basename(f.argv[targets[0]]));
  }
  AddFile(FileOp::kWrite, link, 0, false, f.name, index, st);
  if (targets.size() != 1 || (f.arg_bits[targets[0]] & kArgDynamic)) return;
  // Remember the link, so later paths through it are seen for what they are.
  bool dyn1 = false, dyn2 = false;
  auto links = Resolve(link, st, &dyn1);
  std::string target = f.argv[targets[0]];
  std::vector<std::string> resolved;
  if (symbolic && target.front() != '/' && links.size() == 1) {
    // A relative symlink target is relative to the link's directory.
    std::string dir = links[0].substr(0, links[0].rfind('/'));
    resolved = {NormalizePath(JoinPath(dir.empty() ? "/" : dir, target))};
  } else {
    resolved = Resolve(target, st, &dyn2);
  }
  if (dyn1 || dyn2 || links.size() != 1 || resolved.size() != 1) return;
  links_[links[0]] = FollowLinks(resolved[0]);
}

void Analyzer::Remote(int index, State& st, const Ctx& ctx, std::string_view tool) {
  const CommandFact& f = Cmd(index);
  // rsync -e/--rsh CMD, scp -S PROGRAM: the remote shell is a local command.
  for (const auto& o : f.options) {
    if (((o.name == "-e" || o.name == "--rsh") && tool == "rsync") || (o.name == "-S" && tool == "scp")) {
      if (!o.has_value) continue;
      Expanded e;
      e.text = o.value;
      CodeString(e, std::string(tool) + " " + o.name, st, Inner(ctx, std::string(tool), false));
    }
  }
  if (f.operands.empty()) return;
  bool recursive = HasOption(f.options, {"-r", "-a", "--recursive", "--archive"});
  uint32_t dest = f.operands.back();
  bool dest_remote = IsRemoteSpec(f.argv[dest]);
  for (size_t k = 0; k + 1 < f.operands.size(); ++k) {
    uint32_t s = f.operands[k];
    if (IsRemoteSpec(f.argv[s])) continue;
    AddOperandFile(FileOp::kRead, index, s, recursive, tool, st);
    if (dest_remote) {
      Signal(kSignalUpload, std::string(tool) + " sends " + f.argv[s] + " to " + f.argv[dest], index);
    }
  }
  if (!dest_remote && f.operands.size() >= 2) {
    AddOperandFile(FileOp::kWrite, index, dest, recursive, tool, st);
    // Into a directory: the files land as DEST/NAME.
    const std::string& d = f.argv[dest];
    if (!d.empty() && (d.back() == '/' || d == "." || f.operands.size() > 2)) {
      for (size_t k = 0; k + 1 < f.operands.size(); ++k) {
        const std::string& src = f.argv[f.operands[k]];
        if (IsRemoteSpec(src) || src.empty() || src.back() == '/') continue;
        AddFile(FileOp::kWrite, JoinPath(d, std::string(Basename(src))), f.arg_bits[dest], recursive, tool, index, st);
      }
    }
    bool deletes = std::any_of(f.options.begin(), f.options.end(),
                               [](const Option& o) { return o.name.rfind("--delete", 0) == 0; });
    if (deletes) AddOperandFile(FileOp::kDelete, index, dest, true, tool, st);
  }
}

void Analyzer::Git(int index, State& st, const Ctx& ctx) {
  const CommandFact& f = Cmd(index);
  Ctx inner = Inner(ctx, "git", false);
  auto run = [&](std::string text, std::string_view origin) {
    if (!text.empty() && text[0] == '!') text.erase(0, 1);
    Expanded e;
    e.text = std::move(text);
    CodeString(e, origin, st, inner);
  };
  // Configuration whose value git runs as a command.
  auto runs_command = [](std::string_view key, std::string_view value) {
    std::string k = ToLower(key);
    if (k.rfind("alias.", 0) == 0) return !value.empty() && value[0] == '!';
    static constexpr std::string_view kKeys[] = {"core.fsmonitor", "core.sshcommand", "core.pager", "core.editor",
                                                 "core.askpass", "sequence.editor", "diff.external",
                                                 "credential.helper", "gpg.program", "pager.", "uploadpack.packobjectshook"};
    for (auto k2 : kKeys) {
      if (k == k2 || (k2.back() == '.' && k.rfind(k2, 0) == 0)) return true;
    }
    static const RE2 kPattern(R"(^(filter\..*\.(clean|smudge|process)|merge\..*\.driver|diff\..*\.(textconv|command)|(difftool|mergetool)\..*\.cmd|core\.hookspath)$)");
    return RE2::FullMatch(k, kPattern);
  };
  // -u/--upload-pack for clone/fetch/pull/ls-remote and --exec for archive run commands (-u is
  // also push's --set-upstream, which takes no value, so look at the words themselves).
  for (size_t k = 1; k + 1 < f.argv.size(); ++k) {
    const std::string& t = f.argv[k];
    bool takes = (t == "-u" || t == "--upload-pack" || t == "--receive-pack" || t == "--exec");
    bool upload_pack_verb = std::any_of(f.operands.begin(), f.operands.end(), [&](uint32_t op) {
      const std::string& v = f.argv[op];
      return v == "clone" || v == "fetch" || v == "pull" || v == "ls-remote" || v == "archive" || v == "push";
    });
    if (takes && upload_pack_verb && (t != "-u" || std::find(f.operands.begin(), f.operands.end(), k + 1) != f.operands.end())) {
      bool is_push = std::any_of(f.operands.begin(), f.operands.end(), [&](uint32_t op) { return f.argv[op] == "push"; });
      if (!(t == "-u" && is_push)) run(f.argv[k + 1], "git " + t);
    }
    if (t.rfind("--upload-pack=", 0) == 0 || t.rfind("--receive-pack=", 0) == 0 || t.rfind("--exec=", 0) == 0) {
      run(t.substr(t.find('=') + 1), "git " + t.substr(0, t.find('=')));
    }
  }
  for (const auto& o : f.options) {
    if (o.name == "-c" && o.has_value) {
      size_t eq = o.value.find('=');
      if (eq != std::string::npos && runs_command(o.value.substr(0, eq), o.value.substr(eq + 1))) {
        run(o.value.substr(eq + 1), "git -c " + o.value.substr(0, eq));
      }
    }
  }
  if (f.operands.empty()) return;
  State where = st;
  if (const Option* c = FindOption(f.options, {"-C"}); c && c->has_value) {
    std::vector<Expanded> cd(2);
    cd[0].text = "cd";
    cd[1].text = c->value;
    cd[1].bits = f.arg_bits[std::min<size_t>(c->arg_index + 1, f.arg_bits.size() - 1)];
    ChangeDirectory(cd, where);
  }
  const std::string& sub = f.argv[f.operands[0]];
  auto paths_after_dashdash = [&](FileOp op, std::string_view source) {
    bool after = false;
    for (size_t k = f.operands[0] + 1; k < f.argv.size(); ++k) {
      if (f.argv[k] == "--") {
        after = true;
        continue;
      }
      if (after) AddFile(op, f.argv[k], f.arg_bits[k], false, source, index, where);
    }
  };
  if (sub == "clean" && !HasOption(f.options, {"-n", "--dry-run"})) {
    AddFile(FileOp::kDelete, "**", kArgPattern, true, "git clean", index, where);
  } else if (sub == "rm") {
    bool recursive = HasOption(f.options, {"-r"});
    for (size_t k = 1; k < f.operands.size(); ++k) {
      AddOperandFile(FileOp::kDelete, index, f.operands[k], recursive, "git rm", where);
    }
  } else if (sub == "checkout" || sub == "restore") {
    paths_after_dashdash(FileOp::kWrite, "git " + sub);
    if (sub == "restore") {
      for (size_t k = 1; k < f.operands.size(); ++k) {
        AddOperandFile(FileOp::kWrite, index, f.operands[k], true, "git restore", where);
      }
    }
  } else if (sub == "diff" && HasOption(f.options, {"--no-index"})) {
    for (size_t k = 1; k < f.operands.size(); ++k) AddOperandFile(FileOp::kRead, index, f.operands[k], false, "git diff", where);
  } else if (sub == "config") {
    // git config [--global|--system|--file F] KEY VALUE writes a config file; some keys make
    // git run commands later.
    bool reading = HasOption(f.options, {"--get", "--get-all", "--get-regexp", "-l", "--list", "--show-origin"});
    if (!reading && f.operands.size() >= 3) {
      std::string file = ".git/config";
      if (HasOption(f.options, {"--global"})) file = JoinPath(opt_.home, ".gitconfig");
      if (HasOption(f.options, {"--system"})) file = "/etc/gitconfig";
      if (const Option* fo = FindOption(f.options, {"-f", "--file"}); fo && fo->has_value) file = fo->value;
      AddFile(FileOp::kWrite, file, 0, false, "git config", index, where);
      const std::string& key = f.argv[f.operands[1]];
      const std::string& value = f.argv[f.operands[2]];
      if (runs_command(key, value)) run(value, "git config " + key);
    }
  }
}

void Analyzer::Tar(int index, State& st, const Ctx& ctx) {
  CommandFact f = Cmd(index);  // a copy: the bundled options are re-read below
  // Options that make tar run commands: --checkpoint-action=exec=CMD, --to-command=CMD,
  // -I/--use-compress-program=CMD, -F/--info-script=CMD.
  for (size_t k = 1; k < f.argv.size(); ++k) {
    const std::string& t = f.argv[k];
    std::string cmd;
    if (t.rfind("--checkpoint-action=exec=", 0) == 0) {
      cmd = t.substr(25);
    } else if (t.rfind("--to-command=", 0) == 0 || t.rfind("--info-script=", 0) == 0 ||
               t.rfind("--new-volume-script=", 0) == 0 || t.rfind("--use-compress-program=", 0) == 0) {
      cmd = t.substr(t.find('=') + 1);
    } else if ((t == "-I" || t == "-F" || t == "--to-command" || t == "--use-compress-program") && k + 1 < f.argv.size()) {
      cmd = f.argv[k + 1];
    } else {
      continue;
    }
    Expanded e;
    e.text = cmd;
    CodeString(e, "tar " + t.substr(0, t.find('=')), st, Inner(ctx, "tar", false));
  }
  // Old style: "tar czf out.tgz dir" — the first word is a bundle of options.
  std::vector<std::string> texts = f.argv;
  if (texts.size() > 1 && !texts[1].empty() && texts[1][0] != '-' &&
      texts[1].find_first_not_of("abcdfhijklmnoprstuvwxzABCGJKLMNOPSTUVWXZ") == std::string::npos) {
    texts[1] = "-" + texts[1];
    f.options.clear();
    f.operands.clear();
    size_t stop;
    ParseOptions(LookupCommand("tar"), texts, 1, &f.options, &f.operands, &stop);
  }
  State where = st;
  if (const Option* c = FindOption(f.options, {"-C", "--directory"}); c && c->has_value) {
    std::vector<Expanded> cd(2);
    cd[0].text = "cd";
    cd[1].text = c->value;
    ChangeDirectory(cd, where);
  }
  const Option* file = FindOption(f.options, {"-f", "--file"});
  std::string archive = file && file->has_value ? file->value : "-";
  bool create = HasOption(f.options, {"-c", "--create", "-r", "--append", "-u", "--update"});
  bool extract = HasOption(f.options, {"-x", "--extract", "--get"});
  if (create) {
    if (archive != "-") AddFile(FileOp::kWrite, archive, 0, false, "tar", index, st);
    for (uint32_t op : f.operands) {
      AddFile(FileOp::kRead, texts[op], f.arg_bits[op], true, "tar", index, where);
    }
  } else {
    if (archive != "-") AddFile(FileOp::kRead, archive, 0, false, "tar", index, st);
    if (extract) {
      if (f.operands.empty()) {
        AddFile(FileOp::kWrite, "**", kArgPattern, true, "tar -x", index, where);
      } else {
        for (uint32_t op : f.operands) AddFile(FileOp::kWrite, texts[op], f.arg_bits[op], true, "tar -x", index, where);
      }
    }
  }
}

Stream Analyzer::Curl(int index, const State& st, const Stream& in) {
  const CommandFact& f = Cmd(index);
  bool to_stdout = true;
  std::string out_dir;
  if (const Option* d = FindOption(f.options, {"--output-dir"}); d && d->has_value) out_dir = d->value;
  auto upload = [&](const std::string& path, std::string_view how) {
    if (path == "-") {
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, "curl " + std::string(how) + " sends " + in.text, index);
      } else if (in.kind != Stream::Kind::kNone) {
        Signal(kSignalUpload, "curl " + std::string(how) + " sends the output of " +
                                  (in.source.empty() ? std::string("a command") : in.source), index);
      }
      return;
    }
    AddFile(FileOp::kRead, path, 0, false, "curl upload", index, st);
    Signal(kSignalUpload, "curl " + std::string(how) + " sends " + path, index);
  };
  for (const Option& o : f.options) {
    const std::string& n = o.name;
    const std::string& v = o.value;
    if ((n == "-o" || n == "--output") && o.has_value) {
      if (v != "-") {
        std::string target = out_dir.empty() ? v : JoinPath(out_dir, v);
        AddFile(FileOp::kWrite, target, 0, false, "curl -o", index, st);
        Taint(target, 0, st, "curl");
        to_stdout = false;
      }
    } else if (n == "-O" || n == "--remote-name" || n == "--remote-name-all") {
      for (uint32_t op : f.operands) {
        std::string file = UrlFileName(f.argv[op]);
        if (file.empty()) continue;
        std::string target = out_dir.empty() ? file : JoinPath(out_dir, file);
        AddFile(FileOp::kWrite, target, f.arg_bits[op], false, "curl -O", index, st);
        Taint(target, f.arg_bits[op], st, "curl");
      }
      to_stdout = false;
    } else if ((n == "-T" || n == "--upload-file") && o.has_value) {
      upload(v, "--upload-file");
    } else if ((n == "-d" || n == "--data" || n == "--data-binary" || n == "--data-ascii" || n == "--json") &&
               o.has_value && !v.empty() && v[0] == '@') {
      upload(v.substr(1), "--data @file");
    } else if (n == "--data-urlencode" && o.has_value && v.find('@') != std::string::npos &&
               v.find('=') > v.find('@')) {
      upload(v.substr(v.find('@') + 1), "--data-urlencode");
    } else if ((n == "-F" || n == "--form") && o.has_value) {
      size_t eq = v.find('=');
      if (eq != std::string::npos && eq + 1 < v.size() && (v[eq + 1] == '@' || v[eq + 1] == '<')) {
        std::string path = v.substr(eq + 2);
        path = path.substr(0, path.find(';'));
        upload(path, "--form");
      }
    } else if ((n == "-K" || n == "--config" || n == "--netrc-file" || n == "--cacert" || n == "-E" ||
                n == "--cert" || n == "--key") &&
               o.has_value) {
      AddFile(FileOp::kRead, v, 0, false, "curl", index, st);
    } else if ((n == "-c" || n == "--cookie-jar" || n == "-D" || n == "--dump-header" || n == "--trace" ||
                n == "--trace-ascii") &&
               o.has_value && v != "-") {
      AddFile(FileOp::kWrite, v, 0, false, "curl", index, st);
    } else if (n == "-n" || n == "--netrc") {
      AddFile(FileOp::kRead, JoinPath(opt_.home, ".netrc"), 0, false, "curl", index, st);
    }
  }
  return to_stdout ? Make(Stream::Kind::kFetched, "curl") : Stream{};
}

Stream Analyzer::Wget(int index, const State& st) {
  const CommandFact& f = Cmd(index);
  bool to_stdout = false, named = false;
  std::string dir = ".";
  if (const Option* p = FindOption(f.options, {"-P", "--directory-prefix"}); p && p->has_value) dir = p->value;
  for (const Option& o : f.options) {
    const std::string& n = o.name;
    const std::string& v = o.value;
    if ((n == "-O" || n == "--output-document") && o.has_value) {
      named = true;
      if (v == "-") {
        to_stdout = true;
      } else {
        AddFile(FileOp::kWrite, v, 0, false, "wget -O", index, st);
        Taint(v, 0, st, "wget");
      }
    } else if ((n == "-o" || n == "-a" || n == "--output-file" || n == "--append-output") && o.has_value) {
      AddFile(FileOp::kWrite, v, 0, false, "wget", index, st);
    } else if ((n == "--post-file" || n == "--body-file") && o.has_value) {
      AddFile(FileOp::kRead, v, 0, false, "wget upload", index, st);
      Signal(kSignalUpload, "wget " + n + " sends " + v, index);
    } else if ((n == "-i" || n == "--input-file") && o.has_value) {
      AddFile(FileOp::kRead, v, 0, false, "wget", index, st);
    }
  }
  if (!named) {
    bool recursive = HasOption(f.options, {"-r", "--recursive", "-m", "--mirror"});
    for (uint32_t op : f.operands) {
      std::string file = recursive ? std::string("**") : UrlFileName(f.argv[op]);
      if (file.empty()) file = "index.html";
      std::string target = JoinPath(dir, file);
      AddFile(FileOp::kWrite, target, recursive ? static_cast<uint8_t>(kArgPattern) : f.arg_bits[op], recursive, "wget", index, st);
      if (!recursive) Taint(target, f.arg_bits[op], st, "wget");
    }
  }
  return to_stdout ? Make(Stream::Kind::kFetched, "wget") : Stream{};
}

Stream Analyzer::Find(int index, State& st, const Ctx& ctx) {
  const CommandFact& f = Cmd(index);
  const std::vector<std::string>& a = f.argv;
  size_t i = 1;
  while (i < a.size() && (a[i] == "-H" || a[i] == "-L" || a[i] == "-P" || a[i].rfind("-O", 0) == 0 || a[i] == "-D")) {
    if (a[i] == "-D") ++i;
    ++i;
  }
  std::vector<std::pair<std::string, uint8_t>> roots;
  while (i < a.size() && !a[i].empty() && a[i][0] != '-' && a[i] != "(" && a[i] != "!") {
    roots.emplace_back(a[i], f.arg_bits[i]);
    ++i;
  }
  if (roots.empty()) roots.emplace_back(".", 0);
  static constexpr std::string_view kFilters[] = {
      "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-newer",
      "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-user", "-group", "-uid", "-gid",
      "-perm", "-type", "-empty", "-links", "-inum", "-samefile", "-lname", "-ilname"};
  bool filtered = false, deletes = false, alternatives = false;
  std::string name_pattern;  // the one -name/-iname filter, if there is exactly one
  int names = 0;
  std::vector<std::vector<Expanded>> execs;
  for (size_t j = i; j < a.size(); ++j) {
    const std::string& tok = a[j];
    if (std::find(std::begin(kFilters), std::end(kFilters), tok) != std::end(kFilters)) {
      filtered = true;
      if ((tok == "-name" || tok == "-iname") && j + 1 < a.size()) {
        name_pattern = a[j + 1];
        ++names;
      }
    } else if (tok == "-o" || tok == "-or" || tok == "!" || tok == "-not") {
      alternatives = true;
    } else if (tok == "-delete") {
      deletes = true;
    } else if (tok == "-exec" || tok == "-execdir" || tok == "-ok" || tok == "-okdir") {
      std::vector<Expanded> inner;
      size_t k = j + 1;
      for (; k < a.size() && a[k] != ";" && !(a[k] == "+" && !inner.empty() && inner.back().text == "{}"); ++k) {
        Expanded e;
        e.text = a[k];
        e.bits = f.arg_bits[k];
        inner.push_back(std::move(e));
      }
      if (!inner.empty()) execs.push_back(std::move(inner));
      j = k;
    } else if ((tok == "-fprint" || tok == "-fprint0" || tok == "-fls" || tok == "-fprintf") && j + 1 < a.size()) {
      AddFile(FileOp::kWrite, a[j + 1], f.arg_bits[j + 1], false, "find " + tok, index, st);
      ++j;
    }
  }
  // What the matched paths look like: the root itself (no filter), or every path below it,
  // narrowed to ROOT/**/NAME when a single -name says which.
  const bool one_name = names == 1 && !alternatives && name_pattern.find('/') == std::string::npos;
  auto pattern_of = [&](const std::pair<std::string, uint8_t>& root) {
    if (!filtered) return root;
    std::string p = root.first;
    if (p.empty() || p.back() != '/') p += '/';
    p += one_name ? "**/" + name_pattern : std::string("**");
    return std::make_pair(p, static_cast<uint8_t>((root.second & ~kArgGlob) | kArgPattern));
  };
  if (deletes) {
    for (const auto& r : roots) {
      auto [text, bits] = pattern_of(r);
      AddFile(FileOp::kDelete, text, bits, true, "find -delete", index, st);
    }
  }
  Ctx inner_ctx = Inner(ctx, "find", false, "find -exec");
  for (const auto& inner : execs) {
    size_t n = 0;
    for (const auto& r : roots) {
      if (++n > 4) break;
      auto [text, bits] = pattern_of(r);
      std::vector<Expanded> argv = inner;
      for (auto& w : argv) {
        size_t at = w.text.find("{}");
        if (at == std::string::npos) continue;
        while (at != std::string::npos) {
          w.text.replace(at, 2, text);
          at = w.text.find("{}", at + text.size());
        }
        w.bits |= bits | kArgTree;
      }
      Exec(std::move(argv), st, inner_ctx, Stream{});
    }
  }
  return Make(Stream::Kind::kPaths, "find", pattern_of(roots[0]).first);
}

}  // namespace warden::shell
