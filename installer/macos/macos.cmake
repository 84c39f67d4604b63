# macOS recipe: an app bundle "NeoX Studio.app" in a DMG (CPack DragNDrop).
# UNTESTED — written on Linux without a Mac; expect to fix details on first
# use. Included by cmake/Packaging.cmake when APPLE.
#
# Build (Xcode command line tools, Qt 6.4+ for macOS, Homebrew: cmake ninja
# sqlite utf8proc nlohmann-json cpp-httplib googletest librsvg):
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=$HOME/Qt/6.4.3/macos
#   cmake --build build
#   cd build && cpack -G DragNDrop   → neox-studio-<version>-macos.dmg
#
# Layout inside the bundle: Contents/MacOS/neox-studio and neox, the catalog
# in Contents/share/neox-studio/catalog (the app finds it as
# ../share/neox-studio relative to its executable, as on Linux), Qt as
# frameworks in Contents/Frameworks (macdeployqt). No CUDA on macOS; a Metal
# backend does not exist.
# Gatekeeper: unsigned. Sign and notarize with
#   codesign --deep --options runtime --sign "Developer ID Application: ..." "NeoX Studio.app"
#   xcrun notarytool submit neox-studio-<version>-macos.dmg --wait ...

set_target_properties(neox-studio PROPERTIES
  MACOSX_BUNDLE ON
  OUTPUT_NAME "NeoX Studio"
  MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in
  MACOSX_BUNDLE_GUI_IDENTIFIER ${NEOX_APP_ID}
  MACOSX_BUNDLE_BUNDLE_NAME "NeoX Studio"
  MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
  MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
  MACOSX_BUNDLE_ICON_FILE neox-studio.icns)
# app/CMakeLists.txt installs neox-studio with "BUNDLE DESTINATION ." so the
# bundle lands at the top of the DMG. The CLI goes inside it:
install(TARGETS neox DESTINATION "NeoX Studio.app/Contents/MacOS" COMPONENT studio)
install(FILES ${PROJECT_SOURCE_DIR}/resources/catalog/models.json
        DESTINATION "NeoX Studio.app/Contents/share/neox-studio/catalog" COMPONENT studio)

# The icon: the PNGs rendered from the SVG (Packaging.cmake) assembled into
# an .icns by iconutil.
set(neox_iconset ${CMAKE_BINARY_DIR}/packaging/neox-studio.iconset)
set(neox_icns ${CMAKE_BINARY_DIR}/packaging/neox-studio.icns)
add_custom_command(OUTPUT ${neox_icns}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${neox_iconset}
  COMMAND rsvg-convert -w 16 -h 16 -o ${neox_iconset}/icon_16x16.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 32 -h 32 -o ${neox_iconset}/icon_16x16@2x.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 32 -h 32 -o ${neox_iconset}/icon_32x32.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 64 -h 64 -o ${neox_iconset}/icon_32x32@2x.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 128 -h 128 -o ${neox_iconset}/icon_128x128.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 256 -h 256 -o ${neox_iconset}/icon_128x128@2x.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 256 -h 256 -o ${neox_iconset}/icon_256x256.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 512 -h 512 -o ${neox_iconset}/icon_256x256@2x.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 512 -h 512 -o ${neox_iconset}/icon_512x512.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND rsvg-convert -w 1024 -h 1024 -o ${neox_iconset}/icon_512x512@2x.png ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  COMMAND iconutil -c icns -o ${neox_icns} ${neox_iconset}
  DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/neox-studio.svg
  VERBATIM)
target_sources(neox-studio PRIVATE ${neox_icns})
set_source_files_properties(${neox_icns} PROPERTIES MACOSX_PACKAGE_LOCATION Resources)

# Qt frameworks, plugins and the QML modules ui/qml imports, into the bundle.
get_target_property(neox_qmake Qt6::qmake IMPORTED_LOCATION)
get_filename_component(neox_qt_bin ${neox_qmake} DIRECTORY)
find_program(NEOX_MACDEPLOYQT macdeployqt HINTS ${neox_qt_bin} REQUIRED)
install(CODE "
  execute_process(COMMAND \"${NEOX_MACDEPLOYQT}\" \"\${CMAKE_INSTALL_PREFIX}/NeoX Studio.app\"
                          -qmldir=\"${PROJECT_SOURCE_DIR}/ui/qml\"
                          -executable=\"\${CMAKE_INSTALL_PREFIX}/NeoX Studio.app/Contents/MacOS/neox\"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR \"macdeployqt failed\")
  endif()" COMPONENT studio)

set(CPACK_GENERATOR DragNDrop)
set(CPACK_PACKAGE_FILE_NAME neox-studio-${PROJECT_VERSION}-macos)
set(CPACK_DMG_VOLUME_NAME "NeoX Studio")
set(CPACK_DMG_FORMAT UDZO)
# Drag the app onto the Applications link in the window.
set(CPACK_DMG_DISABLE_APPLICATIONS_SYMLINK OFF)
set(CPACK_COMPONENTS_ALL studio)
