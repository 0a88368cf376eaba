# tree-sitter runtime from Debian (libtree-sitter-dev 0.20.7) and the C sources of the
# tree-sitter-bash grammar pinned in third_party/grammars/package-lock.json (installed by
# scripts/bootstrap.sh with `npm ci --ignore-scripts`).
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(tree_sitter tree-sitter libtree-sitter.a)

set(WARDEN_TS_BASH_DIR ${CMAKE_SOURCE_DIR}/third_party/grammars/node_modules/tree-sitter-bash/src)
if(NOT EXISTS ${WARDEN_TS_BASH_DIR}/parser.c)
  message(FATAL_ERROR "tree-sitter-bash sources missing at ${WARDEN_TS_BASH_DIR}: run scripts/bootstrap.sh")
endif()

add_library(tree_sitter_bash STATIC ${WARDEN_TS_BASH_DIR}/parser.c ${WARDEN_TS_BASH_DIR}/scanner.c)
target_include_directories(tree_sitter_bash PRIVATE ${WARDEN_TS_BASH_DIR})
# The generated parser is huge and not ours: compile it optimized even in Debug builds,
# without our warnings, and without sanitizers' cost where they are not needed.
set_source_files_properties(${WARDEN_TS_BASH_DIR}/parser.c PROPERTIES COMPILE_OPTIONS "-O2;-w")
set_source_files_properties(${WARDEN_TS_BASH_DIR}/scanner.c PROPERTIES COMPILE_OPTIONS "-w")
target_link_libraries(tree_sitter_bash PUBLIC warden::tree_sitter)
set_target_properties(tree_sitter_bash PROPERTIES POSITION_INDEPENDENT_CODE ON)
