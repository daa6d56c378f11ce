# End-to-end runs of the `kuan` command: tests/e2e/*.json hold the cases
# (facts, arguments, expected stdout/stderr/exit status); see tests/run_e2e.py.
add_test(NAME e2e_cli
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_e2e.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
