# Runs `TSVFIELD check CASE_FILE` and checks that it fails as the case file's first
# line says: exit code 2 and "error: CASE_FILE:<fragment>" on stderr, where the
# first line reads "# expect: <fragment>".
# Usage: cmake -DTSVFIELD=<exe> -DCASE_FILE=<file.yaml> -P run_expect_failure.cmake
if(NOT TSVFIELD OR NOT CASE_FILE)
  message(FATAL_ERROR "usage: cmake -DTSVFIELD=<exe> -DCASE_FILE=<file.yaml> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

# file(READ), not file(STRINGS): the latter escapes ';' in the message.
file(READ ${CASE_FILE} head LIMIT 2000)
if(NOT head MATCHES "^# expect: ([^\n]+)")
  message(FATAL_ERROR "${CASE_FILE}: the first line must be '# expect: <message fragment>'")
endif()
set(fragment "${CMAKE_MATCH_1}")
# "12:5: key: text" follows "file:" directly; a fragment without a position follows "file: ".
if(fragment MATCHES "^[0-9]")
  set(expected "error: ${CASE_FILE}:${fragment}")
else()
  set(expected "error: ${CASE_FILE}: ${fragment}")
endif()

execute_process(COMMAND ${TSVFIELD} check ${CASE_FILE}
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT exit_code STREQUAL "2")
  message(FATAL_ERROR "expected exit code 2, got '${exit_code}'\nstderr:\n${stderr}")
endif()
string(FIND "${stderr}" "${expected}" position)
if(position EQUAL -1)
  message(FATAL_ERROR "stderr lacks the expected message\nexpected: ${expected}\nstderr:\n${stderr}")
endif()
