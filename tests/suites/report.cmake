add_test(NAME allocate_report_in_chromium
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_report_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(allocate_report_in_chromium PROPERTIES SKIP_RETURN_CODE 77)
