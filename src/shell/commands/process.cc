// Processes: kill, pkill, killall, fuser -k, systemctl and loginctl stop or signal processes;
// renice, prlimit, strace -p, gdb -p and friends change or attach to one. Any of them that can
// reach Warden's daemon — a pid that is the daemon's or comes from a lookup of Warden, a
// pattern or unit glob that matches it, a kill of everything the user runs, a process holding
// Warden's files — is a warden_tamper signal. pgrep and pidof are lookups: what they print
// names Warden when their pattern matches it (exec.cc marks such streams).
#include <algorithm>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

void Tamper(Call& c, std::string detail) { c.Signal(kSignalWardenTamper, c.name() + ": " + std::move(detail)); }

// A pid operand that is Warden's daemon: its pid, or a value from a lookup of Warden.
bool WardenPid(const Call& c, uint32_t arg) {
  const CommandFact& f = c.fact();
  return (f.arg_bits[arg] & kArgWarden) || IsWardenPid(f.argv[arg], c.an.options());
}

// A target (pid, unit, name) decoded or downloaded from an opaque string: there is no reason
// to hide it, so it may be Warden's.
bool Hidden(const Call& c, uint32_t arg) { return arg < c.argv.size() && c.argv[arg].taint.tainted(); }

Stream Kill(Call& c) {
  for (uint32_t op : c.fact().operands) {
    if (WardenPid(c, op)) Tamper(c, "signals Warden's daemon (" + c.fact().argv[op] + ")");
    if (Hidden(c, op)) Tamper(c, "signals a process whose pid is decoded from " + c.argv[op].taint.source);
  }
  return c.PassThrough();
}

// A selection of processes by user, group, parent, session or terminal.
bool HasSelector(const std::vector<Option>& options) {
  return HasOption(options, {"-u", "--euid", "-U", "--uid", "-g", "--pgroup", "-G", "--group", "-P", "--parent", "-s",
                             "--session", "-t", "--terminal", "--ns", "--cgroup"});
}

// pkill PATTERN (-f: against command lines; -v: every process it does not match).
Stream Pkill(Call& c) {
  const CommandFact& f = c.fact();
  const bool full = HasOption(f.options, {"-f", "--full"});
  const bool inverse = HasOption(f.options, {"-v", "--inverse"});
  if (f.operands.empty() && HasSelector(f.options)) {
    Tamper(c, "signals every process of the user, group or session, Warden's daemon among them");
  }
  for (uint32_t op : f.operands) {
    bool matches = (f.arg_bits[op] & kArgWarden) || PatternMatchesWarden(f.argv[op], c.an.options().self, full);
    if (matches != inverse || Hidden(c, op)) Tamper(c, "the pattern '" + f.argv[op] + "' reaches Warden's daemon");
  }
  // -F PIDFILE: the pids in a file (Warden's state holds its own).
  if (const Option* pf = FindOption(f.options, {"-F", "--pidfile"}); pf && pf->has_value) {
    if (NamesWarden(pf->value, c.an.options().self)) Tamper(c, "signals the pids in " + pf->value);
  }
  return c.PassThrough();
}

// skill/snice [SIGNAL] [-c COMMAND | -u USER | -p PID | -t TTY | WORD]…: any word may select.
Stream Skill(Call& c) {
  const CommandFact& f = c.fact();
  for (size_t k = 1; k < f.argv.size(); ++k) {
    const std::string& w = f.argv[k];
    if (w == "-u" || w == "--user") Tamper(c, "signals every process of a user, Warden's daemon among them");
    if ((f.arg_bits[k] & kArgWarden) || IsWardenPid(w, c.an.options()) ||
        (!w.empty() && w[0] != '-' && PatternMatchesWarden(w, c.an.options().self, false))) {
      Tamper(c, "'" + w + "' selects Warden's daemon");
    }
  }
  return c.PassThrough();
}

// killall NAME… (-r: regexes); -u USER alone: every process of the user.
Stream Killall(Call& c) {
  const CommandFact& f = c.fact();
  if (f.operands.empty() && HasOption(f.options, {"-u", "--user"})) {
    Tamper(c, "signals every process of the user, Warden's daemon among them");
  }
  for (uint32_t op : f.operands) {
    if ((f.arg_bits[op] & kArgWarden) || PatternMatchesWarden(f.argv[op], c.an.options().self, false)) {
      Tamper(c, "'" + f.argv[op] + "' names Warden's daemon");
    }
  }
  return c.PassThrough();
}

// fuser -k FILE…: kills the processes that hold the files (Warden's socket, its state).
Stream Fuser(Call& c) {
  const CommandFact& f = c.fact();
  const bool kills = std::any_of(f.options.begin(), f.options.end(), [](const Option& o) {
    return o.name == "-k" || o.name == "--kill";
  });
  if (!kills) return c.PassThrough();
  for (uint32_t op : f.operands) {
    bool dynamic = false;
    bool reaches = f.arg_bits[op] & kArgWarden;
    for (const auto& p : c.an.Resolve(f.argv[op], c.st, &dynamic)) reaches = reaches || UnderWardenDir(p, c.an.options().self);
    if (reaches || NamesWarden(f.argv[op], c.an.options().self)) Tamper(c, "kills the processes holding " + f.argv[op]);
  }
  return c.PassThrough();
}

// systemctl set-environment/unset-environment/import-environment: the user manager's
// environment, which services (Warden's among them) start with.
void ManagerEnvironment(Call& c) {
  const CommandFact& f = c.fact();
  const std::string& verb = f.argv[f.operands[0]];
  if (verb != "set-environment" && verb != "unset-environment" && verb != "import-environment") return;
  for (size_t k = 1; k < f.operands.size(); ++k) {
    const std::string& w = f.argv[f.operands[k]];
    if (w.rfind("WARDEN_", 0) == 0 || (f.arg_bits[f.operands[k]] & kArgDynamic)) {
      Tamper(c, verb + " " + w + " changes the environment Warden's service starts with");
    }
  }
}

bool StopsUnits(std::string_view verb) {
  static constexpr std::string_view kVerbs[] = {
      "stop", "kill", "restart", "try-restart", "reload-or-restart", "try-reload-or-restart", "condrestart",
      "force-reload", "disable", "mask", "freeze", "edit", "revert", "clean", "set-property", "link", "preset"};
  return std::find(std::begin(kVerbs), std::end(kVerbs), verb) != std::end(kVerbs);
}

Stream Systemctl(Call& c) {
  const CommandFact& f = c.fact();
  if (f.operands.empty()) return c.PassThrough();
  const std::string& verb = f.argv[f.operands[0]];
  ManagerEnvironment(c);
  const bool user = HasOption(f.options, {"--user"});
  // The user manager going away, or switching target, stops Warden's user service.
  if (user && (verb == "exit" || verb == "isolate" || verb == "daemon-reexec" || verb == "kill")) {
    if (verb != "kill" || f.operands.size() == 1) Tamper(c, "systemctl --user " + verb + " stops every user service");
  }
  if (!StopsUnits(verb)) return c.PassThrough();
  for (size_t k = 1; k < f.operands.size(); ++k) {
    const std::string& unit = f.argv[f.operands[k]];
    bool slice = unit.size() > 6 && unit.compare(unit.size() - 6, 6, ".slice") == 0;
    if (UnitMatchesWarden(unit) || slice || Hidden(c, f.operands[k]) || (f.arg_bits[f.operands[k]] & kArgDynamic)) {
      Tamper(c, verb + " " + unit + " may reach Warden's service");
    }
  }
  return c.PassThrough();
}

// dbus-update-activation-environment [--systemd] NAME=VALUE…: services started later see them.
Stream ActivationEnvironment(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    if (MentionsWardenVariable(c.argv[k].text) || (c.argv[k].bits & kArgDynamic)) {
      Tamper(c, c.argv[k].text + " changes the environment services start with");
    }
  }
  return c.PassThrough();
}

// busctl/dbus-send/gdbus: a systemd or logind method that stops units or sessions.
Stream Dbus(Call& c) {
  static const std::string_view kMethods[] = {"StopUnit", "KillUnit", "RestartUnit", "TryRestartUnit",
                                              "ReloadOrRestartUnit", "MaskUnitFiles", "DisableUnitFiles",
                                              "KillSession", "KillUser", "TerminateUser", "TerminateSession", "Exit"};
  const CommandFact& f = c.fact();
  bool stops = false, reaches = false;
  for (size_t k = 1; k < f.argv.size(); ++k) {
    const std::string& w = f.argv[k];
    for (std::string_view m : kMethods) stops = stops || w.find(m) != std::string::npos;
    reaches = reaches || UnitMatchesWarden(w) || w.find(".slice") != std::string::npos || (f.arg_bits[k] & kArgDynamic) ||
              w.find("KillUser") != std::string::npos || w.find("TerminateUser") != std::string::npos ||
              w.find("Exit") != std::string::npos;
  }
  if (stops && reaches) Tamper(c, "a D-Bus call that stops units or sessions may reach Warden's service");
  return c.PassThrough();
}

// loginctl kill-user/terminate-user/…: every process of the user or session ends.
Stream Loginctl(Call& c) {
  const CommandFact& f = c.fact();
  static constexpr std::string_view kEnds[] = {"kill-user", "terminate-user", "kill-session", "terminate-session",
                                               "terminate-seat"};
  if (!f.operands.empty() &&
      std::find(std::begin(kEnds), std::end(kEnds), f.argv[f.operands[0]]) != std::end(kEnds)) {
    Tamper(c, f.argv[f.operands[0]] + " ends every process of the user or session, Warden's daemon among them");
  }
  return c.PassThrough();
}

// renice -p PID, prlimit --pid PID: they change a running process.
Stream ChangesProcess(Call& c) {
  const CommandFact& f = c.fact();
  for (const Option& o : f.options) {
    if ((o.name == "-p" || o.name == "--pid") && o.has_value && IsWardenPid(o.value, c.an.options())) {
      Tamper(c, "changes Warden's daemon (pid " + o.value + ")");
    }
  }
  for (uint32_t op : f.operands) {
    if (WardenPid(c, op)) Tamper(c, "changes Warden's daemon (" + f.argv[op] + ")");
  }
  return c.PassThrough();
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"kill", F::kNoFiles, "sn", "signal", false, 0, 0, "", false, Kill},
    {"pkill", F::kNoFiles, "ugUGPtsFe", "euid uid group pgroup session terminal parent pidfile signal ns nslist", false, 0, 0, "", false, Pkill},
    {"pgrep", F::kNoFiles, "ugUGPtsFd", "euid uid group pgroup session terminal parent pidfile delimiter ns nslist", false},
    {"killall", F::kNoFiles, "usnoyO", "user signal ns older-than younger-than", false, 0, 0, "", false, Killall},
    {.name = "pidof", .family = F::kNoFiles},
    {"fuser", F::kNoFiles, "n", "namespace", false, 0, 0, "", false, Fuser},
    {"systemctl", F::kNoFiles, "tpHMnos", "type property state host machine lines output signal kill-whom kill-value job-mode root what timestamp message", false, 0, 0, "", false, Systemctl},
    {"loginctl", F::kNoFiles, "pHMns", "property host machine lines output signal kill-whom", false, 0, 0, "", false, Loginctl},
    {"renice", F::kNoFiles, "ngpu", "priority relative pgrp pid user", false, 0, 0, "", false, ChangesProcess},
    {"gcore", F::kNoFiles, "o", "", false, 0, 0, "", false, ChangesProcess},
    {.name = "skill", .family = F::kNoFiles, .run = Skill},
    {.name = "snice", .family = F::kNoFiles, .run = Skill},
    {"busctl", F::kNoFiles, "HM", "host machine address timeout", false, 0, 0, "", false, Dbus},
    {.name = "dbus-update-activation-environment", .family = F::kNoFiles, .run = ActivationEnvironment},
    {.name = "dbus-send", .family = F::kNoFiles, .run = Dbus},
    {.name = "gdbus", .family = F::kNoFiles, .run = Dbus},
};

}  // namespace

ModelTable ProcessCommands() { return kModels; }

}  // namespace warden::shell
