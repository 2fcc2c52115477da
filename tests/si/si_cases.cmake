# End to end: `tsvfield run` on the signal-integrity cases under mpiexec, then the
# Touchstone file read by scikit-rf (S recomputed with scipy from the RLGC tables in
# summary.json), the SPICE ladder run in ngspice against the Touchstone data, the
# printed insertion losses, and (GSG) the same results on 1 and 2 ranks.
if(TSVFIELD_SYSTEM_PYTHON3)
  function(tsvfield_si_case_check name case_file)
    add_test(NAME ${name}
             COMMAND ${TSVFIELD_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/check_si_run.py
                     --tsvfield $<TARGET_FILE:tsvfield> --case ${PROJECT_SOURCE_DIR}/${case_file}
                     --workdir ${CMAKE_CURRENT_BINARY_DIR}/${name} ${ARGN})
    set_tests_properties(${name} PROPERTIES PROCESSORS 2 TIMEOUT 900 SKIP_RETURN_CODE 77
      LABELS "si;mpi;cli"
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
  endfunction()
  tsvfield_si_case_check(si_run_tsv_gsg cases/tsv_gsg.yaml --ports 2 --compare-ranks 1)
  tsvfield_si_case_check(si_run_tsv_3x3 cases/tsv_3x3.yaml --ports 8)
  tsvfield_si_case_check(si_run_tsv_chain_2die cases/tsv_chain_2die.yaml --ports 2)
endif()
