# The language conformance suite: tests/conformance/*.json hold rule texts with
# facts and the expected amount, bound cap, reasons or error (format in
# tests/conformance/README.md), run through `kuan check` and `kuan eval --batch`
# by tests/run_conformance.py.
add_test(NAME conformance
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_conformance.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(conformance PROPERTIES PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed")
