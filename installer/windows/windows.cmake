# Windows installer recipe: NSIS through CPack (and a ZIP of the same tree).
# UNTESTED — written on Linux without a Windows machine or CI; expect to fix
# details on first use. Included by cmake/Packaging.cmake when WIN32.
#
# Build (Developer PowerShell for VS 2022, Qt 6.4+ for MSVC, NSIS 3 on PATH,
# the other libraries from vcpkg: sqlite3, utf8proc, nlohmann-json, cpp-httplib, gtest):
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ^
#         -DCMAKE_TOOLCHAIN_FILE=%VCPKG_ROOT%/scripts/buildsystems/vcpkg.cmake ^
#         -DCMAKE_PREFIX_PATH=C:/Qt/6.4.3/msvc2019_64
#   cmake --build build
#   cd build && cpack -G NSIS      → neox-studio-<version>-win64.exe
#
# Known gaps: the engine's CUDA module loader uses dlopen (Linux); on Windows
# it would need LoadLibrary and neox_backend_cuda.dll in lib/neox. Until then
# the Windows build is CPU (and Vulkan) only.

# A GUI program: no console window behind the app.
set_target_properties(neox-studio PROPERTIES WIN32_EXECUTABLE ON)

# Qt's DLLs, platform plugin and the QML modules ui/qml imports, copied next
# to neox-studio.exe by windeployqt at install time (so cpack gets them too).
get_target_property(neox_qmake Qt6::qmake IMPORTED_LOCATION)
get_filename_component(neox_qt_bin ${neox_qmake} DIRECTORY)
find_program(NEOX_WINDEPLOYQT windeployqt HINTS ${neox_qt_bin} REQUIRED)
install(CODE "
  execute_process(COMMAND \"${NEOX_WINDEPLOYQT}\" --release --no-translations --no-system-d3d-compiler
                          --qmldir \"${PROJECT_SOURCE_DIR}/ui/qml\"
                          \"\${CMAKE_INSTALL_PREFIX}/bin/neox-studio.exe\"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR \"windeployqt failed\")
  endif()" COMPONENT studio)
# The MSVC runtime DLLs, so the installer works on machines without them.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_COMPONENT studio)
include(InstallRequiredSystemLibraries)

# The icon: resources/icons/neox-studio.svg as .ico. Make it once with
#   magick -background none resources/icons/neox-studio.svg -define icon:auto-resize=256,64,48,32,16 installer/windows/neox-studio.ico
# (ImageMagick), then it is used here.
set(neox_ico ${CMAKE_CURRENT_LIST_DIR}/neox-studio.ico)

set(CPACK_GENERATOR NSIS ZIP)
set(CPACK_PACKAGE_FILE_NAME neox-studio-${PROJECT_VERSION}-win64)
set(CPACK_NSIS_PACKAGE_NAME "NeoX Studio")
set(CPACK_NSIS_DISPLAY_NAME "NeoX Studio ${PROJECT_VERSION}")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON)  # offers to put bin\ (neox.exe) on PATH
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\neox-studio.exe")
set(CPACK_NSIS_URL_INFO_ABOUT ${NEOX_HOMEPAGE_URL})
set(CPACK_NSIS_HELP_LINK ${NEOX_HOMEPAGE_URL})
set(CPACK_NSIS_MUI_FINISHPAGE_RUN neox-studio.exe)
if(EXISTS ${neox_ico})
  set(CPACK_NSIS_MUI_ICON ${neox_ico})
  set(CPACK_NSIS_MUI_UNIICON ${neox_ico})
endif()
# Start menu entry: CPACK_PACKAGE_EXECUTABLES (neox-studio "NeoX Studio") in Packaging.cmake.
# The CUDA component is not offered on Windows until the loader supports it.
set(CPACK_COMPONENTS_ALL studio)
