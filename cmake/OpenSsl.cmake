# OpenSSL 3: TLS for `warden serve --http` and RS256 for JWT verification. Static in release
# builds like the other libraries of the `warden` binary (start-up cost, cmake/StaticDeps.cmake).
if(WARDEN_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
endif()
find_package(OpenSSL 3 REQUIRED)
add_library(warden::ssl INTERFACE IMPORTED GLOBAL)
target_link_libraries(warden::ssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
