// Literals in inline interpreter code, read without parsing the language: Perl's and Ruby's
// quote operators turned into ordinary quotes, and lists of string literals that read as a
// program's argv. Linear in the code's length; nothing here runs a regex with backtracking.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace warden::shell {

// q(…), qq{…}, %q[…], %Q<…> become "…"; qx(…) and %x{…} become `…` (they run a shell); qw(a b)
// and %w(a b) become ("a", "b"). Bracket delimiters nest; other punctuation delimiters (q|…|,
// qx!…!) end at their next occurrence. Other text is copied unchanged.
std::string NormalizeQuoteOperators(std::string_view code);

// Runs of two or more string literals ('…' or "…", backslash escapes undone) separated only by
// blanks, commas, opening brackets and list constructors — ["sh", "-c", "…"], ("rm", "-rf",
// "/"), "/bin/rm" (list "-rf" "/"), System.cmd("sh", ["-c", "…"]): candidate argvs.
std::vector<std::vector<std::string>> LiteralLists(std::string_view code);

}  // namespace warden::shell
