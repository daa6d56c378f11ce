# The Python package (python/kuan): pytest over tests/python with the extension
# from this build — the module's API against the `kuan` command, and kuan.dask
# on a LocalCluster of 2 worker processes (byte-identical allocation) and its native steps
# (year_parts: packed summaries, hostile input), evaluate_jsonl
# against `kuan eval --batch`, the applications' date (as_of) in every evaluating call, pickled policies, and the module under threads, Ctrl-C
# and objects never initialised; kuan.pandas; the wheel (python/build-wheel.sh) installed
# with pip --no-index into a fresh venv.
# Only when the extension is built (KUAN_PYTHON: Debian's pybind11 was found).
if(TARGET _kuan)
  foreach(part module as_of named_results list_facts batch_bytes policy_travels reliability pandas wheel dask year_parts)
    add_test(NAME python_${part}
      COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/tests/python/test_${part}.py)
    set_tests_properties(python_${part} PROPERTIES
      ENVIRONMENT "PYTHONPATH=$<TARGET_FILE_DIR:_kuan>:${PROJECT_SOURCE_DIR}/python;KUAN_BINARY=$<TARGET_FILE:kuan>;KUAN_BUILD_DIR=$<TARGET_FILE_DIR:_kuan>"
      PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed"
      FAIL_REGULAR_EXPRESSION "[0-9]+ (failed|error)")
  endforeach()
  set_tests_properties(python_dask PROPERTIES TIMEOUT 600)
  set_tests_properties(python_wheel PROPERTIES TIMEOUT 300)
endif()
