# Reliability, through the built binary: one CTest test per class
# (tests/run_reliability_tests.py GROUP). The scaling tests compare n with 4n
# and fail on quadratic growth (tests/run_scaling_tests.py).
foreach(group writes replace limits csv controls hostile interrupts disk owner)
  add_test(NAME reliability_${group}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_reliability_tests.py
            --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} ${group})
  set_tests_properties(reliability_${group} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME lsp_malformed_messages
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_lsp_robustness_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(lsp_malformed_messages PROPERTIES TIMEOUT 300)
foreach(case lsp_diagnostics edition_chain repl_paste repl_terminal_paste repl_block)
  add_test(NAME scaling_${case}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_scaling_tests.py
            --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} ${case})
  set_tests_properties(scaling_${case} PROPERTIES TIMEOUT 900)
endforeach()
