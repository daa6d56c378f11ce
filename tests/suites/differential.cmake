# 3000 random 算力券 applications computed independently with Python's decimal
# module and compared line by line with `kuan eval --batch` (tests/diff_suanliquan.py).
add_test(NAME differential_suanliquan
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/diff_suanliquan.py
          --kuan $<TARGET_FILE:kuan> --root ${PROJECT_SOURCE_DIR})
