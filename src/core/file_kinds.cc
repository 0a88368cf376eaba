#include "core/file_kinds.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace warden {

bool IsSourceKindExtension(std::string_view ext) {
  static constexpr std::string_view kSource[] = {
      "ts",  "tsx",  "js",   "jsx",  "mjs", "cjs",   "py",  "go",   "rs",   "c",      "h",   "cc",    "cpp",
      "cxx", "hpp",  "hh",   "java", "kt",  "rb",    "php", "cs",   "swift", "m",     "mm",  "scala", "sh",
      "bash", "zsh", "lua",  "pl",   "pm",  "r",     "dart", "ex",  "exs",  "erl",    "hs",  "ml",    "vue",
      "svelte", "md", "rst", "html", "css", "scss",  "less", "sql", "proto", "log",   "o",   "a",     "so",
      "pyc", "class", "tmp", "bak",  "txt", "pdf",   "png", "svg"};
  if (ext.empty() || ext.size() > 8) return false;
  std::string lower(ext);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return std::find(std::begin(kSource), std::end(kSource), lower) != std::end(kSource);
}

bool IsSourceKindPattern(std::string_view name) {
  const size_t stars = name.find_first_not_of('*');
  if (stars == 0 || stars == std::string_view::npos || name[stars] != '.') return false;
  return IsSourceKindExtension(name.substr(stars + 1));
}

}  // namespace warden
