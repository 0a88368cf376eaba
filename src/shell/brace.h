// Private to src/shell: brace expansion, the first expansion bash applies to a word —
// "{a,b}c" gives "ac" and "bc", "{1..3}" gives 1 2 3, "x{a..c..2}" gives xa xc; a lone "{}"
// stays literal. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "shell/ir.h"

namespace warden::shell {

// Each unquoted text part of `w` may multiply the word; at most `cap` words come out, and
// words left empty by "{,a}" are dropped, as bash drops them.
std::vector<Word> BraceWord(const Word& w, size_t cap);
// False when BraceWord(w) would give `w` unchanged (no unquoted '{', not empty): the caller
// can use `w` as it is, without a copy.
bool BraceExpansionChanges(const Word& w);

}  // namespace warden::shell
