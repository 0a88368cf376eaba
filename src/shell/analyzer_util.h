// Private to src/shell: small helpers the analyzer's files share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shell/analysis_state.h"

namespace warden::shell {

inline constexpr size_t kMaxStdinText = 64 * 1024;
inline constexpr size_t kMaxSignals = 64;
inline constexpr size_t kMaxFiles = 4096;

Stream UnknownStream(std::string source = {});
Stream LiteralStream(std::string text, std::string source);
Stream MakeStream(Stream::Kind kind, std::string source, std::string text = {});
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Unquoted characters that make a word a pattern: * ? [ and a brace expansion ({a,b} or
// {1..3}); a lone "{}" stays literal, as in bash.
bool HasGlobChar(std::string_view s);
bool IsIdentifier(std::string_view s);
std::string StripTrailingNewlines(std::string s);

// The word in single quotes for a shell ('it'\''s'): what reads back as exactly one word.
std::string SingleQuoted(std::string_view word);

// Splits the way `env -S` does: blanks separate words, quotes group them.
std::vector<std::string> SplitQuoted(std::string_view s);

// Field splitting of an unquoted expansion: any character of `ifs` separates (runs of IFS
// whitespace count once); quotes in the text mean nothing.
std::vector<std::string> SplitFields(std::string_view s, std::string_view ifs);

}  // namespace warden::shell
