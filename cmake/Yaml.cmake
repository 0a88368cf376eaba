# libyaml (C): an event parser with line/column marks. yaml-cpp was measured 9x slower on
# large policies; see docs/DEPENDENCIES.md.
find_package(PkgConfig REQUIRED)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
add_library(warden::yaml ALIAS PkgConfig::YAML)
