# kuan repl (issue: the REPL).
# Transcripts (tests/repl/*.txt) through a pipe, :reload of a rule file edited
# mid-session, line editing and tab completion through a real terminal (a pty),
# and random input: all driven by tests/run_repl_tests.py.
add_test(NAME repl_scripts
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/run_repl_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(repl_scripts PROPERTIES TIMEOUT 600)

# tests/test_repl.cpp ([repl]) drives api::Session in-process: the session is
# in the library, the text form of results it borrows in kuan_cli.
