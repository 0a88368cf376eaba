// `warden init bash|zsh`: prints the shell code that checks each command line a person types,
// in the human context, before it runs (eval "$(warden init bash)" in ~/.bashrc).
//
// bash: a DEBUG trap with `extdebug` (a trap returning non-zero skips the command). The trap
// runs before every simple command; the first one after a prompt reads the whole line from
// history and decides once, and the verdict applies to every command of that line.
// zsh: the accept-line widget is wrapped, so the decision is made on the whole buffer before
// zsh runs any of it; a denied line stays in the editor.
#include <unistd.h>

#include <iostream>

#include "cli/common.h"

namespace warden::cli {
namespace {

constexpr const char* kBash = R"WARDEN(# Warden: check each command line typed at this prompt before it runs (human context).
# Installed by: eval "$(warden init bash)"    Remove for this shell: __warden_off
__warden_bin=@BIN@
__warden_pending=0
__warden_block=0
__warden_in_prompt=0
__warden_last_hist=
# PROMPT_COMMAND runs unchecked between these two; the next line typed is checked.
__warden_prompt_start() { __warden_in_prompt=1; __warden_block=0; }
__warden_prompt_end() { __warden_in_prompt=0; __warden_pending=1; }
__warden_decide() {
  local out rc
  out=$("$__warden_bin" check --context human --cwd "$PWD" @FLAGS@ -- "$1" 2>&1); rc=$?
  case $rc in
    0) __warden_block=0 ;;
    1) __warden_block=1; printf 'warden: %s\n' "$out" >&2 ;;
    2) local answer
       printf 'warden: %s\nwarden: run it anyway? [y/N] ' "$out" >&2
       read -r answer </dev/tty
       case $answer in [yY]*) __warden_block=0 ;; *) __warden_block=1 ;; esac ;;
    *) __warden_block=1; printf 'warden: could not check this command (%s); not running it\n' "$out" >&2 ;;
  esac
}
__warden_debug() {
  case $BASH_COMMAND in __warden_*) return 0 ;; esac
  [ "$__warden_in_prompt" = 1 ] && return 0
  [ -n "${COMP_LINE-}" ] && return 0
  if [ "$__warden_pending" = 1 ]; then
    __warden_pending=0
    local line
    line=$(HISTTIMEFORMAT= builtin history 1)
    # A line that did not reach history (HISTCONTROL=ignorespace…) leaves the last entry as it
    # was: then each simple command is checked on its own.
    if [ -n "$line" ] && [ "$line" != "$__warden_last_hist" ]; then
      __warden_last_hist=$line
      [[ $line =~ ^[[:space:]]*[0-9]+[*]?[[:space:]]+(.*)$ ]] && line=${BASH_REMATCH[1]}
      __warden_decide "$line"
    else
      __warden_pending=2
    fi
  fi
  if [ "$__warden_pending" = 2 ]; then __warden_decide "$BASH_COMMAND"; fi
  [ "$__warden_block" = 1 ] && return 1
  return 0
}
__warden_off() {
  trap - DEBUG
  shopt -u extdebug
  PROMPT_COMMAND=${PROMPT_COMMAND#__warden_prompt_start;}
  PROMPT_COMMAND=${PROMPT_COMMAND%;__warden_prompt_end}
}
shopt -s extdebug
PROMPT_COMMAND="__warden_prompt_start;${PROMPT_COMMAND:+$PROMPT_COMMAND;}__warden_prompt_end"
trap '__warden_debug' DEBUG
)WARDEN";

constexpr const char* kZsh = R"WARDEN(# Warden: check each command line typed at this prompt before it runs (human context).
# Installed by: eval "$(warden init zsh)"    Remove for this shell: __warden_off
typeset -g __warden_bin=@BIN@
typeset -g __warden_confirmed=
__warden_accept_line() {
  if [[ -n ${BUFFER//[[:space:]]/} && $BUFFER != "$__warden_confirmed" ]]; then
    local out rc
    out=$("$__warden_bin" check --context human --cwd "$PWD" @FLAGS@ -- "$BUFFER" 2>&1); rc=$?
    case $rc in
      0) ;;
      1) zle -M "warden: $out"; return 0 ;;
      2) __warden_confirmed=$BUFFER
         zle -M "warden: $out — press Enter again to run it anyway"; return 0 ;;
      *) zle -M "warden: could not check this command ($out); not running it"; return 0 ;;
    esac
  fi
  __warden_confirmed=
  zle .accept-line
}
__warden_off() { zle -A .accept-line accept-line; }
zle -N accept-line __warden_accept_line
)WARDEN";

struct InitArgs {
  std::string shell;
  std::vector<std::string> policies;
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string Fill(std::string text, const std::string& bin, const std::string& flags) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"@BIN@", bin}, {"@FLAGS@", flags}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

std::string SelfPath() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("warden");
}

int RunInit(const InitArgs& a) {
  std::string flags;
  for (const auto& p : a.policies) flags += (flags.empty() ? "" : " ") + std::string("--policy ") + Quote(p);
  std::cout << Fill(a.shell == "bash" ? kBash : kZsh, Quote(SelfPath()), flags);
  return 0;
}

}  // namespace

void RegisterInit(CLI::App& app, Runner* run) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = app.add_subcommand("init", "Print shell code that checks each command a person types (bash, zsh)");
  cmd->add_option("shell", args->shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  cmd->add_option("--policy", args->policies, "Policy files the checks add (repeatable)")->type_name("FILE");
  cmd->footer(R"HELP(Add to ~/.bashrc or ~/.zshrc:
  eval "$(warden init bash)"
  eval "$(warden init zsh)"

Each line typed at the prompt is checked with `warden check --context human` before it runs:
deny prints the reason and skips the line, ask asks "run it anyway?" (zsh: press Enter again),
allow runs it. What it sees: the whole line as typed (bash reads it from history; a line that
does not reach history, e.g. with HISTCONTROL=ignorespace, is checked command by command).
What it cannot see: what scripts and programs run by that line do, commands from sourced
files and functions defined earlier (their bodies run without a prompt), and anything typed in
another shell. `__warden_off` removes it from the current shell: it guards a person against
slips, not an adversary at their own keyboard.
)HELP");
  cmd->callback([run, args] { *run = [args] { return RunInit(*args); }; });
}

}  // namespace warden::cli
