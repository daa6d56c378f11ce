# Error kinds as values: the same bad inputs through the CLI's batch rows, the
# C++ and C APIs and Python must give the same stable code (docs/cli-json.md);
# see tests/run_error_kinds.py and tests/error_kinds/cases.json.
add_executable(error_kinds_hosts ${PROJECT_SOURCE_DIR}/tests/error_kinds/hosts.cpp)
target_link_libraries(error_kinds_hosts PRIVATE kuan_core)
set(error_kinds_python)
if(TARGET _kuan)
  set(error_kinds_python --python-path $<TARGET_FILE_DIR:_kuan>)
endif()
add_test(NAME error_kinds_across_hosts
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_error_kinds.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR} --hosts $<TARGET_FILE:error_kinds_hosts>
          ${error_kinds_python})
