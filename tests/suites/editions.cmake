add_test(NAME editions
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_edition_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
