// Literal text inside words, as the shell reads it: quote removal and escapes. Shared by
// both front ends so that they produce the same IR for the same text. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shell/ir.h"

namespace warden::shell {

// Unquoted text: "\c" makes c literal (a quoted part), "\<newline>" disappears, everything
// else stays unquoted (so glob characters and a leading '~' keep their meaning).
void AppendUnquoted(std::string_view raw, Word* w);

// Text that is entirely literal (single quotes, ANSI-C result, quoted here-document).
void AppendQuotedText(std::string_view text, Word* w);

// Inside double quotes: backslash escapes only $ ` " \ and newline.
void AppendDoubleQuotedText(std::string_view raw, Word* w);

// Unquoted here-document body: backslash escapes only $ ` \ and newline.
void AppendHeredocText(std::string_view raw, Word* w);

// The value of $'…' (without the $' and '): \n \t \xHH \NNN \uHHHH \cX and friends.
std::string DecodeAnsiC(std::string_view raw);

// Static decoding of data an agent may hide commands in: base64 (standard or URL alphabet,
// blanks ignored, padding optional), base32, hex (xxd -r -p). nullopt when `text` is not
// that encoding.
std::optional<std::string> DecodeBase64(std::string_view text);
std::optional<std::string> DecodeBase32(std::string_view text);
std::optional<std::string> DecodeHex(std::string_view text);

// Joins neighbouring text parts with the same quoting, so equal words have equal IR.
void MergeTextParts(Word* w);

}  // namespace warden::shell
