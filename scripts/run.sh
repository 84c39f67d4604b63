#!/usr/bin/env bash
# Sets up, builds and starts NeoX Studio, the desktop app.
# Usage: scripts/run.sh [MODEL]   (a .gguf file or a Hugging Face model folder)
# Without MODEL the app opens the model used last time, or the small fixture
# model on the very first start (it writes gibberish quickly; choose a real
# model with the model button in the top bar).
# Without a display ($DISPLAY / $WAYLAND_DISPLAY unset) it runs in Xvfb and
# saves a screenshot to build/neox-studio.png instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target neox-studio
app=build/app/neox-studio
model=${1:-}
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}/NeoX/NeoX\ Studio
if [[ -z "$model" && ! -e "$data_dir/conversations.db" ]]; then
  model=tests/fixtures/models/neox-par-r25.f32.gguf
fi
args=()
[[ -n "$model" ]] && args+=("$model")
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "no display: running under Xvfb, screenshot in build/neox-studio.png"
  exec xvfb-run -a -s "-screen 0 1400x900x24" "$app" --screenshot build/neox-studio.png "${args[@]}"
fi
exec "$app" "${args[@]}"
