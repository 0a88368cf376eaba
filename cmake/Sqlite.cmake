# SQLite 3: the state DB (tokens now; approvals and MCP tool pins later), WAL mode.
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(sqlite3 sqlite3 libsqlite3.a)
if(WARDEN_STATIC_DEPS)
  # libsqlite3.a needs libm and libdl (pthread comes with Threads::Threads).
  set_property(TARGET warden_sqlite3_static APPEND PROPERTY INTERFACE_LINK_LIBRARIES m dl)
endif()
