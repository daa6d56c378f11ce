# kuan repl (issue: the REPL).
# Transcripts (tests/repl/*.txt) through a pipe, :reload of a rule file edited
# mid-session, line editing and tab completion through a real terminal (a pty),
# and random input: all driven by tests/run_repl_tests.py.
add_test(NAME repl_scripts
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/run_repl_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(repl_scripts PROPERTIES TIMEOUT 600)

# tests/test_repl.cpp ([repl]) drives repl::Session in-process, so the session
# and the CLI helpers it reuses are compiled into kuan_tests as well (without
# libedit, which only tools/repl.cpp uses).
get_target_property(kuan_tests_sources kuan_tests SOURCES)
foreach(src tools/repl_session.cpp tools/cli.cpp)
  if(NOT "${PROJECT_SOURCE_DIR}/${src}" IN_LIST kuan_tests_sources)
    target_sources(kuan_tests PRIVATE ${PROJECT_SOURCE_DIR}/${src})
  endif()
endforeach()
