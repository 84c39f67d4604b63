# Writes the git commit of SOURCE_DIR into OUTPUT (a C++ source) — run at
# configure time and again before every build by the neox_git_commit target.
# configure_file() rewrites OUTPUT only when its text changes, so a build
# recompiles one file and relinks only when HEAD (or the dirty state) moved,
# never on every build. NEOX_GIT_COMMIT (a cache variable, passed in as
# OVERRIDE) wins: distribution builds from a source tarball have no .git.
# Inputs: SOURCE_DIR, OUTPUT, TEMPLATE, OVERRIDE (may be empty).
set(commit "unknown")
set(commit_date "")
if(OVERRIDE)
  set(commit "${OVERRIDE}")
else()
  find_package(Git QUIET)
  if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" log -1 --format=%h%n%cs
                    WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE out
                    RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(rc EQUAL 0 AND out MATCHES "^([0-9a-f]+)\n([0-9-]+)$")
      set(commit "${CMAKE_MATCH_1}")
      set(commit_date "${CMAKE_MATCH_2}")
      # Tracked files changed since that commit: say so, the binary is not
      # exactly that commit. Untracked files are not counted.
      # --no-optional-locks: never take index.lock (other builds and commits
      # run in the same tree).
      execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks diff --quiet HEAD --
                      WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE dirty ERROR_QUIET)
      if(dirty EQUAL 1)
        string(APPEND commit "-dirty")
      endif()
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
