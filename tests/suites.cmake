# preflight_suite_tests(area sources...): one CTest entry per top-level
# Boost.Test suite, found by reading the sources at configure time (the file
# globs are CONFIGURE_DEPENDS, and each source is a configure dependency, so a
# new suite appears at the next build).
function(preflight_suite_tests area)
  foreach(source ${ARGN})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
    file(READ ${source} text)
    # Semicolons and brackets would split or join CMake list items.
    string(REGEX REPLACE "[][;]" " " text "${text}")
    # The suite's name and what follows up to the end of its declaration's
    # next line: decorators such as *pft::needs_root({...}) may wrap.
    string(REGEX MATCHALL
           "BOOST_(AUTO|FIXTURE)_TEST_SUITE\\([ \t\r\n]*[A-Za-z0-9_]+[^\n]*\n?[^\n]*"
           decls "${text}")
    foreach(decl ${decls})
      string(REGEX REPLACE "^BOOST_(AUTO|FIXTURE)_TEST_SUITE\\([ \t\r\n]*([A-Za-z0-9_]+).*$" "\\2"
             suite "${decl}")
      if(area STREQUAL "windows")
        set(label wine)
      elseif(decl MATCHES "needs_root")
        set(label root)
      elseif(source MATCHES "_posix[^/]*\\.cpp$")
        set(label server)
      else()
        set(label unit)
      endif()
      set(name ${area}.${suite})
      add_test(NAME ${name} COMMAND test_${area} --run_test=${suite} --report_level=short
                                    --log_level=test_suite)
      set_tests_properties(${name} PROPERTIES LABELS ${label})
      # Root suites share the host's network namespaces and nftables.
      if(label STREQUAL "root")
        set_tests_properties(${name} PROPERTIES RESOURCE_LOCK host_network)
      endif()
    endforeach()
  endforeach()
endfunction()
