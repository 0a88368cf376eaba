find_package(CLI11 REQUIRED)
add_library(warden::cli11 ALIAS CLI11::CLI11)
