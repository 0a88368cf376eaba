// Commands given as the value of a setting whose name says it holds one, for any tool:
// `--open-files-in-pager='CMD'`, `-o ProxyCommand=CMD`, `-c trailer.x.command=CMD`,
// `--checkpoint-action exec=CMD`, `-p ExecStartPre=CMD`, `--config 'target.X.runner=[…]'`,
// `--init-eval-command='shell CMD'`, `FOO_RUNNER='CMD' tool`. The tools that Warden models
// option by option are read exactly by their handlers; this is the generic net for the long
// tail of options and settings nobody listed. A value of two words or more is read as a
// command line; one word is read only if it names a script written earlier in the same
// command line. The facts are speculative (a guess from a name): deny and ask on them count,
// analysis problems inside them do not.
#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

// Parts of option, setting and variable names that mean "a command goes here", by first letter
// (one pass over the name: most names are looked at and rejected).
bool NamesACommandAt(std::string_view lower, size_t i) {
  auto at = [&](std::string_view part) { return lower.compare(i, part.size(), part) == 0; };
  switch (lower[i]) {
    case 'c': return at("command") || at("cmd");
    case 'e': return at("exec") || at("editor");
    case 's': return at("shell") || at("script");
    case 't': return at("tunnel");
    case 'r': return at("runner");
    case 'p': return at("pager") || at("program");
    case 'h': return at("helper") || at("hook");
    case '-': return at("-pack");
    case 'l': return at("launcher");
    case 'w': return at("wrapper");
    case 'i': return at("interpreter") || at("invoke");
    default: return false;
  }
}

bool NamesACommand(std::string_view name) {
  if (name.size() < 3) return false;
  std::array<char, 64> buffer;  // names are short: lower-cased once, on the stack
  const size_t n = std::min(name.size(), buffer.size());
  for (size_t i = 0; i < n; ++i) buffer[i] = AsciiLower(name[i]);
  const std::string_view lower(buffer.data(), n);
  for (size_t i = 0; i + 3 <= n; ++i) {
    if (!NamesACommandAt(lower, i)) continue;
    return lower.find("exec-path") == std::string_view::npos && lower.find("execpath") == std::string_view::npos;
  }
  return false;
}

// KEY=VALUE (or KEY:=VALUE) where KEY is a name: a setting inside a value (-o K=V, -c k.k=v).
bool SplitSetting(std::string_view text, std::string_view* key, std::string_view* value) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  std::string_view k = text.substr(0, eq);
  while (!k.empty() && k.back() == ':') k.remove_suffix(1);  // K:=V (make), APT::X::Pre-Invoke::=V
  if (k.empty()) return false;
  const bool name = !k.empty() && std::all_of(k.begin(), k.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-' || ch == ':';
  });
  if (!name) return false;
  *key = k;
  *value = text.substr(eq + 1);
  return true;
}

// The command line a setting's value stands for: `!CMD` (git's shell aliases), `|CMD`, or a
// TOML/JSON list of words (["rm","-rf","/x"]).
std::string CommandLineOf(std::string_view value) {
  value = Trim(value);
  if (!value.empty() && (value[0] == '!' || value[0] == '|')) value.remove_prefix(1);
  if (value.empty() || value[0] != '[') return std::string(value);
  std::string line;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '"' && value[i] != '\'') continue;
    const size_t end = value.find(value[i], i + 1);
    if (end == std::string_view::npos) break;
    if (!line.empty()) line += ' ';
    line += SingleQuoted(value.substr(i + 1, end - i - 1));
    i = end;
  }
  return line;
}

// The tools with entries in kCommandOptions below.
constexpr std::string_view kCommandOptionTools[] = {"zip",   "tcpdump", "sftp", "scp", "git",   "rsync",
                                                   "dpkg",  "flock",   "su",   "runuser", "script"};

// Options of particular tools whose value is a command the tool runs, however short their
// names (-z, -D, -TT): name-guessing cannot see them, so they are listed. Attached values
// (-TTcmd, -O'cmd') count.
struct CommandOption {
  std::string_view command;
  std::string_view option;
};
constexpr CommandOption kCommandOptions[] = {
    {"zip", "-TT"}, {"zip", "--unzip-command"}, {"tcpdump", "-z"}, {"sftp", "-D"}, {"sftp", "-S"}, {"scp", "-S"},
    {"git", "-O"}, {"rsync", "--rsh"}, {"dpkg", "--pre-invoke"}, {"dpkg", "--post-invoke"}, {"flock", "-c"},
    {"flock", "--command"}, {"su", "-c"}, {"runuser", "-c"}, {"script", "-c"}, {"script", "--command"}};

// The value of a listed option in argv[i] (attached or the next word); false if none.
bool ListedOptionValue(const CommandFact& f, size_t i, std::string* value) {
  const std::string& t = f.argv[i];
  for (const CommandOption& o : kCommandOptions) {
    if (o.command != f.name || t.rfind(o.option, 0) != 0) continue;
    if (t.size() > o.option.size()) {
      *value = t.substr(o.option.size() + (t[o.option.size()] == '=' ? 1 : 0));
      return true;
    }
    if (i + 1 < f.argv.size()) {
      *value = f.argv[i + 1];
      return true;
    }
  }
  return false;
}

// The words looked at: settings come early in a command line, and a wrapper's words are looked
// at again in the command it wraps (sudo sudo … would be quadratic otherwise).
constexpr size_t kMaxSettingWords = 32;

// Options that name a configuration file: --config, --config-file, --rcfile, --settings,
// --init-file, --defaults-file, … by name, and ssh's family -F.
bool NamesAConfigFile(std::string_view tool, std::string_view option) {
  static constexpr std::string_view kParts[] = {"config", "conf", "rcfile", "settings", "init-file", "defaults-file",
                                                "options-file", "require", "preload", "init"};
  if (option.size() > 2 && (option[1] == '-' || option.size() > 3)) {  // --name, and -init/-rcfile style
    return std::any_of(std::begin(kParts), std::end(kParts), [&](std::string_view p) { return option.find(p) != std::string_view::npos; });
  }
  // Short options that load a file, by tool: ssh -F, vim -u, lftp -f, node -r.
  static constexpr std::pair<std::string_view, std::string_view> kShort[] = {
      {"ssh", "-F"}, {"scp", "-F"}, {"sftp", "-F"}, {"autossh", "-F"}, {"mosh", "-F"}, {"ssh-copy-id", "-F"},
      {"vim", "-u"}, {"nvim", "-u"}, {"vi", "-u"}, {"view", "-u"}, {"lftp", "-f"}, {"node", "-r"}, {"bun", "-r"}};
  return std::find(std::begin(kShort), std::end(kShort), std::make_pair(tool, option)) != std::end(kShort);
}

// Whether any word of the command could be a setting this file reads: an option with a value,
// a KEY=VALUE word, a listed tool, or (`files_known`) an option naming a configuration file —
// checked before anything is copied.
bool MayHoldSettings(const CommandFact& f, bool files_known) {
  for (const Option& o : f.options) {
    if (o.has_value || NamesACommand(o.name) || (files_known && NamesAConfigFile(f.name, o.name))) return true;
  }
  for (size_t i = 1; i < std::min(f.argv.size(), kMaxSettingWords); ++i) {
    if (f.argv[i].find('=') != std::string::npos) return true;
  }
  return std::any_of(std::begin(kCommandOptionTools), std::end(kCommandOptionTools),
                     [&](std::string_view t) { return t == f.name; });
}

// The setting that holds a command in an option's (name, value): -o ProxyCommand=CMD,
// -c alias.x=!CMD, exec=CMD inside a value give the inner key and value; otherwise the option
// itself when its name says so. False when neither does (git --config-env is resolved later).
bool HoldsACommand(std::string_view name, std::string_view value, std::string_view* key, std::string_view* inner) {
  if (SplitSetting(value, key, inner) &&
      (NamesACommand(*key) || (key->find('.') != std::string_view::npos && !inner->empty() && (*inner)[0] == '!'))) {
    return true;
  }
  *key = name;
  *inner = value;
  return NamesACommand(name);
}

// A setting whose value is to be read as a command, or (file) a configuration file whose
// lines are settings.
struct Setting {
  std::string name;
  std::string value;
  bool file = false;
};

// The settings of a configuration file's text, one per line: "Key Value" (ssh_config),
// "key = value", "key=value", "key: value"; comments and [section] headers skipped.
std::vector<std::pair<std::string_view, std::string_view>> ConfigLines(std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (std::string_view line : Split(text.substr(0, std::min<size_t>(text.size(), 64 * 1024)), '\n')) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[') continue;
    const size_t sep = line.find_first_of("=: \t");
    if (sep == std::string_view::npos || sep == 0) continue;
    std::string_view value = Trim(line.substr(sep + 1));
    if (!value.empty() && (value[0] == '=' || value[0] == ':')) value = Trim(value.substr(1));  // "Key = value"
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    const std::string_view key = line.substr(0, sep);
    // ssh_config's "Match … exec CMD": the command runs when the host is matched.
    if (key.size() == 5 && ContainsLower(key, "match")) {
      if (const size_t exec = value.find("exec "); exec != std::string_view::npos) {
        std::string_view cmd = Trim(value.substr(exec + 5));
        if (cmd.size() >= 2 && cmd.front() == '"' && cmd.back() == '"') cmd = cmd.substr(1, cmd.size() - 2);
        out.emplace_back("exec", cmd);
      }
      continue;
    }
    out.emplace_back(key, value);
    if (out.size() >= 256) break;
  }
  return out;
}

// The settings of a command's first kMaxSettingWords words that hold a command: options with
// values, an option that names a command followed by a word, listed options, --name=VALUE and
// KEY=VALUE words the model did not read as options, and (`files_known`: the line wrote files
// with known text) options naming a configuration file. Copies only what qualifies: the analysis
// that follows adds commands (and may move `f`).
[[gnu::noinline]] std::vector<Setting> CommandSettings(const CommandFact& f, bool files_known) {
  std::vector<Setting> out;
  const size_t n = std::min(f.argv.size(), kMaxSettingWords);
  std::string_view key, inner;
  auto add = [&](std::string_view name, std::string_view value) {
    if (name == "--config-env" || HoldsACommand(name, value, &key, &inner)) out.push_back({std::string(name), std::string(value)});
  };
  std::array<bool, kMaxSettingWords> seen{};
  for (const Option& o : f.options) {
    if (o.arg_index >= n) continue;
    if (o.has_value) {
      add(o.name, o.value);
      if (files_known && NamesAConfigFile(f.name, o.name)) out.push_back({o.name, o.value, true});
      seen[o.arg_index] = true;
      if (o.arg_index + 1 < n && f.argv[o.arg_index + 1] == o.value) seen[o.arg_index + 1] = true;
    } else if (o.arg_index + 1 < n && !f.argv[o.arg_index + 1].empty() && f.argv[o.arg_index + 1][0] != '-') {
      // --info-script CMD, --config-file FILE: a value the model did not know
      if (NamesACommand(o.name)) {
        add(o.name, f.argv[o.arg_index + 1]);
        seen[o.arg_index + 1] = true;
      }
      if (files_known && NamesAConfigFile(f.name, o.name)) out.push_back({o.name, f.argv[o.arg_index + 1], true});
    }
  }
  for (size_t i = 1; i < n; ++i) {
    std::string value;
    if (!(f.arg_bits[i] & kArgDynamic) && ListedOptionValue(f, i, &value)) add("command", value);  // "command": always read
  }
  for (size_t i = 1; i < n; ++i) {
    const std::string_view word = f.argv[i];
    if (seen[i] || word.find('=') == std::string_view::npos || (f.arg_bits[i] & kArgDynamic)) continue;
    if (word.size() > 2 && word[0] == '-' && word[1] == '-' && SplitSetting(word.substr(2), &key, &inner)) {
      add(key, inner);  // --name=VALUE
    } else if (word[0] != '-') {
      add("", word);  // git -c k=v, make X=…, -p K=V of wrappers
    }
  }
  return out;
}

}  // namespace

void Analyzer::CommandInSetting(std::string_view name, std::string_view value, State& st, const Ctx& ctx) {
  std::string_view key, inner;
  if (name == "--config-env" && SplitSetting(value, &key, &inner)) {
    // git --config-env=KEY=VAR: the setting's value is the variable's.
    auto var = st.vars.find(std::string(inner));
    if (var == st.vars.end() || !var->second.known) return;
    const std::string setting = std::string(key) + "=" + var->second.text;  // the analysis may change the variables
    CommandInSetting("", setting, st, ctx);
    return;
  }
  if (!HoldsACommand(name, value, &key, &inner)) return;
  name = key;
  value = inner;
  const std::string line = CommandLineOf(value);
  if (line.empty()) return;
  Speculation guess(*this);
  Expanded code;
  if (line.find_first_of(" \t\n;|&") == std::string::npos) {
    const std::optional<std::string> script = KnownContents(line, st);  // a script written earlier
    if (!script) return;
    code.text = *script;
  } else {
    code.text = line;
  }
  CodeString(code, std::string(name) + " setting", st, Inner(ctx, std::string(name), false));
}

void Analyzer::CommandsInSettings(int index, State& st, const Ctx& ctx, const Stream& in) {
  const bool files_known = !mem_.contents.empty() || in.kind == Stream::Kind::kLiteral;  // or -F /dev/stdin
  if (!MayHoldSettings(Cmd(index), files_known)) return;
  for (const Setting& s : CommandSettings(Cmd(index), files_known)) {
    if (!s.file) {
      CommandInSetting(s.name, s.value, st, ctx);
      continue;
    }
    // A configuration file written earlier in the line (ssh -F FILE with a ProxyCommand):
    // its settings as if given one by one.
    bool decoded = false;  // a file written earlier, or the command's input (-F /dev/stdin)
    const std::optional<std::string> text = ScriptText(PlainWord(s.value), st, in, &decoded);
    if (text) ConfigFile(s.value, *text, index, st, ctx, 0);
  }
}

// A configuration or start-up file a tool loads, its text known: settings that hold a command
// or name an output file, ssh's Include, shell escapes of command scripts (!CMD, :!CMD, \!
// CMD, .shell CMD, .system CMD), and code in the language of its extension.
[[gnu::cold]] void Analyzer::ConfigFile(std::string_view path, std::string_view text, int index, State& st, const Ctx& ctx, int depth) {
  for (const auto& [key, value] : ConfigLines(text)) {
    if (depth < 4 && key.size() == 7 && ContainsLower(key, "include")) {  // ssh_config's Include FILE
      if (auto included = KnownContents(value, st)) ConfigFile(value, *included, index, st, ctx, depth + 1);
      continue;
    }
    if (ContainsLower(key, "output") && !value.empty() && value[0] != '-') {
      AddFile(FileOp::kWrite, std::string(value), 0, false, "config " + std::string(key), index, st);  // wgetrc output_document
    }
    CommandInSetting(key, value, st, ctx);
  }
  for (std::string_view line : Split(text.substr(0, std::min<size_t>(text.size(), 64 * 1024)), '\n')) {
    line = Trim(line);
    for (std::string_view escape : {"!", ":!", "\\!", ".shell ", ".system "}) {
      if (line.rfind(escape, 0) != 0) continue;
      Speculation guess(*this);
      CodeString(PlainWord(std::string(Trim(line.substr(escape.size())))), "shell escape in " + std::string(path), st,
                 Inner(ctx, "", false));
      break;
    }
  }
  static constexpr std::pair<std::string_view, std::string_view> kLanguages[] = {
      {".js", "node"}, {".mjs", "node"}, {".cjs", "node"}, {".ts", "node"}, {".py", "python"}, {".rb", "ruby"},
      {".pl", "perl"}, {".lua", "lua"}, {".php", "php"}};
  for (const auto& [extension, language] : kLanguages) {
    if (path.size() > extension.size() && path.substr(path.size() - extension.size()) == extension) {
      CodeInLanguage(text, language, st, ctx);
      break;
    }
  }
}

}  // namespace warden::shell
