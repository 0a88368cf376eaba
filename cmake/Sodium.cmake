# libsodium: BLAKE2b for the audit log's hash chain (and, later, keyed token hashes and
# constant-time comparison). Static like the other libraries of the `warden` binary.
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(sodium libsodium libsodium.a)
