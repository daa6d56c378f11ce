# Warnings. Every target gets -Wall -Wextra. Kuan's own code (the layers, the
# CLI, the Python module) also gets a stricter set, which KUAN_WERROR turns into
# errors (run-tests.sh and CI build with it; a user's newer compiler may warn
# about new things, so it is off by default).
option(KUAN_WERROR "Treat warnings in Kuan's own code as errors" OFF)
add_compile_options(-Wall -Wextra)

set(KUAN_STRICT_WARNINGS
  -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
  -Wdouble-promotion   # a float widened silently: never near money
  -Wfloat-equal -Wcast-qual -Wold-style-cast -Wnull-dereference)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # (not -Wuseless-cast: a cast that is useless on one platform, long → streamsize, is needed on another)
  list(APPEND KUAN_STRICT_WARNINGS -Wduplicated-cond -Wduplicated-branches -Wlogical-op)
endif()

# The stricter set (and -Werror with KUAN_WERROR) on one of Kuan's own targets.
function(kuan_strict_warnings target)
  target_compile_options(${target} PRIVATE ${KUAN_STRICT_WARNINGS} $<$<BOOL:${KUAN_WERROR}>:-Werror>)
endfunction()
