find_package(fmt REQUIRED)
add_library(warden::fmt ALIAS fmt::fmt)
