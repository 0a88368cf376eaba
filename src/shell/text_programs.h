// Private to src/shell: what small text programs print, computed without running them, so that
// text built by a filter and then run (`sed 's/X/ /g' <<< 'rmX-rfX~' | sh`,
// `awk 'BEGIN{print "rm -rf ~"}' | sh`, `jq -rn '"rm -rf ~"' | sh`) is analyzed like any
// command line. Each evaluator takes only what it fully understands and answers nullopt for
// anything else (an address, an unknown command, a regex RE2 cannot read): the caller then
// treats the output as unknown, as before. Pure functions; thread-safe; linear-time regexes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::shell {

// sed over known input. `scripts` are the -e scripts (or the one operand) in order; `extended`
// is -E/-r, `quiet` is -n. Understood: commands without addresses, separated by ';' or
// newlines — s/RE/REPLACEMENT/ with flags g, p, i/I, e; p; d; c TEXT; and e (bare or with a
// command).
// Input over 64 KiB, 256 lines, a pattern space over 64 KiB or output over 256 KiB: nullopt.
struct SedRun {
  std::optional<std::string> output;  // what sed prints; nullopt once an `e` replaced it
  std::vector<std::string> executed;  // command lines `e` and s///e run, in order
};
std::optional<SedRun> EvaluateSed(const std::vector<std::string>& scripts, bool extended, bool quiet,
                                  std::string_view input);

// An awk program's assignments (-v NAME=VALUE) written into its code: each NAME outside a
// string literal becomes a string literal of VALUE, so `system(c)` with -v c='rm -rf ~' reads
// as system("rm -rf ~").
std::string WithAwkVariables(std::string_view code, const std::vector<std::pair<std::string, std::string>>& vars);

// NAME = "literal" assignments inside an awk program (the first for each name; `==` is not
// one): with WithAwkVariables, `c="rm -rf ~"; system(c)` reads as system("rm -rf ~").
std::vector<std::pair<std::string, std::string>> AwkStringAssignments(std::string_view code);

// Adjacent string literals joined, as awk concatenates them: ("s" "h") is ("sh"), and
// > "/home/u" "/.ssh/x" writes "/home/u/.ssh/x".
std::string JoinedAwkLiterals(std::string_view code);

// The awk program without the command pipes Warden analyzes on their own ("CMD" | getline,
// print "TEXT" | "CMD", both with literal strings): what is left is what the inline-code
// rules judge (a pipe from or to a command only known at run time stays).
std::string WithoutAwkLiteralPipes(std::string_view code);

// What an awk program prints when it is only BEGIN, END and pattern-less blocks of
// print/printf statements over string literals (print "a", "b"; printf "%s\n", "c"): the
// blocks without a label run once per input line, `lines` of them (nullopt: not known).
// Output sent to a pipe or a file (print … | "sh", print … > "f") is not part of it: nullopt.
std::optional<std::string> AwkOutput(std::string_view code, std::optional<size_t> lines);

// `text` as a double-quoted literal (\" \\ and \n escaped) that DoubleQuotedValue reads back.
std::string DoubleQuoted(std::string_view text);

// The value of a string literal in awk, C, jq or JSON syntax without its quotes: \n \t \\ \"
// \/ \uXXXX (BMP, as UTF-8) and octal \NNN decoded. nullopt if `literal` is not exactly one
// double-quoted string.
std::optional<std::string> DoubleQuotedValue(std::string_view literal);

}  // namespace warden::shell
