# Layers (cmake/layers.cmake): a wrong-way include fails to compile.
add_test(NAME layers_wrong_way_include_fails
  COMMAND ${CMAKE_COMMAND} -DCXX=${CMAKE_CXX_COMPILER} -DLAYERS=${KUAN_LAYERS_DIR}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/layers -P ${CMAKE_CURRENT_SOURCE_DIR}/layers/check_layers.cmake)
