# `kuan lsp`: a scripted JSON-RPC client (tests/run_lsp_tests.py) on a copy of the policy.
add_test(NAME lsp_jsonrpc
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_lsp_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(lsp_jsonrpc PROPERTIES TIMEOUT 120)
