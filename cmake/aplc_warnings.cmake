# One INTERFACE target carries the strict warning set and the sanitizer flags for every
# first-party target (STYLE.md: layering). Third-party headers come in as SYSTEM includes, so
# their warnings never reach us.
add_library(aplc_warnings INTERFACE)
target_compile_options(aplc_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation
    -Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wuseless-cast)
# -Wnull-dereference is left out: at -O3 GCC 12 reports it inside libstdc++'s streams.
# GCC 12 reports false -Wrestrict overlaps inside std::string at -O3 (GCC bug 105651).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(aplc_warnings INTERFACE -Wno-restrict)
endif()
if(APLC_WERROR)
    target_compile_options(aplc_warnings INTERFACE -Werror)
endif()
if(APLC_SANITIZE)
    target_compile_options(aplc_warnings INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(aplc_warnings INTERFACE -fsanitize=address,undefined)
endif()
