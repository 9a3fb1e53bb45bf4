# One switch for the AddressSanitizer + UndefinedBehaviorSanitizer build used by `make test`.
if(CTIGW_ENABLE_SANITIZERS)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Adds a libFuzzer executable; only when CTIGW_BUILD_FUZZERS is on and the compiler is clang.
function(ctigw_add_fuzzer name)
  if(NOT CTIGW_BUILD_FUZZERS)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CTIGW_BUILD_FUZZERS needs clang (got ${CMAKE_CXX_COMPILER_ID})")
  endif()
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  ctigw_enable_warnings(${name})
endfunction()
