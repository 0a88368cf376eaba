// Key and certificate tools: openssl SUBCOMMAND with its single-dash options (-in, -inkey,
// -CAfile, … read; -out, -keyout write; `file:PATH` pass phrases read), decoding to standard
// output with `enc -d`/`base64 -d`; ssh-keygen -f FILE writes a key (or reads one with -y).
#include <algorithm>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/literal.h"

namespace warden::shell {
namespace {

bool OneOf(std::string_view word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

bool OpensslWrites(std::string_view opt) { return OneOf(opt, {"-out", "-keyout", "-writerand", "-certout", "-outdir"}); }

bool OpensslReads(std::string_view opt) {
  return OneOf(opt, {"-in", "-inkey", "-key", "-CAfile", "-CAkey", "-cert", "-config", "-extfile", "-certfile",
                     "-signer", "-signature", "-rand", "-kfile", "-sigfile", "-prverify", "-verify", "-peerkey"});
}

// Options whose value is not a file (so that the next word is not read as an operand).
bool OpensslTakesValue(std::string_view opt) {
  return OneOf(opt, {"-passin", "-passout", "-pass", "-subj", "-days", "-newkey", "-outform", "-inform", "-keyform",
                     "-digest", "-cipher", "-pkeyopt", "-sigopt", "-name", "-curve", "-set_serial", "-addext",
                     "-extensions", "-reqexts", "-K", "-iv", "-S", "-md", "-iter", "-nameopt", "-certopt",
                     "-servername", "-connect", "-port", "-alias", "-macalg", "-engine", "-provider", "-keyopt"});
}

Stream Openssl(Call& c) {
  const CommandFact& f = c.fact();
  bool to_stdout = true, decodes = false;
  for (size_t k = 2; k < f.argv.size(); ++k) {
    const std::string& t = f.argv[k];
    const bool value = k + 1 < f.argv.size();
    if (OpensslWrites(t) && value) {
      ++k;
      c.File(FileOp::kWrite, f.argv[k], f.arg_bits[k], false, "openssl " + t);
      to_stdout = to_stdout && t != "-out";
    } else if (OpensslReads(t) && value) {
      ++k;
      c.File(FileOp::kRead, f.argv[k], f.arg_bits[k], false, "openssl " + t);
    } else if (OpensslTakesValue(t) && value) {
      const std::string& v = f.argv[++k];
      if (v.rfind("file:", 0) == 0) c.File(FileOp::kRead, v.substr(5), 0, false, "openssl " + t);
    } else if (t == "-d" || t == "-decrypt") {
      decodes = true;
    } else if (t.empty() || t[0] != '-') {
      c.File(FileOp::kRead, t, f.arg_bits[k], false, "openssl");
    }
  }
  const std::string sub = f.argv.size() > 1 ? f.argv[1] : std::string();
  if (to_stdout && decodes && (sub == "enc" || sub == "base64" || sub.rfind("aes", 0) == 0)) {
    const bool base64 = sub == "base64" || (sub == "enc" && std::find(f.argv.begin(), f.argv.end(), "-base64") != f.argv.end() &&
                                            std::find(f.argv.begin(), f.argv.end(), "-k") == f.argv.end() &&
                                            std::find(f.argv.begin(), f.argv.end(), "-pass") == f.argv.end());
    if (base64 && c.in.kind == Stream::Kind::kLiteral) return DecodedLiteral(DecodeBase64(c.in.text), "openssl base64 -d");
    return c.in.tainted() ? c.in : MakeStream(Stream::Kind::kDecoded, "openssl " + sub + " -d");
  }
  return to_stdout ? UnknownStream(c.name()) : Stream{};
}

// ssh-keygen -f FILE: the key file (written, unless -y/-l/-F only read it).
Stream SshKeygen(Call& c) {
  const CommandFact& f = c.fact();
  const Option* file = FindOption(f.options, {"-f"});
  if (!file || !file->has_value) return c.PassThrough();
  const bool reads = HasOption(f.options, {"-y", "-l", "-F", "-B", "-e"});
  c.File(reads ? FileOp::kRead : FileOp::kWrite, file->value, 0, false, "ssh-keygen -f");
  if (!reads) c.File(FileOp::kWrite, file->value + ".pub", 0, false, "ssh-keygen -f");
  return c.PassThrough();
}

constexpr CommandSpec kModels[] = {
    {.name = "openssl", .family = Family::kEffects, .run = Openssl},
    {"ssh-keygen", Family::kEffects, "abCDEfFGIJKmMNnOrRsSTtVwZ", "", false, 0, 0, "", false, SshKeygen},
};

}  // namespace

ModelTable CryptoCommands() { return kModels; }

}  // namespace warden::shell
