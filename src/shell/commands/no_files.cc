// Commands known to touch no files through their operands that a rule decides on: information
// and process tools, package managers, services, databases and infrastructure tools (their
// subcommands are decided by command rules), and Warden itself. Rows with option tables say
// which global options take a value, so that the subcommand is found.
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

using F = Family;

constexpr CommandSpec kModels[] = {
    // Global options with values come before the subcommand; knowing them finds the subcommand.
    {"helm", F::kNoFiles, "n", "namespace kube-context kubeconfig", false},
    {.name = "true", .family = F::kNoFiles}, {.name = "false", .family = F::kNoFiles},
    {.name = ":", .family = F::kNoFiles}, {.name = "sleep", .family = F::kNoFiles},
    {.name = "export", .family = F::kNoFiles}, {.name = "declare", .family = F::kNoFiles},
    {.name = "typeset", .family = F::kNoFiles}, {.name = "local", .family = F::kNoFiles},
    {.name = "readonly", .family = F::kNoFiles}, {.name = "jobs", .family = F::kNoFiles},
    {.name = "exit", .family = F::kNoFiles}, {.name = "return", .family = F::kNoFiles},
    {.name = "break", .family = F::kNoFiles}, {.name = "continue", .family = F::kNoFiles},
    {.name = "ulimit", .family = F::kNoFiles}, {.name = "umask", .family = F::kNoFiles},
    {.name = "whereis", .family = F::kNoFiles}, 
    {.name = "whoami", .family = F::kNoFiles},
    {.name = "id", .family = F::kNoFiles}, {.name = "date", .family = F::kNoFiles},
    {.name = "uname", .family = F::kNoFiles}, {.name = "hostname", .family = F::kNoFiles},
    {.name = "uptime", .family = F::kNoFiles}, {.name = "printenv", .family = F::kNoFiles},
    {.name = "seq", .family = F::kNoFiles}, {.name = "yes", .family = F::kNoFiles},
    {.name = "ls", .family = F::kNoFiles}, {.name = "dir", .family = F::kNoFiles},
    {.name = "tree", .family = F::kNoFiles}, {.name = "du", .family = F::kNoFiles},
    {.name = "df", .family = F::kNoFiles}, {.name = "stat", .family = F::kNoFiles},
    {.name = "ps", .family = F::kNoFiles}, {.name = "top", .family = F::kNoFiles},
    {.name = "htop", .family = F::kNoFiles}, {.name = "terraform", .family = F::kNoFiles},
    {.name = "tofu", .family = F::kNoFiles}, {.name = "pulumi", .family = F::kNoFiles},
    {.name = "redis-cli", .family = F::kNoFiles},
    {.name = "mongo", .family = F::kNoFiles}, {.name = "mongosh", .family = F::kNoFiles},
    {.name = "service", .family = F::kNoFiles},
    {.name = "shutdown", .family = F::kNoFiles}, {.name = "reboot", .family = F::kNoFiles},
    {.name = "halt", .family = F::kNoFiles}, {.name = "poweroff", .family = F::kNoFiles},
    {.name = "apt", .family = F::kNoFiles}, {.name = "apt-get", .family = F::kNoFiles},
    {.name = "dpkg", .family = F::kNoFiles}, {.name = "brew", .family = F::kNoFiles},
    {.name = "mount", .family = F::kNoFiles}, {.name = "umount", .family = F::kNoFiles},
    {.name = "swapoff", .family = F::kNoFiles}, {.name = "clear", .family = F::kNoFiles},
    {.name = "tput", .family = F::kNoFiles}, 
    {.name = "help", .family = F::kNoFiles}, {.name = "info", .family = F::kNoFiles},
    {.name = "open", .family = F::kNoFiles},
    {.name = "xdg-open", .family = F::kNoFiles}, {.name = "ping", .family = F::kNoFiles},
    {.name = "dig", .family = F::kNoFiles}, {.name = "nslookup", .family = F::kNoFiles},
    {.name = "host", .family = F::kNoFiles}, {.name = "getent", .family = F::kNoFiles},
    {.name = "lsof", .family = F::kNoFiles}, {.name = "free", .family = F::kNoFiles},
    {.name = "nproc", .family = F::kNoFiles}, {.name = "lscpu", .family = F::kNoFiles},
    {.name = "env_parallel", .family = F::kNoFiles}, {.name = "cowsay", .family = F::kNoFiles},
};

}  // namespace

ModelTable NoFileCommands() { return kModels; }

}  // namespace warden::shell
