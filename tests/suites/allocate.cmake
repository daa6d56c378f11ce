# kuan allocate end to end: caps across applications, the shared pool, quotas,
# CSV, and bad input that must leave the output file untouched (tests/run_allocate_tests.py).
add_test(NAME allocate_cli
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_allocate_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
