# What `cmake --install` puts where, and the Debian package CPack builds from
# it (cpack -G DEB in a build folder): pulse-agent_VERSION_ARCH.deb.

include(GNUInstallDirs)

set(PULSE_PACKAGE_MAINTAINER "pulse-agent maintainers <pulse-agent@lists.example.org>"
    CACHE STRING "Maintainer of the Debian package (name <address>)")
set(PULSE_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the package")
set(pulse_package_version ${PROJECT_VERSION}-${PULSE_PACKAGE_RELEASE})

# The top entry of packaging/debian/changelog names the version being built;
# a release bumps both.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog pulse_changelog_top LIMIT_COUNT 1)
if(NOT pulse_changelog_top MATCHES "^pulse-agent \\(${pulse_package_version}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog starts with '${pulse_changelog_top}'; "
                      "add an entry for ${pulse_package_version}")
endif()

# The man page and the bash completion come from the built binary's --help, so
# they cannot drift from it; the changelog is compressed as Debian wants it.
set(pulse_generated ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${pulse_generated})
set(pulse_help_pages ${CMAKE_CURRENT_LIST_DIR}/help_pages.py)
find_program(PULSE_GZIP gzip REQUIRED)
find_program(PULSE_PACKAGE_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
set(pulse_help_pages_run ${PULSE_PACKAGE_PYTHON} ${pulse_help_pages})
if(PULSE_SANITIZE)
  # Leaks are the test suite's to find (sanitizer_reports), not the build's.
  set(pulse_help_pages_run ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
                           ${pulse_help_pages_run})
endif()
add_custom_command(
  OUTPUT ${pulse_generated}/pulse-agent.1.gz
  COMMAND ${pulse_help_pages_run} man $<TARGET_FILE:pulse-agent>
          ${pulse_generated}/pulse-agent.1
  COMMAND ${PULSE_GZIP} -9nf ${pulse_generated}/pulse-agent.1
  DEPENDS pulse-agent ${pulse_help_pages}
  COMMENT "Writing the pulse-agent(1) man page from --help")
add_custom_command(
  OUTPUT ${pulse_generated}/pulse-agent.bash-completion
  COMMAND ${pulse_help_pages_run} completion $<TARGET_FILE:pulse-agent>
          ${pulse_generated}/pulse-agent.bash-completion
  DEPENDS pulse-agent ${pulse_help_pages}
  COMMENT "Writing the bash completion from --help")
add_custom_command(
  OUTPUT ${pulse_generated}/changelog.Debian.gz
  COMMAND ${PULSE_GZIP} -9nc ${CMAKE_CURRENT_LIST_DIR}/debian/changelog
          > ${pulse_generated}/changelog.Debian.gz
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog)
add_custom_target(help_pages ALL DEPENDS ${pulse_generated}/pulse-agent.1.gz
                                         ${pulse_generated}/pulse-agent.bash-completion
                                         ${pulse_generated}/changelog.Debian.gz)

set(pulse_doc ${CMAKE_INSTALL_DATADIR}/doc/pulse-agent)
install(TARGETS pulse-agent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS hooks/post-receive hooks/pre-push
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pulse-agent/hooks)
install(FILES config/pulse-agent.example.yaml DESTINATION ${pulse_doc})
# `pulse-agent hook --help` points at derivation.md there.
install(DIRECTORY docs/ DESTINATION ${pulse_doc} FILES_MATCHING PATTERN "*.md")
install(FILES packaging/debian/copyright ${pulse_generated}/changelog.Debian.gz
        DESTINATION ${pulse_doc})
install(FILES ${pulse_generated}/pulse-agent.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${pulse_generated}/pulse-agent.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pulse-agent)
# Absolute, as dpkg wants them whatever the prefix: the conffile and the unit.
install(FILES packaging/config.yaml DESTINATION /etc/pulse-agent)
install(FILES packaging/pulse-agent.service DESTINATION /lib/systemd/system)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pulse-agent)
set(CPACK_PACKAGE_CONTACT "${PULSE_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PULSE_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION vcs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps finds what the binary links; libgit2, libcurl and libsystemd
# are loaded with dlopen (see CMakeLists.txt), which it cannot see. CURLOPT_PROTOCOLS_STR
# came in libcurl 7.85. The maintainer scripts use adduser; the hooks and
# `watch --fetch` run git.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgit2-1.5, libcurl4 (>= 7.85.0), libsystemd0, adduser, git")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "report DORA delivery events straight from self-hosted Git")
set(CPACK_PACKAGE_DESCRIPTION
    "pulse-agent reads commits and release tags straight from Git repositories and
derives the events behind the four DORA keys: changes (commits, timed when
first pushed), deployments (a release and exactly the commits it ships) and
incidents. It delivers them to an ingestion API such as Codacy Pulse through
a durable local outbox that survives outages and restarts.

It runs as a post-receive or pre-push hook, as a polling service for mirrors
(the pulse-agent systemd unit, installed but not enabled), as a one-off
backfill of a repository's history, or as a drop-in for pulse-event-cli in CI
jobs.")
# No debug information in the package: the binary is stripped on install.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
