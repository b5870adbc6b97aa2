# Install rules and packages (scripts/package.sh):
#   Linux: bin/preflight, the man page, bash and zsh completion, and the
#          README, checklists, their XSD and contrib/ as examples under
#          share/doc/preflight; CPack DEB preflight_<version>_amd64.deb.
#   Windows: preflight.exe with README.md, checklists/ and contrib/ at the top,
#          the tree scripts/package.sh puts in the ZIP and, with wixl
#          (packaging/windows/preflight.wxs), in the MSI.
include(GNUInstallDirs)

if(WIN32)
  set(doc_dir .)
  set(examples_dir .)
  install(TARGETS preflight RUNTIME DESTINATION .)
else()
  set(doc_dir ${CMAKE_INSTALL_DOCDIR})
  set(examples_dir ${CMAKE_INSTALL_DOCDIR}/examples)
  install(TARGETS preflight RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES README.md DESTINATION ${doc_dir})
install(FILES ${PREFLIGHT_CHECKLISTS} checklists/checklist.xsd checklists/xml.xsd checklists/README.md
        DESTINATION ${examples_dir}/checklists)
install(DIRECTORY contrib/ DESTINATION ${examples_dir}/contrib
        PATTERN completion EXCLUDE)

if(NOT WIN32)
  install(FILES contrib/completion/preflight.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME preflight)
  install(FILES contrib/completion/_preflight DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

  # The man page is the help, through help2man (Debian help2man); without it
  # the build goes on without a man page.
  find_program(HELP2MAN help2man)
  find_program(GZIP gzip)
  if(HELP2MAN AND GZIP AND NOT CMAKE_CROSSCOMPILING)
    set(man ${CMAKE_BINARY_DIR}/preflight.1)
    add_custom_command(
      OUTPUT ${man}.gz
      COMMAND ${CMAKE_SOURCE_DIR}/scripts/man-page.sh $<TARGET_FILE:preflight> ${man}
      COMMAND ${GZIP} -9nf ${man}
      DEPENDS preflight ${CMAKE_SOURCE_DIR}/scripts/man-page.sh
      COMMENT "Man page preflight.1 (help2man)"
      VERBATIM)
    add_custom_target(man_page ALL DEPENDS ${man}.gz)
    install(FILES ${man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  else()
    message(STATUS "help2man not found: no man page (apt-get install help2man)")
  endif()
endif()

set(CPACK_PACKAGE_NAME preflight)
set(CPACK_PACKAGE_VENDOR "preflight")
# Whoever publishes the package names themselves here (lintian rejects
# addresses at hosts without a domain, such as localhost).
set(PREFLIGHT_PACKAGE_MAINTAINER "preflight maintainers <preflight@example.org>"
    CACHE STRING "Maintainer of the .deb: Name <address>")
set(CPACK_PACKAGE_CONTACT "${PREFLIGHT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "checks a server against the Workspace ONE UEM Cloud Connector prerequisites")
set(CPACK_PACKAGE_DESCRIPTION
    "preflight runs the Cloud Connector (ACC) prerequisites as checks - hardware and
sizing, operating system, and every row of the network table - and says for
each what passes, what fails and why, and how to fix it. It writes HTML,
JUnit, JSON, Nagios and Prometheus reports.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_FILE_NAME preflight-${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)
if(NOT WIN32)
  set(CPACK_GENERATOR DEB)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # preflight_<version>_amd64.deb
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/preflight")
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
  set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
  # A changelog and a copyright file, as every Debian package has (lintian).
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
  string(TIMESTAMP PREFLIGHT_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
  # A native package (version without a Debian revision): changelog.gz.
  configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in
                 ${CMAKE_BINARY_DIR}/debian/changelog @ONLY)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/debian/changelog.gz
    COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/debian/changelog
    DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog
    VERBATIM)
  add_custom_target(debian_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.gz)
  install(FILES ${CMAKE_BINARY_DIR}/debian/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
  include(CPack)
endif()
