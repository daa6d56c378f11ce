# KUAN_FUZZ: libFuzzer targets (tests/fuzz/), in a build directory of their own
# because every object must carry the fuzzer's coverage instrumentation:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DKUAN_FUZZ=ON -DKUAN_BENCHMARKS=OFF
#   cmake --build build-fuzz -j 2 --target kuan_fuzz_all
# tests/fuzz/run_fuzz.sh does both and runs every target.
option(KUAN_FUZZ "Build the libFuzzer targets (clang only; implies ASan+UBSan)" OFF)
if(KUAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KUAN_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  if(NOT KUAN_SANITIZE STREQUAL "")
    message(FATAL_ERROR "KUAN_FUZZ already builds with ASan+UBSan; leave KUAN_SANITIZE empty")
  endif()
  # The library gets coverage hooks without libFuzzer's main; the targets link it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
