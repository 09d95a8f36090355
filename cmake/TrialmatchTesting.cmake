# trialmatch_add_test_suite(<folder> SOURCES ... LIBS ...): one Catch2 executable per folder.
function(trialmatch_add_test_suite folder)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    set(target ${folder}_tests)
    add_executable(${target} ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Catch2::Catch2 trialmatch::warnings ${ARG_LIBS})
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_compile_definitions(${target} PRIVATE
        TRIALMATCH_TEST_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures"
        TRIALMATCH_SHARED_FIXTURES_DIR="${TRIALMATCH_SHARED_DIR}/fixtures")
    catch_discover_tests(${target} TEST_PREFIX "${folder}:")
endfunction()
