# neox_build_info: a small Qt-free library that tells what this build is
# (see buildinfo/neox_build_info.h). Included from the top CMakeLists.txt after
# the engine, so the backend targets it looks for already exist.
#
# Version: project(VERSION) in the top CMakeLists.txt, the only place it is
# written (CPack, the man pages and the metainfo read it from there too).
#
# Commit: buildinfo/git_commit.cmake writes it into a generated source at
# configure time and again before each build (target neox_git_commit). The
# file is rewritten only when the commit (or the dirty state) changed, and the
# Ninja/Makefile restat on BYPRODUCTS means nothing recompiles otherwise: a new
# commit costs one small compile and a relink of neox and neox-studio.
# Set -DNEOX_GIT_COMMIT=... to build from a tree without .git.
set(NEOX_GIT_COMMIT "" CACHE STRING "commit to report in --version when the tree has no .git")
# The reverse-DNS id the desktop entry, the AppStream metainfo and the app
# (QGuiApplication::setDesktopFileName) share.
set(NEOX_APP_ID "io.github.neox_studio.NeoxStudio")
set(NEOX_HOMEPAGE_URL "https://github.com/neox-studio/neox-studio" CACHE STRING
    "project page shown by the About dialog, the man pages and the AppStream metainfo")

# Backends this build compiles: the CPU always; a GPU backend when the engine
# made a real (non-INTERFACE) target for it. The CUDA backend is a MODULE
# loaded at run time, so it counts as compiled in even though neox does not
# link it.
set(neox_backends cpu)
foreach(backend vulkan cuda)
  if(TARGET neox_backend_${backend})
    get_target_property(type neox_backend_${backend} TYPE)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      list(APPEND neox_backends ${backend})
    endif()
  endif()
endforeach()
set(NEOX_COMPILED_BACKENDS ${neox_backends} CACHE INTERNAL "")
message(STATUS "NeoX: backends compiled in: ${neox_backends}")

set(neox_build_info_dir ${CMAKE_CURRENT_LIST_DIR}/buildinfo)
set(neox_git_commit_cpp ${CMAKE_CURRENT_BINARY_DIR}/generated/neox_git_commit.cpp)
set(neox_git_commit_args -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${neox_git_commit_cpp}
    -DTEMPLATE=${neox_build_info_dir}/git_commit.cpp.in -DOVERRIDE=${NEOX_GIT_COMMIT})
execute_process(COMMAND ${CMAKE_COMMAND} ${neox_git_commit_args} -P ${neox_build_info_dir}/git_commit.cmake)
add_custom_target(neox_git_commit
  COMMAND ${CMAKE_COMMAND} ${neox_git_commit_args} -P ${neox_build_info_dir}/git_commit.cmake
  BYPRODUCTS ${neox_git_commit_cpp}
  COMMENT "Checking the git commit for --version"
  VERBATIM)

add_library(neox_build_info STATIC ${neox_build_info_dir}/build_info.cpp ${neox_git_commit_cpp})
add_dependencies(neox_build_info neox_git_commit)
target_include_directories(neox_build_info PUBLIC ${neox_build_info_dir})
target_link_libraries(neox_build_info PUBLIC neox_engine)
string(JOIN "," neox_backends_text ${neox_backends})
target_compile_definitions(neox_build_info PRIVATE
  NEOX_BUILD_VERSION="${PROJECT_VERSION}"
  NEOX_BUILD_TYPE="$<IF:$<CONFIG:>,unspecified,$<CONFIG>>"
  NEOX_BUILD_COMPILER="${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}"
  NEOX_BUILD_HOMEPAGE="${NEOX_HOMEPAGE_URL}"
  NEOX_BUILD_APP_ID="${NEOX_APP_ID}"
  NEOX_BUILD_BACKENDS="${neox_backends_text}")
neox_warnings(neox_build_info)
