// echo and printf: their output is computed (escapes, formats, `printf -v VAR`), so a command
// line built with them and piped to a shell is read as the shell would read it.
#include <optional>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/literal.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

// printf's escapes in the format (and %b arguments): the ANSI-C set, plus \c (stop).
std::string Escapes(std::string_view s, bool* stop) {
  size_t cut = s.find("\\c");
  if (cut != std::string_view::npos) {
    *stop = true;
    s = s.substr(0, cut);
  }
  // echo -e and %b write octal as \0NNN (up to three digits after the 0); $'…' as \NNN.
  std::string ansi;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size() && s[i + 1] == '0' && s[i + 2] >= '0' && s[i + 2] <= '7') {
      ansi += '\\';
      ++i;  // drop the 0: the digits after it are the octal value
      continue;
    }
    ansi += s[i];
    if (s[i] == '\\' && i + 1 < s.size()) ansi += s[++i];  // \\ stays one escaped backslash
  }
  return DecodeAnsiC(ansi);
}

// Bash's printf, for the directives that matter here. nullopt for anything unusual.
std::optional<std::string> Printf(std::string_view format, const std::vector<std::string>& args) {
  std::string out;
  size_t used = 0;
  bool stop = false;
  for (int pass = 0; pass < 64; ++pass) {
    size_t start_used = used;
    for (size_t i = 0; i < format.size() && !stop; ++i) {
      char c = format[i];
      if (c == '\\') {
        size_t j = i + 1;
        while (j < format.size() && format[j] != '\\' && format[j] != '%' && j - i < 5) ++j;
        out += Escapes(format.substr(i, j - i), &stop);
        i = j - 1;
        continue;
      }
      if (c != '%') {
        out += c;
        continue;
      }
      size_t j = i + 1;
      while (j < format.size() && std::string_view("-+ #0123456789.").find(format[j]) != std::string_view::npos) ++j;
      if (j >= format.size()) return std::nullopt;
      char conv = format[j];
      i = j;
      if (conv == '%') {
        out += '%';
        continue;
      }
      std::string arg = used < args.size() ? args[used] : std::string();
      if (used < args.size()) ++used;
      switch (conv) {
        case 's': case 'q': case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'f': case 'e':
        case 'g': case 'E': case 'G':
          out += arg;
          break;
        case 'c':
          out += arg.substr(0, 1);
          break;
        case 'b':
          out += Escapes(arg, &stop);
          break;
        default:
          return std::nullopt;
      }
    }
    // The format is reused while arguments remain (and it consumed some).
    if (stop || used >= args.size() || used == start_used) break;
  }
  return out;
}

// The words after echo's own options (-n, -e, -E), and whether it ends with a newline and
// decodes escapes.
size_t EchoOptions(const std::vector<Expanded>& argv, bool* newline, bool* escapes) {
  size_t i = 1;
  while (i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-' &&
         argv[i].text.find_first_not_of("neE", 1) == std::string::npos) {
    if (argv[i].text.find('n') != std::string::npos) *newline = false;
    if (argv[i].text.find('e') != std::string::npos) *escapes = true;
    if (argv[i].text.find('E') != std::string::npos) *escapes = false;
    ++i;
  }
  return i;
}

// printf [-v VAR] [--]: where the format starts, and the variable it assigns.
size_t PrintfOptions(const std::vector<Expanded>& argv, std::string* var) {
  size_t i = 1;
  if (i + 1 < argv.size() && argv[i].text == "-v") {
    *var = argv[i + 1].text;
    i += 2;
  }
  if (i < argv.size() && argv[i].text == "--") ++i;
  return i;
}

// The words from `i` on, or nullopt (with `*out` set) when one is tainted or unknown.
std::optional<std::vector<std::string>> KnownWords(Call& c, size_t i, const std::string& var, Stream* out) {
  std::vector<std::string> words;
  for (size_t k = i; k < c.argv.size(); ++k) {
    if (c.argv[k].taint.tainted()) {
      *out = c.argv[k].taint;
      return std::nullopt;
    }
    if (c.argv[k].bits & kArgDynamic) {
      if (!var.empty()) c.st.vars[var] = Value{};
      *out = UnknownStream(c.name());
      return std::nullopt;
    }
    words.push_back(c.argv[k].text);
  }
  return words;
}

Stream Echo(Call& c) {
  bool escapes = false, newline = true;
  size_t i = EchoOptions(c.argv, &newline, &escapes);
  Stream out;
  auto words = KnownWords(c, i, {}, &out);
  if (!words) return out;
  std::string text = Join(*words, " ");
  if (escapes) {
    bool stop = false;
    text = Escapes(text, &stop);
    if (stop) newline = false;
  }
  if (newline) text += "\n";
  return LiteralStream(std::move(text), "echo");
}

Stream PrintfCommand(Call& c) {
  std::string var;  // printf -v VAR
  size_t i = PrintfOptions(c.argv, &var);
  if (MentionsWardenVariable(var)) c.Signal(kSignalWardenTamper, "printf -v " + var + ", which Warden's programs read");
  if (var == "PATH") {  // printf -v PATH '/x:%s' "$PATH": the directories it names
    std::string text;
    for (size_t k = i; k < c.argv.size(); ++k) text += c.argv[k].text + ":";
    c.an.PathChanged(PlainWord(text), c.st, c.ctx);
  }
  Stream out;
  auto words = KnownWords(c, i, var, &out);
  if (!words) return out;
  if (words->empty()) return Stream{};
  std::vector<std::string> rest(words->begin() + 1, words->end());
  auto formatted = Printf((*words)[0], rest);
  if (!formatted) {
    if (!var.empty()) c.st.vars[var] = Value{};
    return UnknownStream("printf");
  }
  if (var.empty()) return LiteralStream(std::move(*formatted), "printf");
  Value v;
  v.known = IsIdentifier(var);
  v.text = std::move(*formatted);
  if (!IsIdentifier(var)) c.an.ScanEvaluated(var, "printf -v", c.st, Ctx{});
  c.st.vars[var] = v;
  return Stream{};
}

constexpr CommandSpec kModels[] = {
    {.name = "echo", .family = Family::kBuiltin, .run = Echo},
    {.name = "printf", .family = Family::kBuiltin, .run = PrintfCommand},
};

}  // namespace

ModelTable EchoCommands() { return kModels; }

}  // namespace warden::shell
