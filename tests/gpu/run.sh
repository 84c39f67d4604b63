#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds (Release, CUDA on, sm_90), runs the
# CUDA tests and the benchmark, and prints one table, in under 8 minutes.
#
#   tests/gpu/run.sh                 full run (expects `nvidia-smi` to see a GPU)
#   tests/gpu/run.sh --dry-run DIR   no GPU: reuses build DIR, runs the tiny
#                                    shape on the CPU backend, prints the table
#
# A machine without network: run tests/gpu/prepare.sh where there is one and
# carry tests/gpu/.carry/ along (library .debs, the gguf wheel, the vocab).
# Logs and the raw JSON go to $OUT (the device tool's output folder) or
# /tmp/neox-gpu. Exit status: 0 when the tests passed and the table printed.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/gpu"
out="${OUT:-/tmp/neox-gpu}"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
start=$(date +%s)
budget=${NEOX_GPU_BUDGET_S:-450}  # stop starting benchmarks after this many seconds
elapsed() { echo $(($(date +%s) - start)); }
say() { echo "[run.sh $(elapsed)s] $*"; }

dry=0
build="$root/build-gpu"
if [ "${1:-}" = "--dry-run" ]; then
  dry=1
  build="${2:?--dry-run needs an existing build folder}"
fi

# ---- the machine ----
if [ $dry -eq 0 ]; then
  if ! nvidia-smi -L >"$out/gpu.txt" 2>&1; then
    say "no NVIDIA GPU/driver here: $(head -1 "$out/gpu.txt")"
    exit 1
  fi
  say "$(head -1 "$out/gpu.txt")"
fi
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
case "$gpu_name" in  # datasheet bandwidth, GB/s
  *H200*) spec=4800 ;; *H100*SXM* | *H100\ 80GB\ HBM3*) spec=3350 ;; *H100*) spec=2000 ;;
  *A100*80GB*) spec=2039 ;; *A100*) spec=1555 ;; *) spec=0 ;;
esac

# ---- libraries the build needs, from the carried .debs when missing ----
deps=/tmp/neox-deps
use_carried_deps() {
  [ -d "$here/.carry/debs" ] || return 1
  say "unpacking carried build libraries into $deps"
  rm -rf "$deps" && mkdir -p "$deps"
  for f in "$here"/.carry/debs/*.deb; do dpkg -x "$f" "$deps"; done
  local lib="$deps/usr/lib/x86_64-linux-gnu"
  sed -i "s#^prefix=/usr\$#prefix=$deps/usr#; s#^libdir=/usr#libdir=$deps/usr#; s#^includedir=/usr#includedir=$deps/usr#" \
    "$lib"/pkgconfig/*.pc
  # Only the header is needed (the server is not built here): no private requirements.
  sed -i '/^Requires.private/d; /^Libs/d' "$lib/pkgconfig/cpp-httplib.pc"
  # The -dev symlink points at the runtime library, which the system has.
  if [ ! -e "$lib/libsqlite3.so" ]; then
    for s in /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 /lib/x86_64-linux-gnu/libsqlite3.so.0; do
      [ -e "$s" ] && ln -sf "$s" "$lib/libsqlite3.so" && break
    done
  fi
  export CMAKE_PREFIX_PATH="$deps/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  export PKG_CONFIG_PATH="$lib/pkgconfig"
  export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  command -v pkg-config >/dev/null || export PKG_CONFIG_EXECUTABLE="$deps/usr/bin/pkg-config"
  return 0
}

configure() {
  local extra=()
  [ -n "${PKG_CONFIG_EXECUTABLE:-}" ] && extra+=("-DPKG_CONFIG_EXECUTABLE=$PKG_CONFIG_EXECUTABLE")
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEOX_BUILD_APP=OFF -DNEOX_ENABLE_VULKAN=OFF \
    -DNEOX_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$here/no_werror.sh" -DCMAKE_CUDA_COMPILER_LAUNCHER="$here/no_werror.sh" \
    "${extra[@]}" >"$out/configure.log" 2>&1
}

if [ $dry -eq 0 ]; then
  say "configure"
  if ! configure; then
    rm -rf "$build"
    use_carried_deps && configure || { say "configure failed:"; tail -20 "$out/configure.log"; exit 1; }
  fi
  say "build (neox_backend_cuda, test_cuda, neox_bench_gpu)"
  if ! cmake --build "$build" -j"$(nproc)" --target neox_backend_cuda test_cuda neox_bench_gpu >"$out/build.log" 2>&1; then
    say "build failed:"; grep -E "error|Error" "$out/build.log" | head -20; exit 1
  fi
fi

# ---- tests ----
tests="not run"
tests_ok=1
if [ $dry -eq 0 ]; then
  say "CUDA tests"
  timeout 180 "$build/tests/test_cuda" --gtest_output=json:"$out/test_cuda.json" >"$out/test_cuda.log" 2>&1
  rc=$?
  passed=$(grep -c '^\[       OK \]' "$out/test_cuda.log")
  failed=$(grep -c '^\[  FAILED  \] [A-Za-z]' "$out/test_cuda.log")
  skipped=$(grep -c '^\[  SKIPPED \] [A-Za-z].*(' "$out/test_cuda.log")
  tests="test_cuda rc=$rc: $passed passed, $failed failed, $skipped skipped"
  [ $rc -eq 0 ] || { tests_ok=0; grep -E '^\[  FAILED  \]|Failure|NMSE|max \|diff' "$out/test_cuda.log" | head -30; }
  grep -E "max \|diff\|" "$out/test_cuda.log" | head -20
  say "$tests"
fi

# ---- bandwidth ceiling ----
copy=0
[ $dry -eq 0 ] && copy=$(timeout 60 python3 "$here/bandwidth.py" 2>/dev/null || echo 0)
say "device-to-device copy: ${copy} GB/s (spec ${spec} GB/s)"

# ---- benchmark ----
bench="$build/bench/cuda/neox_bench_gpu"
backend=cuda
shapes="pythia-1.4b pythia-6.9b gpt-neox-20b"
if [ $dry -eq 1 ]; then backend=cpu; shapes="tiny"; fi
for shape in $shapes; do
  for type in f16 q8_0 q4_0; do
    if [ "$(elapsed)" -gt "$budget" ]; then say "time budget spent: skipping $shape $type"; continue; fi
    prefill=()
    [ "$type" = f16 ] || [ "$type" = q4_0 ] && prefill=(--prefill 512,4096)
    [ $dry -eq 1 ] && prefill=(--prefill 64)
    say "bench $shape $type"
    timeout 150 "$bench" --backend $backend --shape "$shape" --type "$type" --ctx 512 --decode 64 "${prefill[@]}" \
      --json >>"$results" 2>>"$out/bench.log" || say "bench $shape $type failed: $(tail -1 "$out/bench.log")"
  done
done
if [ $dry -eq 0 ] && [ "$(elapsed)" -le "$budget" ]; then
  say "fused attention"
  timeout 60 "$bench" --backend cuda --shape pythia-1.4b --type f16 --decode 0 --attention --json >>"$results" \
    2>>"$out/bench.log" || say "attention bench failed: $(tail -1 "$out/bench.log")"
fi

# ---- llama.cpp on the same shapes (needs llama-cpp-python built with CUDA) ----
llama_note="not run"
if python3 -c "import llama_cpp, sys; sys.exit(0 if llama_cpp.llama_supports_gpu_offload() else 1)" 2>/dev/null; then
  if python3 -c "import gguf" 2>/dev/null && [ -f "$here/.carry/ggml-vocab-gpt-neox.gguf" ] &&
     [ "$(elapsed)" -le "$budget" ]; then
    f="/tmp/neox-bench-pythia-1.4b-f16.gguf"
    python3 "$root/bench/make_bench_model.py" --shape pythia-1.4b --type f16 \
      --vocab "$here/.carry/ggml-vocab-gpt-neox.gguf" "$f" >>"$out/bench.log" 2>&1 &&
      timeout 120 python3 "$here/llamacpp_gpu.py" "$f" pythia-1.4b f16 >>"$results" 2>>"$out/bench.log"
    llama_note="llama-cpp-python with CUDA on a random-weight Pythia-1.4B F16 GGUF (same shape, random weights)"
    rm -f "$f"
  else
    llama_note="llama-cpp-python with CUDA is installed, but the gguf package, the vocab or the time budget is missing"
  fi
else
  llama_note="not available: no llama-cpp-python built with CUDA on this machine (building one needs the network)"
fi

python3 "$here/table.py" "$results" "${copy:-0}" "$spec" "$tests" "$llama_note"
say "done in $(elapsed) s; logs in $out"
[ $tests_ok -eq 1 ]
