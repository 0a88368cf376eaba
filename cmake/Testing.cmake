# warden_unit_test(NAME LIBRARY SOURCES…): a GoogleTest binary for one library's *_test.cc
# files, registered with CTest under the "unit" label.
function(warden_unit_test name library)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ${library} GTest::gtest GTest::gtest_main warden_warnings)
  target_compile_definitions(${name} PRIVATE
    WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    WARDEN_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
endfunction()
