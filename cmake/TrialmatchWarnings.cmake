# trialmatch::warnings: the warning set every project target links PRIVATE.
add_library(trialmatch_warnings INTERFACE)
add_library(trialmatch::warnings ALIAS trialmatch_warnings)
target_compile_options(trialmatch_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TRIALMATCH_WARNINGS_AS_ERRORS)
    target_compile_options(trialmatch_warnings INTERFACE -Werror)
endif()
# GCC 12 reports -Wrestrict inside libstdc++'s std::string at -O2/-O3 for plain concatenations
# (GCC bug 105329, a false positive), so it is switched off for that compiler only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(trialmatch_warnings INTERFACE -Wno-restrict)
endif()
