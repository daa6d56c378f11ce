# The illustrative policies under examples/: every rule file checks clean, every 例 passes,
# and the properties (built-in and authored) hold on generated applications.
add_test(NAME example_income_tax_check COMMAND $<TARGET_FILE:kuan> check --quiet ${PROJECT_SOURCE_DIR}/examples/个人所得税经营所得)
add_test(NAME example_income_tax_properties
  COMMAND $<TARGET_FILE:kuan> test ${PROJECT_SOURCE_DIR}/examples/个人所得税经营所得 --properties --count 100 --seed 1)
set_tests_properties(example_income_tax_properties PROPERTIES PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed")
