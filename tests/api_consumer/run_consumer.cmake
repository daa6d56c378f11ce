# Installs the Kuan build into a fresh prefix, then configures, builds and runs
# this outside project against it (find_package(kuan) + kuan::kuan), and also
# builds consumer.c with `pkg-config --cflags --libs kuan` when pkg-config exists.
#   cmake -DKUAN_BUILD_DIR=… -DWORK_DIR=… -DPOLICY=… [-DCMAKE_C_COMPILER=… -DCMAKE_CXX_COMPILER=…]
#         [-DEXPECT_CLI=1|0] [-DEXTRA_FLAGS="-fsanitize=…"] [-DPKG_CONFIG=…] -P run_consumer.cmake
cmake_minimum_required(VERSION 3.20)
foreach(v KUAN_BUILD_DIR WORK_DIR POLICY)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_consumer.cmake: -D${v}=… is required")
  endif()
endforeach()
set(source_dir ${CMAKE_CURRENT_LIST_DIR})
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run("install" ${CMAKE_COMMAND} --install ${KUAN_BUILD_DIR} --prefix ${prefix})

# Only the public headers (include/kuan/, all of them) are installed: the
# consumer cannot reach lang/ or interpreter/.
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
file(GLOB public RELATIVE ${source_dir}/../../include ${source_dir}/../../include/kuan/*)
list(SORT headers)
list(SORT public)
if(NOT headers STREQUAL public OR NOT public MATCHES "kuan/kuan.hpp")
  message(FATAL_ERROR "installed headers: ${headers}; expected the public ones: ${public}")
endif()

# The shared library beside the static one, named by its SOVERSION.
file(GLOB_RECURSE sonames ${prefix}/libkuan.so.*)
if(NOT sonames)
  message(FATAL_ERROR "no libkuan.so.MAJOR.MINOR installed")
endif()

# With the command built (KUAN_BUILD_CLI): bin/kuan and its man page, generated from
# the same help texts (`kuan help --man`), in share/man/man1 where `man kuan` finds it.
if(EXPECT_CLI AND NOT EXISTS ${prefix}/bin/kuan)
  message(FATAL_ERROR "the kuan command is built but not installed in bin/")
endif()
if(EXISTS ${prefix}/bin/kuan)
  if(NOT EXISTS ${prefix}/share/man/man1/kuan.1)
    message(FATAL_ERROR "bin/kuan installed but not share/man/man1/kuan.1")
  endif()
  run("installed kuan help --man" ${prefix}/bin/kuan help --man)
  file(READ ${prefix}/share/man/man1/kuan.1 installed_man)
  if(NOT installed_man STREQUAL last_output OR NOT installed_man MATCHES "\\.TH KUAN 1")
    message(FATAL_ERROR "the installed kuan.1 is not what `kuan help --man` writes")
  endif()
endif()

set(compilers)
if(CMAKE_C_COMPILER)
  list(APPEND compilers -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER})
endif()
if(CMAKE_CXX_COMPILER)
  list(APPEND compilers -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
endif()
run("configure" ${CMAKE_COMMAND} -S ${source_dir} -B ${build} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}" ${compilers})
run("build" ${CMAKE_COMMAND} --build ${build})
run("consumer_cpp" ${build}/consumer_cpp ${POLICY})
message(STATUS "${last_output}")
run("consumer_c" ${build}/consumer_c ${POLICY})
message(STATUS "${last_output}")

if(PKG_CONFIG)
  file(GLOB_RECURSE pc_files ${prefix}/kuan.pc)
  list(GET pc_files 0 pc_file)
  get_filename_component(pc_dir ${pc_file} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  run("pkg-config" ${PKG_CONFIG} --cflags --libs kuan)
  string(STRIP "${last_output}" pc_flags)
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  separate_arguments(extra UNIX_COMMAND "${EXTRA_FLAGS}")
  set(cc ${CMAKE_C_COMPILER})
  if(NOT cc)
    set(cc cc)
  endif()
  run("cc with pkg-config" ${cc} -std=c99 ${source_dir}/consumer.c -o ${WORK_DIR}/consumer_pc ${pc_flags} ${extra})
  # kuan.pc names the shared library.
  get_filename_component(lib_dir ${pc_dir} DIRECTORY)
  set(ENV{LD_LIBRARY_PATH} ${lib_dir})
  run("consumer_pc" ${WORK_DIR}/consumer_pc ${POLICY})
  message(STATUS "pkg-config: ${last_output}")
endif()
