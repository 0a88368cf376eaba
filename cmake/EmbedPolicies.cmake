# warden_embed_policies(OUT name=file …): generates OUT, a .cc defining
# warden::policy::EmbeddedPolicy(name) with the bytes of each file, rebuilt when they change.
function(warden_embed_policies out)
  set(args)
  set(deps)
  foreach(pair ${ARGN})
    string(REPLACE "=" ";" parts ${pair})
    list(GET parts 1 file)
    list(APPEND deps ${file})
    list(APPEND args ${pair})
  endforeach()
  string(REPLACE ";" "|" joined "${args}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DPAIRS=${joined}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${deps} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding policies into ${out}"
    VERBATIM)
endfunction()
