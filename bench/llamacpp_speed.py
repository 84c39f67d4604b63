"""Times llama.cpp (through llama-cpp-python) on a GGUF file: prefill of N
prompt tokens in one batch, then M single-token decode steps; before them, M
decode steps from an empty cache (llama-bench's tg128). Prints JSON
{"prefill_tps": ..., "decode_tps": ..., "decode_empty_tps": ...}. Usage:
    python3 llamacpp_speed.py MODEL.gguf --threads 2 --prompt-tokens 512 --gen-tokens 128
"""
import argparse
import json
import random
import time

import llama_cpp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=2, help="best of N runs")
    args = ap.parse_args()
    n_ctx = args.prompt_tokens + args.gen_tokens + 8
    llm = llama_cpp.Llama(model_path=args.model, n_ctx=n_ctx, n_batch=args.prompt_tokens,
                          n_ubatch=args.prompt_tokens, n_threads=args.threads,
                          n_threads_batch=args.threads, verbose=False, logits_all=False)
    rng = random.Random(0)
    prompt = [rng.randrange(100, 50000) for _ in range(args.prompt_tokens)]
    best_prefill, best_decode, best_empty = 0.0, 0.0, 0.0
    for _ in range(args.repeats):
        llm.reset()
        llm._ctx.kv_cache_clear() if hasattr(llm._ctx, "kv_cache_clear") else None
        t0 = time.perf_counter()
        for i in range(args.gen_tokens):
            llm.eval([(prompt[0] + i) % 50000])
        best_empty = max(best_empty, args.gen_tokens / (time.perf_counter() - t0))
        llm.reset()
        llm._ctx.kv_cache_clear() if hasattr(llm._ctx, "kv_cache_clear") else None
        t0 = time.perf_counter()
        llm.eval(prompt)
        t1 = time.perf_counter()
        tok = prompt[-1]
        for i in range(args.gen_tokens):
            llm.eval([(tok + i) % 50000])
        t2 = time.perf_counter()
        best_prefill = max(best_prefill, args.prompt_tokens / (t1 - t0))
        best_decode = max(best_decode, args.gen_tokens / (t2 - t1))
    print(json.dumps({"prefill_tps": best_prefill, "decode_tps": best_decode, "decode_empty_tps": best_empty,
                      "threads": args.threads, "llama_cpp_python": llama_cpp.__version__}))


if __name__ == "__main__":
    main()
