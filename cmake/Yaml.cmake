# libyaml (C): an event parser with line/column marks. yaml-cpp was measured 9x slower on
# large policies; see docs/DEPENDENCIES.md.
find_package(PkgConfig REQUIRED)
include(StaticDeps)
warden_static_or_pkg(yaml yaml-0.1 libyaml.a)
