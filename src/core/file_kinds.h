// Kinds of files by extension, for the places where a pattern such as `*.ts` has to be read as
// "files of that kind": source code, documents and build output, whose names no secret or
// settings file takes (a hidden `.env.ts` is source, not an environment file).
#pragma once

#include <string_view>

namespace warden {

// `ext` without the dot, any case: ts, py, go, c, md, html, log, o, pyc, …
bool IsSourceKindExtension(std::string_view ext);

// `name` is a wildcard run followed by such an extension: "*.ts", "**.html", "*.LOG".
bool IsSourceKindPattern(std::string_view name);

}  // namespace warden
