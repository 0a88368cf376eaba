// Ansible ad-hoc commands: `ansible PATTERN -m MODULE -a ARGS` — the shell, command and raw
// modules run ARGS as a command line (on the hosts of PATTERN, which may be this machine: it is
// analyzed like ssh's remote command); file, copy, template, get_url, lineinfile, unarchive and
// script have the file effects their key=value arguments say (state=absent deletes the path);
// authorized_key writes the user's authorized_keys, user/group /etc/passwd, cron the crontab,
// systemd/service stop or restart their unit.
#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// key=value arguments ("path=/x state=absent", quotes grouping).
std::string Arg(const std::vector<std::string>& args, std::string_view key) {
  for (const auto& a : args) {
    if (a.size() > key.size() && a.compare(0, key.size(), key) == 0 && a[key.size()] == '=') return a.substr(key.size() + 1);
  }
  return {};
}

// "ansible.builtin.file" → "file".
std::string ModuleName(std::string_view m) {
  size_t dot = m.rfind('.');
  return std::string(dot == std::string_view::npos ? m : m.substr(dot + 1));
}

// The home of the user a module names (this user's for none or for the user whose home is
// $HOME; /root for root; /home/NAME otherwise).
std::string UserHome(const Call& c, const std::string& user) {
  const std::string& home = c.an.options().home;
  if (user.empty() || user == Basename(home)) return home;
  return user == "root" ? "/root" : "/home/" + user;
}

void ModuleEffects(Call& c, const std::string& module, const std::string& args_text) {
  std::vector<std::string> args = SplitQuoted(args_text);
  const std::string source = "ansible -m " + module;
  std::string path = Arg(args, "path");
  if (path.empty()) path = Arg(args, "dest");
  if (path.empty()) path = Arg(args, "name");
  if (module == "file") {
    const std::string state = Arg(args, "state");
    c.File(state == "absent" ? FileOp::kDelete : FileOp::kWrite, path, 0, state == "absent" || Arg(args, "recurse") == "yes", source);
  } else if (module == "copy" || module == "template" || module == "lineinfile" || module == "blockinfile" ||
             module == "replace" || module == "ini_file" || module == "assemble") {
    if (!Arg(args, "src").empty()) c.File(FileOp::kRead, Arg(args, "src"), 0, true, source);
    c.File(FileOp::kWrite, path, 0, false, source);
  } else if (module == "get_url") {
    c.File(FileOp::kWrite, path, 0, false, source);
    c.an.Taint(path, 0, c.st, "ansible get_url");
  } else if (module == "unarchive") {
    c.File(FileOp::kWrite, path + "/**", kArgPattern, true, source);
  } else if (module == "script") {
    if (!args.empty()) c.File(FileOp::kExec, args[0], 0, false, source);
  } else if (module == "authorized_key") {
    c.File(FileOp::kWrite, JoinPath(UserHome(c, Arg(args, "user")), ".ssh/authorized_keys"), 0, false, source);
  } else if (module == "user" || module == "group") {
    c.File(FileOp::kWrite, "/etc/passwd", 0, false, source);
  } else if (module == "cron") {
    c.File(FileOp::kWrite, "/var/spool/cron/crontabs/" + Arg(args, "user"), 0, false, source);
  } else if (module == "systemd" || module == "service" || module == "systemd_service") {
    c.RunCode("systemctl " + std::string(Arg(args, "state") == "stopped" ? "stop " : "restart ") + Arg(args, "name"),
              source, "ansible");
  }
}

Stream Ansible(Call& c) {
  const CommandFact& f = c.fact();
  std::string module = "command";
  if (const Option* m = FindOption(f.options, {"-m", "--module-name"}); m && m->has_value) module = ModuleName(m->value);
  const Option* a = FindOption(f.options, {"-a", "--args"});
  if (!a || !a->has_value) return c.PassThrough();
  if (module == "shell" || module == "command" || module == "raw") {
    State remote = c.st;
    remote.cwds.clear();
    remote.cwd_unknown = true;
    c.an.CodeString(PlainWord(a->value), "ansible -m " + module, remote, c.an.Inner(c.ctx, "ansible", false));
  } else {
    ModuleEffects(c, module, a->value);
  }
  return c.PassThrough();
}

constexpr CommandSpec kModels[] = {
    {"ansible", Family::kRunner, "maiucCeMkKbBPtfo", "module-name args inventory user connection extra-vars become-user become-method forks tree limit private-key timeout module-path vault-password-file", false, 0, 0, "", false, Ansible},
};

}  // namespace

ModelTable AnsibleCommands() { return kModels; }

}  // namespace warden::shell
