# trialmatch::warnings: the warning set every project target links PRIVATE.
add_library(trialmatch_warnings INTERFACE)
add_library(trialmatch::warnings ALIAS trialmatch_warnings)
target_compile_options(trialmatch_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TRIALMATCH_WARNINGS_AS_ERRORS)
    target_compile_options(trialmatch_warnings INTERFACE -Werror)
endif()
