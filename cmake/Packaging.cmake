# Installation and packages: install rules for the desktop integration
# (desktop entry, icons, AppStream metainfo, man pages, copyright) and CPack
# settings for
#   - the Debian packages (cpack -G DEB):  neox-studio (neox, neox-studio and
#     all the rest; no CUDA dependency) and, when the CUDA backend module is
#     built, neox-studio-cuda (lib/neox/libneox_backend_cuda.so, which the
#     engine dlopens from ../lib/neox next to the executable);
#   - a relocatable tarball (cpack -G TGZ): the same tree under one folder,
#     RPATH $ORIGIN/../lib, runnable from wherever it is unpacked (it uses the
#     system's Qt 6.4, like the .deb).
# Included at the end of the top CMakeLists.txt (not in fuzzing builds).
# scripts/package-test.sh builds, installs, runs and removes both; the
# packaging.* tests below check the parts that need no installing.
# Windows and macOS recipes: installer/windows, installer/macos (untested).

set(neox_installer_dir ${PROJECT_SOURCE_DIR}/installer)
set(neox_resources_dir ${PROJECT_SOURCE_DIR}/resources)
set(neox_generated_dir ${CMAKE_BINARY_DIR}/packaging)

# Everything looks for what it needs relative to its own executable (the CUDA
# module in ../lib/neox, the catalog in ../share/neox-studio), so the same
# install tree works under /usr and unpacked anywhere.
foreach(program neox neox-studio)
  if(TARGET ${program})
    set_target_properties(${program} PROPERTIES INSTALL_RPATH "$ORIGIN/../lib")
  endif()
endforeach()

# ---- desktop integration (Linux) --------------------------------------------
if(UNIX AND NOT APPLE)
  install(FILES ${neox_resources_dir}/linux/${NEOX_APP_ID}.desktop DESTINATION share/applications)
  configure_file(${neox_resources_dir}/linux/${NEOX_APP_ID}.metainfo.xml.in
                 ${neox_generated_dir}/${NEOX_APP_ID}.metainfo.xml @ONLY)
  install(FILES ${neox_generated_dir}/${NEOX_APP_ID}.metainfo.xml DESTINATION share/metainfo)

  # Icons: the SVG, and PNGs rendered from it at build time by rsvg-convert
  # (librsvg2-bin). Without rsvg-convert only the SVG is installed, which
  # desktops that read hicolor/scalable still show.
  set(neox_icon_svg ${neox_resources_dir}/icons/neox-studio.svg)
  install(FILES ${neox_icon_svg} DESTINATION share/icons/hicolor/scalable/apps)
  find_program(NEOX_RSVG_CONVERT rsvg-convert)
  if(NEOX_RSVG_CONVERT)
    set(neox_icon_pngs)
    foreach(size 16 22 24 32 48 64 128 256 512)
      set(png ${neox_generated_dir}/icons/hicolor/${size}x${size}/apps/neox-studio.png)
      add_custom_command(OUTPUT ${png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${neox_generated_dir}/icons/hicolor/${size}x${size}/apps
        COMMAND ${NEOX_RSVG_CONVERT} --width=${size} --height=${size} --output=${png} ${neox_icon_svg}
        DEPENDS ${neox_icon_svg}
        COMMENT "Rendering the ${size}x${size} icon"
        VERBATIM)
      list(APPEND neox_icon_pngs ${png})
    endforeach()
    add_custom_target(neox_icons ALL DEPENDS ${neox_icon_pngs})
    install(DIRECTORY ${neox_generated_dir}/icons/hicolor DESTINATION share/icons)
  else()
    message(STATUS "NeoX: rsvg-convert not found (librsvg2-bin): packages get the SVG icon only")
  endif()
endif()

# ---- man pages ----------------------------------------------------------------
# docs/man/*.1.in are plain roff; the version goes in here, then gzip -9n
# (Debian policy: compressed, and no timestamp so rebuilds are identical).
find_program(NEOX_GZIP gzip)
foreach(page neox neox-studio)
  configure_file(${PROJECT_SOURCE_DIR}/docs/man/${page}.1.in ${neox_generated_dir}/man/${page}.1 @ONLY)
  if(NEOX_GZIP)
    add_custom_command(OUTPUT ${neox_generated_dir}/man/${page}.1.gz
      COMMAND ${NEOX_GZIP} -9nkf ${neox_generated_dir}/man/${page}.1
      DEPENDS ${neox_generated_dir}/man/${page}.1
      COMMENT "Compressing the ${page}(1) man page"
      VERBATIM)
    list(APPEND neox_man_pages ${neox_generated_dir}/man/${page}.1.gz)
  else()
    list(APPEND neox_man_pages ${neox_generated_dir}/man/${page}.1)
  endif()
endforeach()
add_custom_target(neox_man_pages ALL DEPENDS ${neox_man_pages})
install(FILES ${neox_man_pages} DESTINATION share/man/man1)

# Licence (machine-readable copyright) and changelog, as Debian wants them,
# in each package's doc folder.
configure_file(${neox_installer_dir}/debian/changelog.in ${neox_generated_dir}/changelog @ONLY)
if(NEOX_GZIP)
  add_custom_command(OUTPUT ${neox_generated_dir}/changelog.gz
    COMMAND ${NEOX_GZIP} -9nkf ${neox_generated_dir}/changelog
    DEPENDS ${neox_generated_dir}/changelog VERBATIM)
  add_custom_target(neox_changelog ALL DEPENDS ${neox_generated_dir}/changelog.gz)
  set(neox_changelog ${neox_generated_dir}/changelog.gz)
else()
  set(neox_changelog ${neox_generated_dir}/changelog)
endif()
install(FILES ${neox_installer_dir}/debian/copyright ${neox_changelog}
        DESTINATION share/doc/neox-studio COMPONENT studio)
if(TARGET neox_backend_cuda)
  install(FILES ${neox_installer_dir}/debian/copyright ${neox_changelog}
          DESTINATION share/doc/neox-studio-cuda COMPONENT cuda)
endif()

# ---- CPack ----------------------------------------------------------------------
set(CPACK_PACKAGE_NAME neox-studio)
set(CPACK_PACKAGE_VENDOR "The NeoX Studio developers")
set(CPACK_PACKAGE_CONTACT "The NeoX Studio developers <neox-studio@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Debian descriptions: a synopsis line, then the long text in lines under 80
# columns (CPack indents them but does not wrap). No package-wide
# CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put it in front of both
# packages' descriptions, and neox-studio-cuda needs its own synopsis.
set(CPACK_DEBIAN_STUDIO_DESCRIPTION "chat and code with language models that run on this computer
NeoX Studio is a desktop chat and code assistant for GPT-NeoX-family
language models (Pythia, GPT-NeoX-20B, Dolly-v2, RedPajama-INCITE,
StableLM-alpha, OpenAssistant) that run entirely on this computer, on an
inference engine of its own.
.
It comes with neox, a command line to inspect, tokenize, generate, chat,
benchmark, quantize and serve an OpenAI-compatible API.")
set(CPACK_DEBIAN_CUDA_DESCRIPTION "CUDA backend for NeoX Studio (NVIDIA GPUs)
The CUDA backend of the NeoX Studio engine, a module that neox-studio and
neox load at run time when it is installed. Without it, or without an NVIDIA
driver, they use Vulkan or the CPU.")
set(CPACK_PACKAGE_HOMEPAGE_URL ${NEOX_HOMEPAGE_URL})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "NeoX Studio")
set(CPACK_PACKAGE_EXECUTABLES neox-studio "NeoX Studio")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.ccache/")
set(CPACK_GENERATOR TGZ DEB)

# Components: "studio" (everything; CMAKE_INSTALL_DEFAULT_COMPONENT_NAME in the
# top CMakeLists.txt) and "cuda" (the CUDA backend module, when built).
set(CPACK_COMPONENTS_ALL studio)
if(TARGET neox_backend_cuda)
  list(APPEND CPACK_COMPONENTS_ALL cuda)
endif()
set(CPACK_COMPONENT_STUDIO_DISPLAY_NAME "NeoX Studio")
set(CPACK_COMPONENT_STUDIO_REQUIRED ON)
set(CPACK_COMPONENT_CUDA_DISPLAY_NAME "CUDA backend (NVIDIA GPUs)")
set(CPACK_COMPONENT_CUDA_DEPENDS studio)

# Tarball: one archive, every component, one top folder.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_PACKAGE_FILE_NAME neox-studio-${PROJECT_VERSION}-linux-${CMAKE_SYSTEM_PROCESSOR})  # also its top folder

# Debian: one package per component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # neox-studio_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# dpkg-shlibdeps finds the libraries the binaries link (Qt, SQLite, utf8proc, libc).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_STUDIO_PACKAGE_NAME neox-studio)
set(CPACK_DEBIAN_STUDIO_FILE_NAME DEB-DEFAULT)
# What shlibdeps cannot see: the QML modules, loaded by name at run time
# (installer/debian/qml-modules.txt; the packaging.qml_* tests keep it true).
file(STRINGS ${neox_installer_dir}/debian/qml-modules.txt neox_qml_lines REGEX "^[A-Za-z]")
set(neox_qml_packages)
foreach(line IN LISTS neox_qml_lines)
  string(REGEX MATCH "^[^ \t]+[ \t]+([^ \t]+)" _ "${line}")
  list(APPEND neox_qml_packages ${CMAKE_MATCH_1})
endforeach()
list(REMOVE_DUPLICATES neox_qml_packages)
list(SORT neox_qml_packages)
string(JOIN ", " CPACK_DEBIAN_STUDIO_PACKAGE_DEPENDS ${neox_qml_packages})
# The Theme's font; the Wayland platform plugin (X11's is in libqt6gui6); a
# Vulkan driver for the Vulkan backend (shlibdeps adds the loader, libvulkan1).
set(CPACK_DEBIAN_STUDIO_PACKAGE_RECOMMENDS "fonts-dejavu-core, qt6-wayland")
if(TARGET neox_backend_vulkan)
  string(APPEND CPACK_DEBIAN_STUDIO_PACKAGE_RECOMMENDS ", mesa-vulkan-drivers | vulkan-icd")
endif()
set(CPACK_DEBIAN_STUDIO_PACKAGE_SUGGESTS "neox-studio-cuda")

set(CPACK_DEBIAN_CUDA_PACKAGE_NAME neox-studio-cuda)
set(CPACK_DEBIAN_CUDA_FILE_NAME DEB-DEFAULT)
# The CUDA runtime and cuBLAS: dpkg-shlibdeps names them when the toolkit came
# from Debian packages; a toolkit from NVIDIA's installer is not in dpkg's
# database, so name NVIDIA's repository packages for that version instead.
if(TARGET neox_backend_cuda)
  find_package(CUDAToolkit QUIET)  # engine/ found it, but in its own directory scope
endif()
if(TARGET neox_backend_cuda AND CUDAToolkit_VERSION_MAJOR)
  set(neox_cuda_deps_default
      "cuda-cudart-${CUDAToolkit_VERSION_MAJOR}-${CUDAToolkit_VERSION_MINOR}, libcublas-${CUDAToolkit_VERSION_MAJOR}-${CUDAToolkit_VERSION_MINOR}")
  execute_process(COMMAND dpkg -S ${CUDAToolkit_LIBRARY_DIR}/libcudart.so
                  RESULT_VARIABLE neox_cudart_from_dpkg OUTPUT_QUIET ERROR_QUIET)
  if(neox_cudart_from_dpkg EQUAL 0)
    set(neox_cuda_deps_default "")  # shlibdeps finds them
  endif()
else()
  set(neox_cuda_deps_default "")
endif()
set(NEOX_DEB_CUDA_DEPENDS "${neox_cuda_deps_default}" CACHE STRING
    "Debian packages of the CUDA runtime libraries the neox-studio-cuda package depends on")
set(CPACK_DEBIAN_CUDA_PACKAGE_DEPENDS "neox-studio (= ${PROJECT_VERSION})")
if(NEOX_DEB_CUDA_DEPENDS)
  string(APPEND CPACK_DEBIAN_CUDA_PACKAGE_DEPENDS ", ${NEOX_DEB_CUDA_DEPENDS}")
endif()
set(CPACK_DEBIAN_CUDA_PACKAGE_SUGGESTS "libcuda1 | nvidia-driver")
set(CPACK_DEBIAN_CUDA_PACKAGE_SECTION science)

# Windows (NSIS) and macOS (DragNDrop) settings live with their recipes.
if(WIN32)
  include(${neox_installer_dir}/windows/windows.cmake)
elseif(APPLE)
  include(${neox_installer_dir}/macos/macos.cmake)
endif()

include(CPack)

# ---- tests that need no installing ----------------------------------------------
if(NEOX_BUILD_TESTS)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_FOUND)
    add_test(NAME packaging.qml_imports
             COMMAND Python3::Interpreter ${neox_installer_dir}/tests/check_qml_modules.py imports
                     ${neox_installer_dir}/debian/qml-modules.txt ${PROJECT_SOURCE_DIR}/ui/qml)
    # Follows the Qt QML modules installed here: needs them and dpkg.
    if(TARGET Qt6::qmake)
      get_target_property(neox_qmake Qt6::qmake IMPORTED_LOCATION)
      execute_process(COMMAND ${neox_qmake} -query QT_INSTALL_QML OUTPUT_VARIABLE neox_qt_qml_dir
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    find_program(NEOX_DPKG dpkg)
    if(neox_qt_qml_dir AND NEOX_DPKG)
      add_test(NAME packaging.qml_closure
               COMMAND Python3::Interpreter ${neox_installer_dir}/tests/check_qml_modules.py closure
                       ${neox_installer_dir}/debian/qml-modules.txt ${PROJECT_SOURCE_DIR}/ui/qml
                       ${neox_qt_qml_dir})
    endif()
    if(TARGET neox)
      add_test(NAME packaging.man_neox
               COMMAND Python3::Interpreter ${neox_installer_dir}/tests/check_man_page.py
                       ${PROJECT_SOURCE_DIR}/docs/man/neox.1.in $<TARGET_FILE:neox> --subcommands)
    endif()
    if(TARGET neox-studio)
      add_test(NAME packaging.man_neox_studio
               COMMAND Python3::Interpreter ${neox_installer_dir}/tests/check_man_page.py
                       ${PROJECT_SOURCE_DIR}/docs/man/neox-studio.1.in $<TARGET_FILE:neox-studio>)
      # --help builds a QGuiApplication first: no display needed with offscreen.
      set_tests_properties(packaging.man_neox_studio PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen)
    endif()
  endif()
  # --version: the version from project(), the commit, build type and backends
  # (neox also the devices it finds); neox-studio answers with no display.
  string(REPLACE "." "\\." neox_version_re ${PROJECT_VERSION})
  if(TARGET neox)
    add_test(NAME packaging.version_neox COMMAND neox --version)
    set_tests_properties(packaging.version_neox PROPERTIES PASS_REGULAR_EXPRESSION
      "^neox ${neox_version_re}\ncommit: [^\n]+\nbuild: [^\n]+\nbackends compiled in: cpu[^\n]*\n(device: [^\n]+\n)*device: cpu: ")
  endif()
  if(TARGET neox-studio)
    add_test(NAME packaging.version_studio COMMAND neox-studio --version)
    set_tests_properties(packaging.version_studio PROPERTIES ENVIRONMENT "DISPLAY=;WAYLAND_DISPLAY="
      PASS_REGULAR_EXPRESSION "^neox-studio ${neox_version_re}\ncommit: [^\n]+\nbuild: [^\n]+\nbackends compiled in: cpu")
  endif()
  find_program(NEOX_DESKTOP_FILE_VALIDATE desktop-file-validate)
  if(NEOX_DESKTOP_FILE_VALIDATE)
    add_test(NAME packaging.desktop_entry
             COMMAND ${NEOX_DESKTOP_FILE_VALIDATE} ${neox_resources_dir}/linux/${NEOX_APP_ID}.desktop)
    set_tests_properties(packaging.desktop_entry PROPERTIES FAIL_REGULAR_EXPRESSION "error|warning")
  endif()
  find_program(NEOX_APPSTREAMCLI appstreamcli)
  if(NEOX_APPSTREAMCLI)
    add_test(NAME packaging.appstream
             COMMAND ${NEOX_APPSTREAMCLI} validate --no-net ${neox_generated_dir}/${NEOX_APP_ID}.metainfo.xml)
  endif()
  find_program(NEOX_MAN man)
  if(NEOX_MAN)
    add_test(NAME packaging.man_pages_render
             COMMAND sh ${neox_installer_dir}/tests/check_man_render.sh
                     ${neox_generated_dir}/man/neox.1 ${neox_generated_dir}/man/neox-studio.1)
  endif()
  get_property(neox_packaging_tests DIRECTORY PROPERTY TESTS)
  list(FILTER neox_packaging_tests INCLUDE REGEX "^packaging\\.")
  set_tests_properties(${neox_packaging_tests} PROPERTIES LABELS packaging TIMEOUT 60)
endif()
