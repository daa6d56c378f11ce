# Layers (cmake/layers.cmake): a wrong-way include fails to compile.
add_test(NAME layers_wrong_way_include_fails
  COMMAND ${CMAKE_COMMAND} -DCXX=${CMAKE_CXX_COMPILER} -DLAYERS=${KUAN_LAYERS_DIR}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/layers -P ${CMAKE_CURRENT_SOURCE_DIR}/layers/check_layers.cmake)

# KUAN_BUILD_CLI=OFF KUAN_BUILD_TESTS=OFF: the library needs neither Catch2, Python nor libedit.
add_test(NAME library_only_configuration
  COMMAND ${CMAKE_COMMAND} -DSOURCE=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/library_only
          -DCXX=${CMAKE_CXX_COMPILER} -P ${CMAKE_CURRENT_SOURCE_DIR}/layers/library_only.cmake)
