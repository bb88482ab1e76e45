# One INTERFACE target carries the strict warning set and the sanitizer flags for every
# first-party target (STYLE.md: layering). Third-party headers come in as SYSTEM includes, so
# their warnings never reach us.
add_library(aplc_warnings INTERFACE)
target_compile_options(aplc_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation)
# GCC only: clang (the fuzz build) does not know these, and -Werror would refuse them.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(aplc_warnings INTERFACE
        -Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wuseless-cast)
endif()
# -Wnull-dereference is left out: at -O3 GCC 12 reports it inside libstdc++'s streams.
# GCC 12 reports false -Wrestrict overlaps inside std::string at -O3 (GCC bug 105651).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(aplc_warnings INTERFACE -Wno-restrict)
endif()
if(APLC_WERROR)
    target_compile_options(aplc_warnings INTERFACE -Werror)
endif()

# At most one sanitizer set: ASan/UBSan, TSan and the fuzz build's libFuzzer+ASan/UBSan do not
# combine.
set(aplc_sanitizer_sets 0)
foreach(option APLC_SANITIZE APLC_SANITIZE_THREAD APLC_BUILD_FUZZ)
    if(${option})
        math(EXPR aplc_sanitizer_sets "${aplc_sanitizer_sets} + 1")
    endif()
endforeach()
if(aplc_sanitizer_sets GREATER 1)
    message(FATAL_ERROR
            "APLC_SANITIZE, APLC_SANITIZE_THREAD and APLC_BUILD_FUZZ exclude each other")
endif()

if(APLC_SANITIZE)
    target_compile_options(aplc_warnings INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(aplc_warnings INTERFACE -fsanitize=address,undefined)
endif()
# ThreadSanitizer (GCC): the server's network, app, auth and export threads (docs/testing.md).
if(APLC_SANITIZE_THREAD)
    target_compile_options(aplc_warnings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(aplc_warnings INTERFACE -fsanitize=thread)
    # TSan does not model std::atomic_thread_fence (GCC refuses it: -Wtsan), which Asio's
    # fenced blocks use around each handler. Asio's handler queues and reactor are guarded by
    # mutexes, which TSan does see, so without the fences it checks the same hand-overs.
    target_compile_definitions(aplc_warnings INTERFACE BOOST_ASIO_DISABLE_FENCED_BLOCK)
endif()
# The fuzz build (clang): every first-party object gets libFuzzer's coverage instrumentation and
# ASan/UBSan; the fuzzers themselves link libFuzzer's main (fuzz/CMakeLists.txt).
if(APLC_BUILD_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "APLC_BUILD_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++): libFuzzer "
                            "is part of clang")
    endif()
    target_compile_options(aplc_warnings INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer)
    target_link_options(aplc_warnings INTERFACE -fsanitize=address,undefined)
endif()
