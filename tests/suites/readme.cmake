# The README stays true: its `build/kuan …` commands run as printed (in a scratch
# folder with copies of policies/ and examples/), its transcripts give the output
# shown, and every path and link it names exists (tests/run_readme_tests.py).
add_test(NAME readme_commands
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_readme_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
