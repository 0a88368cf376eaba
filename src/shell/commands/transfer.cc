// Tools that carry local files off the machine: code hosting (gh gist create FILE, gh release
// upload, glab snippet create), clusters (kubectl cp LOCAL POD:PATH), object storage and
// sync tools (aws s3 cp|sync|mv, gsutil, gcloud storage, rclone, s3cmd, mc, azcopy, b2) and
// sftp batches that put files. Each local source is read (a directory as a whole tree) and the
// command is an upload; copies the other way write their local destination.
#include <algorithm>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

using F = Family;

// A remote location: scheme://… (s3://, gs://, az://), or REMOTE:PATH / POD:PATH (a colon
// before any slash; with `slashes` more, as kubectl's NAMESPACE/POD:PATH), not a local path.
bool IsRemote(std::string_view w, size_t slashes = 0) {
  if (w.find("://") != std::string_view::npos) return true;
  const size_t colon = w.find(':');
  return colon != std::string_view::npos && colon > 0 && w[0] != '/' && w[0] != '.' && w[0] != '~' &&
         static_cast<size_t>(std::count(w.begin(), w.begin() + colon, '/')) <= slashes;
}

void Upload(Call& c, uint32_t op, std::string_view to) {
  c.Operand(FileOp::kRead, op, true);
  c.Signal(kSignalUpload, c.name() + " sends " + c.argv[op].text + " to " + std::string(to));
}

// SRC… DST: local sources to a remote destination are uploads; a remote source to a local
// destination writes it.
void CopyOperands(Call& c, size_t first, size_t slashes = 0) {
  const auto& ops = c.fact().operands;
  if (ops.size() < first + 2) return;
  const uint32_t dst = ops.back();
  const bool remote_dst = IsRemote(c.argv[dst].text, slashes);
  for (size_t k = first; k + 1 < ops.size(); ++k) {
    const bool remote_src = IsRemote(c.argv[ops[k]].text, slashes);
    if (!remote_src && remote_dst) Upload(c, ops[k], c.argv[dst].text);
    if (remote_src && !remote_dst) c.Operand(FileOp::kWrite, dst, true);
  }
}

std::string Sub(const Call& c, size_t k) {
  const auto& ops = c.fact().operands;
  return k < ops.size() ? c.argv[ops[k]].text : std::string();
}

// gh gist create FILES…, gh release upload TAG FILES…, gh/glab … --body-file FILE, glab snippet
// create FILES…: the files leave the machine.
Stream Forge(Call& c) {
  const std::string a = Sub(c, 0), b = Sub(c, 1);
  const auto& ops = c.fact().operands;
  size_t first = ops.size();
  if ((a == "gist" && (b == "create" || b == "new" || b == "edit")) || (a == "snippet" && b == "create")) first = 2;
  if (a == "release" && (b == "upload" || b == "create")) first = 3;
  for (size_t k = first; k < ops.size(); ++k) {
    if (c.argv[ops[k]].text != "-") Upload(c, ops[k], c.name() + " " + a);
  }
  for (const Option& o : c.fact().options) {
    if (!o.has_value || (o.name != "--body-file" && o.name != "-F" && o.name != "--input" && o.name != "--field")) continue;
    std::string_view v = o.value;
    if (const size_t at = v.find('@'); at != std::string_view::npos && o.name != "--body-file" && o.name != "--input") v = v.substr(at + 1);
    else if (o.name == "-F" || o.name == "--field") continue;
    if (!v.empty() && v != "-") {
      c.File(FileOp::kRead, std::string(v), 0, false, c.name());
      c.Signal(kSignalUpload, c.name() + " sends " + std::string(v));
    }
  }
  return UnknownStream(c.name());
}

// kubectl cp SRC DST (POD:PATH on one side); other kubectl verbs touch no local files.
Stream Kubectl(Call& c) {
  if (Sub(c, 0) == "cp") CopyOperands(c, 1, /*slashes=*/1);
  return UnknownStream(c.name());
}

// aws s3 cp|sync|mv, gsutil cp|rsync|mv, gcloud storage cp|rsync|mv, rclone copy|sync|move|copyto…,
// s3cmd put|sync, mc cp|mirror|mv, azcopy copy|sync, b2 upload-file / sync.
Stream ObjectStorage(Call& c) {
  static constexpr std::string_view kCopyVerbs[] = {"cp", "sync", "mv", "rsync", "copy", "move", "copyto", "moveto",
                                                    "put", "mirror", "bisync", "upload-file", "upload"};
  const auto& ops = c.fact().operands;
  for (size_t k = 0; k < ops.size() && k < 3; ++k) {
    const std::string_view verb = c.argv[ops[k]].text;
    if (std::find(std::begin(kCopyVerbs), std::end(kCopyVerbs), verb) == std::end(kCopyVerbs)) continue;
    CopyOperands(c, k + 1);
    break;
  }
  return UnknownStream(c.name());
}

// sftp host <<< 'put FILE' / -b BATCH: put and mput send files.
Stream Sftp(Call& c) {
  std::string batch;
  if (c.in.kind == Stream::Kind::kLiteral) batch = c.in.text;
  if (const Option* b = FindOption(c.fact().options, {"-b"}); b && b->has_value) {
    if (auto text = c.an.KnownContents(b->value, c.st)) batch += "\n" + *text;
  }
  for (auto line : Split(batch, '\n')) {
    std::vector<std::string> words = SplitQuoted(Trim(line));
    if (words.size() < 2 || (words[0] != "put" && words[0] != "mput" && words[0] != "reput")) continue;
    size_t k = 1;
    while (k < words.size() && words[k][0] == '-') ++k;
    if (k >= words.size()) continue;
    c.File(FileOp::kRead, words[k], 0, true, "sftp put");
    c.Signal(kSignalUpload, "sftp sends " + words[k]);
  }
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {"gh", F::kNoFiles, "RFfbt", "repo hostname body-file input field raw-field title desc filename", false, 0, 0, "", false, Forge},
    {"glab", F::kNoFiles, "RFfbt", "repo body-file input field raw-field title description filename", false, 0, 0, "", false, Forge},
    {"kubectl", F::kNoFiles, "nslvc", "namespace context cluster kubeconfig server user token selector output as request-timeout v container", false, 0, 0, "", false, Kubectl},
    {"oc", F::kNoFiles, "nslvc", "namespace context cluster kubeconfig server user token selector output container", false, 0, 0, "", false, Kubectl},
    {"aws", F::kNoFiles, "", "profile region endpoint-url output query exclude include storage-class acl", false, 0, 0, "", false, ObjectStorage},
    {"gsutil", F::kNoFiles, "hopu", "", false, 0, 0, "", false, ObjectStorage},
    {"rclone", F::kNoFiles, "", "config include exclude filter transfers checkers bwlimit", false, 0, 0, "", false, ObjectStorage},
    {"s3cmd", F::kNoFiles, "c", "config access_key secret_key", false, 0, 0, "", false, ObjectStorage},
    {"mc", F::kNoFiles, "", "config-dir", false, 0, 0, "", false, ObjectStorage},
    {"azcopy", F::kNoFiles, "", "", false, 0, 0, "", false, ObjectStorage},
    {"b2", F::kNoFiles, "", "", false, 0, 0, "", false, ObjectStorage},
    {"s5cmd", F::kNoFiles, "", "endpoint-url", false, 0, 0, "", false, ObjectStorage},
    {"sftp", F::kNoFiles, "bBcDFiloPRsS", "", true, 0, 0, "", false, Sftp},
};

}  // namespace

ModelTable TransferCommands() { return kModels; }

}  // namespace warden::shell
