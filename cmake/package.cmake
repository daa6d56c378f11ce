# `cmake --install`: the public headers (include/kuan/), the library static
# (libkuan_core.a, exported as kuan::kuan) and shared (libkuan.so.MAJOR.MINOR,
# exported as kuan::kuan_shared), the `kuan` command, a CMake package
# (find_package(kuan) + target_link_libraries(app kuan::kuan)) and kuan.pc (the
# shared library). The public headers include only the standard library, so the
# package requires nothing; the static library links utf8proc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(kuan_core PROPERTIES EXPORT_NAME kuan)
set_target_properties(kuan_shared PROPERTIES EXPORT_NAME kuan_shared)
add_library(kuan::kuan ALIAS kuan_core)
add_library(kuan::kuan_shared ALIAS kuan_shared)

set(KUAN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kuan)
install(TARGETS kuan_core kuan_shared EXPORT kuanTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(KUAN_BUILD_CLI)
  install(TARGETS kuan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
# Every public header: include/kuan/ is the façade, nothing else is installed.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/kuan/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kuan
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(EXPORT kuanTargets NAMESPACE kuan:: DESTINATION ${KUAN_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kuanConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kuanConfig.cmake INSTALL_DESTINATION ${KUAN_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kuanConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kuanConfig.cmake ${PROJECT_BINARY_DIR}/kuanConfigVersion.cmake
  DESTINATION ${KUAN_CMAKE_DIR})

# pkg-config: relocatable (prefix found from the .pc file's own place), so
# `cmake --install --prefix DIR` works whatever CMAKE_INSTALL_PREFIX was.
file(RELATIVE_PATH KUAN_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" KUAN_PC_PREFIX "${KUAN_PC_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/kuan.pc.in ${PROJECT_BINARY_DIR}/kuan.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kuan.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
