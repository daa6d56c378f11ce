# The library configures without the CLI's and the tests' dependencies: with
# Catch2, Python and pybind11 made unfindable, and libedit never looked up.
# (Configure only; building that tree is the same compile as the layers here.)
#   cmake -DSOURCE=… -DWORK=… [-DCXX=…] -P library_only.cmake
cmake_minimum_required(VERSION 3.20)
file(REMOVE_RECURSE ${WORK})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK} -DCMAKE_CXX_COMPILER=${CXX}
          -DKUAN_BUILD_CLI=OFF -DKUAN_BUILD_TESTS=OFF -DKUAN_BENCHMARKS=OFF
          -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON -DCMAKE_DISABLE_FIND_PACKAGE_Python3=ON
          -DCMAKE_DISABLE_FIND_PACKAGE_pybind11=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the library alone does not configure:\n${out}\n${err}")
endif()
file(STRINGS ${WORK}/CMakeCache.txt edit REGEX "^EDIT_(LIBRARY|INCLUDE_DIR)")
if(edit)
  message(FATAL_ERROR "the library alone looked for libedit: ${edit}")
endif()
foreach(target kuan_core kuan_shared)
  file(STRINGS ${WORK}/Makefile found REGEX "^${target}:")
  if(NOT found)
    message(FATAL_ERROR "no ${target} target in the library-only build")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
message(STATUS "the library configures without Catch2, Python, pybind11 and libedit")
