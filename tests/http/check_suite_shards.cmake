# Every doctest suite of a test binary is run by exactly one of its ctest
# entries: a suite no filter names would silently go untested, one named twice
# would run twice. Asks the binary itself (doctest's own filter rules) which
# suites each entry's filter selects.
#
#   cmake -DBINARY=http_tests "-DFILTERS=--test-suite=a,b|--test-suite-exclude=a,b" \
#         -P check_suite_shards.cmake
#
# FILTERS: the doctest arguments of each entry, '|' between entries.

# The suites `BINARY ARGS --list-test-suites` lists, one per line between
# doctest's banners.
function(list_suites out)
  execute_process(COMMAND ${BINARY} ${ARGN} --list-test-suites --no-version=true
                  OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BINARY} ${ARGN} --list-test-suites failed (${rc}):\n${text}")
  endif()
  string(REPLACE "\n" ";" lines "${text}")
  set(suites)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^\\[doctest\\]" OR line MATCHES "^====")
      continue()
    endif()
    list(APPEND suites "${line}")
  endforeach()
  set(${out} ${suites} PARENT_SCOPE)
endfunction()

list_suites(all)
list(LENGTH all count)
if(count EQUAL 0)
  message(FATAL_ERROR "${BINARY} lists no test suite")
endif()

string(REPLACE "|" ";" entries "${FILTERS}")
set(selected)
foreach(entry IN LISTS entries)
  separate_arguments(args UNIX_COMMAND "${entry}")
  list_suites(suites ${args})
  if(NOT suites)
    message(FATAL_ERROR "the entry ${entry} selects no suite")
  endif()
  list(APPEND selected ${suites})
  foreach(suite IN LISTS suites)
    string(APPEND by_${suite} " [${entry}]")
  endforeach()
endforeach()

set(problems)
foreach(suite IN LISTS all)
  list(FIND selected "${suite}" first)
  if(first EQUAL -1)
    string(APPEND problems "\n  ${suite}: run by no entry")
    continue()
  endif()
  set(rest ${selected})
  list(REMOVE_AT rest ${first})
  list(FIND rest "${suite}" again)
  if(NOT again EQUAL -1)
    string(APPEND problems "\n  ${suite}: run by more than one entry:${by_${suite}}")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "${BINARY}: the ctest entries do not run each suite once:${problems}")
endif()
message(STATUS "${count} suites, each run by exactly one of the ${BINARY} entries")
