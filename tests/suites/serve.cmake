# `kuan serve`: every endpoint against the CLI, limits, reload, SIGTERM
# (tests/run_serve_tests.py), and the officer's page in headless Chromium
# (tests/run_page_test.py; skipped when Chromium is absent). Loopback only,
# ephemeral ports, each bounded by its own deadline.
add_test(NAME serve_http_api
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_serve_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(serve_http_api PROPERTIES TIMEOUT 180)
add_test(NAME serve_officer_page_chromium
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_page_test.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
set_tests_properties(serve_officer_page_chromium PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
