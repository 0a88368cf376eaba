// Commands that run other commands: wrappers (sudo, env, xargs, parallel, …), runners
// (poetry run, npm exec, tmux new-session, gdb --args, …), shells (bash -c, scripts, stdin)
// and interpreters (python -c, node -e, …), and code strings run one level deeper.
#include <algorithm>
#include <optional>
#include <set>
#include <re2/re2.h>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

Expanded JoinWords(const std::vector<Expanded>& argv, size_t from, size_t to = std::string::npos) {
  Expanded code;
  to = std::min(to, argv.size());
  for (size_t k = from; k < to; ++k) {
    if (k > from) code.text += ' ';
    code.text += argv[k].text;
    code.bits |= argv[k].bits;
    if (argv[k].taint.tainted()) code.taint = argv[k].taint;
  }
  return code;
}

std::vector<Expanded> Slice(const std::vector<Expanded>& argv, size_t from) {
  return std::vector<Expanded>(argv.begin() + static_cast<std::ptrdiff_t>(std::min(from, argv.size())), argv.end());
}

// GNU long option prefix: "--sp" abbreviates "--split-string".
bool LongMatches(std::string_view tok, std::string_view name) {
  std::string_view n = tok.substr(0, tok.find('='));
  return n.size() >= 3 && n.substr(0, 2) == "--" && name.substr(0, n.size()) == n;
}

}  // namespace

Stream Analyzer::Wrapper(const CommandSpec& spec, int index, std::vector<Expanded>& argv, State& st,
                         const Ctx& ctx, const Stream& in) {
  const std::string name = Cmd(index).name;
  if (name == "env") return Env(index, argv, st, ctx, in);
  if (name == "xargs") return Xargs(index, argv, st, ctx, in);
  if (name == "parallel") return Parallel(index, argv, st, ctx, in);
  std::vector<std::string> texts;
  for (const auto& a : argv) texts.push_back(a.text);
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop;
  ParseOptions(spec, texts, 1, &options, &operands, &stop);
  Ctx inner = Inner(ctx, name, spec.privileged);

  if (spec.code_flag) {
    std::string short_flag = std::string("-") + spec.code_flag;
    std::string long_flag = spec.code_long.empty() ? std::string("-c") : "--" + std::string(spec.code_long);
    if (const Option* o = FindOption(options, {short_flag, long_flag}); o && o->has_value) {
      // The value is either glued to the flag or the next word.
      size_t at = (texts[o->arg_index] == short_flag || texts[o->arg_index] == long_flag) ? o->arg_index + 1
                                                                                         : o->arg_index;
      Expanded code = at < argv.size() ? argv[at] : Expanded{};
      code.text = o->value;
      return CodeString(code, name + " -c", st, inner, {}, in);
    }
  }
  if (name == "watch" && !HasOption(options, {"-x", "--exec"})) {
    if (stop >= argv.size()) return UnknownStream();
    return CodeString(JoinWords(argv, stop), "watch", st, inner, {}, in);
  }
  // sudo -D DIR / --chdir=DIR: the command runs elsewhere.
  State moved = st;
  State* where = &st;
  if (const Option* d = FindOption(options, {"-D", "--chdir"}); d && d->has_value && (name == "sudo" || name == "run0")) {
    std::vector<Expanded> cd(2);
    cd[0].text = "cd";
    cd[1].text = d->value;
    ChangeDirectory(cd, moved);
    where = &moved;
  }
  size_t start = stop + static_cast<size_t>(spec.skip_operands);
  if (name == "sg" && start < argv.size() && argv[start].text != "-c") {
    return CodeString(JoinWords(argv, start), "sg", st, inner, {}, in);
  }
  if (name == "flock" && stop < argv.size()) {
    AddFile(FileOp::kWrite, argv[stop].text, argv[stop].bits, false, "flock", index, st);
  }
  if (start >= argv.size()) return UnknownStream(name);
  // "flock FILE -c CMD": the command flag may also follow the wrapper's own operands.
  if (spec.code_flag && start + 1 < argv.size() &&
      (argv[start].text == std::string("-") + spec.code_flag ||
       (!spec.code_long.empty() && argv[start].text == "--" + std::string(spec.code_long)))) {
    return CodeString(argv[start + 1], name + " -c", st, inner, {}, in);
  }
  return Exec(Slice(argv, start), *where, inner, in);
}

Stream Analyzer::Env(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in) {
  (void)index;
  std::vector<Expanded> words = Slice(argv, 1);
  std::optional<Expanded> chdir;
  size_t i = 0;
  bool options_done = false;
  // Takes the value of option `opt` found at words[i] (glued after `glued_at`, or next word).
  auto take_value = [&](size_t glued_at, Expanded* value) {
    const std::string& t = words[i].text;
    if (glued_at < t.size()) {
      *value = words[i];
      value->text = t.substr(glued_at);
      return;
    }
    if (i + 1 < words.size()) *value = words[++i];
  };
  auto split_string = [&](const Expanded& value, size_t replace_from) {
    // env -S 'cmd args': the string becomes words; ${VAR} in it comes from the environment.
    std::vector<Expanded> replaced(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(replace_from));
    for (auto& piece : SplitQuoted(value.text)) {
      Expanded x = value;
      // ${NAME} in the string comes from the environment.
      std::string text;
      for (size_t k = 0; k < piece.size(); ++k) {
        size_t close;
        if (piece.compare(k, 2, "${") == 0 && (close = piece.find('}', k)) != std::string::npos) {
          Value scratch;
          const Value* v = Lookup(piece.substr(k + 2, close - k - 2), st, &scratch);
          if (v && v->known) {
            text += v->text;
          } else {
            text += piece.substr(k, close - k + 1);
            x.bits |= kArgDynamic;
          }
          k = close;
          continue;
        }
        text += piece[k];
      }
      x.text = std::move(text);
      replaced.push_back(std::move(x));
    }
    size_t restart = replace_from;
    for (size_t k = i + 1; k < words.size(); ++k) replaced.push_back(words[k]);
    words = std::move(replaced);
    i = restart;
  };
  while (i < words.size()) {
    const std::string t = words[i].text;
    if (!options_done && t == "--") {
      options_done = true;
      ++i;
      continue;
    }
    if (!options_done && t.size() > 1 && t[0] == '-' && t[1] == '-') {
      Expanded value;
      size_t eq = t.find('=');
      size_t at = i;
      if (LongMatches(t, "--split-string")) {
        if (eq != std::string::npos) {
          value = words[i];
          value.text = t.substr(eq + 1);
        } else if (i + 1 < words.size()) {
          value = words[++i];
        }
        split_string(value, at);
        continue;
      }
      if (LongMatches(t, "--chdir")) {
        if (eq != std::string::npos) {
          value = words[i];
          value.text = t.substr(eq + 1);
        } else if (i + 1 < words.size()) {
          value = words[++i];
        }
        chdir = value;
      } else if (LongMatches(t, "--unset") && eq == std::string::npos) {
        ++i;
      }
      ++i;
      continue;
    }
    if (!options_done && t.size() > 1 && t[0] == '-') {
      // A cluster of short options: -i, -0, -v take nothing; -u, -C, -S, -P take a value.
      bool consumed = false;
      for (size_t k = 1; k < t.size() && !consumed; ++k) {
        char c = t[k];
        if (c != 'u' && c != 'C' && c != 'S' && c != 'P') continue;
        Expanded value;
        size_t at = i;
        take_value(k + 1, &value);
        if (c == 'S') {
          split_string(value, at);
        } else {
          if (c == 'C') chdir = value;
          ++i;
        }
        consumed = true;
      }
      if (!consumed) ++i;
      continue;
    }
    size_t eq = t.find('=');
    if (eq != std::string::npos && eq > 0 && IsIdentifier(std::string_view(t).substr(0, eq))) {
      ++i;  // NAME=VALUE for the child's environment
      continue;
    }
    break;
  }
  if (i >= words.size()) return UnknownStream("env");
  std::vector<Expanded> rest = Slice(words, i);
  Ctx inner = Inner(ctx, "env", false);
  if (chdir) {
    State moved = st;
    std::vector<Expanded> cd{Expanded{}, *chdir};
    cd[0].text = "cd";
    ChangeDirectory(cd, moved);
    return Exec(std::move(rest), moved, inner, in);
  }
  return Exec(std::move(rest), st, inner, in);
}

Stream Analyzer::Xargs(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in) {
  (void)index;
  const CommandSpec& spec = LookupCommand("xargs");
  std::vector<std::string> texts;
  for (const auto& a : argv) texts.push_back(a.text);
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop;
  ParseOptions(spec, texts, 1, &options, &operands, &stop);
  std::string replace;
  if (const Option* o = FindOption(options, {"-I", "--replace"}); o) replace = o->has_value ? o->value : "{}";
  if (HasOption(options, {"-i"})) replace = "{}";
  std::string delimiter;
  bool delimited = false;
  if (HasOption(options, {"-0", "--null"})) {
    delimiter = std::string(1, '\0');
    delimited = true;
  } else if (const Option* d = FindOption(options, {"-d", "--delimiter"}); d && d->has_value) {
    delimiter = d->value == "\\n" ? "\n" : d->value.substr(0, 1);
    delimited = true;
  }
  std::vector<Expanded> items;
  if (in.kind == Stream::Kind::kPaths) {
    Expanded item;
    item.text = in.text;
    item.bits = kArgTree | (HasGlobChar(in.text) ? kArgPattern : 0);
    items.push_back(item);
  } else if (in.kind == Stream::Kind::kLiteral) {
    std::vector<std::string> pieces;
    if (delimited) {
      for (auto p : Split(in.text, delimiter.empty() ? '\n' : delimiter[0])) {
        if (!p.empty()) pieces.emplace_back(p);
      }
      if (delimiter == std::string(1, '\0') && pieces.size() == 1) pieces[0] = std::string(Trim(pieces[0]));
    } else if (!replace.empty()) {
      for (auto p : Split(in.text, '\n')) {
        if (!Trim(p).empty()) pieces.emplace_back(Trim(p));
      }
    } else {
      pieces = SplitQuoted(in.text);
    }
    for (auto& p : pieces) {
      Expanded item;
      item.text = std::move(p);
      items.push_back(std::move(item));
      if (items.size() >= 16) break;
    }
  }
  if (items.empty()) {
    Expanded item;
    item.text = "…";
    item.bits = kArgDynamic;
    if (in.tainted()) item.taint = in;
    items.push_back(item);
  }
  std::vector<Expanded> base = Slice(argv, stop);
  if (base.empty()) {
    Expanded echo;
    echo.text = "echo";
    base.push_back(echo);
  }
  Ctx inner = Inner(ctx, "xargs", false, "xargs");
  if (replace.empty()) {
    for (auto& item : items) base.push_back(item);
    return Exec(std::move(base), st, inner, Stream{});
  }
  Stream out;
  for (const auto& item : items) {
    std::vector<Expanded> cmd = base;
    for (auto& w : cmd) {
      size_t at = w.text.find(replace);
      if (at == std::string::npos) continue;
      while (at != std::string::npos) {
        w.text.replace(at, replace.size(), item.text);
        at = w.text.find(replace, at + item.text.size());
      }
      w.bits |= item.bits;
      if (item.taint.tainted()) w.taint = item.taint;
    }
    out = Exec(std::move(cmd), st, inner, Stream{});
  }
  return out;
}

Stream Analyzer::Parallel(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in) {
  (void)index;
  // GNU parallel: parallel [options] COMMAND ::: ARGS … ; without COMMAND, each ARG is a command.
  size_t i = 1;
  while (i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-' && argv[i].text != ":::" &&
         argv[i].text != "::::") {
    static constexpr std::string_view kValued[] = {"-j", "--jobs", "-S", "--sshlogin", "--joblog", "--results",
                                                   "-d", "--delimiter", "-a", "--arg-file", "--tmpdir", "-I"};
    if (std::find(std::begin(kValued), std::end(kValued), argv[i].text) != std::end(kValued)) ++i;
    ++i;
  }
  size_t sep = i;
  while (sep < argv.size() && argv[sep].text != ":::" && argv[sep].text != "::::" && argv[sep].text != ":::+") ++sep;
  std::vector<Expanded> command(argv.begin() + static_cast<std::ptrdiff_t>(i),
                                argv.begin() + static_cast<std::ptrdiff_t>(sep));
  std::vector<Expanded> args;
  for (size_t k = sep + 1; k < argv.size(); ++k) {
    if (argv[k].text != ":::" && argv[k].text != "::::" && argv[k].text != ":::+") args.push_back(argv[k]);
  }
  Ctx inner = Inner(ctx, "parallel", false, "parallel");
  if (sep >= argv.size()) {
    // Arguments from standard input.
    Expanded item;
    item.text = "…";
    item.bits = kArgDynamic;
    args.push_back(item);
    if (in.kind == Stream::Kind::kLiteral) {
      args.clear();
      for (auto line : Split(in.text, '\n')) {
        if (Trim(line).empty()) continue;
        Expanded x;
        x.text = std::string(Trim(line));
        args.push_back(x);
      }
    }
  }
  Stream out;
  if (command.empty()) {
    for (const auto& a : args) out = CodeString(a, "parallel", st, inner);
    return out;
  }
  // The command is a shell command line: {} (or the end) gets the argument.
  std::string line = JoinWords(command, 0).text;
  for (const auto& a : args) {
    std::string code = line;
    size_t at = code.find("{}");
    if (at == std::string::npos) {
      code += " " + a.text;
    } else {
      while (at != std::string::npos) {
        code.replace(at, 2, a.text);
        at = code.find("{}", at + a.text.size());
      }
    }
    Expanded e;
    e.text = code;
    e.bits = a.bits & kArgDynamic;
    out = CodeString(e, "parallel", st, inner);
  }
  return out;
}

// Commands that run another command given in their arguments, found by name and often by
// subcommand: `poetry run CMD`, `npm exec -- CMD`, `tmux new-session 'CMD'`, `gdb --args CMD`,
// `nix-shell --run 'CMD'`, `vim -c '!CMD'`, the dynamic loader, … `*handled` is false for
// anything else.
Stream Analyzer::Runner(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in,
                        bool* handled) {
  // Most commands are not runners: decide that from the name alone.
  static const std::set<std::string_view> kRunners = {
      "poetry", "uv", "pipenv", "pdm", "hatch", "rye", "bundle", "npm", "pnpm", "yarn", "conda", "mamba",
      "micromamba", "devbox", "mise", "asdf", "rbenv", "pyenv", "nix", "flatpak", "npx", "bunx", "pnpx", "direnv",
      "nix-shell", "tmux", "screen", "gdb", "vim", "vi", "nvim", "ex", "view", "rvim", "make", "gmake", "cpulimit",
      "bwrap", "expect"};
  const std::string& runner = Cmd(index).name;
  if (!kRunners.count(runner) && runner.rfind("ld-", 0) != 0 && runner != "ld.so") {
    *handled = false;
    return Stream{};
  }
  *handled = true;
  const std::string name = Cmd(index).name;
  const std::vector<uint32_t> operands = Cmd(index).operands;
  const std::vector<Option> options = Cmd(index).options;
  Ctx inner = Inner(ctx, name, false);
  auto sub = [&](size_t k) -> std::string { return k < operands.size() ? argv[operands[k]].text : std::string(); };
  auto from_operand = [&](size_t k) -> Stream {
    if (k >= operands.size()) return UnknownStream(name);
    size_t at = operands[k];
    if (at < argv.size() && argv[at].text == "--") ++at;
    return Exec(Slice(argv, at), st, inner, in);
  };
  // "--" ends the runner's own options: the command follows.
  auto after_dashdash = [&]() -> std::optional<size_t> {
    for (size_t k = 1; k < argv.size(); ++k) {
      if (argv[k].text == "--") return k + 1;
    }
    return std::nullopt;
  };
  static constexpr std::pair<std::string_view, std::string_view> kRunSubcommands[] = {
      {"poetry", "run"}, {"uv", "run"}, {"pipenv", "run"}, {"pdm", "run"}, {"hatch", "run"}, {"rye", "run"},
      {"bundle", "exec"}, {"npm", "exec"}, {"pnpm", "exec"}, {"pnpm", "dlx"}, {"yarn", "exec"}, {"yarn", "dlx"},
      {"conda", "run"}, {"mamba", "run"}, {"micromamba", "run"}, {"devbox", "run"}, {"mise", "exec"},
      {"asdf", "exec"}, {"rbenv", "exec"}, {"pyenv", "exec"}, {"nix", "shell"}, {"flatpak", "run"}};
  for (auto [tool, verb] : kRunSubcommands) {
    if (name != tool || sub(0) != verb) continue;
    if (auto dd = after_dashdash()) return Exec(Slice(argv, *dd), st, inner, in);
    return from_operand(1);
  }
  if (name == "npx" || name == "bunx" || name == "pnpx") {
    if (auto dd = after_dashdash()) return Exec(Slice(argv, *dd), st, inner, in);
    return from_operand(0);
  }
  if (name == "direnv" && sub(0) == "exec") return from_operand(2);
  if (name == "nix-shell" || (name == "nix" && sub(0) == "develop")) {
    for (const char* flag : {"--run", "--command", "-c"}) {
      for (size_t k = 1; k + 1 < argv.size(); ++k) {
        if (argv[k].text == flag) return CodeString(JoinWords(argv, k + 1, name == "nix" ? argv.size() : k + 2), name, st, inner, {}, in);
      }
    }
    *handled = name == "nix-shell";
    return UnknownStream(name);
  }
  if (name == "tmux") {
    static constexpr std::string_view kNew[] = {"new-session", "new", "new-window", "neww", "split-window",
                                                "splitw", "respawn-pane", "respawnp", "respawn-window",
                                                "respawnw", "run-shell", "run", "display-popup", "popup"};
    std::string verb = sub(0);
    if (std::find(std::begin(kNew), std::end(kNew), verb) != std::end(kNew)) {
      // The shell command is the last operand(s) after the verb's own options.
      static constexpr std::string_view kTmuxValued = "cFnstxyeSlTEw";
      size_t k = operands[0] + 1;
      while (k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-') {
        char last = argv[k].text.back();
        if (kTmuxValued.find(last) != std::string_view::npos && argv[k].text.size() == 2) ++k;
        ++k;
      }
      if (k < argv.size()) return CodeString(JoinWords(argv, k), "tmux " + verb, st, inner);
      return UnknownStream(name);
    }
    if (verb == "send-keys" || verb == "send") {
      Signal(kSignalDynamicScript, "tmux send-keys types into another shell: what runs there is not known", index);
    }
    return UnknownStream(name);
  }
  if (name == "screen") {
    static constexpr std::string_view kScreenValued = "SctpLlhTX";
    size_t k = 1;
    while (k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-') {
      const std::string& t = argv[k].text;
      if (t.size() == 2 && kScreenValued.find(t[1]) != std::string_view::npos) ++k;
      ++k;
    }
    if (k < argv.size()) return Exec(Slice(argv, k), st, inner, in);
    return UnknownStream(name);
  }
  if (name == "gdb") {
    for (size_t k = 1; k + 1 < argv.size(); ++k) {
      const std::string& t = argv[k].text;
      if (t == "-ex" || t == "--ex" || t == "-iex" || t == "--eval-command") {
        std::string c = argv[k + 1].text;
        std::string_view cmd = Trim(c);
        if (!cmd.empty() && cmd[0] == '!') {
          Expanded e = argv[k + 1];
          e.text = std::string(cmd.substr(1));
          CodeString(e, "gdb shell", st, inner);
        } else if (cmd.rfind("shell ", 0) == 0 || cmd.rfind("pipe ", 0) == 0) {
          Expanded e = argv[k + 1];
          e.text = std::string(cmd.substr(cmd.find(' ') + 1));
          CodeString(e, "gdb shell", st, inner);
        }
      }
      if (t == "--args") return Exec(Slice(argv, k + 1), st, inner, in);
    }
    return UnknownStream(name);
  }
  if (name == "vim" || name == "vi" || name == "nvim" || name == "ex" || name == "view" || name == "rvim") {
    for (size_t k = 1; k < argv.size(); ++k) {
      std::string t = argv[k].text;
      std::string cmd;
      if ((t == "-c" || t == "--cmd") && k + 1 < argv.size()) {
        cmd = argv[++k].text;
      } else if (t.size() > 1 && t[0] == '+') {
        cmd = t.substr(1);
      } else {
        continue;
      }
      std::string_view c = Trim(cmd);
      if (!c.empty() && c[0] == ':') c.remove_prefix(1);
      if (!c.empty() && c[0] == '!') {
        Expanded e;
        e.text = std::string(c.substr(1));
        CodeString(e, name + " -c !", st, inner);
      } else if (!c.empty()) {
        Signal(kSignalInlineCode, name + ": " + std::string(c), index);
      }
    }
    *handled = false;  // its files are still its files
    return UnknownStream(name);
  }
  if (name == "make" || name == "gmake") {
    // make -f - / -f /dev/stdin with a literal Makefile: the recipes are shell commands.
    if (const Option* f = FindOption(options, {"-f", "--file", "--makefile"});
        f && f->has_value && (f->value == "-" || f->value == "/dev/stdin")) {
      if (in.kind == Stream::Kind::kLiteral) {
        for (auto line : Split(in.text, '\n')) {
          if (!line.empty() && line[0] == '\t') {
            Expanded e;
            e.text = std::string(line.substr(1));
            CodeString(e, "make recipe", st, inner);
          }
        }
      } else {
        CodeStream(in, "make -f -", index, st, inner);
      }
    }
    *handled = false;
    return UnknownStream(name);
  }
  if (name.rfind("ld-linux", 0) == 0 || name.rfind("ld-musl", 0) == 0 || name == "ld.so") {
    size_t k = 1;
    while (k < argv.size() && argv[k].text.rfind("--", 0) == 0) {
      if (argv[k].text == "--library-path" || argv[k].text == "--preload" || argv[k].text == "--argv0" ||
          argv[k].text == "--audit") {
        ++k;
      }
      ++k;
    }
    if (k < argv.size()) return Exec(Slice(argv, k), st, inner, in);
    return UnknownStream(name);
  }
  if (name == "cpulimit") {
    if (auto dd = after_dashdash()) return Exec(Slice(argv, *dd), st, inner, in);
    *handled = false;
    return UnknownStream(name);
  }
  if (name == "bwrap") {
    static const std::vector<std::pair<std::string_view, int>> kArity = {
        {"--bind", 2}, {"--ro-bind", 2}, {"--dev-bind", 2}, {"--bind-try", 2}, {"--ro-bind-try", 2},
        {"--dev-bind-try", 2}, {"--symlink", 2}, {"--setenv", 2}, {"--file", 2}, {"--bind-data", 2},
        {"--ro-bind-data", 2}, {"--chmod", 2}, {"--dev", 1}, {"--proc", 1}, {"--tmpfs", 1}, {"--dir", 1},
        {"--chdir", 1}, {"--unsetenv", 1}, {"--uid", 1}, {"--gid", 1}, {"--hostname", 1}, {"--remount-ro", 1},
        {"--lock-file", 1}, {"--sync-fd", 1}, {"--cap-add", 1}, {"--cap-drop", 1}, {"--seccomp", 1},
        {"--userns", 1}, {"--exec-label", 1}, {"--file-label", 1}, {"--perms", 1}, {"--size", 1},
        {"--argv0", 1}, {"--mqueue", 1}, {"--info-fd", 1}, {"--json-status-fd", 1}, {"--block-fd", 1},
        {"--userns-block-fd", 1}, {"--pidns", 1}, {"--args", 1}};
    size_t k = 1;
    while (k < argv.size() && argv[k].text.rfind("--", 0) == 0) {
      if (argv[k].text == "--") {
        ++k;
        break;
      }
      int arity = 0;
      for (auto [opt, n] : kArity) {
        if (argv[k].text == opt) arity = n;
      }
      k += 1 + static_cast<size_t>(arity);
    }
    if (k < argv.size()) return Exec(Slice(argv, k), st, inner, in);
    return UnknownStream(name);
  }
  if (name == "expect") {
    // Tcl: its `spawn` lines start programs.
    for (size_t k = 1; k + 1 < argv.size(); ++k) {
      if (argv[k].text != "-c") continue;
      const std::string& script = argv[k + 1].text;
      Signal(kSignalInlineCode, "expect: " + script, index);
      static const RE2 kSpawn(R"((?:^|[;\n{])\s*spawn\s+([^;\n}]+))");
      re2::StringPiece input(script);
      std::string spawned;
      int guard = 0;
      while (guard++ < 64 && RE2::FindAndConsume(&input, kSpawn, &spawned)) {
        Expanded e;
        e.text = spawned;
        CodeString(e, "expect spawn", st, inner);
      }
    }
    return UnknownStream(name);
  }
  *handled = false;
  return UnknownStream(name);
}

Stream Analyzer::Shell(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                       const Ctx& ctx, const Stream& in) {
  const std::vector<Option> options = Cmd(index).options;
  const std::vector<uint32_t> operands = Cmd(index).operands;
  const std::string name = Cmd(index).name;
  Ctx inner = Inner(ctx, name, false);
  std::string short_flag = std::string("-") + spec.code_flag;
  bool has_c = HasOption(options, {short_flag}) ||
               (!spec.code_long.empty() && HasOption(options, {"--" + std::string(spec.code_long)}));
  if (has_c) {
    if (operands.empty()) return UnknownStream();
    std::vector<Expanded> params;
    for (size_t k = 1; k < operands.size(); ++k) params.push_back(argv[operands[k]]);
    return CodeString(argv[operands[0]], name + " -c", st, inner, params, in);
  }
  if (!HasOption(options, {"-s"}) && !operands.empty()) {
    ScriptFile(argv[operands[0]], name, index, st, inner, in);
    return UnknownStream(name);
  }
  return CodeStream(in, name, index, st, inner);
}

void Analyzer::ShellStringsInCode(std::string_view code, std::string_view interpreter, int index, State& st,
                                  const Ctx& ctx) {
  // Literal command strings handed to a shell from inline code: os.system('…'),
  // subprocess.run('…', shell=True), system("…"), `…`, execSync('…'), shell_exec("…").
  // RE2 only: the code comes from the agent, so matching must stay linear-time.
  static const RE2 kCall(
      R"re((?:system|popen|getoutput|getstatusoutput|check_output|check_call|run|call|Popen|execSync|exec|spawnSync|shell_exec|passthru|proc_open|qx)\s*\(\s*[rbf]?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  static const RE2 kBackticks(R"(`([^`]+)`)");
  static const RE2 kForkBomb(
      R"(fork\s*(?:\(\s*\))?\s*while\s*fork|while\s*\(?\s*(?:1|true|True)\s*\)?\s*[:{]?\s*(?:os\.)?fork)");
  re2::StringPiece text(code.data(), std::min<size_t>(code.size(), 16 * 1024));
  Ctx inner = Inner(ctx, std::string(interpreter), false, std::string(interpreter) + " shell string");
  auto run = [&](const std::string& s) {
    if (s.empty()) return;
    Expanded e;
    e.text = s;
    CodeString(e, std::string(interpreter) + " shell string", st, inner);
  };
  {
    re2::StringPiece input = text;
    std::string dq, sq;
    int guard = 0;
    while (guard++ < 64 && RE2::FindAndConsume(&input, kCall, &dq, &sq)) run(dq.empty() ? sq : dq);
  }
  {
    re2::StringPiece input = text;
    std::string body;
    int guard = 0;
    while (guard++ < 64 && RE2::FindAndConsume(&input, kBackticks, &body)) run(body);
  }
  if (RE2::PartialMatch(text, kForkBomb)) {
    Signal(kSignalForkBomb, std::string(interpreter) + " code forks in a loop", index);
  }
  // awk: print "TEXT" | "CMD" feeds TEXT to CMD; "CMD" | getline runs CMD; print > "FILE" writes.
  if (LookupCommand(interpreter).name.find("awk") != std::string_view::npos) {
    static const RE2 kPrintPipe(R"re(print[f]?\s*\(?\s*"((?:[^"\\]|\\.)*)"\s*\)?\s*\|\s*"((?:[^"\\]|\\.)*)")re");
    static const RE2 kGetline(R"re("((?:[^"\\]|\\.)*)"\s*\|\s*getline)re");
    static const RE2 kPrintFile(R"re(print[f]?[^;{}]*>>?\s*"((?:[^"\\]|\\.)*)")re");
    re2::StringPiece input = text;
    std::string printed, cmd;
    int guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kPrintPipe, &printed, &cmd)) {
      Expanded e;
      e.text = cmd;
      CodeString(e, std::string(interpreter) + " pipe", st, inner, {}, LiteralStream(printed + "\n", "awk print"));
    }
    input = text;
    guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kGetline, &cmd)) run(cmd);
    input = text;
    std::string file;
    guard = 0;
    while (guard++ < 16 && RE2::FindAndConsume(&input, kPrintFile, &file)) {
      AddFile(FileOp::kWrite, file, 0, false, std::string(interpreter) + " print >", index, st);
    }
  }
}

Stream Analyzer::Interpreter(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                             const Ctx& ctx, const Stream& in) {
  const std::vector<Option> options = Cmd(index).options;
  const std::vector<uint32_t> operands = Cmd(index).operands;
  const std::string name = Cmd(index).name;
  const std::string family(spec.name);
  Ctx inner = Inner(ctx, name, false);
  auto code_from = [&](size_t first_operand) {
    Expanded code;
    for (size_t k = first_operand; k < operands.size(); ++k) {
      const Expanded& a = argv[operands[k]];
      if (k > first_operand) code.text += ' ';
      code.text += a.text;
      code.bits |= a.bits;
      if (a.taint.tainted()) code.taint = a.taint;
    }
    return code;
  };
  auto inline_code = [&](const Expanded& code) {
    if (code.bits & kArgDynamic) {
      if (code.taint.tainted()) {
        Signal(kSignalRce, name + " runs code from " + code.taint.source, index);
      } else {
        Signal(kSignalDynamicScript, name + " runs code that is only known at run time", index);
      }
    }
    // The code itself, unescaped (policies match it); printing escapes it.
    Signal(kSignalInlineCode, name + ": " + code.text.substr(0, 16 * 1024), index);
    ShellStringsInCode(code.text, name, index, st, inner);
  };
  // In-place editing: perl -pi / -i, ruby -i, gawk -i inplace write the files they read.
  auto in_place = [&](size_t first_file) {
    for (size_t k = first_file; k < operands.size(); ++k) {
      AddOperandFile(FileOp::kWrite, index, operands[k], false, name + " -i", st);
    }
  };
  if (family == "awk" || family == "gawk" || family == "mawk" || family == "nawk") {
    bool inplace = false;
    for (const auto& o : options) {
      if ((o.name == "-i" || o.name == "--include") && o.value == "inplace") inplace = true;
    }
    size_t files_from = 0;
    if (const Option* f = FindOption(options, {"-f", "--file"}); f && f->has_value) {
      AddFile(FileOp::kRead, f->value, 0, false, name, index, st);
    } else if (!operands.empty()) {
      inline_code(argv[operands[0]]);
      files_from = 1;
    }
    for (size_t k = files_from; k < operands.size(); ++k) {
      if (argv[operands[k]].text.find('=') == std::string::npos) {
        AddOperandFile(FileOp::kRead, index, operands[k], false, name, st);
      }
    }
    if (inplace) in_place(files_from);
    return in.tainted() ? in : UnknownStream(name);
  }
  if (family == "deno") {
    if (!operands.empty() && (argv[operands[0]].text == "run" || argv[operands[0]].text == "eval")) {
      bool eval = argv[operands[0]].text == "eval";
      if (operands.size() > 1) {
        const Expanded& target = argv[operands[1]];
        if (eval) {
          inline_code(code_from(1));
        } else if (target.text.rfind("http://", 0) == 0 || target.text.rfind("https://", 0) == 0) {
          Signal(kSignalRce, "deno runs code straight from " + target.text, index);
        } else {
          ScriptFile(target, name, index, st, inner, in);
        }
      }
    }
    return UnknownStream(name);
  }
  std::string short_flag = spec.code_flag ? std::string("-") + spec.code_flag : std::string();
  std::string long_flag = spec.code_long.empty() ? std::string() : "--" + std::string(spec.code_long);
  const Option* code_opt = nullptr;
  if (!short_flag.empty()) code_opt = FindOption(options, {short_flag});
  if (!code_opt && !long_flag.empty()) code_opt = FindOption(options, {long_flag});
  if (!code_opt && (family == "node" || family == "nodejs" || family == "bun")) {
    code_opt = FindOption(options, {"-p", "--print"});
  }
  const bool perl_like = family == "perl" || family == "ruby";
  const bool edits = perl_like && HasOption(options, {"-i"});
  if (code_opt) {
    size_t files_from = operands.size();
    if (code_opt->has_value) {
      Expanded code;
      code.text = code_opt->value;
      code.bits = Cmd(index).arg_bits[code_opt->arg_index];
      inline_code(code);
      files_from = 0;
    } else if (!operands.empty()) {
      // perl/ruby -e CODE FILES…: only the first operand is code; python -c takes argv after it.
      inline_code(perl_like ? argv[operands[0]] : code_from(0));
      files_from = perl_like ? 1 : operands.size();
    }
    if (perl_like) {
      for (size_t k = files_from; k < operands.size(); ++k) AddOperandFile(FileOp::kRead, index, operands[k], false, name, st);
    }
    if (edits) in_place(files_from);
    return UnknownStream(name);
  }
  // python -m module: a few modules run code or write files.
  if (const Option* m = FindOption(options, {"-m"}); m && m->has_value) {
    if ((m->value == "zipfile" || m->value == "tarfile") && HasOption(options, {"-e", "--extract"}) &&
        operands.size() >= 2) {
      AddFile(FileOp::kWrite, JoinPath(argv[operands.back()].text, "**"), kArgPattern, true, name + " -m " + m->value,
              index, st);
    }
    if (m->value == "http.server") {
      if (const Option* d = FindOption(options, {"-d", "--directory"}); d && d->has_value) {
        AddFile(FileOp::kRead, d->value, 0, true, "http.server", index, st);
        Signal(kSignalUpload, "python -m http.server serves " + d->value + " to the network", index);
      } else {
        AddFile(FileOp::kRead, ".", 0, true, "http.server", index, st);
        Signal(kSignalUpload, "python -m http.server serves the current directory to the network", index);
      }
    }
    return UnknownStream(name);
  }
  if (!operands.empty() && argv[operands[0]].text != "-") {
    ScriptFile(argv[operands[0]], name, index, st, inner, in);
    for (size_t k = 1; k < operands.size(); ++k) {
      AddOperandFile(FileOp::kRead, index, operands[k], false, name, st, true);
    }
    if (edits) in_place(1);
    return UnknownStream(name);
  }
  if (in.kind == Stream::Kind::kLiteral) {
    Expanded code;
    code.text = in.text;
    inline_code(code);
    return UnknownStream(name);
  }
  CodeStream(in, name, index, st, inner);
  return UnknownStream(name);
}

Stream Analyzer::CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                            const std::vector<Expanded>& params, const Stream& in, bool same_shell) {
  Ctx c = Inner(ctx, "", false, origin);
  c.depth = ctx.depth + 1;
  if (code.bits & kArgDynamic) {
    if (code.taint.tainted()) {
      Signal(kSignalRce, std::string(origin) + " runs code from " + code.taint.source);
    } else {
      Signal(kSignalDynamicScript,
             std::string(origin) + " runs code that is only known at run time: " + Printable(code.text, 80));
    }
  }
  // Analyze what is visible, with unknown parts left as ${…} / $(…) placeholders.
  State copy = st;
  State& target = same_shell ? st : copy;
  if (!params.empty()) {
    Value all;
    all.known = true;
    for (size_t i = 0; i < params.size() && i < 10; ++i) {
      Value v;
      v.known = !(params[i].bits & kArgDynamic);
      v.text = v.known ? params[i].text : std::string();
      v.bits = params[i].bits & (kArgGlob | kArgTree | kArgPattern);
      v.taint = params[i].taint;
      target.vars[std::to_string(i)] = v;
      if (i == 0) continue;
      if (i > 1) all.text += ' ';
      all.text += params[i].text;
      all.known = all.known && v.known;
      all.bits |= v.bits;
    }
    target.vars["@"] = all;
    target.vars["*"] = all;
    Value count;
    count.known = true;
    count.text = std::to_string(params.size() - 1);
    target.vars["#"] = count;
  }
  return Script(code.text, target, c, in);
}

Stream Analyzer::CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx,
                            bool same_shell) {
  switch (s.kind) {
    case Stream::Kind::kNone: return UnknownStream(std::string(sink));
    case Stream::Kind::kLiteral: {
      Expanded code;
      code.text = s.text;
      return CodeString(code, std::string(sink) + " < " + (s.source.empty() ? "input" : s.source), st, ctx, {}, {},
                        same_shell);
    }
    case Stream::Kind::kFetched:
    case Stream::Kind::kDecoded:
      Signal(kSignalRce, std::string(sink) + " runs code piped from " + s.source, index);
      return UnknownStream(std::string(sink));
    case Stream::Kind::kFile: {
      Expanded file;
      file.text = s.text;
      ScriptFile(file, sink, index, st, ctx, Stream{}, same_shell);
      return UnknownStream(std::string(sink));
    }
    case Stream::Kind::kPaths:
    case Stream::Kind::kUnknown:
      Signal(kSignalDynamicScript,
             std::string(sink) + " runs commands read from the output of " +
                 (s.source.empty() ? std::string("another command") : "'" + s.source + "'"),
             index);
      return UnknownStream(std::string(sink));
  }
  return UnknownStream();
}

void Analyzer::ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                          const Stream& in, bool same_shell) {
  if (arg.procsub) {
    CodeStream(arg.procsub_stream, sink, index, st, ctx, same_shell);
    return;
  }
  if (arg.text == "/dev/stdin" || arg.text == "-" || arg.text == "/dev/fd/0" || arg.text == "/proc/self/fd/0") {
    CodeStream(in, sink, index, st, ctx, same_shell);
    return;
  }
  if (arg.taint.tainted()) Signal(kSignalRce, std::string(sink) + " runs a script named by " + arg.taint.source, index);
  if (sink != "exec") AddFile(FileOp::kExec, arg.text, arg.bits, false, sink, index, st);
  std::string source;
  if (IsTainted(arg.text, st, &source)) {
    Signal(kSignalRce, std::string(sink) + " runs " + arg.text + ", downloaded by " + source + " earlier", index);
  }
  // A script written earlier in the same command: its text is known.
  bool dynamic = false;
  for (const auto& p : Resolve(arg.text, st, &dynamic)) {
    if (dynamic) break;
    auto it = contents_.find(FollowLinks(p));
    if (it == contents_.end()) continue;
    Expanded code;
    code.text = it->second;
    CodeString(code, std::string(sink) + " " + arg.text, st, ctx, {}, in, same_shell);
    break;
  }
}

}  // namespace warden::shell
