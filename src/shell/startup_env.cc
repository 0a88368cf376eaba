// Code that interpreters and shells load because a variable says so: PYTHONSTARTUP=FILE,
// PYTHONPATH=DIR (its sitecustomize.py), NODE_OPTIONS='--require FILE', RUBYOPT=-rFILE,
// PERL5OPT='-M…', PERL5DB='CODE', ZDOTDIR=DIR (its .zshenv…), BASH_ENV/ENV=FILE. Whatever
// the command line shows of that code — a file written earlier in the line, a <(…), the value
// itself — is analyzed in its language; the rest is not known here.
#include <array>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

// The files NODE_OPTIONS / RUBYOPT load: --require X, -r X, --require=X, -rX, --import X, --loader X.
std::vector<std::string> RequiredFiles(std::string_view options) {
  std::vector<std::string> files;
  std::vector<std::string> words = SplitFields(options, " \t\n");
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    for (std::string_view flag : {"--require", "--import", "--loader", "--experimental-loader", "-r"}) {
      if (w == flag && i + 1 < words.size()) files.push_back(words[i + 1]);
      if (w.size() > flag.size() && w.rfind(flag, 0) == 0) {
        files.push_back(w.substr(flag.size() + (w[flag.size()] == '=' ? 1 : 0)));
      }
    }
  }
  return files;
}

}  // namespace

void Analyzer::CodeInLanguage(std::string_view code, std::string_view language, State& st, const Ctx& ctx) {
  if (code.empty()) return;
  if (language == "sh") {
    Expanded text;
    text.text = std::string(code);
    CodeString(text, "start-up file", st, ctx);
    return;
  }
  Signal(kSignalInlineCode, std::string(language) + ": " + std::string(code.substr(0, 16 * 1024)));
  ShellStringsInCode(code, language, -1, st, Inner(ctx, std::string(language), false));
  PathsInCode(code, language, -1, st);
}

void Analyzer::FileInLanguage(const Expanded& file, std::string_view language, State& st, const Ctx& ctx,
                              const Stream& in) {
  bool decoded = false;  // a <(…), standard input, or a file written earlier
  if (auto text = ScriptText(file, st, in, &decoded)) CodeInLanguage(*text, language, st, ctx);
}

bool Analyzer::StartupFromEnvironment(const std::string& name, const Expanded& value, State& st, const Ctx& ctx,
                                      const Stream& in) {
  const std::string& v = value.text;
  if (name == "PYTHONSTARTUP") {
    FileInLanguage(value, "python", st, ctx, in);
  } else if (name == "PYTHONPATH") {
    for (std::string_view dir : Split(v, ':')) {
      for (std::string_view file : {"sitecustomize.py", "usercustomize.py"}) {
        if (auto text = KnownContents(JoinPath(dir.empty() ? "." : dir, file), st)) CodeInLanguage(*text, "python", st, ctx);
      }
    }
  } else if (name == "NODE_OPTIONS" || name == "RUBYOPT") {
    for (const std::string& file : RequiredFiles(v)) {
      FileInLanguage(PlainWord(file), name == "RUBYOPT" ? "ruby" : "node", st, ctx, in);
    }
  } else if (name == "PERL5OPT" || name == "PERL5DB") {
    CodeInLanguage(v, "perl", st, ctx);  // -Mmod;CODE and the debugger's code run as Perl
  } else if (name == "ZDOTDIR") {
    for (std::string_view file : {".zshenv", ".zprofile", ".zshrc", ".zlogin"}) {
      if (auto text = KnownContents(JoinPath(v, file), st)) CodeInLanguage(*text, "sh", st, ctx);
    }
  } else if (name == "MAKEFLAGS" || name == "GNUMAKEFLAGS" || name == "MFLAGS") {
    // --eval=… and VAR=… in make's flags: their $(shell …) calls run.
    for (size_t at = v.find("$(shell "); at != std::string::npos; at = v.find("$(shell ", at + 1)) {
      const size_t close = v.find(')', at);
      if (close == std::string::npos) break;
      CodeInLanguage(v.substr(at + 8, close - at - 8), "sh", st, ctx);
    }
  } else if (name == "BASH_ENV" || name == "ENV") {
    FileInLanguage(value, "sh", st, ctx, in);
  } else if (name == "PSQLRC") {
    bool decoded = false;  // psql's start-up file: its \! lines run
    if (auto text = ScriptText(value, st, in, &decoded)) ConfigFile(v, *text, -1, st, ctx, 0);
  } else {
    return false;
  }
  return true;
}

}  // namespace warden::shell
