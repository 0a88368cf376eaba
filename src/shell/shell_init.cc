#include "shell/shell_init.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace warden::shell {
namespace {

struct InitSpelling {
  std::string_view command;
  std::string_view word;  // the first operand (or option) that asks for set-up code; "" for none
};

constexpr InitSpelling kSpellings[] = {
    {"brew", "shellenv"},       {"pyenv", "init"},         {"pyenv", "virtualenv-init"}, {"rbenv", "init"},
    {"nodenv", "init"},         {"goenv", "init"},         {"jenv", "init"},             {"plenv", "init"},
    {"phpenv", "init"},         {"direnv", "hook"},        {"starship", "init"},         {"zoxide", "init"},
    {"fnm", "env"},             {"mise", "activate"},      {"rtx", "activate"},          {"conda", "shell.bash"},
    {"conda", "shell.zsh"},     {"conda", "shell.fish"},   {"micromamba", "shell"},      {"mamba", "shell"},
    {"opam", "env"},            {"luarocks", "path"},      {"atuin", "init"},            {"mcfly", "init"},
    {"navi", "widget"},         {"thefuck", "--alias"},    {"keychain", "--eval"},       {"fzf", "--bash"},
    {"fzf", "--zsh"},           {"fzf", "--fish"},         {"dircolors", ""},            {"lesspipe", ""},
    {"lesspipe.sh", ""},        {"ssh-agent", ""},         {"gpg-agent", "--daemon"},    {"pipenv", "--completion"},
    {"uv", "generate-shell-completion"}, {"uvx", "--generate-shell-completion"}, {"just", "--completions"},
    {"register-python-argcomplete", ""}, {"broot", "--print-shell-function"}, {"volta", "setup"},
};

// `TOOL completion SHELL` / `completions` is how CLIs print their completion scripts.
bool IsCompletion(std::string_view word) { return word == "completion" || word == "completions"; }

// The operands and options a set-up command may have: words, not paths or code.
bool PlainWords(const CommandFact& f) {
  return std::all_of(f.argv.begin() + 1, f.argv.end(), [](const std::string& w) {
    return w.find_first_of("/;|&$`()<>\"'\\") == std::string::npos;
  });
}

// A bare name found in PATH, or the tool where package managers install it
// (/opt/homebrew/bin/brew shellenv is Homebrew's own instruction); not ./tool or a workspace copy.
bool Installed(std::string_view program) {
  if (program.find('/') == std::string_view::npos) return true;
  static constexpr std::string_view kPrefixes[] = {"/usr/bin/", "/usr/local/bin/", "/bin/", "/opt/homebrew/bin/",
                                                   "/home/linuxbrew/.linuxbrew/bin/", "/nix/var/nix/profiles/",
                                                   "/run/current-system/sw/bin/", "/snap/bin/", "/opt/conda/bin/"};
  return program.find("/../") == std::string_view::npos &&
         std::any_of(std::begin(kPrefixes), std::end(kPrefixes), [&](std::string_view p) { return program.rfind(p, 0) == 0; });
}

}  // namespace

bool PrintsShellInit(const CommandFact& f) {
  if (f.argv.empty()) return false;
  const std::string_view first = f.argv.size() > 1 ? std::string_view(f.argv[1]) : std::string_view();
  static const std::unordered_set<std::string_view> kTools = [] {
    std::unordered_set<std::string_view> tools;
    for (const InitSpelling& s : kSpellings) tools.insert(s.command);
    return tools;
  }();
  const bool listed = IsCompletion(first) || kTools.contains(f.name);
  if (!listed || !Installed(f.argv[0]) || !PlainWords(f)) return false;
  if (IsCompletion(first)) return true;
  for (const InitSpelling& s : kSpellings) {
    if (s.command != f.name) continue;
    if (s.word.empty()) return f.name != "ssh-agent" || f.operands.empty();  // ssh-agent CMD runs CMD
    if (std::find(f.argv.begin() + 1, f.argv.end(), s.word) != f.argv.end()) return true;
  }
  return false;
}

}  // namespace warden::shell
