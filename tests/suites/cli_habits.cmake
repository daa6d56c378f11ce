# The `kuan` command's everyday habits: did-you-mean, kuan help CMD, completion
# scripts, the man page, usage exits (tests/run_cli_habits.py).
add_test(NAME cli_habits
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_cli_habits.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
