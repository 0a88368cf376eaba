// PowerShell (pwsh, powershell): never parsed as bash. -Command/-c STRING, -EncodedCommand
// BASE64 (UTF-16LE) and -File FILE are read as PowerShell: its statements are split at ; | &&
// || and newlines, and the cmdlets (and their aliases) that touch files, run programs or fetch
// code become facts — Remove-Item -Recurse is a recursive delete, Set-Content a write,
// Invoke-Expression on fetched text is remote code. The code itself is an inline_code signal.
#include <re2/re2.h>

#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/literal.h"

namespace warden::shell {
namespace {

struct Cmdlet {
  std::string_view name;
  FileOp op;
  bool second_writes;  // Copy-Item/Move-Item: the destination is written
};

// Cmdlets and the aliases PowerShell defines for them (lower case).
const Cmdlet* FindCmdlet(const std::string& lower) {
  static const std::pair<std::string_view, Cmdlet> kCmdlets[] = {
      {"remove-item", {"Remove-Item", FileOp::kDelete, false}}, {"rm", {"Remove-Item", FileOp::kDelete, false}},
      {"ri", {"Remove-Item", FileOp::kDelete, false}},          {"del", {"Remove-Item", FileOp::kDelete, false}},
      {"erase", {"Remove-Item", FileOp::kDelete, false}},       {"rd", {"Remove-Item", FileOp::kDelete, false}},
      {"rmdir", {"Remove-Item", FileOp::kDelete, false}},       {"set-content", {"Set-Content", FileOp::kWrite, false}},
      {"sc", {"Set-Content", FileOp::kWrite, false}},           {"add-content", {"Add-Content", FileOp::kWrite, false}},
      {"ac", {"Add-Content", FileOp::kWrite, false}},           {"out-file", {"Out-File", FileOp::kWrite, false}},
      {"clear-content", {"Clear-Content", FileOp::kWrite, false}}, {"clc", {"Clear-Content", FileOp::kWrite, false}},
      {"new-item", {"New-Item", FileOp::kWrite, false}},        {"ni", {"New-Item", FileOp::kWrite, false}},
      {"copy-item", {"Copy-Item", FileOp::kRead, true}},        {"cp", {"Copy-Item", FileOp::kRead, true}},
      {"copy", {"Copy-Item", FileOp::kRead, true}},             {"cpi", {"Copy-Item", FileOp::kRead, true}},
      {"move-item", {"Move-Item", FileOp::kDelete, true}},      {"mv", {"Move-Item", FileOp::kDelete, true}},
      {"move", {"Move-Item", FileOp::kDelete, true}},           {"mi", {"Move-Item", FileOp::kDelete, true}},
      {"rename-item", {"Rename-Item", FileOp::kDelete, true}},  {"ren", {"Rename-Item", FileOp::kDelete, true}},
      {"get-content", {"Get-Content", FileOp::kRead, false}},   {"gc", {"Get-Content", FileOp::kRead, false}},
      {"cat", {"Get-Content", FileOp::kRead, false}},           {"type", {"Get-Content", FileOp::kRead, false}},
      {"set-acl", {"Set-Acl", FileOp::kWrite, false}}};
  for (const auto& [alias, cmdlet] : kCmdlets) {
    if (alias == lower) return &cmdlet;
  }
  return nullptr;
}

// PowerShell words: blanks separate, '…' and "…" group; $HOME, $env:HOME, ~ are the home.
std::vector<std::string> Words(std::string_view statement, const std::string& home) {
  std::vector<std::string> out;
  for (std::string w : SplitQuoted(statement)) {
    for (std::string_view var : {"$env:USERPROFILE", "$env:HOME", "${HOME}", "$HOME", "${env:HOME}"}) {
      if (w.rfind(var, 0) == 0) w = home + w.substr(var.size());
    }
    if (w == "~" || w.rfind("~/", 0) == 0 || w.rfind("~\\", 0) == 0) w = home + w.substr(1);
    std::replace(w.begin(), w.end(), '\\', '/');
    out.push_back(std::move(w));
  }
  return out;
}

void Script(Call& c, std::string_view code, int depth);

// Splits at `sep` outside '…' and "…" (a `|` or `;` inside a string is text).
std::vector<std::string_view> SplitOutsideQuotes(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == sep) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

// A string argument's text without its quotes ('…' or "…"), when it has no $ to expand.
std::optional<std::string> LiteralString(std::string_view word) {
  if (word.size() >= 2 && (word.front() == '\'' || word.front() == '"') && word.back() == word.front()) {
    word = word.substr(1, word.size() - 2);
  }
  if (word.find('$') != std::string_view::npos) return std::nullopt;
  return std::string(word);
}

// A program run the way a shell would: native commands (`bash -c …`, `curl … | sh`), the call
// operator `& 'prog' args` and `Start-Process prog -ArgumentList '…'`.
void Native(Call& c, std::vector<std::string> words) {
  std::vector<Expanded> argv;
  for (auto& w : words) {
    auto text = LiteralString(w);
    argv.push_back(PlainWord(text ? *text : w, text ? 0 : kArgDynamic));
  }
  if (!argv.empty()) c.Run(std::move(argv), c.name());
}

void StartProcess(Call& c, const std::vector<std::string>& words) {
  std::vector<std::string> argv;
  for (size_t k = 1; k < words.size(); ++k) {
    const std::string lower = ToLower(words[k]);
    if (lower == "-filepath") continue;
    if (lower == "-argumentlist" || lower == "-args") {
      if (k + 1 < words.size()) {
        auto list = LiteralString(words[++k]);
        for (auto& w : SplitQuoted(list ? *list : words[k])) {
          for (auto item : Split(w, ',')) {  // -ArgumentList "-rf","/x": a list
            if (!item.empty()) argv.emplace_back(item);
          }
        }
      }
    } else if (lower[0] == '-') {
      if (lower != "-wait" && lower != "-nonewwindow" && lower != "-passthru" && k + 1 < words.size()) ++k;
    } else {
      argv.push_back(words[k]);
    }
  }
  Native(c, std::move(argv));
}

// Parameters that take a value; the rest are switches (-Recurse, -Force, -fo, -WhatIf). PowerShell
// accepts any unambiguous prefix, so -Fi is -Filter. Paths (-Path, -LiteralPath, -Destination,
// -FilePath) are not skipped: their values are the files.
bool TakesValue(std::string_view lower) {
  static constexpr std::string_view kValued[] = {"-filter", "-include", "-exclude", "-value", "-encoding", "-credential",
                                                 "-stream", "-itemtype", "-name", "-newname", "-delimiter", "-depth",
                                                 "-aclobject", "-type"};
  if (lower.size() < 3) return false;
  for (std::string_view p : kValued) {
    if (p.starts_with(lower)) return true;
  }
  return false;
}

// [Diagnostics.Process]::Start("prog", "args"): a program and its argument string.
std::optional<std::vector<std::string>> ProcessStart(std::string_view statement) {
  static const RE2 kStart(R"re((?i)Process\]::Start\(\s*["']([^"']+)["']\s*(?:,\s*["']([^"']*)["'])?)re");
  std::string program, args;
  if (!RE2::PartialMatch(re2::StringPiece(statement.data(), statement.size()), kStart, &program, &args)) return std::nullopt;
  std::vector<std::string> argv = {program};
  for (auto& w : SplitQuoted(args)) argv.push_back(w);
  return argv;
}

bool IsCmdletName(std::string_view word) { return word.find('-') != std::string_view::npos && word[0] != '-'; }

// iex (iwr URL), iex (New-Object Net.WebClient).DownloadString(URL): a fetch anywhere in the text.
bool MentionsFetch(const std::string& lower) {
  for (std::string_view fetcher : {"invoke-webrequest", "iwr ", "invoke-restmethod", "irm ", "curl ", "wget ",
                                   "downloadstring", "downloadfile", "start-bitstransfer"}) {
    if (lower.find(fetcher) != std::string::npos) return true;
  }
  return false;
}

bool FetchStage(const std::string& lower) {
  for (std::string_view fetcher : {"invoke-webrequest", "iwr", "invoke-restmethod", "irm", "curl", "wget"}) {
    if (lower.rfind(fetcher, 0) == 0) return true;
  }
  return lower.find("downloadstring") != std::string::npos;
}

void Statement(Call& c, std::string_view statement, bool fetched_input, int depth) {
  std::vector<std::string> words = Words(statement, c.an.options().home);
  if (words.empty()) return;
  const std::string verb = ToLower(words[0]);
  if (verb == "invoke-expression" || verb == "iex") {
    const bool fetches = MentionsFetch(ToLower(statement));
    if (fetched_input || fetches) c.Signal(kSignalRce, "PowerShell runs fetched code with Invoke-Expression");
    // One string argument (its quotes are gone): the code itself, unless it is an expression.
    const bool string_arg = words.size() == 2 && !words[1].empty() && words[1][0] != '(' && words[1][0] != '$';
    std::optional<std::string> code = string_arg ? LiteralString(words[1]) : std::nullopt;
    if (code && depth < 4) return Script(c, *code, depth + 1);
    c.Signal(kSignalDynamicScript, "PowerShell Invoke-Expression runs code only known at run time");
    return;
  }
  if (verb == "&" || verb == ".") return Native(c, {words.begin() + 1, words.end()});
  if (auto started = ProcessStart(statement)) return Native(c, *started);
  if (verb == "start-process" || verb == "saps" || verb == "start") return StartProcess(c, words);
  const Cmdlet* cmdlet = FindCmdlet(verb);
  if (cmdlet == nullptr) {
    if (!IsCmdletName(verb) && verb[0] != '$' && verb[0] != '[' && verb[0] != '(') Native(c, std::move(words));
    return;
  }
  bool recursive = false;
  std::vector<std::string> paths;
  for (size_t k = 1; k < words.size(); ++k) {
    const std::string lower = ToLower(words[k]);
    if (lower[0] == '-' && lower.find(':') == std::string::npos && k + 1 < words.size() && TakesValue(lower)) {
      ++k;  // a parameter's value (-Filter *.log, -Value x)
    } else if (lower[0] == '-') {
      recursive = recursive || (lower.size() >= 2 && std::string_view("-recurse").starts_with(lower.substr(0, lower.find(':'))));
    } else {
      paths.push_back(words[k]);
    }
  }
  const std::string source = "pwsh " + std::string(cmdlet->name);
  for (size_t k = 0; k < paths.size(); ++k) {
    const bool dest = cmdlet->second_writes && k + 1 == paths.size() && paths.size() > 1;
    c.File(dest ? FileOp::kWrite : cmdlet->op, paths[k], 0, recursive, source);
  }
}

// A stage that is a native program (not a cmdlet, alias, variable or expression).
bool NativeStage(std::string_view stage, const std::string& home) {
  std::vector<std::string> words = Words(stage, home);
  if (words.empty()) return false;
  const std::string verb = ToLower(words[0]);
  return FindCmdlet(verb) == nullptr && !IsCmdletName(verb) && verb != "iex" && verb != "&" && verb != "." &&
         verb != "saps" && verb != "start" && std::string_view("$[(@").find(verb[0]) == std::string_view::npos;
}

// One statement: a pipeline of native programs passes bytes as a shell's does and is analyzed as
// one; otherwise stage by stage, a stage fed by a download being fetched input.
// A stage that is one string literal: its text.
std::optional<std::string> StringStage(std::string_view stage) {
  stage = Trim(stage);
  if (stage.size() < 2 || (stage.front() != '"' && stage.front() != '\'') || stage.back() != stage.front()) return std::nullopt;
  if (stage.substr(1, stage.size() - 2).find(stage.front()) != std::string_view::npos) return std::nullopt;
  return std::string(stage.substr(1, stage.size() - 2));
}

// `STATEMENT > FILE`, `>> FILE`, `*> FILE`, `2> FILE`: FILE is written; the statement without it.
std::string_view Redirections(Call& c, std::string_view statement) {
  std::vector<std::string_view> parts = SplitOutsideQuotes(statement, '>');
  for (size_t k = 1; k < parts.size(); ++k) {
    std::string_view target = Trim(parts[k]);
    if (target.empty()) continue;  // the second > of >>
    std::vector<std::string> words = Words(target, c.an.options().home);
    if (!words.empty() && words[0] != "$null") c.File(FileOp::kWrite, words[0], 0, false, "pwsh >");
  }
  std::string_view head = parts[0];
  while (!head.empty() && (head.back() == '2' || head.back() == '*')) head.remove_suffix(1);
  return head;
}

void Pipeline(Call& c, std::string_view statement, int depth) {
  statement = Redirections(c, statement);
  std::vector<std::string_view> stages = SplitOutsideQuotes(statement, '|');
  const std::string& home = c.an.options().home;
  if (stages.size() > 1 && std::all_of(stages.begin(), stages.end(), [&](auto st) { return NativeStage(st, home); })) {
    c.RunCode(std::string(statement), c.name(), c.name());
    return;
  }
  bool fetched = false;
  for (size_t k = 0; k < stages.size(); ++k) {
    std::string_view stage = Trim(stages[k]);
    const std::string next = k + 1 < stages.size() ? ToLower(Trim(stages[k + 1])) : std::string();
    // "CODE" | iex: the string is the code.
    if (auto literal = StringStage(stage); literal && (next == "iex" || next == "invoke-expression") && depth < 4) {
      Script(c, *literal, depth + 1);
      ++k;
      continue;
    }
    Statement(c, stage, fetched, depth);
    fetched = fetched || FetchStage(ToLower(stage));
  }
}

// The statements of a PowerShell script.
void Script(Call& c, std::string_view code, int depth) {
  c.Signal(kSignalInlineCode, c.name() + ": " + std::string(code.substr(0, 16 * 1024)));
  for (auto line : SplitOutsideQuotes(code, '\n')) {
    for (auto statement : SplitOutsideQuotes(line, ';')) Pipeline(c, statement, depth);
  }
}

// -EncodedCommand: base64 of UTF-16LE text.
std::string Utf16Le(const std::string& bytes) {
  std::string out;
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) out += bytes[i + 1] == 0 ? bytes[i] : '?';
  return out;
}

Stream PowerShell(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string flag = ToLower(c.argv[k].text);
    if (k + 1 >= c.argv.size()) break;
    const bool from_stdin = c.argv[k + 1].text == "-";
    if (from_stdin && (flag == "-command" || flag == "-c" || flag == "-file" || flag == "-f")) {
      if (c.in.kind == Stream::Kind::kLiteral) Script(c, c.in.text, 0);
      return UnknownStream(c.name());
    }
    if (flag == "-command" || flag == "-c" || flag == "-cmd") {
      Script(c, JoinWords(c.argv, k + 1).text, 0);
      return UnknownStream(c.name());
    }
    if (flag == "-encodedcommand" || flag == "-e" || flag == "-ec" || flag == "-enc") {
      auto bytes = DecodeBase64(c.argv[k + 1].text);
      c.Signal(kSignalRce, "PowerShell runs code encoded with -EncodedCommand");
      if (bytes) Script(c, Utf16Le(*bytes), 0);
      return UnknownStream(c.name());
    }
    if (flag == "-file" || flag == "-f") {
      c.File(FileOp::kExec, c.argv[k + 1].text, c.argv[k + 1].bits);
      if (auto text = c.an.KnownContents(c.argv[k + 1].text, c.st)) Script(c, *text, 0);
      return UnknownStream(c.name());
    }
  }
  if (c.in.kind == Stream::Kind::kLiteral) Script(c, c.in.text, 0);
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {.name = "pwsh", .family = Family::kInterpreter, .run = PowerShell},
    {.name = "powershell", .family = Family::kInterpreter, .run = PowerShell},
    {.name = "powershell.exe", .family = Family::kInterpreter, .run = PowerShell},
};

}  // namespace

ModelTable PowerShellCommands() { return kModels; }

}  // namespace warden::shell
