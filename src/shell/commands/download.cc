// Downloaders: curl and wget print what they fetch (fetched data: running it is running
// downloaded code) or save it (-o/-O/--output-dir, wget's URL name or -r tree, aria2c -o/-d):
// a saved download is remembered, so running the file later is seen. Uploads (curl -T,
// -d @FILE, -F name=@FILE, wget --post-file) read the file and are upload signals.
#include <re2/re2.h>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

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

void SaveDownload(Call& c, const std::string& target, uint8_t bits, std::string_view source) {
  c.File(FileOp::kWrite, target, bits, false, source);
  c.an.Taint(target, bits, c.st, c.name());
}

// curl sends `path` (or, for "-", its input).
void CurlUpload(Call& c, const std::string& path, std::string_view how) {
  if (path != "-") {
    c.File(FileOp::kRead, path, 0, false, "curl upload");
    c.Signal(kSignalUpload, "curl " + std::string(how) + " sends " + path);
  } else if (c.in.kind == Stream::Kind::kFile) {
    c.Signal(kSignalUpload, "curl " + std::string(how) + " sends " + c.in.text);
  } else if (c.in.kind != Stream::Kind::kNone) {
    c.Signal(kSignalUpload, "curl " + std::string(how) + " sends the output of " +
                                (c.in.source.empty() ? std::string("a command") : c.in.source));
  }
}

// The file an upload option sends, or "" if it sends none.
std::string UploadedFile(const Option& o, std::string* how) {
  const std::string& n = o.name;
  const std::string& v = o.value;
  if (!o.has_value) return {};
  if (n == "-T" || n == "--upload-file") {
    *how = "--upload-file";
    return v;
  }
  if ((n == "-d" || n == "--data" || n == "--data-binary" || n == "--data-ascii" || n == "--json") && !v.empty() &&
      v[0] == '@') {
    *how = "--data @file";
    return v.substr(1);
  }
  if (n == "--data-urlencode" && v.find('@') != std::string::npos && v.find('=') > v.find('@')) {
    *how = "--data-urlencode";
    return v.substr(v.find('@') + 1);
  }
  size_t eq = v.find('=');
  if ((n == "-F" || n == "--form") && eq != std::string::npos && eq + 1 < v.size() && (v[eq + 1] == '@' || v[eq + 1] == '<')) {
    *how = "--form";
    std::string path = v.substr(eq + 2);
    return path.substr(0, path.find(';'));
  }
  return {};
}

// Files curl reads or writes besides its output: configs, certificates, cookie jars, traces.
void CurlFiles(Call& c, const Option& o) {
  const std::string& n = o.name;
  if ((n == "-K" || n == "--config" || n == "--netrc-file" || n == "--cacert" || n == "-E" || n == "--cert" ||
       n == "--key") && o.has_value) {
    c.File(FileOp::kRead, o.value, 0, false, "curl");
  } else if ((n == "-c" || n == "--cookie-jar" || n == "-D" || n == "--dump-header" || n == "--trace" ||
              n == "--trace-ascii") && o.has_value && o.value != "-") {
    c.File(FileOp::kWrite, o.value, 0, false, "curl");
  } else if (n == "-n" || n == "--netrc") {
    c.File(FileOp::kRead, JoinPath(c.an.options().home, ".netrc"), 0, false, "curl");
  } else if (n == "--unix-socket" && o.has_value) {
    c.Socket(o.value, c.fact().arg_bits[std::min<size_t>(o.arg_index + 1, c.fact().arg_bits.size() - 1)], "curl --unix-socket");
  }
}

// -O / --remote-name: each URL saved under its own name.
void CurlRemoteNames(Call& c, const std::string& out_dir) {
  const CommandFact& f = c.fact();
  for (uint32_t op : f.operands) {
    std::string file = UrlFileName(f.argv[op]);
    if (file.empty()) continue;
    SaveDownload(c, out_dir.empty() ? file : JoinPath(out_dir, file), f.arg_bits[op], "curl -O");
  }
}

// curl -K FILE written earlier in the same command: its unix-socket and output settings.
void CurlConfig(Call& c, const std::string& file) {
  bool dynamic = false;
  for (const auto& p : c.an.Resolve(file, c.st, &dynamic)) {
    auto it = c.an.memory().contents.find(c.an.FollowLinks(p));
    if (dynamic || it == c.an.memory().contents.end()) continue;
    static const RE2 kSocket(R"((?m)^\s*-{0,2}unix-socket\s*[= :]\s*"?([^"\s]+))");
    static const RE2 kOutput(R"((?m)^\s*-{0,2}(?:output|o)\s*[= :]\s*"?([^"\s]+))");
    std::string value;
    if (RE2::PartialMatch(it->second, kSocket, &value)) c.Socket(value, 0, "curl -K unix-socket");
    if (RE2::PartialMatch(it->second, kOutput, &value)) c.File(FileOp::kWrite, value, 0, false, "curl -K output");
  }
}

Stream Curl(Call& c) {
  const CommandFact& f = c.fact();
  if (const Option* k = FindOption(f.options, {"-K", "--config"}); k && k->has_value) CurlConfig(c, k->value);
  bool to_stdout = true;
  std::string out_dir;
  if (const Option* d = FindOption(f.options, {"--output-dir"}); d && d->has_value) out_dir = d->value;
  for (const Option& o : f.options) {
    std::string how;
    if ((o.name == "-o" || o.name == "--output") && o.has_value) {
      if (o.value == "-") continue;
      SaveDownload(c, out_dir.empty() ? o.value : JoinPath(out_dir, o.value), 0, "curl -o");
      to_stdout = false;
    } else if (o.name == "-O" || o.name == "--remote-name" || o.name == "--remote-name-all") {
      CurlRemoteNames(c, out_dir);
      to_stdout = false;
    } else if (std::string file = UploadedFile(o, &how); !how.empty()) {
      CurlUpload(c, file, how);
    } else {
      CurlFiles(c, o);
    }
  }
  return to_stdout ? MakeStream(Stream::Kind::kFetched, "curl") : Stream{};
}

// wget's options that read or write files other than the download.
void WgetFiles(Call& c, const Option& o) {
  const std::string& n = o.name;
  if (!o.has_value) return;
  if (n == "-o" || n == "-a" || n == "--output-file" || n == "--append-output") {
    c.File(FileOp::kWrite, o.value, 0, false, "wget");
  } else if (n == "--post-file" || n == "--body-file") {
    c.File(FileOp::kRead, o.value, 0, false, "wget upload");
    c.Signal(kSignalUpload, "wget " + n + " sends " + o.value);
  } else if (n == "-i" || n == "--input-file") {
    c.File(FileOp::kRead, o.value, 0, false, "wget");
  } else if (n == "-e" || n == "--execute") {
    c.an.ConfigFile("wget -e", o.value, c.index, c.st, c.ctx, 0);  // a .wgetrc line: output_document=FILE
  }
}

// Without -O: each URL saved under its name in -P DIR (the whole tree with -r/-m).
void WgetSaves(Call& c) {
  const CommandFact& f = c.fact();
  std::string dir = ".";
  if (const Option* p = FindOption(f.options, {"-P", "--directory-prefix"}); p && p->has_value) dir = p->value;
  bool recursive = HasOption(f.options, {"-r", "--recursive", "-m", "--mirror"});
  for (uint32_t op : f.operands) {
    std::string file = recursive ? std::string("**") : UrlFileName(f.argv[op]);
    if (file.empty()) file = "index.html";
    std::string target = JoinPath(dir, file);
    if (recursive) {
      c.File(FileOp::kWrite, target, kArgPattern, true, "wget");
    } else {
      SaveDownload(c, target, f.arg_bits[op], "wget");
    }
  }
}

Stream Wget(Call& c) {
  bool to_stdout = false, named = false;
  for (const Option& o : c.fact().options) {
    if ((o.name == "-O" || o.name == "--output-document") && o.has_value) {
      named = true;
      if (o.value == "-") {
        to_stdout = true;
      } else {
        SaveDownload(c, o.value, 0, "wget -O");
      }
    } else {
      WgetFiles(c, o);
    }
  }
  if (!named) WgetSaves(c);
  return to_stdout ? MakeStream(Stream::Kind::kFetched, "wget") : Stream{};
}

// aria2c: downloads to -o NAME in -d DIR (or the URL's name).
Stream Aria2c(Call& c) {
  const CommandFact& f = c.fact();
  std::string dir = ".";
  if (const Option* d = FindOption(f.options, {"-d", "--dir"}); d && d->has_value) dir = d->value;
  std::string out;
  if (const Option* o = FindOption(f.options, {"-o", "--out"}); o && o->has_value) out = o->value;
  for (uint32_t op : f.operands) {
    std::string file = out.empty() ? UrlFileName(f.argv[op]) : out;
    if (!file.empty()) SaveDownload(c, JoinPath(dir, file), f.arg_bits[op], c.name());
  }
  return Stream{};
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"curl", F::kEffects, "AbcdDeEFhHKmoPQrTuUwxXyYzC", "user-agent cookie cookie-jar data data-ascii data-binary data-raw data-urlencode dump-header referer cert form form-string header config max-time output ftp-port quote range upload-file user proxy-user write-out proxy request speed-limit speed-time time-cond continue-at json output-dir cacert capath key connect-timeout retry resolve url unix-socket abstract-unix-socket netrc-file trace trace-ascii", false, 0, 0, "", false, Curl},
    {"wget", F::kEffects, "oaOePiBtTwQUYlAR", "output-file append-output output-document execute directory-prefix input-file base tries timeout wait quota user-agent level accept reject post-data post-file body-data body-file header user password method", false, 0, 0, "", false, Wget},
    {"aria2c", F::kEffects, "odi", "out dir input-file", false, 0, 0, "", false, Aria2c},
};

}  // namespace

ModelTable DownloadCommands() { return kModels; }

}  // namespace warden::shell
