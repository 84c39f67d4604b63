#!/usr/bin/env bash
# Packages NeoX Studio and tests the packages as a user gets them:
#   1. cpack makes the .deb(s) and the relocatable tarball from BUILD_DIR;
#   2. the .deb's control data: the QML module packages in Depends, no CUDA
#      dependency or CUDA module in neox-studio (they go in neox-studio-cuda);
#   3. dpkg installs it (apt-get install -f fetches missing dependencies), and
#      the installed programs run: neox-studio --version, neox --version,
#      neox info on a fixture model, the man pages, and a headless start of the
#      app under Xvfb with a temporary HOME (every QML module it loads must
#      come from a package the .deb depends on);
#   4. dpkg --purge removes it, and no file of the package (nor anything new
#      under /usr, /etc or /opt) is left behind;
#   5. the tarball, unpacked into a temporary folder with a space in its name,
#      runs from there: bin/neox --version, bin/neox-studio --version, neox info.
# Usage: scripts/package-test.sh [BUILD_DIR]   (default: build, a configured
# Release build, e.g. from scripts/build.sh). Needs root or sudo; refuses to
# run when a neox-studio package is installed already (it would remove it).
# scripts/test.sh runs it after the Release tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
build=$(cd "${1:-build}" && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
started=$SECONDS
work=$(mktemp -d /tmp/neox-package-test.XXXXXX)
installed_by_us=""

step() { echo "-- $* ($((SECONDS - started)) s)"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
cleanup() {
  if [ -n "$installed_by_us" ]; then
    $sudo dpkg --purge $installed_by_us >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

for p in neox-studio neox-studio-cuda; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null; then
    fail "$p is installed on this machine already; remove it first (dpkg --purge $p)"
  fi
done

version=$(sed -n 's/^project(neox_studio VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || fail "no project(... VERSION) in CMakeLists.txt"
model=$source_dir/tests/fixtures/models/neox-par-r25.f32.gguf

step "cpack: .deb and tarball of $build (version $version)"
# cpack builds the 'all' target first; the Release stage has built it already.
if ! (cd "$build" && cpack -G "DEB;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1); then
  cat "$work/cpack.log"
  fail "cpack"
fi
deb=$work/out/neox-studio_${version}_$(dpkg --print-architecture).deb
cuda_deb=$(ls "$work"/out/neox-studio-cuda_*.deb 2>/dev/null || true)
tarball=$(ls "$work"/out/neox-studio-"$version"-linux-*.tar.gz)
[ -f "$deb" ] || fail "cpack made no $deb (made: $(ls "$work/out"))"
ls -l "$work"/out/*.deb "$tarball" | awk '{print "   ", $5, $NF}'

step "control data of $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "    Depends: $depends"
while read -r module package _; do
  case "$module" in ''|'#'*) continue ;; esac
  grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends lacks $package (QML module $module)"
done <installer/debian/qml-modules.txt
grep -qiE "cuda|cublas" <<<"$depends" && fail "neox-studio depends on CUDA: $depends"
dpkg-deb -c "$deb" >"$work/deb-contents"
grep -q "libneox_backend_cuda" "$work/deb-contents" && fail "the CUDA module is in neox-studio, not neox-studio-cuda"
for f in ./usr/bin/neox ./usr/bin/neox-studio ./usr/share/applications/io.github.neox_studio.NeoxStudio.desktop \
         ./usr/share/metainfo/io.github.neox_studio.NeoxStudio.metainfo.xml ./usr/share/man/man1/neox.1.gz \
         ./usr/share/man/man1/neox-studio.1.gz ./usr/share/icons/hicolor/scalable/apps/neox-studio.svg \
         ./usr/share/icons/hicolor/48x48/apps/neox-studio.png ./usr/share/doc/neox-studio/copyright; do
  grep -q " $f\$" "$work/deb-contents" || fail "$f is not in the package"
done
if [ -n "$cuda_deb" ]; then
  cuda_depends=$(dpkg-deb -f "$cuda_deb" Depends)
  echo "    $(basename "$cuda_deb") Depends: $cuda_depends"
  grep -q "neox-studio (= $version)" <<<"$cuda_depends" || fail "neox-studio-cuda does not depend on neox-studio (= $version)"
  dpkg-deb -c "$cuda_deb" >"$work/cuda-deb-contents"
  grep -q " ./usr/lib/neox/libneox_backend_cuda.so$" "$work/cuda-deb-contents" || fail "no CUDA module in $cuda_deb"
fi
if command -v lintian >/dev/null && [ "${NEOX_LINTIAN:-1}" != 0 ]; then
  # Errors fail the test; warnings are printed (an unofficial package has some).
  lintian --fail-on error "$deb" | sed 's/^/    lintian: /' ||
    fail "lintian errors"
fi

step "dpkg -i"
# Everything under /usr, /etc, /opt before installing, to find leftovers later.
snapshot() { find /usr /etc /opt -xdev \( -name icon-theme.cache -o -name mimeinfo.cache \) -prune -o -print 2>/dev/null | sort; }
snapshot >"$work/before"
installed_by_us="neox-studio"
if ! $sudo dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  echo "    dpkg -i left dependencies unmet; apt-get install -f"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q >>"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log"; fail "apt-get install -f"; }
fi
dpkg-query -W -f='${Status}\n' neox-studio | grep "install ok installed" >/dev/null || fail "neox-studio did not install"

step "installed programs"
[ "$(command -v neox-studio)" = /usr/bin/neox-studio ] || fail "neox-studio is not /usr/bin/neox-studio"
out=$(env -u DISPLAY /usr/bin/neox-studio --version)
echo "$out" | sed 's/^/    /'
grep -q "^neox-studio $version$" <<<"$out" || fail "neox-studio --version does not say $version"
grep -q "^commit: " <<<"$out" && grep -q "^backends compiled in: cpu" <<<"$out" ||
  fail "neox-studio --version lacks the commit or the backends"
out=$(/usr/bin/neox --version)
grep -q "^neox $version$" <<<"$out" && grep -q "^device: cpu: " <<<"$out" ||
  fail "neox --version: $out"
out=$(/usr/bin/neox info "$model")
grep -qE "architecture: +gptneox" <<<"$out" || fail "neox info: $out"
echo "    neox info: $(grep -E "architecture|parameters" <<<"$out" | tr -s ' ' | paste -sd ';')"
man -w neox >/dev/null && man -w neox-studio >/dev/null || fail "man pages not found by man"

# Headless start from the installed files, with a temporary HOME and data
# folder; QML_IMPORT_TRACE lists each QML module the app loads.
home=$work/home
mkdir -p "$home"
if ! HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share XDG_CACHE_HOME=$home/.cache \
     QML_IMPORT_TRACE=1 timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
     /usr/bin/neox-studio --data-dir "$home/data" --quit-after-first-frame --measure-startup "$model" \
     >"$work/app.log" 2>&1; then
  tail -40 "$work/app.log"
  fail "headless start of the installed neox-studio"
fi
grep "^startup:" "$work/app.log" | sed 's/^/    /' || fail "no first frame reported"
if grep -E "is not installed|module .* not found|Cannot load library|failed to load component|QQmlApplicationEngine failed" \
     "$work/app.log"; then
  fail "QML errors in the headless start"
fi
[ -f "$home/data/conversations.db" ] || fail "the app made no database in --data-dir"
# Every QML module loaded from the system must belong to a package in Depends.
grep -oE "/usr/lib/[^ \"]*/qt6/qml/[^ \"]*/qmldir" "$work/app.log" | sort -u >"$work/qmldirs" || true
modules_checked=0
while read -r qmldir; do
  package=$(dpkg -S "$qmldir" 2>/dev/null | cut -d: -f1)
  [ -n "$package" ] || fail "$qmldir belongs to no package"
  grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "the app loaded $qmldir from $package, which Depends lacks"
  modules_checked=$((modules_checked + 1))
done <"$work/qmldirs"
echo "    QML modules loaded from packages: $modules_checked, all in Depends"

step "dpkg --purge"
dpkg-query -L neox-studio >"$work/package-files"
$sudo dpkg --purge neox-studio >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
installed_by_us=""
left=0
while read -r path; do
  # Folders other packages share (/usr/share/man/man1, hicolor/48x48/apps, ...) stay.
  if [ -e "$path" ] && { [ ! -d "$path" ] || ! dpkg -S "$path" >/dev/null 2>&1; }; then
    echo "    left behind: $path"
    left=$((left + 1))
  fi
done <"$work/package-files"
snapshot >"$work/after"
comm -13 "$work/before" "$work/after" >"$work/new-paths"
if [ -s "$work/new-paths" ]; then
  sed 's/^/    new after purge: /' "$work/new-paths"
  left=$((left + $(wc -l <"$work/new-paths")))
fi
[ "$left" -eq 0 ] || fail "$left paths left behind after dpkg --purge"
echo "    $(wc -l <"$work/package-files") paths of the package, none left"

step "relocatable tarball"
dir="$work/unpacked here"
mkdir -p "$dir"
tar -xzf "$tarball" -C "$dir"
top=$(ls "$dir")
root="$dir/$top"
# (grep without -q reads all its input: with pipefail, an early exit would fail the writer.)
readelf -d "$root/bin/neox" | grep 'R.*PATH.*\$ORIGIN/../lib' >/dev/null || fail "bin/neox has no RUNPATH \$ORIGIN/../lib"
cd "$work"  # run from elsewhere: nothing may depend on the current folder
out=$("$root/bin/neox" --version)
grep -q "^neox $version$" <<<"$out" || fail "tarball bin/neox --version: $out"
out=$(env -u DISPLAY "$root/bin/neox-studio" --version)
grep -q "^neox-studio $version$" <<<"$out" || fail "tarball bin/neox-studio --version: $out"
"$root/bin/neox" info "$model" | grep -E "architecture: +gptneox" >/dev/null || fail "tarball bin/neox info"
[ -f "$root/share/neox-studio/catalog/models.json" ] || fail "tarball lacks share/neox-studio/catalog/models.json"
echo "    $top runs from $dir"
cd "$source_dir"

step "package test passed"
