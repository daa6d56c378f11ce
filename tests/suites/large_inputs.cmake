# Large and pathological inputs: deep nesting through calls, long
# 定义 chains, many errors, megabyte numbers and lines. Every `kuan` run must end
# with status 0, 1 or 2 within a time bound, with bounded stderr and memory.
# Cases named in tests/fuzz/known_issues.txt are expected to fail until fixed.
# A sanitizer build runs the light cases only, with bounds six times wider: there
# the point is memory errors, and the heavy cases would take many minutes.
if(KUAN_SANITIZE)
  set(kuan_large_mode --slow 6 --sanitizer)
else()
  set(kuan_large_mode --slow 1)
endif()
add_test(NAME large_inputs
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/fuzz/gen_large.py --kuan $<TARGET_FILE:kuan>
          --known ${PROJECT_SOURCE_DIR}/tests/fuzz/known_issues.txt ${kuan_large_mode})
set_tests_properties(large_inputs PROPERTIES TIMEOUT 3000)
