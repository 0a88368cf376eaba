#include "shell/command_specs.h"

#include <unordered_map>

#include "core/strings.h"

namespace warden::shell {
namespace {

using F = Family;

// One row per command. Fields: name, family, short options with a value, long options with a
// value, posix option order, operands to skip (wrappers), code flag, code long flag, privileged.
const CommandSpec kSpecs[] = {
    // ---- wrappers: run the command given in their operands ----------------------------------
    {"sudo", F::kWrapper, "CDghprtTUu", "close-from chdir group host prompt chroot role type command-timeout other-user user", true, 0, 0, "", true},
    {"doas", F::kWrapper, "uC", "", true, 0, 0, "", true},
    {"pkexec", F::kWrapper, "", "user", true, 0, 0, "", true},
    {"run0", F::kWrapper, "uDg", "user group chdir description slice unit property setenv", true, 0, 0, "", true},
    {"su", F::kWrapper, "csgGw", "command shell group supp-group whitelist-environment session-command", false, 0, 'c', "command", true},
    {"runuser", F::kWrapper, "ugGcsw", "user group supp-group command shell whitelist-environment session-command", false, 0, 'c', "command", true},
    {"sg", F::kWrapper, "c", "", true, 1, 'c', "", false},
    {"env", F::kWrapper, "uCSP", "unset chdir split-string", true, 0, 0, "", false},
    {"command", F::kWrapper, "", "", true, 0, 0, "", false},
    {"builtin", F::kWrapper, "", "", true, 0, 0, "", false},
    {"exec", F::kWrapper, "a", "", true, 0, 0, "", false},
    {"nice", F::kWrapper, "n", "adjustment", true, 0, 0, "", false},
    {"ionice", F::kWrapper, "cnpPu", "class classdata pid pgid uid", true, 0, 0, "", false},
    {"nohup", F::kWrapper, "", "", true, 0, 0, "", false},
    {"timeout", F::kWrapper, "ks", "kill-after signal", true, 1, 0, "", false},
    {"time", F::kWrapper, "fo", "format output", true, 0, 0, "", false},
    {"stdbuf", F::kWrapper, "ioe", "input output error", true, 0, 0, "", false},
    {"setsid", F::kWrapper, "", "", true, 0, 0, "", false},
    {"watch", F::kWrapper, "nq", "interval equexit", true, 0, 0, "", false},
    {"flock", F::kWrapper, "wEc", "timeout wait conflict-exit-code command", true, 1, 'c', "command", false},
    {"xargs", F::kWrapper, "adEILnPs", "arg-file delimiter eof replace max-lines max-args max-procs max-chars process-slot-var", true, 0, 0, "", false},
    {"script", F::kWrapper, "cEIOBTo", "command echo log-in log-out log-io log-timing output-limit", false, 0, 'c', "command", false},
    {"chroot", F::kWrapper, "", "userspec groups", true, 1, 0, "", false},
    {"taskset", F::kWrapper, "", "", true, 1, 0, "", false},
    {"chrt", F::kWrapper, "TPD", "sched-runtime sched-period sched-deadline", true, 1, 0, "", false},
    {"numactl", F::kWrapper, "CNmPpiw", "physcpubind cpunodebind membind preferred interleave", true, 0, 0, "", false},
    {"unshare", F::kWrapper, "SGRw", "setuid setgid root wd map-user map-group propagation", true, 0, 0, "", false},
    {"nsenter", F::kWrapper, "tSGrw", "target setuid setgid root wd", true, 0, 0, "", false},
    {"firejail", F::kWrapper, "", "", true, 0, 0, "", false},
    {"systemd-run", F::kWrapper, "pEuMH", "property setenv unit machine host description slice uid gid working-directory", true, 0, 0, "", false},
    {"strace", F::kWrapper, "abeEIoOpPsSuU", "output", true, 0, 0, "", false},
    {"ltrace", F::kWrapper, "aAeEfnloOpsuDTx", "output", true, 0, 0, "", false},
    {"valgrind", F::kWrapper, "", "", true, 0, 0, "", false},
    {"fakeroot", F::kWrapper, "lsi", "lib faked", true, 0, 0, "", false},
    {"faketime", F::kWrapper, "f", "", true, 1, 0, "", false},
    {"proxychains", F::kWrapper, "f", "", true, 0, 0, "", false},
    {"proxychains4", F::kWrapper, "f", "", true, 0, 0, "", false},
    {"torsocks", F::kWrapper, "uapP", "user pass address port", true, 0, 0, "", false},
    {"unbuffer", F::kWrapper, "", "", true, 0, 0, "", false},
    {"chronic", F::kWrapper, "", "", true, 0, 0, "", false},
    {"catchsegv", F::kWrapper, "", "", true, 0, 0, "", false},
    {"coproc", F::kWrapper, "", "", true, 0, 0, "", false},
    {"busybox", F::kWrapper, "", "", true, 0, 0, "", false},
    {"toybox", F::kWrapper, "", "", true, 0, 0, "", false},
    {"dbus-launch", F::kWrapper, "", "", true, 0, 0, "", false},
    {"xvfb-run", F::kWrapper, "nsfwe", "server-num server-args auth-file wait error-file", true, 0, 0, "", false},
    {"ssh-agent", F::kWrapper, "aEPt", "", true, 0, 0, "", false},
    {"caffeinate", F::kWrapper, "tw", "", true, 0, 0, "", false},
    {"parallel", F::kWrapper, "", "", true, 0, 0, "", false},
    // ---- shells ---------------------------------------------------------------------------
    {"sh", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false},
    {"bash", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false},
    {"rbash", F::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false},
    {"dash", F::kShell, "o", "", true, 0, 'c', "", false},
    {"zsh", F::kShell, "o", "", true, 0, 'c', "", false},
    {"ksh", F::kShell, "o", "", true, 0, 'c', "", false},
    {"mksh", F::kShell, "o", "", true, 0, 'c', "", false},
    {"ash", F::kShell, "o", "", true, 0, 'c', "", false},
    {"yash", F::kShell, "o", "", true, 0, 'c', "", false},
    {"fish", F::kShell, "C", "init-command", true, 0, 'c', "command", false},
    {"csh", F::kShell, "", "", true, 0, 'c', "", false},
    {"tcsh", F::kShell, "", "", true, 0, 'c', "", false},
    {"pwsh", F::kShell, "", "", true, 0, 'c', "command", false},
    // ---- interpreters ---------------------------------------------------------------------
    {"python", F::kInterpreter, "mWXQ", "", true, 0, 'c', "", false},
    {"pypy", F::kInterpreter, "mWXQ", "", true, 0, 'c', "", false},
    {"node", F::kInterpreter, "rC", "require import loader conditions input-type", true, 0, 'e', "eval", false},
    {"nodejs", F::kInterpreter, "rC", "require import loader conditions input-type", true, 0, 'e', "eval", false},
    {"deno", F::kInterpreter, "", "", true, 0, 0, "", false},
    {"bun", F::kInterpreter, "", "", true, 0, 'e', "eval", false},
    {"perl", F::kInterpreter, "IMmx", "", true, 0, 'e', "", false},
    {"ruby", F::kInterpreter, "IrCEK", "", true, 0, 'e', "", false},
    {"php", F::kInterpreter, "cdz", "", true, 0, 'r', "", false},
    {"lua", F::kInterpreter, "l", "", true, 0, 'e', "", false},
    {"luajit", F::kInterpreter, "lj", "", true, 0, 'e', "", false},
    {"Rscript", F::kInterpreter, "", "", true, 0, 'e', "", false},
    {"osascript", F::kInterpreter, "ls", "", true, 0, 'e', "", false},
    {"tclsh", F::kInterpreter, "", "", true, 0, 0, "", false},
    {"awk", F::kInterpreter, "Ffv", "field-separator file assign", false, 0, 0, "", false},
    {"gawk", F::kInterpreter, "FfvEil", "field-separator file assign include load", false, 0, 0, "", false},
    {"mawk", F::kInterpreter, "Ffv", "", false, 0, 0, "", false},
    {"nawk", F::kInterpreter, "Ffv", "", false, 0, 0, "", false},
    // ---- commands with file effects (command_effects.cc) ----------------------------------
    {"rm", F::kEffects, "", "", false},
    {"unlink", F::kEffects, "", "", false},
    {"rmdir", F::kEffects, "", "", false},
    {"shred", F::kEffects, "ns", "iterations size random-source remove", false},
    {"srm", F::kEffects, "", "", false},
    {"trash", F::kEffects, "", "", false},
    {"trash-put", F::kEffects, "", "", false},
    {"cp", F::kEffects, "St", "suffix target-directory sparse no-preserve", false},
    {"mv", F::kEffects, "St", "suffix target-directory", false},
    {"install", F::kEffects, "gmoSt", "group mode owner suffix target-directory strip-program", false},
    {"ln", F::kEffects, "St", "suffix target-directory", false},
    {"rsync", F::kEffects, "eBfT", "rsh filter exclude include exclude-from include-from files-from temp-dir backup-dir partial-dir compare-dest copy-dest link-dest chmod chown password-file log-file rsync-path", false},
    {"scp", F::kEffects, "cFiJloPS", "", false},
    {"sftp", F::kNoFiles, "", "", true},
    {"tee", F::kEffects, "", "", false},
    {"touch", F::kEffects, "dtr", "date reference time", false},
    {"truncate", F::kEffects, "sr", "size reference", false},
    {"mkdir", F::kEffects, "m", "mode context", false},
    {"mkfifo", F::kEffects, "m", "mode context", false},
    {"mknod", F::kEffects, "m", "mode context", false},
    {"dd", F::kEffects, "", "", false},
    {"chmod", F::kEffects, "", "reference", false},
    {"chown", F::kEffects, "", "reference from", false},
    {"chgrp", F::kEffects, "", "reference", false},
    {"chattr", F::kEffects, "pv", "", false},
    {"setfacl", F::kEffects, "mMxX", "modify modify-file remove remove-file set set-file", false},
    {"cat", F::kEffects, "", "", false},
    {"tac", F::kEffects, "s", "separator", false},
    {"nl", F::kEffects, "bdfhilnsvw", "", false},
    {"head", F::kEffects, "cn", "bytes lines", false},
    {"tail", F::kEffects, "cns", "bytes lines pid sleep-interval max-unchanged-stats", false},
    {"less", F::kEffects, "bhjkopPTtxyz#", "", false},
    {"more", F::kEffects, "n", "lines", false},
    {"most", F::kEffects, "", "", false},
    {"bat", F::kEffects, "lHrmp", "language highlight-line line-range map-syntax theme style paging color", false},
    {"batcat", F::kEffects, "lHrmp", "language highlight-line line-range map-syntax theme style paging color", false},
    {"view", F::kEffects, "", "", false},
    {"strings", F::kEffects, "nteT", "bytes radix encoding target", false},
    {"od", F::kEffects, "AjNSstw", "address-radix skip-bytes read-bytes strings format width", false},
    {"hexdump", F::kEffects, "ensf", "", false},
    {"xxd", F::kEffects, "cglosn", "", false},
    {"base64", F::kEffects, "w", "wrap", false},
    {"base32", F::kEffects, "w", "wrap", false},
    {"basenc", F::kEffects, "w", "wrap", false},
    {"md5sum", F::kEffects, "", "", false},
    {"sha1sum", F::kEffects, "", "", false},
    {"sha224sum", F::kEffects, "", "", false},
    {"sha256sum", F::kEffects, "", "", false},
    {"sha384sum", F::kEffects, "", "", false},
    {"sha512sum", F::kEffects, "", "", false},
    {"b2sum", F::kEffects, "l", "length", false},
    {"cksum", F::kEffects, "al", "algorithm length", false},
    {"sum", F::kEffects, "", "", false},
    {"wc", F::kEffects, "", "files0-from", false},
    {"sort", F::kEffects, "kotTSy", "key output field-separator temporary-directory buffer-size parallel files0-from", false},
    {"uniq", F::kEffects, "fsw", "skip-fields skip-chars check-chars", false},
    {"cut", F::kEffects, "bcdf", "bytes characters delimiter fields output-delimiter", false},
    {"paste", F::kEffects, "d", "delimiters", false},
    {"column", F::kEffects, "cstoNRHEWdlr", "", false},
    {"fold", F::kEffects, "w", "width", false},
    {"fmt", F::kEffects, "pw", "prefix width", false},
    {"expand", F::kEffects, "t", "tabs", false},
    {"unexpand", F::kEffects, "t", "tabs", false},
    {"iconv", F::kEffects, "fto", "from-code to-code output", false},
    {"diff", F::kEffects, "CUFIxXSL", "ifdef show-function-line ignore-matching-lines exclude exclude-from starting-file label horizon-lines", false},
    {"cmp", F::kEffects, "inI", "ignore-initial bytes", false},
    {"comm", F::kEffects, "", "output-delimiter", false},
    {"file", F::kEffects, "mfFeP", "magic-file files-from separator exclude parameter", false},
    {"jq", F::kEffects, "fL", "from-file arg argjson slurpfile rawfile indent", false},
    {"yq", F::kEffects, "", "", false},
    {"grep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir label binary-files devices directories", false},
    {"egrep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir", false},
    {"fgrep", F::kEffects, "efmABCdD", "regexp file max-count after-context before-context context include exclude exclude-dir", false},
    {"zgrep", F::kEffects, "efmABC", "regexp file", false},
    {"rg", F::kEffects, "efgmABCtTjM", "regexp file glob max-count after-context before-context context type type-not threads max-columns", false},
    {"ag", F::kEffects, "GgABCm", "", false},
    {"ack", F::kEffects, "ABCm", "", false},
    {"sed", F::kEffects, "efl", "expression file line-length", false},
    {"source", F::kEffects, "", "", true},
    {".", F::kEffects, "", "", true},
    {"vim", F::kEffects, "cSTutwWioO", "cmd", false},
    {"vi", F::kEffects, "cSTutwWioO", "cmd", false},
    {"nvim", F::kEffects, "cSTuiwW", "cmd", false},
    {"nano", F::kEffects, "", "", false},
    {"emacs", F::kEffects, "", "", false},
    {"code", F::kEffects, "", "", false},
    {"tar", F::kEffects, "fCTXbgKLNVIF", "file directory files-from exclude-from exclude blocking-factor listed-incremental starting-file newer after-date label transform use-compress-program to-command info-script new-volume-script", false},
    {"zip", F::kEffects, "bnttxi", "unzip-command", false},
    {"rimraf", F::kEffects, "", "", false},
    {"sponge", F::kEffects, "", "", false},
    {"patch", F::kEffects, "pdoiDrBVzY", "strip directory output input reject-file backup-if-mismatch suffix", false},
    {"ed", F::kEffects, "p", "prompt", false},
    {"aria2c", F::kEffects, "odi", "out dir input-file", false},
    {"unzip", F::kEffects, "dxZ", "", false},
    {"gzip", F::kEffects, "S", "suffix", false},
    {"gunzip", F::kEffects, "S", "suffix", false},
    {"bzip2", F::kEffects, "", "", false},
    {"xz", F::kEffects, "", "", false},
    {"zstd", F::kEffects, "oD", "output", false},
    {"curl", F::kEffects, "AbcdDeEFhHKmoPQrTuUwxXyYzC", "user-agent cookie cookie-jar data data-ascii data-binary data-raw data-urlencode dump-header referer cert form form-string header config max-time output ftp-port quote range upload-file user proxy-user write-out proxy request speed-limit speed-time time-cond continue-at json output-dir cacert capath key connect-timeout retry resolve url", false},
    {"wget", F::kEffects, "oaOePiBtTwQUYlAR", "output-file append-output output-document execute directory-prefix input-file base tries timeout wait quota user-agent level accept reject post-data post-file body-data body-file header user password method", false},
    {"find", F::kEffects, "", "", false},
    {"git", F::kEffects, "CcmFo", "git-dir work-tree namespace super-prefix exec-path config-env message file push-option author date", false},
    {"nc", F::kEffects, "ipqsTwXxOIPvW", "", false},
    {"ncat", F::kEffects, "ipqswd", "", false},
    {"netcat", F::kEffects, "ipqswd", "", false},
    {"socat", F::kEffects, "", "", false},
    {"ssh", F::kEffects, "bcDEeFIiJLlmOopQRSWw", "", true},
    // Global options with values come before the subcommand; knowing them finds the subcommand.
    {"docker", F::kNoFiles, "Hcl", "host context config log-level tlscacert tlscert tlskey", false},
    {"podman", F::kNoFiles, "c", "connection url identity root runroot storage-driver log-level", false},
    {"kubectl", F::kNoFiles, "nslv", "namespace context cluster kubeconfig server user token selector output as request-timeout v", false},
    {"helm", F::kNoFiles, "n", "namespace kube-context kubeconfig", false},
    {"npm", F::kNoFiles, "w", "prefix workspace userconfig registry loglevel cache", false},
    {"gh", F::kNoFiles, "R", "repo hostname", false},
    {"kill", F::kNoFiles, "sn", "signal", false},
    // ---- known to touch no files through their operands -----------------------------------
    {"echo", F::kNoFiles}, {"printf", F::kNoFiles}, {"true", F::kNoFiles}, {"false", F::kNoFiles},
    {":", F::kNoFiles}, {"test", F::kNoFiles}, {"[", F::kNoFiles}, {"sleep", F::kNoFiles},
    {"cd", F::kNoFiles}, {"pushd", F::kNoFiles}, {"popd", F::kNoFiles}, {"export", F::kNoFiles},
    {"declare", F::kNoFiles}, {"typeset", F::kNoFiles}, {"local", F::kNoFiles}, {"readonly", F::kNoFiles},
    {"unset", F::kNoFiles}, {"set", F::kNoFiles}, {"shopt", F::kNoFiles}, {"read", F::kNoFiles},
    {"wait", F::kNoFiles}, {"jobs", F::kNoFiles}, {"exit", F::kNoFiles}, {"return", F::kNoFiles},
    {"shift", F::kNoFiles}, {"break", F::kNoFiles}, {"continue", F::kNoFiles}, {"ulimit", F::kNoFiles},
    {"umask", F::kNoFiles}, {"hash", F::kNoFiles}, {"type", F::kNoFiles}, {"which", F::kNoFiles},
    {"whereis", F::kNoFiles}, {"alias", F::kNoFiles}, {"unalias", F::kNoFiles}, {"trap", F::kNoFiles},
    {"eval", F::kNoFiles}, {"history", F::kNoFiles}, {"pwd", F::kNoFiles}, {"whoami", F::kNoFiles},
    {"id", F::kNoFiles}, {"date", F::kNoFiles}, {"uname", F::kNoFiles}, {"hostname", F::kNoFiles},
    {"uptime", F::kNoFiles}, {"printenv", F::kNoFiles}, {"seq", F::kNoFiles}, {"yes", F::kNoFiles},
    {"basename", F::kNoFiles}, {"dirname", F::kNoFiles}, {"realpath", F::kNoFiles}, {"readlink", F::kNoFiles},
    {"ls", F::kNoFiles}, {"dir", F::kNoFiles}, {"tree", F::kNoFiles}, {"du", F::kNoFiles},
    {"df", F::kNoFiles}, {"stat", F::kNoFiles}, {"ps", F::kNoFiles}, {"top", F::kNoFiles},
    {"htop", F::kNoFiles},
    {"pgrep", F::kNoFiles, "ugUGPtsFd", "euid uid group pgroup session terminal parent pidfile delimiter ns nslist", false},
    {"pkill", F::kNoFiles, "ugUGPtsFe", "euid uid group pgroup session terminal parent pidfile signal ns nslist", false},
    {"killall", F::kNoFiles, "usnoyO", "user signal ns older-than younger-than", false},
    {"make", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file assume-old what-if new-file assume-new", false},
    {"gmake", F::kNoFiles, "fCIjlo", "file makefile directory include-dir jobs load-average old-file", false},
    {"cmake", F::kNoFiles}, {"ctest", F::kNoFiles}, {"ninja", F::kNoFiles},
    {"npx", F::kNoFiles}, {"pnpm", F::kNoFiles}, {"yarn", F::kNoFiles},
    {"pip", F::kNoFiles}, {"pip3", F::kNoFiles}, {"pytest", F::kNoFiles},
    {"cargo", F::kNoFiles, "", "manifest-path target-dir config", false},
    {"rustc", F::kNoFiles}, {"go", F::kNoFiles}, {"gcc", F::kNoFiles}, {"g++", F::kNoFiles},
    {"cc", F::kNoFiles}, {"c++", F::kNoFiles}, {"clang", F::kNoFiles}, {"clang++", F::kNoFiles},
    {"javac", F::kNoFiles}, {"java", F::kNoFiles}, {"mvn", F::kNoFiles}, {"gradle", F::kNoFiles},
    {"terraform", F::kNoFiles}, {"tofu", F::kNoFiles}, {"pulumi", F::kNoFiles},
    {"psql", F::kNoFiles}, {"mysql", F::kNoFiles}, {"sqlite3", F::kNoFiles}, {"redis-cli", F::kNoFiles},
    {"mongo", F::kNoFiles}, {"mongosh", F::kNoFiles}, {"systemctl", F::kNoFiles}, {"service", F::kNoFiles},
    {"shutdown", F::kNoFiles}, {"reboot", F::kNoFiles}, {"halt", F::kNoFiles}, {"poweroff", F::kNoFiles},
    {"apt", F::kNoFiles}, {"apt-get", F::kNoFiles}, {"dpkg", F::kNoFiles}, {"brew", F::kNoFiles},
    {"mkfs", F::kNoFiles}, {"fdisk", F::kNoFiles}, {"parted", F::kNoFiles}, {"wipefs", F::kNoFiles},
    {"mount", F::kNoFiles}, {"umount", F::kNoFiles}, {"swapoff", F::kNoFiles}, {"clear", F::kNoFiles},
    {"tput", F::kNoFiles}, {"man", F::kNoFiles}, {"help", F::kNoFiles}, {"info", F::kNoFiles},
    {"warden", F::kNoFiles}, {"tmux", F::kNoFiles}, {"screen", F::kNoFiles}, {"open", F::kNoFiles},
    {"xdg-open", F::kNoFiles}, {"ping", F::kNoFiles}, {"dig", F::kNoFiles}, {"nslookup", F::kNoFiles},
    {"host", F::kNoFiles}, {"getent", F::kNoFiles}, {"lsof", F::kNoFiles}, {"free", F::kNoFiles},
    {"nproc", F::kNoFiles}, {"lscpu", F::kNoFiles}, {"env_parallel", F::kNoFiles}, {"cowsay", F::kNoFiles},
};

class SpecIndex {
 public:
  SpecIndex() {
    for (const auto& s : kSpecs) map_.emplace(s.name, &s);
  }
  const CommandSpec* Find(std::string_view name) const {
    auto it = map_.find(name);
    return it == map_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const CommandSpec*> map_;
};

const SpecIndex& Index() {
  static const SpecIndex index;
  return index;
}

// "python3.11" → "python", "mkfs.ext4" → "mkfs", "pip3.12" → "pip3".
std::string_view FamilyName(std::string_view name) {
  static constexpr std::string_view kVersioned[] = {"python", "pypy", "perl", "ruby", "php", "lua", "node", "pip"};
  for (auto base : kVersioned) {
    if (name.size() > base.size() && name.substr(0, base.size()) == base) {
      std::string_view rest = name.substr(base.size());
      if (rest.find_first_not_of("0123456789.-") == std::string_view::npos) return base;
    }
  }
  size_t dot = name.find('.');
  if (dot != std::string_view::npos && dot > 0) return name.substr(0, dot);
  return name;
}

bool InList(std::string_view list, std::string_view word) {
  for (auto w : Split(list, ' ')) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

const CommandSpec& LookupCommand(std::string_view name) {
  static const CommandSpec kUnknownSpec{"", Family::kUnknown};
  if (const CommandSpec* s = Index().Find(name)) return *s;
  if (const CommandSpec* s = Index().Find(FamilyName(name))) return *s;
  return kUnknownSpec;
}

void ParseOptions(const CommandSpec& spec, const std::vector<std::string>& argv, size_t first,
                  std::vector<Option>* options, std::vector<uint32_t>* operands, size_t* stop) {
  *stop = argv.size();
  bool only_operands = false;
  for (size_t i = first; i < argv.size(); ++i) {
    const std::string& tok = argv[i];
    const auto idx = static_cast<uint32_t>(i);
    // Shells take "+x" style options too; cargo/rustc take a "+toolchain" first.
    const bool plus_option = tok.size() > 1 && tok[0] == '+' && !only_operands &&
                             (spec.family == Family::kShell || spec.name == "set" || spec.name == "cargo" ||
                              spec.name == "rustc" || spec.name == "rustup" || spec.name == "rustdoc");
    if (plus_option) {
      Option o;
      o.arg_index = idx;
      o.name = tok;
      if (tok == "+o" && i + 1 < argv.size()) {
        o.value = argv[++i];
        o.has_value = true;
      }
      options->push_back(std::move(o));
      continue;
    }
    if (only_operands || tok.size() < 2 || tok[0] != '-') {
      if (!only_operands && spec.posix_order) {
        *stop = i;
        only_operands = true;
      }
      operands->push_back(idx);
      continue;
    }
    if (tok == "--") {
      if (spec.posix_order && *stop == argv.size()) *stop = i + 1;
      only_operands = true;
      continue;
    }
    if (tok[1] == '-') {
      size_t eq = tok.find('=');
      Option o;
      o.arg_index = idx;
      o.name = tok.substr(0, eq);
      if (eq != std::string::npos) {
        o.value = tok.substr(eq + 1);
        o.has_value = true;
      } else if (InList(spec.long_value, std::string_view(o.name).substr(2)) && i + 1 < argv.size()) {
        o.value = argv[++i];
        o.has_value = true;
      }
      options->push_back(std::move(o));
      continue;
    }
    for (size_t j = 1; j < tok.size(); ++j) {
      Option o;
      o.arg_index = idx;
      o.name = std::string("-") + tok[j];
      if (spec.short_value.find(tok[j]) != std::string_view::npos) {
        if (j + 1 < tok.size()) {
          o.value = tok.substr(j + 1);
          o.has_value = true;
        } else if (i + 1 < argv.size()) {
          o.value = argv[++i];
          o.has_value = true;
        }
        options->push_back(std::move(o));
        break;
      }
      options->push_back(std::move(o));
    }
  }
}

const Option* FindOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names) {
  for (const Option& o : options) {
    for (std::string_view n : names) {
      if (o.name == n) return &o;
      // GNU getopt_long accepts any unambiguous prefix: "--recur" is "--recursive".
      if (o.name.size() >= 3 && o.name[1] == '-' && n.size() > o.name.size() && n.substr(0, 2) == "--" &&
          n.substr(0, o.name.size()) == o.name) {
        return &o;
      }
    }
  }
  return nullptr;
}

bool HasOption(const std::vector<Option>& options, std::initializer_list<std::string_view> names) {
  return FindOption(options, names) != nullptr;
}

}  // namespace warden::shell
