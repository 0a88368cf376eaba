find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
add_library(warden::re2 ALIAS PkgConfig::RE2)
