# The shipped policy: every rule file checks clean and every 例 beside the rules passes.
add_test(NAME policy_check COMMAND $<TARGET_FILE:kuan> check --quiet ${PROJECT_SOURCE_DIR}/policies/hangzhou-ai)
add_test(NAME policy_examples COMMAND $<TARGET_FILE:kuan> test ${PROJECT_SOURCE_DIR}/policies/hangzhou-ai)
set_tests_properties(policy_examples PROPERTIES PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed")
