# zlib: gzip for audit segments that retention compresses (src/audit/retention.cc) and that
# every reader of the log decompresses (src/audit/segment.cc). Static like the other libraries
# of the `warden` binary.
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(zlib zlib libz.a)
