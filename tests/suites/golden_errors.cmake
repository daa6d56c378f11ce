# Golden error messages: tests/golden/errors/NAME.kuan must make `kuan check`
# print exactly NAME.expected on stderr (see tests/run_golden_errors.py).
add_test(NAME golden_errors
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_golden_errors.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
