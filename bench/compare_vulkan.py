"""Prints the Vulkan backend's prefill and decode tokens/s next to the CPU
backend's on the same GGUF files (neox bench --backend vulkan / cpu), and,
when given a Python whose llama-cpp-python was built with its Vulkan backend,
llama.cpp's Vulkan numbers on the same device and file.

On a machine whose only Vulkan device is Mesa's lavapipe (llvmpipe), the
"Vulkan" numbers are CPU numbers: lavapipe runs the compute shaders on the
CPU's cores through LLVM. They show that the path works and what it costs,
not GPU speed.

Usage: python3 bench/compare_vulkan.py [--build build] [--threads 2]
           [--models bench/.models/pythia-410m-q4_k_m.gguf,...] [--prompt-tokens 128] [--gen-tokens 16]
           [--gpu-layers N] [--llamacpp-python /path/to/venv/bin/python]
llama-cpp-python with Vulkan: CMAKE_ARGS="-DGGML_VULKAN=on" pip install llama-cpp-python
(needs glslc and glslangValidator: Debian glslc, glslang-tools), into a venv of its own.
"""
import argparse
import json
import os
import random
import sys
import time

from compare_llamacpp import HERE, ROOT, run_json  # same folder: the script's own is on sys.path


def llamacpp_worker(args):
    """Runs inside the llama-cpp-python (Vulkan) interpreter: times prefill of
    N random tokens in one batch, then M single-token steps, all layers offloaded."""
    import llama_cpp
    n_ctx = args.prompt_tokens + args.gen_tokens + 8
    llm = llama_cpp.Llama(model_path=args.model, n_ctx=n_ctx, n_batch=args.prompt_tokens,
                          n_ubatch=args.prompt_tokens, n_threads=args.threads, n_threads_batch=args.threads,
                          n_gpu_layers=-1, verbose=False)
    rng = random.Random(0)
    prompt = [rng.randrange(100, 50000) for _ in range(args.prompt_tokens)]
    llm.eval(prompt[:8])  # warm-up: pipelines compile on first use
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(prompt)
    t1 = time.perf_counter()
    for i in range(args.gen_tokens):
        llm.eval([(prompt[-1] + i) % 50000])
    t2 = time.perf_counter()
    print(json.dumps({"prefill_tps": args.prompt_tokens / (t1 - t0), "decode_tps": args.gen_tokens / (t2 - t1),
                      "llama_cpp_python": llama_cpp.__version__}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default=os.path.join(HERE, ".models", "pythia-410m-q4_k_m.gguf"))
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--gen-tokens", type=int, default=16)
    ap.add_argument("--gpu-layers", type=int, default=-1)
    ap.add_argument("--llamacpp-python", default="", help="python of a venv with llama-cpp-python built for Vulkan")
    ap.add_argument("--llamacpp-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("model", nargs="?", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.llamacpp_worker:
        llamacpp_worker(args)
        return

    neox = os.path.join(args.build, "tools", "neox", "neox")
    common = ["--threads", str(args.threads), "--prompt-tokens", str(args.prompt_tokens),
              "--gen-tokens", str(args.gen_tokens), "--json"]
    rows = []
    for path in args.models.split(","):
        cpu = run_json([neox, "bench", path, "--backend", "cpu"] + common)
        vk_cmd = [neox, "bench", path, "--backend", "vulkan"] + common
        if args.gpu_layers >= 0:
            vk_cmd += ["--gpu-layers", str(args.gpu_layers)]
        vk = run_json(vk_cmd)
        ref = None
        if args.llamacpp_python:
            ref = run_json([args.llamacpp_python, os.path.abspath(__file__), "--llamacpp-worker", path,
                            "--threads", str(args.threads), "--prompt-tokens", str(args.prompt_tokens),
                            "--gen-tokens", str(args.gen_tokens)])
        rows.append((os.path.basename(path), cpu, vk, ref))

    print(f"\nthreads {args.threads}, prompt {args.prompt_tokens}, generate {args.gen_tokens}")
    hdr = ["model", "Vulkan device", "prefill cpu", "prefill vulkan", "decode cpu", "decode vulkan"]
    if args.llamacpp_python:
        hdr += ["prefill llama.cpp vulkan", "decode llama.cpp vulkan"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for name, cpu, vk, ref in rows:
        cells = [name, vk["backend"] + (f" ({vk['fallback']})" if vk.get("fallback") else ""),
                 f"{cpu['prefill_tps']:.1f} t/s", f"{vk['prefill_tps']:.1f} t/s",
                 f"{cpu['decode_tps']:.2f} t/s", f"{vk['decode_tps']:.2f} t/s"]
        if ref:
            cells += [f"{ref['prefill_tps']:.1f} t/s", f"{ref['decode_tps']:.2f} t/s"]
        print("| " + " | ".join(cells) + " |")
    if any("llvmpipe" in vk["backend"] or "lavapipe" in vk["backend"] for _, _, vk, _ in rows):
        print("\nNote: llvmpipe (Mesa lavapipe) is a CPU Vulkan device: its numbers are CPU numbers.")


if __name__ == "__main__":
    main()
