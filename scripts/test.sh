#!/usr/bin/env bash
# Sets up, builds and runs every test: the Release build under ctest, its
# packages (scripts/package-test.sh: .deb and tarball), the engine, storage and
# server tests again under AddressSanitizer + UndefinedBehaviorSanitizer, and
# each libFuzzer target for a short time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
export CCACHE_DIR=${CCACHE_DIR:-$PWD/.ccache}

echo "== Release build and tests"
scripts/build.sh build
ctest --test-dir build --output-on-failure -j2

echo "== Packages: the .deb installed, run and purged; the relocatable tarball run from a temporary folder"
scripts/package-test.sh build

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build: engine, storage and server tests"
# The Qt app is left out of this build: its tests run in the Release stage.
scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DNEOX_SANITIZE=ON -DNEOX_BUILD_APP=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -L 'engine|storage|server'

echo "== libFuzzer targets (short runs)"
scripts/build.sh build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEOX_BUILD_FUZZERS=ON -DNEOX_BUILD_TESTS=OFF
tests/fuzz/run_fuzzers.sh build-fuzz "${NEOX_FUZZ_SECONDS:-20}"
