# The sanitizer reports of a test run, in DIR: MODE=clear empties the folder
# before the run (the sanitizers do not create it), MODE=check fails if any
# process wrote a report, printing each one.
if(MODE STREQUAL "clear")
  file(REMOVE_RECURSE ${DIR})
  file(MAKE_DIRECTORY ${DIR})
  return()
endif()

file(GLOB reports ${DIR}/*)
if(NOT reports)
  message(STATUS "no sanitizer reports in ${DIR}")
  return()
endif()
list(LENGTH reports count)
foreach(report ${reports})
  file(READ ${report} text)
  message("==== ${report}\n${text}")
endforeach()
message(FATAL_ERROR "${count} sanitizer report(s) in ${DIR}")
