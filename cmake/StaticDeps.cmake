# Link the libraries Warden's binaries use statically (libre2.a, libyaml.a, libtree-sitter.a,
# Boost.JSON, libstdc++): `warden` runs once per agent hook call, and resolving the symbols of
# five shared libraries at start-up was ~2.6M instructions of a ~21M-instruction
# `warden check` (docs/PERFORMANCE.md). Off for sanitizer and fuzzer builds.
#
# warden_static_or_pkg(<target> <pkg-config module> <archive name>) defines warden::<target>.
function(warden_static_or_pkg target module archive)
  if(WARDEN_STATIC_DEPS)
    find_library(WARDEN_${target}_ARCHIVE NAMES ${archive} REQUIRED)
    add_library(warden_${target}_static STATIC IMPORTED GLOBAL)
    set_target_properties(warden_${target}_static PROPERTIES IMPORTED_LOCATION ${WARDEN_${target}_ARCHIVE})
    pkg_check_modules(${target}_PC REQUIRED ${module})
    set_target_properties(warden_${target}_static PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${${target}_PC_INCLUDE_DIRS}")
    add_library(warden::${target} ALIAS warden_${target}_static)
  else()
    pkg_check_modules(${target}_PC REQUIRED IMPORTED_TARGET GLOBAL ${module})
    add_library(warden::${target} ALIAS PkgConfig::${target}_PC)
  endif()
endfunction()
