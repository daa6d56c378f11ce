# The Excel round trip: BOM and CRLF, header aliases, columns that are not facts,
# GBK input, CSV on stdin, ￥ money cells — eval --batch and allocate, checked on
# the output's bytes (tests/run_excel_tests.py).
add_test(NAME excel_round_trip
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_excel_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
