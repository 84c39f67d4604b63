#!/usr/bin/env bash
# Run on a machine WITH network before tests/gpu/run.sh is carried to a GPU
# machine without one: fetches into tests/gpu/.carry/ (git-ignored)
#   debs/   Debian 12 packages of the build's libraries (headers, gtest,
#           utf8proc, sqlite, cpp-httplib, pkgconf), unpacked by run.sh into
#           /tmp/neox-deps when the GPU machine lacks them;
#   wheels/ the gguf Python package (random-weight GGUF files for llama.cpp);
#   ggml-vocab-gpt-neox.gguf  the tokenizer the bench GGUFs copy.
# Everything together is a few MB (the device tool carries up to 64 MiB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
carry="$here/.carry"
mkdir -p "$carry/debs" "$carry/wheels"
cd "$carry/debs"
apt-get download nlohmann-json3-dev libutf8proc-dev libutf8proc2 libgtest-dev googletest libsqlite3-dev \
  libcpp-httplib-dev pkgconf pkgconf-bin libpkgconf3 2>&1 | tail -2
cd "$carry/wheels"
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux2014_x86_64 --platform any -d . gguf 2>&1 | tail -2 || echo "prepare: no gguf wheel"
vocab="$here/../../../shared/reference/tokenizers/ggml-vocab-gpt-neox.gguf"
[ -f "$vocab" ] && cp "$vocab" "$carry/" || echo "prepare: $vocab not found (llama.cpp comparison will be skipped)"
du -sh "$carry"
