# KUAN_SANITIZE: build everything with sanitizers (a separate build directory):
#   cmake -S . -B build-asan -DKUAN_SANITIZE=address   # AddressSanitizer + UndefinedBehaviorSanitizer
#   cmake -S . -B build-tsan -DKUAN_SANITIZE=thread    # ThreadSanitizer
set(KUAN_SANITIZE "" CACHE STRING "Sanitizers to build with: address (ASan+UBSan), thread (TSan), or empty")
set_property(CACHE KUAN_SANITIZE PROPERTY STRINGS "" address thread)
set(KUAN_SANITIZE_FLAGS "")
if(KUAN_SANITIZE STREQUAL "address")
  set(KUAN_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(KUAN_SANITIZE STREQUAL "thread")
  set(KUAN_SANITIZE_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT KUAN_SANITIZE STREQUAL "")
  message(FATAL_ERROR "KUAN_SANITIZE must be address, thread or empty, not \"${KUAN_SANITIZE}\"")
endif()
if(KUAN_SANITIZE_FLAGS)
  add_compile_options(${KUAN_SANITIZE_FLAGS})
  add_link_options(${KUAN_SANITIZE_FLAGS})
endif()
