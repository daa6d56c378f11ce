# A year of applications (repeated applicants on every capped measure, quotas with
# tied scores) allocated independently with Python's decimal module from the spec's
# "Batch-level rules" and compared line by line with `kuan allocate`
# (tests/diff_allocate.py): once with the 2.5亿元 算力券 pool exceeded, once within it.
add_test(NAME differential_allocate_pool_over
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/diff_allocate.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} --seed 4 --pool over --require-split-tie)
add_test(NAME differential_allocate_pool_under
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/diff_allocate.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} --seed 7 --pool under)
set_tests_properties(differential_allocate_pool_over differential_allocate_pool_under
  PROPERTIES PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed")
