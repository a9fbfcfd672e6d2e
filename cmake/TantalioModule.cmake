# tantalio_module(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...] [TESTS ...])
#
# One folder under src/ is one static library `tantalio_<NAME>`. DEPS are the
# modules (and libraries) it may use, per the table in ARCHITECTURE.md; linking
# is the only way one module reaches another. TESTS are `*_test.cc` files that
# sit beside the code; each becomes a GoogleTest binary registered with ctest.
function(tantalio_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(tantalio_${name} STATIC ${M_SOURCES})
  target_include_directories(tantalio_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tantalio_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  if(TANTALIO_BUILD_TESTS)
    foreach(test_source ${M_TESTS})
      tantalio_test(${test_source} DEPS tantalio_${name} ${M_TEST_DEPS})
    endforeach()
  endif()
endfunction()

# tantalio_test(file_test.cc DEPS ...): one GoogleTest binary, registered with ctest.
function(tantalio_test test_source)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  get_filename_component(test_name ${test_source} NAME_WE)
  add_executable(${test_name} ${test_source})
  target_link_libraries(${test_name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_compile_definitions(${test_name} PRIVATE
      TANTALIO_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
      TANTALIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${test_name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()
