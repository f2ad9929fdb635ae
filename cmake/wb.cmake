# One build-options target every target links (docs/ARCHITECTURE.md, "Conventions").
add_library(wb_options INTERFACE)
target_compile_features(wb_options INTERFACE cxx_std_23)
target_compile_options(wb_options INTERFACE -Wall -Wextra)
target_compile_definitions(wb_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_USE_QSTRINGBUILDER
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_DISABLE_DEPRECATED_BEFORE=0x060400)

# wb_core_library(NAME area SOURCES ... DEPS ...)
# Each core area is its own static library so layering is enforced by the linker
# and an area can be built and tested on its own.
function(wb_core_library area)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(wb_${area} STATIC ${A_SOURCES})
  target_include_directories(wb_${area} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(wb_${area} PUBLIC wb_options ${A_DEPS})
  set_target_properties(wb_${area} PROPERTIES AUTOMOC ON POSITION_INDEPENDENT_CODE ON)
endfunction()

# wb_add_test(NAME tst_x SOURCES ... LIBS ... [GUI])
# Registers a Qt Test executable with CTest. Tests run with the offscreen platform
# and know where the repository's and the shared data live.
function(wb_add_test name)
  cmake_parse_arguments(T "GUI" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  set_target_properties(${name} PROPERTIES AUTOMOC ON)
  target_link_libraries(${name} PRIVATE wb_options Qt6::Test ${T_LIBS})
  # Test helpers shared across folders are included as "tests/support/...".
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE
    WB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    WB_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data"
    WB_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false;DISCERNUS_LEARNED_LIMITS=")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
