# Runs tests/tools/check_pvtu.py under pvbatch on INPUT, then compares its JSON
# summary (ACTUAL) with the hand-derived expectation (EXPECTED).
execute_process(
  COMMAND ${PVBATCH_SH} ${CHECK_SCRIPT} ${INPUT} ${EXTRA_ARGS} --output ${ACTUAL}
  RESULT_VARIABLE pvbatch_result
  OUTPUT_VARIABLE pvbatch_output
  ERROR_VARIABLE pvbatch_error)
if(NOT pvbatch_result EQUAL 0)
  message(FATAL_ERROR "pvbatch failed (${pvbatch_result}):\n${pvbatch_output}\n${pvbatch_error}")
endif()
execute_process(
  COMMAND ${PYTHON3} ${COMPARE_SCRIPT} ${ACTUAL} ${EXPECTED}
  RESULT_VARIABLE compare_result)
if(NOT compare_result EQUAL 0)
  message(FATAL_ERROR "ParaView's view of ${INPUT} differs from ${EXPECTED}")
endif()
