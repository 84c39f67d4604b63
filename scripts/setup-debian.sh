#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages.
# Idempotent and non-interactive; uses sudo when not run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  clang libclang-rt-14-dev          # libFuzzer targets
  nlohmann-json3-dev libutf8proc-dev # JSON parsing, Unicode NFC + categories
  libgtest-dev                      # engine tests
  libsqlite3-dev sqlite3            # storage (FTS5 is enabled in Debian's build)
  libcpp-httplib-dev                # the local OpenAI-compatible API server
  # Vulkan backend: loader + headers, glslc (shaders → SPIR-V at build time), Mesa's
  # lavapipe (a CPU Vulkan device: how CI runs the Vulkan tests), the validation layers
  # the tests enable; glslang-tools and spirv-headers only for llama.cpp's Vulkan build (bench/)
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers glslang-tools spirv-headers
  # desktop app: Qt 6.4 Quick, its QML modules, and Qt Test / Qt Quick Test
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools libqt6opengl6-dev
  qt6-qpa-plugins qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtquick-dialogs
  qml6-module-qt-labs-settings qml6-module-qt-labs-platform qml6-module-qtquick-shapes qml6-module-qttest
  qml6-module-qt-labs-folderlistmodel  # the non-native file dialog (QtQuick.Dialogs) lists folders with it
  xvfb xauth libgl1-mesa-dri fonts-dejavu-core  # headless app tests and screenshots
  dbus-daemon                       # the reveal test runs a private session bus
  valgrind                          # app.views_memcheck (the app is not in the sanitizer build)
  # packages (scripts/package-test.sh): cpack's dpkg-shlibdeps, icons rendered from the SVG,
  # checks of the desktop entry, AppStream metainfo and man pages, lintian
  dpkg-dev file librsvg2-bin desktop-file-utils appstream man-db lintian
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
