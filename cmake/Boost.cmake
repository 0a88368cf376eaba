find_package(Boost 1.81 REQUIRED COMPONENTS json)
add_library(warden::boost_json ALIAS Boost::json)
