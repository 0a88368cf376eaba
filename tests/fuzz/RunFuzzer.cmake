# Runs one libFuzzer harness for a bounded time on a fresh copy of its seed corpus.
#   cmake -DFUZZER=exe -DSEEDS=dir -DWORK=dir "-DFLAGS=a;b;c" -P RunFuzzer.cmake
# The copy lives in WORK (rebuilt every run); new inputs and crash artifacts go there too.
foreach(var FUZZER SEEDS WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "RunFuzzer.cmake: -D${var}=… is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/artifacts)
file(COPY ${SEEDS}/ DESTINATION ${WORK}/corpus)

execute_process(
  COMMAND ${FUZZER} ${FLAGS} -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducers, if any, are in ${WORK}/artifacts/")
endif()
