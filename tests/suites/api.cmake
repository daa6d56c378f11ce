# The embedding API (issue: the C and C++ API, packaging, examples).
# [api] and [capi] unit tests run with the other Catch2 tests (kuan_tests).

# The example hosts: C++ and C print the same results, as tools/examples/expected.txt says.
add_test(NAME api_example_hosts
  COMMAND ${CMAKE_COMMAND} -DHOST_CPP=$<TARGET_FILE:kuan_host_cpp> -DHOST_C=$<TARGET_FILE:kuan_host_c>
          -DPOLICY=${PROJECT_SOURCE_DIR}/policies/hangzhou-ai -DEXPECTED=${PROJECT_SOURCE_DIR}/tools/examples/expected.txt
          -P ${CMAKE_CURRENT_SOURCE_DIR}/api_consumer/check_hosts.cmake)

# An outside project against the package installed into a temporary prefix:
# find_package(kuan) + kuan::kuan from C++17 and C99, and pkg-config.
find_program(KUAN_PKG_CONFIG NAMES pkg-config pkgconf)
string(REPLACE ";" " " kuan_sanitize_flags "${KUAN_SANITIZE_FLAGS}")
add_test(NAME api_installed_package
  COMMAND ${CMAKE_COMMAND} -DKUAN_BUILD_DIR=${PROJECT_BINARY_DIR} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/api_consumer
          -DPOLICY=${PROJECT_SOURCE_DIR}/policies/hangzhou-ai -DEXPECT_CLI=$<TARGET_EXISTS:kuan>
          -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
          "-DEXTRA_FLAGS=${kuan_sanitize_flags}" -DPKG_CONFIG=${KUAN_PKG_CONFIG}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/api_consumer/run_consumer.cmake)
set_tests_properties(api_installed_package PROPERTIES TIMEOUT 300)

# The API tests alone, so a sanitizer build (run-tests.sh) need not build every suite.
add_executable(kuan_api_tests test_main.cpp test_api.cpp test_c_api.cpp test_testing.cpp test_tooling.cpp
  test_api_results.cpp)
target_link_libraries(kuan_api_tests PRIVATE kuan_internal Catch2::Catch2)
target_compile_definitions(kuan_api_tests PRIVATE KUAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}" KUAN_PROJECT_VERSION="${PROJECT_VERSION}"
  KUAN_BINARY="$<TARGET_FILE:kuan>")  # test_api_results.cpp compares with the command's output
add_dependencies(kuan_api_tests kuan)
