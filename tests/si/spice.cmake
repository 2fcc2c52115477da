# SPICE models (helper "spice"): the RLGC ladder, the HSPICE W-element files, and
# the ngspice check of the ladder against Touchstone data.

tsvfield_unit_test(test_spice_model
                   SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_spice_model.cpp
                   LIBS tsvfield_io)

# Synthetic TSV lines (analytic RLGC): ladder subcircuits and Touchstone files.
add_executable(spice_write_synthetic ${CMAKE_CURRENT_SOURCE_DIR}/spice_write_synthetic.cpp)
target_link_libraries(spice_write_synthetic PRIVATE tsvfield_io)
tsvfield_apply_options(spice_write_synthetic)
set(spice_synthetic_dir ${CMAKE_CURRENT_BINARY_DIR}/spice_synthetic)
add_test(NAME spice_synthetic_files
         COMMAND spice_write_synthetic ${spice_synthetic_dir})
set_tests_properties(spice_synthetic_files PROPERTIES
  FIXTURES_SETUP spice_synthetic_files LABELS "si;spice")

# The ngspice runs. The script exits 77 (skipped) only when ngspice is missing.
if(TSVFIELD_SYSTEM_PYTHON3)
  if(TSVFIELD_NGSPICE)
    set(spice_ngspice ${TSVFIELD_NGSPICE})
  else()
    set(spice_ngspice ngspice)
  endif()
  set(spice_check ${CMAKE_CURRENT_SOURCE_DIR}/ngspice_ladder_check.py)
  # GSG TSV: ladder AC insertion loss vs the exact MTL Touchstone data, within
  # 0.2 dB up to the frequency the ladder states it is valid to.
  add_test(NAME spice_ngspice_gsg
           COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${spice_check}
                   ${spice_synthetic_dir}/gsg_ladder.sp ${spice_synthetic_dir}/gsg_exact.s2p
                   --tolerance-db 0.2 --ngspice ${spice_ngspice}
                   --workdir ${spice_synthetic_dir}/ngspice_gsg)
  # Two coupled signals, two sections, end shunts: the same against the exact MTL,
  # and every port (crosstalk too) against the ladder's own chain matrix within
  # 0.01 dB over the whole sweep: the netlist holds what the model computes
  # (K couplings, H sources of the common return, Foster branches, pins).
  add_test(NAME spice_ngspice_gssg
           COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${spice_check}
                   ${spice_synthetic_dir}/gssg_ladder.sp ${spice_synthetic_dir}/gssg_exact.s4p
                   --tolerance-db 0.2 --ngspice ${spice_ngspice}
                   --workdir ${spice_synthetic_dir}/ngspice_gssg)
  add_test(NAME spice_ngspice_gssg_netlist
           COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${spice_check}
                   ${spice_synthetic_dir}/gssg_ladder.sp ${spice_synthetic_dir}/gssg_ladder.s4p
                   --tolerance-db 0.01 --crosstalk --max-frequency 40e9
                   --ngspice ${spice_ngspice} --workdir ${spice_synthetic_dir}/ngspice_gssg_netlist)
  add_test(NAME spice_ngspice_resistive_netlist
           COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${spice_check}
                   ${spice_synthetic_dir}/resistive_ladder.sp
                   ${spice_synthetic_dir}/resistive_ladder.s4p
                   --tolerance-db 0.01 --crosstalk --max-frequency 40e9
                   --ngspice ${spice_ngspice}
                   --workdir ${spice_synthetic_dir}/ngspice_resistive_netlist)
  set_tests_properties(spice_ngspice_gsg spice_ngspice_gssg spice_ngspice_gssg_netlist
                       spice_ngspice_resistive_netlist
    PROPERTIES FIXTURES_REQUIRED spice_synthetic_files SKIP_RETURN_CODE 77
               LABELS "si;spice;ngspice")
else()
  message(STATUS "tsvfield: /usr/bin/python3 not found, ngspice ladder tests not added")
endif()
