// Remote hosts: rsync and scp copy between here and [user@]host:path (a local source sent to a
// remote is an upload; rsync --delete* deletes in the destination; -e/--rsh and -S name the
// local program that connects); ssh runs its command words on the remote host (analyzed with
// an unknown directory) and its -o ProxyCommand/LocalCommand locally; nc, ncat and socat send
// their input to the network and print what comes back.
#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// A remote rsync/scp location: [user@]host:path or rsync://… (a colon before any slash).
bool IsRemoteSpec(std::string_view s) {
  if (s.rfind("rsync://", 0) == 0) return true;
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  size_t slash = s.find('/');
  return slash == std::string_view::npos || colon < slash;
}

// rsync -e/--rsh CMD, scp -S PROGRAM: the remote shell is a local command.
void RemoteShellOption(Call& c) {
  for (const auto& o : c.fact().options) {
    bool rsh = (o.name == "-e" || o.name == "--rsh") && c.name() == "rsync";
    if ((rsh || (o.name == "-S" && c.name() == "scp")) && o.has_value) c.RunCode(o.value, c.name() + " " + o.name, c.name());
  }
}

// A local destination: written (DEST/NAME for each source when it is a directory), and
// deleted in with rsync --delete*.
void LocalDestination(Call& c, bool recursive) {
  const CommandFact& f = c.fact();
  uint32_t dest = f.operands.back();
  c.Operand(FileOp::kWrite, dest, recursive);
  const std::string& d = f.argv[dest];
  if (!d.empty() && (d.back() == '/' || d == "." || f.operands.size() > 2)) {
    for (size_t k = 0; k + 1 < f.operands.size(); ++k) {
      const std::string& src = f.argv[f.operands[k]];
      if (IsRemoteSpec(src) || src.empty() || src.back() == '/') continue;
      c.File(FileOp::kWrite, JoinPath(d, std::string(Basename(src))), f.arg_bits[dest], recursive);
    }
  }
  bool deletes = std::any_of(f.options.begin(), f.options.end(),
                             [](const Option& o) { return o.name.rfind("--delete", 0) == 0; });
  if (deletes) c.Operand(FileOp::kDelete, dest, true);
}

Stream RemoteCopy(Call& c) {
  RemoteShellOption(c);
  const CommandFact& f = c.fact();
  if (f.operands.empty()) return Stream{};
  bool recursive = HasOption(f.options, {"-r", "-a", "--recursive", "--archive"});
  uint32_t dest = f.operands.back();
  bool dest_remote = IsRemoteSpec(f.argv[dest]);
  const bool removes = HasOption(f.options, {"--remove-source-files", "--remove-sent-files"});
  for (size_t k = 0; k + 1 < f.operands.size(); ++k) {
    uint32_t s = f.operands[k];
    if (IsRemoteSpec(f.argv[s])) continue;
    c.Operand(FileOp::kRead, s, recursive);
    if (removes) c.Operand(FileOp::kDelete, s, recursive);
    if (dest_remote) c.Signal(kSignalUpload, c.name() + " sends " + f.argv[s] + " to " + f.argv[dest]);
  }
  if (!dest_remote && f.operands.size() >= 2) LocalDestination(c, recursive);
  return Stream{};
}

// What is piped into a network tool goes out; text written in the command line itself is no
// local data.
void SendsInput(Call& c, std::string_view where) {
  if (c.in.kind == Stream::Kind::kFile) {
    c.Signal(kSignalUpload, c.name() + " sends " + c.in.text + std::string(where));
  } else if (c.in.kind != Stream::Kind::kNone && c.in.kind != Stream::Kind::kLiteral) {
    c.Signal(kSignalUpload, c.name() + " sends the output of " + (c.in.source.empty() ? "a command" : c.in.source) +
                                std::string(where));
  }
}

Stream Netcat(Call& c) {
  SendsInput(c, " over the network");
  // nc -U PATH: a Unix socket, whatever listens there.
  const CommandFact& f = c.fact();
  if (HasOption(f.options, {"-U", "--unixsock"}) && !f.operands.empty()) {
    c.Socket(f.argv[f.operands[0]], f.arg_bits[f.operands[0]], c.name() + " -U");
  }
  return MakeStream(Stream::Kind::kFetched, c.name());
}

// One socat address: TYPE:PARAMS,OPTIONS (or a bare path). Files are opened (read and
// written), Unix sockets are talked to, EXEC and SYSTEM run commands.
void SocatAddress(Call& c, const std::string& address, uint8_t bits) {
  size_t colon = address.find(':');
  std::string type = ToLower(address.substr(0, std::min(colon, address.find(','))));
  std::string param = colon == std::string::npos ? std::string() : address.substr(colon + 1);
  std::string target = param.substr(0, param.find(','));
  if (!address.empty() && address[0] == '/') {
    type = "gopen";
    target = address.substr(0, address.find(','));
  }
  if (type == "open" || type == "gopen" || type == "create" || type == "creat" || type == "file" || type == "pipe") {
    c.File(FileOp::kRead, target, 0, false, "socat " + type);
    c.File(FileOp::kWrite, target, 0, false, "socat " + type);
  } else if (type == "unix-listen" || type == "unix-recv") {
    c.File(FileOp::kWrite, target, 0, false, "socat " + type);
  } else if (type.rfind("unix", 0) == 0 || type.rfind("abstract", 0) == 0) {
    c.Socket(target, bits, "socat " + type);
  } else if (type == "system") {
    c.RunCode(target, "socat system:", "socat");
  } else if (type == "exec") {
    c.RunCode(target, "socat exec:", "socat");
  }
}

Stream Socat(Call& c) {
  const CommandFact& f = c.fact();
  for (uint32_t op : f.operands) SocatAddress(c, f.argv[op], f.arg_bits[op]);
  return Netcat(c);
}

// -o ProxyCommand=… / LocalCommand=… / KnownHostsCommand=… run locally through a shell.
void SshLocalCommands(Call& c) {
  const CommandFact& f = c.fact();
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
      if (sep != std::string::npos) c.RunCode(opt.substr(sep + 1), "ssh -o " + std::string(key), "ssh");
    }
  }
}

// ssh -L/-R/-D [bind:]PORT:/path/to.sock or /local.sock:/remote.sock: a forwarded Unix socket
// is reachable from the other side.
void SshForwards(Call& c) {
  for (const Option& o : c.fact().options) {
    if ((o.name != "-L" && o.name != "-R") || !o.has_value) continue;
    for (auto part : Split(o.value, ':')) {
      if (!part.empty() && part[0] == '/') c.Socket(part, 0, "ssh " + o.name);
    }
  }
}

// ssh HOST CMD…: the words run on the remote host.
void SshRemoteCommand(Call& c) {
  const CommandFact& f = c.fact();
  Expanded code;
  for (size_t k = 1; k < f.operands.size(); ++k) {
    if (k > 1) code.text += ' ';
    code.text += f.argv[f.operands[k]];
    code.bits |= f.arg_bits[f.operands[k]];
  }
  State remote = c.st;
  remote.cwds.clear();
  remote.cwd_unknown = true;
  Ctx inner = c.an.Inner(c.ctx, "ssh", false);
  inner.remote = true;
  c.an.CodeString(code, "ssh", remote, inner);
}

Stream Ssh(Call& c) {
  if (c.in.kind == Stream::Kind::kFile) {
    c.Signal(kSignalUpload, "ssh sends " + c.in.text + " to a remote host");
  } else if (c.in.kind != Stream::Kind::kNone && c.in.kind != Stream::Kind::kLiteral) {
    c.Signal(kSignalUpload, "ssh sends the output of " + (c.in.source.empty() ? "a command" : c.in.source) +
                                " to a remote host");
  }
  SshLocalCommands(c);
  SshForwards(c);
  if (c.fact().operands.size() > 1) SshRemoteCommand(c);
  return MakeStream(Stream::Kind::kFetched, "ssh");
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"rsync", F::kEffects, "eBfT", "rsh filter exclude include exclude-from include-from files-from temp-dir backup-dir partial-dir compare-dest copy-dest link-dest chmod chown password-file log-file rsync-path", false, 0, 0, "", false, RemoteCopy},
    {"scp", F::kEffects, "cFiJloPS", "", false, 0, 0, "", false, RemoteCopy},
    {"nc", F::kEffects, "ipqsTwXxOIPvW", "", false, 0, 0, "", false, Netcat},
    {"ncat", F::kEffects, "ipqswd", "sh-exec exec lua-exec proxy proxy-type proxy-auth source", false, 0, 0, "", false, Netcat},
    {"netcat", F::kEffects, "ipqswd", "", false, 0, 0, "", false, Netcat},
    {"socat", F::kEffects, "Ttb", "", false, 0, 0, "", false, Socat},
    {"ssh", F::kEffects, "bcDEeFIiJLlmOopQRSWw", "", true, 0, 0, "", false, Ssh},
};

}  // namespace

ModelTable RemoteCommands() { return kModels; }

}  // namespace warden::shell
