# WB_FUZZ=ON: every target is built with ASan + UBSan and libFuzzer's coverage instrumentation,
# so the fuzzers see inside the engine (tests/fuzz, tests/bench/fuzz.sh). Invariants (WB_CHECK)
# abort here as in a debug build, and any undefined behaviour stops the run with its input.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "WB_FUZZ=ON needs clang (libFuzzer), e.g. -DCMAKE_CXX_COMPILER=clang++-14; "
                      "packaging/install-fuzz-deps.sh installs it")
endif()
add_compile_options(-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -UNDEBUG
                    -include ${PROJECT_SOURCE_DIR}/tests/fuzz/expected_compat.h)
add_link_options(-fsanitize=address,undefined)
