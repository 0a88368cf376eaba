// The tables of command models, one per file in src/shell/commands/. Each file holds one
// family: its rows (name, family, option table, handler) and the handlers. command_table.cc
// indexes them all; a name appears in exactly one table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "shell/command_model.h"

namespace warden::shell {

using ModelTable = std::span<const CommandSpec>;

ModelTable BuiltinCommands();      // cd, eval, source, set, alias, trap, mktemp, at, …
ModelTable EchoCommands();         // echo, printf
ModelTable WrapperCommands();      // sudo, nice, timeout, nohup, strace, … (the command follows)
ModelTable EnvCommands();          // env
ModelTable XargsCommands();        // xargs, parallel
ModelTable AnsibleCommands();      // ansible ad-hoc modules
ModelTable RunnerCommands();       // poetry run, npm exec, npx, nix develop -c, ld.so, bwrap, …
ModelTable TerminalCommands();     // tmux, screen, expect
ModelTable DebuggerCommands();     // gdb
ModelTable ShellCommands();        // bash, sh, zsh, …
ModelTable InterpreterCommands();  // python, node, perl, ruby, php, awk, …
ModelTable PowerShellCommands();   // pwsh, powershell
ModelTable DeleteCommands();       // rm, unlink, rmdir, shred, rimraf, …
ModelTable CopyCommands();         // cp, mv, install, ln
ModelTable WriteCommands();        // tee, touch, mkdir, truncate, dd, sponge, patch, chmod, …
ModelTable ReadCommands();         // cat, head, wc, base64, sort, uniq, jq, …
ModelTable SearchCommands();       // grep, rg, ag, ack
ModelTable EditCommands();         // sed, vim, nano, emacs, ed, …
ModelTable ArchiveCommands();      // tar, zip, unzip, gzip, xz, …
ModelTable DownloadCommands();     // curl, wget, aria2c
ModelTable RemoteCommands();       // ssh, scp, rsync, nc, socat
ModelTable TransferCommands();     // gh gist, kubectl cp, aws s3 cp, rclone, sftp batches: files leaving
ModelTable FindCommands();         // find
ModelTable GitCommands();          // git
ModelTable BuildCommands();        // make, cmake, ninja, compilers
ModelTable ContainerCommands();    // docker, podman, nerdctl
ModelTable CryptoCommands();       // openssl, ssh-keygen
ModelTable DatabaseCommands();     // sqlite3
ModelTable DiskCommands();         // mkfs, wipefs, partitioners, blkdiscard, nvme, zpool, mdadm, …
ModelTable PathNameCommands();     // dirname, basename, realpath, readlink -f, pwd
ModelTable ProcessCommands();      // kill, pkill, killall, fuser, systemctl, loginctl, renice
ModelTable WardenCommands();       // warden, warden-shell, warden-serve
ModelTable NoFileCommands();       // known to touch no files through their operands

const std::vector<ModelTable>& AllFamilies();

// Handlers one family borrows from another.
Stream Which(Call& c);  // builtin.cc: the output of which, type and command -v
Stream Wrap(Call& c);   // wrapper.cc: the command that follows a wrapper's options
Stream Reader(Call& c); // read.cc: reads the files its operands name
// read.cc: known text Warden decoded itself (nullopt: decoded data of unknown content).
Stream DecodedLiteral(std::optional<std::string> text, std::string source);
Stream RunShell(Call& c);  // shell.cc: -c STRING, a script file, or standard input

}  // namespace warden::shell
