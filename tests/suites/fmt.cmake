# `kuan fmt`: everything shipped is in the canonical layout, and fmt end to end
# (--check diffs, in-place rewrite, stdin, and unchanged results on a rewrapped
# copy of the policy); see tests/run_fmt_tests.py.
add_test(NAME fmt_check_shipped COMMAND $<TARGET_FILE:kuan> fmt --check policies examples
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME fmt_e2e
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_fmt_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
