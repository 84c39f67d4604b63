#!/usr/bin/env bash
# Sets up, builds and starts NeoX Studio's main program. Until the desktop app
# lands this is an interactive `neox chat` on the small fixture model.
# Usage: scripts/run.sh [MODEL]   (a .gguf file or a Hugging Face model folder)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh build
model=${1:-tests/fixtures/models/neox-par-r25.f32.gguf}
exec build/tools/neox/neox chat "$model"
