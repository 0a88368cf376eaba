// Wrappers: commands that run the command given in their operands, after their own options
// (and, for some, a fixed number of operands: `timeout DURATION`, `chroot DIR`). A wrapper's
// -c option (su -c, flock -c, script -c) is a shell string instead. sudo, doas, su, pkexec,
// run0 and runuser mark what they run as privileged.
#include <algorithm>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

// A wrapper's own options, parsed again to learn where they stop (its first operand).
struct Wrapped {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> texts;
  std::vector<Option> options;
  size_t stop = 0;
  Ctx inner;
};

Wrapped Parse(Call& c) {
  Wrapped w;
  w.spec = &LookupCommand(c.name());
  for (const auto& a : c.argv) w.texts.push_back(a.text);
  std::vector<uint32_t> operands;
  ParseOptions(*w.spec, w.texts, 1, &w.options, &operands, &w.stop);
  w.inner = c.an.Inner(c.ctx, c.name(), w.spec->privileged);
  return w;
}

std::string ShortCodeFlag(const CommandSpec& spec) { return std::string("-") + spec.code_flag; }
std::string LongCodeFlag(const CommandSpec& spec) {
  return spec.code_long.empty() ? std::string("-c") : "--" + std::string(spec.code_long);
}

// su -c CODE, flock -c CODE, …: the value (glued to the flag or the next word) is a shell string.
bool CodeOption(Call& c, const Wrapped& w, Stream* out) {
  if (!w.spec->code_flag) return false;
  const std::string short_flag = ShortCodeFlag(*w.spec), long_flag = LongCodeFlag(*w.spec);
  const Option* o = FindOption(w.options, {short_flag, long_flag});
  if (!o || !o->has_value) return false;
  const std::string& tok = w.texts[o->arg_index];
  size_t at = (tok == short_flag || tok == long_flag) ? o->arg_index + 1 : o->arg_index;
  Expanded code = at < c.argv.size() ? c.argv[at] : Expanded{};
  code.text = o->value;
  *out = c.an.CodeString(code, c.name() + " -c", c.st, w.inner, {}, c.in);
  return true;
}

// The wrapped command from argv[start] on ("flock FILE -c CMD": the code flag may also
// follow the wrapper's own operands).
Stream RunFrom(Call& c, const Wrapped& w, size_t start, State& where) {
  if (start >= c.argv.size()) return UnknownStream(c.name());
  const std::string& t = c.argv[start].text;
  if (w.spec->code_flag && start + 1 < c.argv.size() &&
      (t == ShortCodeFlag(*w.spec) || (!w.spec->code_long.empty() && t == "--" + std::string(w.spec->code_long)))) {
    return c.an.CodeString(c.argv[start + 1], c.name() + " -c", c.st, w.inner, {}, c.in);
  }
  return c.an.Exec(Slice(c.argv, start), where, w.inner, c.in);
}

size_t Start(const Wrapped& w) { return w.stop + static_cast<size_t>(w.spec->skip_operands); }

// sudo -D DIR / --chdir=DIR: the command runs elsewhere; sudo NAME=VALUE… CMD sets variables
// for it, as env does.
Stream Sudo(Call& c) {
  Wrapped w = Parse(c);
  Stream out;
  if (CodeOption(c, w, &out)) return out;
  State child = c.st;
  if (const Option* d = FindOption(w.options, {"-D", "--chdir"}); d && d->has_value) {
    c.an.ChangeDirectory({PlainWord("cd"), PlainWord(d->value)}, child);
  }
  size_t start = Start(w);
  for (; start < c.argv.size(); ++start) {
    const std::string& t = c.argv[start].text;
    size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0 || !IsIdentifier(std::string_view(t).substr(0, eq))) break;
    if (IsWardenVariable(t.substr(0, eq))) c.Signal(kSignalWardenTamper, c.name() + " sets " + t.substr(0, eq) + ", which Warden's programs read");
    Value v;
    v.known = !(c.argv[start].bits & kArgDynamic);
    v.text = v.known ? t.substr(eq + 1) : std::string();
    child.vars[t.substr(0, eq)] = v;
  }
  return RunFrom(c, w, start, child);
}

// runuser -u USER [--] CMD… runs CMD; runuser [-] USER [-c CMD] is su's form: the user first.
Stream Runuser(Call& c) {
  Wrapped w = Parse(c);
  Stream out;
  if (CodeOption(c, w, &out)) return out;
  if (FindOption(w.options, {"-u", "--user"})) return RunFrom(c, w, Start(w), c.st);
  size_t k = Start(w);
  if (k < c.argv.size() && c.argv[k].text == "-") ++k;
  return RunFrom(c, w, k + 1, c.st);  // after USER: -c CMD, or nothing to run
}

// coreutils --coreutils-prog=NAME ARGS… (the multi-call binary) runs NAME.
Stream Coreutils(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    if (t.rfind("--coreutils-prog=", 0) != 0) continue;
    std::vector<Expanded> words = {PlainWord(t.substr(17), c.argv[k].bits)};
    for (size_t i = k + 1; i < c.argv.size(); ++i) words.push_back(c.argv[i]);
    return c.Run(std::move(words), c.name());
  }
  return UnknownStream(c.name());
}

// watch CMD…: the words are joined into a shell string (unless -x).
Stream Watch(Call& c) {
  Wrapped w = Parse(c);
  if (HasOption(w.options, {"-x", "--exec"})) return RunFrom(c, w, Start(w), c.st);
  if (w.stop >= c.argv.size()) return UnknownStream();
  return c.an.CodeString(JoinWords(c.argv, w.stop), "watch", c.st, w.inner, {}, c.in);
}

// sg GROUP CMD…: a shell string too.
Stream Sg(Call& c) {
  Wrapped w = Parse(c);
  Stream out;
  if (CodeOption(c, w, &out)) return out;
  size_t start = Start(w);
  if (start < c.argv.size() && c.argv[start].text != "-c") {
    return c.an.CodeString(JoinWords(c.argv, start), "sg", c.st, w.inner, {}, c.in);
  }
  return RunFrom(c, w, start, c.st);
}

// flock FILE CMD: the lock file is created.
Stream Flock(Call& c) {
  Wrapped w = Parse(c);
  Stream out;
  if (CodeOption(c, w, &out)) return out;
  if (w.stop < c.argv.size()) c.File(FileOp::kWrite, c.argv[w.stop].text, c.argv[w.stop].bits, false, "flock");
  return RunFrom(c, w, Start(w), c.st);
}

// strace/ltrace/prlimit -p PID attach to (or change) a running process; -o FILE is written.
Stream Tracer(Call& c) {
  Wrapped w = Parse(c);
  for (const Option& o : w.options) {
    if (!o.has_value) continue;
    if (o.name == "-p" || o.name == "--pid" || o.name == "--attach") {
      const uint32_t at = std::min<uint32_t>(o.arg_index + 1, static_cast<uint32_t>(c.argv.size() - 1));
      const bool from_lookup = (c.argv[at].bits & kArgWarden) || c.argv[at].taint.tainted();
      if (from_lookup || IsWardenPid(o.value, c.an.options())) {
        c.Signal(kSignalWardenTamper, c.name() + " attaches to or changes Warden's daemon (pid " + o.value + ")");
      }
    } else if (o.name == "-o" || o.name == "--output") {
      c.File(FileOp::kWrite, o.value);
    }
  }
  if (w.stop >= c.argv.size()) return c.PassThrough();
  return RunFrom(c, w, Start(w), c.st);
}

// command, exec, builtin: alone they change nothing; `command -v` prints a path.
Stream CommandBuiltin(Call& c) {
  if (c.argv.size() == 1) return Stream{};
  if (c.name() == "command" && HasOption(c.fact().options, {"-v", "-V"})) return Which(c);
  return Wrap(c);
}

using F = Family;

// Fields: name, family, short options with a value, long options with a value, posix option
// order, operands to skip, code flag, code long flag, privileged, handler.
constexpr CommandSpec kModels[] = {
    {"sudo", F::kWrapper, "CDghprtTUu", "close-from chdir group host prompt chroot role type command-timeout other-user user", true, 0, 0, "", true, Sudo},
    {"doas", F::kWrapper, "uC", "", true, 0, 0, "", true, Wrap},
    {"pkexec", F::kWrapper, "", "user", true, 0, 0, "", true, Wrap},
    {"run0", F::kWrapper, "uDg", "user group chdir description slice unit property setenv", true, 0, 0, "", true, Sudo},
    {"su", F::kWrapper, "csgGw", "command shell group supp-group whitelist-environment session-command", false, 0, 'c', "command", true, Wrap},
    {"runuser", F::kWrapper, "ugGcsw", "user group supp-group command shell whitelist-environment session-command", true, 0, 'c', "command", true, Runuser},
    {"sg", F::kWrapper, "c", "", true, 1, 'c', "", false, Sg},
    {"command", F::kWrapper, "", "", true, 0, 0, "", false, CommandBuiltin},
    {"builtin", F::kWrapper, "", "", true, 0, 0, "", false, CommandBuiltin},
    {"exec", F::kWrapper, "a", "", true, 0, 0, "", false, CommandBuiltin},
    {"nice", F::kWrapper, "n", "adjustment", true, 0, 0, "", false, Wrap},
    {"ionice", F::kWrapper, "cnpPu", "class classdata pid pgid uid", true, 0, 0, "", false, Wrap},
    {"nohup", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"timeout", F::kWrapper, "ks", "kill-after signal", true, 1, 0, "", false, Wrap},
    {"time", F::kWrapper, "fo", "format output", true, 0, 0, "", false, Wrap},
    {"stdbuf", F::kWrapper, "ioe", "input output error", true, 0, 0, "", false, Wrap},
    {"setsid", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"watch", F::kWrapper, "nq", "interval equexit", true, 0, 0, "", false, Watch},
    {"flock", F::kWrapper, "wEc", "timeout wait conflict-exit-code command", true, 1, 'c', "command", false, Flock},
    {"script", F::kWrapper, "cEIOBTo", "command echo log-in log-out log-io log-timing output-limit", false, 0, 'c', "command", false, Wrap},
    {"chroot", F::kWrapper, "", "userspec groups", true, 1, 0, "", false, Wrap},
    {"taskset", F::kWrapper, "", "", true, 1, 0, "", false, Wrap},
    {"chrt", F::kWrapper, "TPD", "sched-runtime sched-period sched-deadline", true, 1, 0, "", false, Wrap},
    {"numactl", F::kWrapper, "CNmPpiw", "physcpubind cpunodebind membind preferred interleave", true, 0, 0, "", false, Wrap},
    {"unshare", F::kWrapper, "SGRw", "setuid setgid root wd map-user map-group propagation", true, 0, 0, "", false, Wrap, nullptr, "-w --wd"},
    {"nsenter", F::kWrapper, "tSGrw", "target setuid setgid root wd", true, 0, 0, "", false, Wrap, nullptr, "-w --wd"},
    {"firejail", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"systemd-run", F::kWrapper, "pEuMH", "property setenv unit machine host description slice uid gid nice working-directory on-active on-boot on-startup on-unit-active on-unit-inactive on-calendar on-clock-change on-timezone-change timer-property path-property socket-property service-type", true, 0, 0, "", false, Wrap, nullptr, "--working-directory"},
    {"systemd-inhibit", F::kWrapper, "", "what who why mode", true, 0, 0, "", false, Wrap},
    {"setpriv", F::kWrapper, "", "reuid regid groups inh-caps ambient-caps bounding-set securebits pdeathsig selinux-label apparmor-profile landlock-access landlock-rule seccomp-filter", true, 0, 0, "", false, Wrap},
    {"gosu", F::kWrapper, "", "", true, 1, 0, "", true, Wrap},
    {"su-exec", F::kWrapper, "", "", true, 1, 0, "", true, Wrap},
    {"setuidgid", F::kWrapper, "", "", true, 1, 0, "", true, Wrap},
    {"s6-setuidgid", F::kWrapper, "", "", true, 1, 0, "", true, Wrap},
    {"chpst", F::kWrapper, "uUbenlLmdofpcr", "", true, 0, 0, "", false, Wrap},
    {"envdir", F::kWrapper, "", "", true, 1, 0, "", false, Wrap},
    {"softlimit", F::kWrapper, "madslfcrtop", "", true, 0, 0, "", false, Wrap},
    {"nocache", F::kWrapper, "n", "", true, 0, 0, "", false, Wrap},
    {"eatmydata", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"fakechroot", F::kWrapper, "lsbcde", "lib faked environment bindir config-dir", true, 0, 0, "", false, Wrap},
    {"proot", F::kWrapper, "rbwmqkv", "rootfs bind cwd mount qemu kernel-release verbose", true, 0, 0, "", false, Wrap, nullptr, "-w --cwd"},
    {"schroot", F::kWrapper, "cudn", "chroot user directory session-name option", true, 0, 0, "", false, Wrap},
    {"lxc-attach", F::kWrapper, "nPesuvg", "name lxcpath elevated-privileges namespaces set-var keep-var uid gid", true, 0, 0, "", false, Wrap},
    {"flatpak-spawn", F::kWrapper, "", "directory env forward-fd", true, 0, 0, "", false, Wrap, nullptr, "--directory"},
    {"dbus-run-session", F::kWrapper, "", "config-file dbus-daemon", true, 0, 0, "", false, Wrap},
    {"timelimit", F::kWrapper, "tTsSp", "", true, 0, 0, "", false, Wrap},
    {"ifne", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"dtach", F::kWrapper, "erz", "", true, 1, 0, "", false, Wrap},
    {"abduco", F::kWrapper, "e", "", true, 1, 0, "", false, Wrap},
    {"cpulimit", F::kWrapper, "lpePc", "limit pid exe path cpu", true, 0, 0, "", false, Tracer},
    {"gtimeout", F::kWrapper, "ks", "kill-after signal", true, 1, 0, "", false, Wrap},
    {"strace", F::kWrapper, "abeEIoOpPsSuUX", "output attach trace signal status decode-fds string-limit columns summary-columns", true, 0, 0, "", false, Tracer},
    {"ltrace", F::kWrapper, "aAeEFnlopsuDxw", "output", true, 0, 0, "", false, Tracer},
    {"prlimit", F::kWrapper, "po", "pid output", true, 0, 0, "", false, Tracer},
    {"valgrind", F::kWrapper, "", "tool log-file xml-file suppressions", true, 0, 0, "", false, Wrap},
    {"fakeroot", F::kWrapper, "lsi", "lib faked", true, 0, 0, "", false, Wrap},
    {"faketime", F::kWrapper, "", "exclude-monotonic date-prog", true, 1, 0, "", false, Wrap},
    {"proxychains", F::kWrapper, "f", "", true, 0, 0, "", false, Wrap},
    {"proxychains4", F::kWrapper, "f", "", true, 0, 0, "", false, Wrap},
    {"torsocks", F::kWrapper, "uapP", "user pass address port", true, 0, 0, "", false, Wrap},
    {"unbuffer", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"chronic", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"catchsegv", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"coproc", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"busybox", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {.name = "coreutils", .family = F::kWrapper, .run = Coreutils},
    {"toybox", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"dbus-launch", F::kWrapper, "", "", true, 0, 0, "", false, Wrap},
    {"xvfb-run", F::kWrapper, "nsfwe", "server-num server-args auth-file wait error-file", true, 0, 0, "", false, Wrap},
    {"ssh-agent", F::kWrapper, "aEPt", "", true, 0, 0, "", false, Wrap},
    {"caffeinate", F::kWrapper, "tw", "", true, 0, 0, "", false, Wrap},
};

}  // namespace

Stream Wrap(Call& c) {
  Wrapped w = Parse(c);
  Stream out;
  if (CodeOption(c, w, &out)) return out;
  State moved;
  return RunFrom(c, w, Start(w), *c.RunState(&moved));
}

ModelTable WrapperCommands() { return kModels; }

}  // namespace warden::shell
