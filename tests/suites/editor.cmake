# The VS Code grammar (editors/vscode/): scope tests with vscode-textmate and
# vscode-oniguruma from npm. Skipped (exit 77) only where node or npm is absent.
add_test(NAME editor_grammar_scopes
  COMMAND sh ${PROJECT_SOURCE_DIR}/editors/vscode/test/run-tests.sh ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/vscode-grammar-test)
set_tests_properties(editor_grammar_scopes PROPERTIES SKIP_RETURN_CODE 77)

# The installable extension: editors/vscode/build-vsix.sh packs kuan.vsix (npm
# packages only); the package's contents, its manifest and extension.js are checked
# (tests/run_vsix_tests.py). Skipped (77) without node/npm, or when the npm
# registry is unreachable and nothing is cached in the build directory.
add_test(NAME editor_vsix_package
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_vsix_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} --work ${CMAKE_CURRENT_BINARY_DIR}/vscode-vsix)
set_tests_properties(editor_vsix_package PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
