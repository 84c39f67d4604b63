"""llama.cpp (llama-cpp-python) with every layer on the GPU, on a GGUF file:
decode tokens/s after a prompt. Prints one JSON line for table.py.
Usage: python3 llamacpp_gpu.py MODEL.gguf SHAPE TYPE [--ctx 512] [--decode 64]"""
import argparse
import json
import random
import time

import llama_cpp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("shape")
    ap.add_argument("type")
    ap.add_argument("--ctx", type=int, default=512)
    ap.add_argument("--decode", type=int, default=64)
    a = ap.parse_args()
    llm = llama_cpp.Llama(model_path=a.model, n_ctx=a.ctx + a.decode + 8, n_batch=512, n_gpu_layers=-1,
                          verbose=False)
    rng = random.Random(0)
    prompt = [rng.randrange(100, 50000) for _ in range(a.ctx)]
    t0 = time.perf_counter()
    llm.eval(prompt)
    t1 = time.perf_counter()
    tok = prompt[-1]
    for _ in range(a.decode):
        llm.eval([tok])
        tok = rng.randrange(100, 50000)
    t2 = time.perf_counter()
    print(json.dumps({"kind": "llama.cpp", "shape": a.shape, "type": a.type,
                      "prefill_tps": a.ctx / (t1 - t0), "decode_tps": a.decode / (t2 - t1)}))


if __name__ == "__main__":
    main()
