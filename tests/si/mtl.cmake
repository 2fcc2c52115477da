# Helper "mtl": dense complex matrices are tested in tests/solver; here the
# transmission-line S-parameters, the Touchstone writer, and the scikit-rf check.
tsvfield_unit_test(test_transmission_line
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_transmission_line.cpp LIBS tsvfield_physics)
tsvfield_unit_test(test_touchstone
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_touchstone.cpp LIBS tsvfield_io)

# Reusable writer of a line section's .sNp plus the JSON that
# check_touchstone_skrf.py recomputes S from (tests/si/line_touchstone.hpp).
add_library(tsvfield_test_line_touchstone STATIC ${CMAKE_CURRENT_SOURCE_DIR}/line_touchstone.cpp)
target_link_libraries(tsvfield_test_line_touchstone PUBLIC tsvfield_io tsvfield_physics)
target_include_directories(tsvfield_test_line_touchstone PUBLIC ${PROJECT_SOURCE_DIR})
tsvfield_apply_options(tsvfield_test_line_touchstone)

add_executable(write_coupled_line_touchstone
  ${CMAKE_CURRENT_SOURCE_DIR}/write_coupled_line_touchstone.cpp)
target_link_libraries(write_coupled_line_touchstone PRIVATE tsvfield_test_line_touchstone)
tsvfield_apply_options(write_coupled_line_touchstone)

# scikit-rf reads the files and the script recomputes S from the RLGC with scipy.
# Skipped (exit 77) only when /usr/bin/python3 cannot import skrf.
set(TSVFIELD_SKRF_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/check_touchstone_skrf.py)
set(mtl_skrf_dir ${CMAKE_CURRENT_BINARY_DIR}/mtl_skrf)
add_test(NAME skrf_write_line_touchstone
         COMMAND write_coupled_line_touchstone ${mtl_skrf_dir})
set_tests_properties(skrf_write_line_touchstone PROPERTIES
  FIXTURES_SETUP mtl_skrf_files LABELS si)
if(TSVFIELD_SYSTEM_PYTHON3)
  foreach(stem_and_ext coupled_line.s4p single_line.s2p)
    get_filename_component(stem ${stem_and_ext} NAME_WE)
    add_test(NAME skrf_touchstone_${stem}
             COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${TSVFIELD_SKRF_CHECK}
                     ${mtl_skrf_dir}/${stem_and_ext} --expect ${mtl_skrf_dir}/${stem}.json)
    set_tests_properties(skrf_touchstone_${stem} PROPERTIES
      FIXTURES_REQUIRED mtl_skrf_files SKIP_RETURN_CODE 77 LABELS si)
  endforeach()
else()
  message(STATUS "tsvfield: /usr/bin/python3 not found; the scikit-rf Touchstone tests are not registered")
endif()
