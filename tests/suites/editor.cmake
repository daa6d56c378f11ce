# The VS Code grammar (editors/vscode/): scope tests with vscode-textmate and
# vscode-oniguruma from npm. Skipped (exit 77) only where node or npm is absent.
add_test(NAME editor_grammar_scopes
  COMMAND sh ${PROJECT_SOURCE_DIR}/editors/vscode/test/run-tests.sh ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/vscode-grammar-test)
set_tests_properties(editor_grammar_scopes PROPERTIES SKIP_RETURN_CODE 77)
