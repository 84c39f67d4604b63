"""Prints our engine's prefill and decode speed side by side with llama.cpp's
(llama-cpp-python) on the same GGUF files and thread count, and decode as a
share of the memory-bandwidth limit (weight bytes per token / triad bandwidth),
and of the limit that also counts the key/value cache each step reads.
Decode is timed after the prompt (a chat's turn) and from an empty cache
(llama-bench's tg128, where the weights are nearly all a step reads).

Usage: python3 bench/compare_llamacpp.py [--build build] [--threads 2]
           [--shapes pythia-410m] [--types f16] [--prompt-tokens 512] [--gen-tokens 128] [--repeat 3]
Model files are generated once into bench/.models/ (random weights, real shapes);
--types takes any make_bench_model.py --type: f32, f16, and the quantized
q8_0, q4_0, q4_1, q5_0, q5_1, q4_k_m, q5_k_m, q6_k (quantized by llama.cpp).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def decode_weight_bytes(path):
    """Bytes of weights one decode step must read: every tensor except the input
    embedding, of which a step reads a single row (negligible)."""
    from gguf import GGUFReader
    return sum(int(t.n_bytes) for t in GGUFReader(path).tensors if t.name != "token_embd.weight")


def median_run(runs):
    """Median prefill and decode speed of several runs (each a dict from run_json)."""
    def median(values):
        values = sorted(values)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return {key: median([r[key] for r in runs]) for key in ("prefill_tps", "decode_tps", "decode_empty_tps")}


def kv_bytes_per_step(path, prompt_tokens, gen_tokens):
    """Bytes of F16 key/value cache one decode step's attention reads, averaged
    over the run: n_layer · 2 (keys, values) · n_embd · 2 bytes per position,
    positions prompt+1 .. prompt+gen (both engines keep F16 caches on the CPU;
    prompt_tokens 0: decode from an empty cache)."""
    from gguf import GGUFReader
    fields = GGUFReader(path).fields
    arch = bytes(fields["general.architecture"].parts[-1]).decode()
    n_layer = int(fields[f"{arch}.block_count"].parts[-1][0])
    n_embd = int(fields[f"{arch}.embedding_length"].parts[-1][0])
    return n_layer * 2 * n_embd * 2 * (prompt_tokens + (gen_tokens + 1) / 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--shapes", default="pythia-410m")
    ap.add_argument("--types", default="f16")
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each engine on each file (median reported)")
    ap.add_argument("--vocab", default=os.path.join(ROOT, "..", "shared", "reference", "tokenizers",
                                                   "ggml-vocab-gpt-neox.gguf"))
    args = ap.parse_args()
    neox = os.path.join(args.build, "tools", "neox", "neox")
    models = os.path.join(HERE, ".models")
    os.makedirs(models, exist_ok=True)

    triad = [os.path.join(args.build, "bench", "neox_bench_ops"), "--triad", "--json", "--threads", str(args.threads)]
    rows = []
    for shape in args.shapes.split(","):
        for wtype in args.types.split(","):
            path = os.path.join(models, f"{shape}-{wtype}.gguf")
            if not os.path.exists(path):
                print(f"generating {path}", file=sys.stderr)
                subprocess.run([sys.executable, os.path.join(HERE, "make_bench_model.py"), "--shape", shape,
                                "--type", wtype, "--vocab", args.vocab, path], check=True)
            weight_bytes = decode_weight_bytes(path)
            common = ["--threads", str(args.threads), "--prompt-tokens", str(args.prompt_tokens),
                      "--gen-tokens", str(args.gen_tokens)]
            # The engines alternate, each run --repeat times; the median of each
            # column (this VM's run-to-run spread is ±10-15%).
            # The bandwidth too: this VM's drifts by ±15% over minutes, so a
            # triad taken once at the start misstates the limit of later files.
            runs_ours, runs_ref, triads = [], [], []
            for _ in range(args.repeat):
                triads.append(run_json(triad)["triad_gbs"])
                runs_ours.append(run_json([neox, "bench", path, "--json"] + common))
                runs_ref.append(run_json([sys.executable, os.path.join(HERE, "llamacpp_speed.py"), path] + common))
            ours, ref = median_run(runs_ours), median_run(runs_ref)
            bw = sorted(triads)[len(triads) // 2]
            limit = bw * 1e9 / weight_bytes
            limit_kv = bw * 1e9 / (weight_bytes + kv_bytes_per_step(path, args.prompt_tokens, args.gen_tokens))
            limit_kv_empty = bw * 1e9 / (weight_bytes + kv_bytes_per_step(path, 0, args.gen_tokens))
            rows.append((shape, wtype, ours, ref, limit, limit_kv, limit_kv_empty, bw))

    print(f"\nthreads {args.threads}, prompt {args.prompt_tokens}, generate {args.gen_tokens}, "
          f"median of {args.repeat} runs each (the triad too, taken before each pair of runs)")
    print_table("Prefill, and decode after the prompt:",
                ("prefill neox", "prefill llama.cpp", "ratio"),
                [(shape, wtype,
                  [f"{ours['prefill_tps']:.1f} t/s", f"{ref['prefill_tps']:.1f} t/s",
                   f"{ours['prefill_tps'] / ref['prefill_tps']:.2f}x"]
                  + decode_cells(ours["decode_tps"], ref["decode_tps"], limit, limit_kv), bw)
                 for shape, wtype, ours, ref, limit, limit_kv, _, bw in rows])
    print_table("Decode from an empty cache (llama-bench's tg128):", (),
                [(shape, wtype, decode_cells(ours["decode_empty_tps"], ref["decode_empty_tps"], limit, limit_kv_empty),
                  bw)
                 for shape, wtype, ours, ref, limit, _, limit_kv_empty, bw in rows])


def decode_cells(ours, ref, limit, limit_kv):
    """A decode reading's cells: both speeds, the ratio, the shares of the two limits."""
    return [f"{ours:.2f} t/s", f"{ref:.2f} t/s", f"{ours / ref:.2f}x",
            f"{100 * ours / limit:.0f}% of {limit:.1f} t/s", f"{100 * ours / limit_kv:.0f}% of {limit_kv:.1f} t/s"]


def print_table(title, first_columns, lines):
    """A Markdown table: model, type, first_columns, the decode columns, triad."""
    hdr = ("model", "type") + tuple(first_columns) + (
        "decode neox", "decode llama.cpp", "ratio", "decode/limit", "with KV reads", "triad")
    print("\n" + title)
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for shape, wtype, cells, bw in lines:
        print("| " + " | ".join([shape, wtype] + cells + [f"{bw:.1f} GB/s"]) + " |")


if __name__ == "__main__":
    main()
