"""Writes small GGUF seed files for the GGUF fuzzer (every metadata type, arrays,
a few tensors of different types). Usage: python3 make_gguf_seeds.py OUT_DIR"""
import os
import sys

import numpy as np
import gguf


def write(path, version_arch):
    w = gguf.GGUFWriter(path, arch=version_arch)
    w.add_uint8("seed.u8", 7)
    w.add_int8("seed.i8", -7)
    w.add_uint16("seed.u16", 700)
    w.add_int16("seed.i16", -700)
    w.add_uint32("seed.u32", 70000)
    w.add_int32("seed.i32", -70000)
    w.add_float32("seed.f32", 0.5)
    w.add_uint64("seed.u64", 1 << 40)
    w.add_int64("seed.i64", -(1 << 40))
    w.add_float64("seed.f64", 0.25)
    w.add_bool("seed.bool", True)
    w.add_string("seed.string", "héllo")
    w.add_array("seed.array_i32", [1, 2, 3])
    w.add_array("seed.array_str", ["a", "bc", ""])
    w.add_array("tokenizer.ggml.tokens", ["<|endoftext|>", "a", "b", "ab"])
    rng = np.random.default_rng(0)
    w.add_tensor("f32", rng.standard_normal((3, 8)).astype(np.float32))
    w.add_tensor("f16", rng.standard_normal((2, 16)).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "seed-gptneox.gguf"), "gptneox")
