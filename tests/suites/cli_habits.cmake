# The `kuan` command's everyday habits: did-you-mean, kuan help CMD, completion
# scripts, the man page, usage exits (tests/run_cli_habits.py).
add_test(NAME cli_habits
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_cli_habits.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
# docs/cli-json.md names every member the command writes as JSON, at every depth
# (eval and its explanation tree, allocate and --summary, check, test, measures, diff).
add_test(NAME cli_json_documented
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_cli_json_docs.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
