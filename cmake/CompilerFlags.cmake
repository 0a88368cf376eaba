# Warnings for our own code only (third-party sources get their own flags), sanitizers and
# fuzzing instrumentation applied to everything that is linked into a binary.
add_library(warden_warnings INTERFACE)
target_compile_options(warden_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough -Wno-missing-field-initializers)

if(WARDEN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(WARDEN_TSAN)
  if(WARDEN_SANITIZE OR WARDEN_FUZZ)
    message(FATAL_ERROR "WARDEN_TSAN cannot be combined with WARDEN_SANITIZE or WARDEN_FUZZ")
  endif()
  # -Wno-tsan: Boost.Asio uses atomic_thread_fence, which TSan does not model (said in docs/PERFORMANCE.md).
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()

if(WARDEN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "WARDEN_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
