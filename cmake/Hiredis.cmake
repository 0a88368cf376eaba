# hiredis: the Redis protocol (command encoding, reply parsing, the async context) under
# src/redis's Asio client, for several `warden serve` instances sharing state (issue #17).
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(hiredis hiredis libhiredis.a)
