"""Writes a GGUF with random weights and the shapes of a real GPT-NeoX model,
for benchmarks (speed does not depend on the values). The tokenizer is copied
from the real GPT-NeoX vocabulary GGUF so llama.cpp accepts the file.

Usage: python3 make_bench_model.py --shape pythia-410m --type f16 \
           --vocab ../shared/reference/tokenizers/ggml-vocab-gpt-neox.gguf OUT.gguf
Quantized types (q8_0, q4_0, q4_k_m, ...) are written as F16 first, then
quantized by llama.cpp's own quantizer (llama-cpp-python), so both engines
run the file llama.cpp would make.
"""
import argparse
import ctypes
import os

import numpy as np
import gguf

# --type name: llama.cpp file type (LLAMA_FTYPE_MOSTLY_*)
QUANT_TYPES = {"q8_0": "Q8_0", "q4_0": "Q4_0", "q4_1": "Q4_1", "q5_0": "Q5_0", "q5_1": "Q5_1",
               "q4_k_m": "Q4_K_M", "q5_k_m": "Q5_K_M", "q6_k": "Q6_K"}

SHAPES = {
    # name: (n_embd, n_layer, n_head, n_vocab rows, context)
    "pythia-160m": (768, 12, 12, 50304, 2048),
    "pythia-410m": (1024, 24, 16, 50304, 2048),
    "pythia-1.4b": (2048, 24, 16, 50304, 2048),
    "pythia-6.9b": (4096, 32, 32, 50432, 2048),
    "gpt-neox-20b": (6144, 44, 64, 50432, 2048),
}


def copy_tokenizer(writer, vocab_path, n_vocab):
    reader = gguf.GGUFReader(vocab_path)
    fields = reader.fields
    tokens = [bytes(fields["tokenizer.ggml.tokens"].parts[i]).decode("utf-8")
              for i in fields["tokenizer.ggml.tokens"].data]
    types = [int(fields["tokenizer.ggml.token_type"].parts[i][0])
             for i in fields["tokenizer.ggml.token_type"].data]
    merges = [bytes(fields["tokenizer.ggml.merges"].parts[i]).decode("utf-8")
              for i in fields["tokenizer.ggml.merges"].data]
    tokens, types = tokens[:n_vocab], types[:n_vocab]
    while len(tokens) < n_vocab:  # pad like llama.cpp's converter does
        tokens.append(f"[PAD{len(tokens)}]")
        types.append(gguf.TokenType.UNUSED)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("olmo")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="pythia-410m", choices=sorted(SHAPES))
    ap.add_argument("--type", default="f16", choices=["f32", "f16"] + sorted(QUANT_TYPES))
    ap.add_argument("--vocab", required=True, help="ggml-vocab-gpt-neox.gguf")
    ap.add_argument("out")
    args = ap.parse_args()
    if args.type in QUANT_TYPES:
        tmp = args.out + ".f16.tmp"
        write_model(args.shape, "f16", args.vocab, tmp)
        try:
            quantize(tmp, args.out, QUANT_TYPES[args.type])
        finally:
            os.remove(tmp)
        return
    write_model(args.shape, args.type, args.vocab, args.out)


def quantize(src, dst, ftype_name):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + ftype_name)
    params.nthread = 2
    if llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params)) != 0:
        raise SystemExit(f"llama.cpp could not quantize {src} to {ftype_name}")


def write_model(shape, wtype_name, vocab, out):
    n_embd, n_layer, n_head, n_vocab, n_ctx = SHAPES[shape]
    n_ff = 4 * n_embd
    head_dim = n_embd // n_head
    wtype = np.float16 if wtype_name == "f16" else np.float32
    rng = np.random.default_rng(1234)

    def mat(rows, cols, dtype=wtype):  # weights [out, in]; small values keep activations finite
        return (rng.standard_normal((rows, cols), dtype=np.float32) * 0.02).astype(dtype)

    def vec(n, value=None):
        if value is not None:
            return np.full(n, value, dtype=np.float32)
        return (rng.standard_normal(n, dtype=np.float32) * 0.02).astype(np.float32)

    w = gguf.GGUFWriter(out, arch="gptneox")
    w.add_name(f"random-{shape}-{wtype_name}")
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_rope_dimension_count(int(head_dim * 0.25))
    w.add_layer_norm_eps(1e-5)
    w.add_parallel_residual(True)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if wtype_name == "f16" else gguf.LlamaFileType.ALL_F32)
    copy_tokenizer(w, vocab, n_vocab)

    w.add_tensor("token_embd.weight", mat(n_vocab, n_embd))
    for i in range(n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", vec(n_embd, 1.0))
        w.add_tensor(p + "attn_norm.bias", vec(n_embd))
        w.add_tensor(p + "attn_qkv.weight", mat(3 * n_embd, n_embd))
        w.add_tensor(p + "attn_qkv.bias", vec(3 * n_embd))
        w.add_tensor(p + "attn_output.weight", mat(n_embd, n_embd))
        w.add_tensor(p + "attn_output.bias", vec(n_embd))
        w.add_tensor(p + "ffn_norm.weight", vec(n_embd, 1.0))
        w.add_tensor(p + "ffn_norm.bias", vec(n_embd))
        w.add_tensor(p + "ffn_up.weight", mat(n_ff, n_embd))
        w.add_tensor(p + "ffn_up.bias", vec(n_ff))
        w.add_tensor(p + "ffn_down.weight", mat(n_embd, n_ff))
        w.add_tensor(p + "ffn_down.bias", vec(n_embd))
    w.add_tensor("output_norm.weight", vec(n_embd, 1.0))
    w.add_tensor("output_norm.bias", vec(n_embd))
    w.add_tensor("output.weight", mat(n_vocab, n_embd))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file(progress=False)
    w.close()


if __name__ == "__main__":
    main()
