add_test(NAME eval_batch_stream_and_csv
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_batch_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
add_test(NAME batch_bench_floor_same_bytes
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_floor_test.py
          --kuan $<TARGET_FILE:kuan> --floor $<TARGET_FILE:floor_suanliquan> --root ${PROJECT_SOURCE_DIR})
add_test(NAME eval_whole_application_vs_single
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_application_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
