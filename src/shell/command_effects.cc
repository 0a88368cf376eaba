// What individual commands do to files and where their output comes from: the kEffects
// family of command_specs.cc. Each handler reads the CommandFact built for the command and
// adds FileFacts and SignalFacts; the returned Stream describes its standard output.
#include <algorithm>
#include <unordered_map>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"

namespace warden::shell {
namespace {

enum class Handler {
  kDelete, kCopy, kMove, kLink, kRemoteCopy, kTee, kCreate, kTruncate, kDd, kMode, kRead, kUniq,
  kSearch, kSearchRecursive, kSed, kJq, kEdit, kTar, kZip, kUnzip, kCompress, kCurl, kWget, kFind,
  kGit, kNetcat, kSsh, kSort,
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
      {"socat", Handler::kNetcat}, {"ssh", Handler::kSsh},
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
  // Copy what we need: handlers that run inner commands add to out_->commands.
  const CommandFact f = Cmd(index);
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
      operands_from(0, shred_only ? FileOp::kWrite : FileOp::kDelete, name == "rm" && recursive_flag);
      return Stream{};
    }
    case Handler::kCopy: Copy(index, st, false); return Stream{};
    case Handler::kMove: Copy(index, st, true); return Stream{};
    case Handler::kLink: {
      if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
        AddFile(FileOp::kWrite, t->value, 0, false, name, index, st);
      } else if (f.operands.size() >= 2) {
        AddOperandFile(FileOp::kWrite, index, f.operands.back(), false, name, st);
      } else if (f.operands.size() == 1) {
        AddFile(FileOp::kWrite, std::string(Basename(f.argv[f.operands[0]])), f.arg_bits[f.operands[0]], false,
                name, index, st);
      }
      return Stream{};
    }
    case Handler::kRemoteCopy: Remote(index, st, name); return Stream{};
    case Handler::kTee: operands_from(0, FileOp::kWrite, false); return in;
    case Handler::kCreate: {
      operands_from(0, FileOp::kWrite, false);
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
    case Handler::kTar: Tar(index, st); return Make(Stream::Kind::kUnknown, name);
    case Handler::kZip:
      if (!f.operands.empty()) AddOperandFile(FileOp::kWrite, index, f.operands[0], false, name, st);
      operands_from(1, FileOp::kRead, recursive_flag);
      return Stream{};
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
    case Handler::kFind: return Find(index, st, ctx);
    case Handler::kGit: Git(index, st); return Make(Stream::Kind::kUnknown, name);
    case Handler::kNetcat:
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, name + " sends " + in.text + " over the network", index);
      }
      return Make(Stream::Kind::kFetched, name);
    case Handler::kSsh: {
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, "ssh sends " + in.text + " to a remote host", index);
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
  const CommandFact f = Cmd(index);
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
  const CommandFact f = Cmd(index);
  bool recursive = move || HasOption(f.options, {"-r", "-R", "-a", "--recursive", "--archive"});
  std::vector<uint32_t> sources = f.operands;
  if (const Option* t = FindOption(f.options, {"-t", "--target-directory"}); t && t->has_value) {
    AddFile(FileOp::kWrite, t->value, 0, recursive, f.name, index, st);
  } else if (sources.size() >= 2 && !(f.name == "install" && HasOption(f.options, {"-d", "--directory"}))) {
    AddOperandFile(FileOp::kWrite, index, sources.back(), recursive, f.name, st);
    sources.pop_back();
  } else if (f.name == "install") {
    for (uint32_t s : sources) AddOperandFile(FileOp::kWrite, index, s, false, f.name, st);
    return;
  }
  for (uint32_t s : sources) {
    AddOperandFile(FileOp::kRead, index, s, recursive, f.name, st);
    if (move) AddOperandFile(FileOp::kDelete, index, s, true, f.name, st);
  }
}

void Analyzer::Remote(int index, const State& st, std::string_view tool) {
  const CommandFact f = Cmd(index);
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
    bool deletes = std::any_of(f.options.begin(), f.options.end(),
                               [](const Option& o) { return o.name.rfind("--delete", 0) == 0; });
    if (deletes) AddOperandFile(FileOp::kDelete, index, dest, true, tool, st);
  }
}

void Analyzer::Git(int index, const State& st) {
  const CommandFact f = Cmd(index);
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
  if (sub == "clean" && HasOption(f.options, {"-f", "--force"})) {
    AddFile(FileOp::kDelete, "**", kArgPattern, true, "git clean", index, where);
  } else if (sub == "rm") {
    bool recursive = HasOption(f.options, {"-r"});
    for (size_t k = 1; k < f.operands.size(); ++k) {
      AddOperandFile(FileOp::kDelete, index, f.operands[k], recursive, "git rm", where);
    }
  }
}

void Analyzer::Tar(int index, const State& st) {
  CommandFact f = Cmd(index);
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
  const CommandFact f = Cmd(index);
  bool to_stdout = true;
  std::string out_dir;
  if (const Option* d = FindOption(f.options, {"--output-dir"}); d && d->has_value) out_dir = d->value;
  auto upload = [&](const std::string& path, std::string_view how) {
    if (path == "-") {
      if (in.kind == Stream::Kind::kFile) {
        Signal(kSignalUpload, "curl " + std::string(how) + " sends " + in.text, index);
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
  const CommandFact f = Cmd(index);
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
  const CommandFact f = Cmd(index);
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
