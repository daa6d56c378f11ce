# `kuan test --properties`: the shipped policy has every property, and a
# deliberately broken measure fails with a shrunk counter-example; see
# tests/run_property_tests.py.
add_test(NAME properties_e2e
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/run_property_tests.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
