#!/usr/bin/env python3
"""Writes models.json, the built-in catalog of GPT-NeoX-family models.

What is known and what is not:
  * repo ids, licences, context lengths and chat formats are those published on
    each model card; "unknown" where this file's author could not confirm one;
  * parameter counts are those of the Pythia paper's table (Dolly-v2, which is
    fine-tuned from Pythia, inherits its base's count; RedPajama-INCITE and
    StableLM-alpha are given as approximations and marked so);
  * approx_size_bytes = parameters x bytes per weight of the format (an estimate,
    not a file size); size_bytes and sha256 of each file are null (unknown) until
    someone fills them from the Hub: the downloader then checks them;
  * file lists follow each repository's usual layout; they were not checked
    against the Hub when written (files_checked: false). A file that is not
    there fails its download with the server's 404, which the app shows.
  * GGUF quantizations are made on the user's machine from the safetensors
    download (`neox quantize`), so they have no URL.

Run: python3 resources/catalog/make_catalog.py
"""
import json
import os

HF = "https://huggingface.co/{repo}/resolve/main/{file}"

# id, name, repo, parameters, params_exact, context, licence, template, description, sharded
MODELS = [
    ("pythia-70m", "Pythia 70M", "EleutherAI/pythia-70m", 70426624, True, 2048, "apache-2.0", "raw",
     "Smallest Pythia: a base model for tests, drafting and experiments.", False),
    ("pythia-160m", "Pythia 160M", "EleutherAI/pythia-160m", 162322944, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 160M parameters.", False),
    ("pythia-410m", "Pythia 410M", "EleutherAI/pythia-410m", 405334016, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 410M parameters.", False),
    ("pythia-1b", "Pythia 1B", "EleutherAI/pythia-1b", 1011781632, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 1B parameters.", False),
    ("pythia-1.4b", "Pythia 1.4B", "EleutherAI/pythia-1.4b", 1414647808, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 1.4B parameters.", False),
    ("pythia-2.8b", "Pythia 2.8B", "EleutherAI/pythia-2.8b", 2775208960, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 2.8B parameters.", True),
    ("pythia-6.9b", "Pythia 6.9B", "EleutherAI/pythia-6.9b", 6857302016, True, 2048, "apache-2.0", "raw",
     "Pythia base model, 6.9B parameters.", True),
    ("pythia-12b", "Pythia 12B", "EleutherAI/pythia-12b", 11846072320, True, 2048, "apache-2.0", "raw",
     "Largest Pythia base model.", True),
    ("dolly-v2-3b", "Dolly v2 3B", "databricks/dolly-v2-3b", 2775208960, False, 2048, "mit", "dolly",
     "Instruction-tuned Pythia-2.8B (databricks-dolly-15k).", True),
    ("dolly-v2-7b", "Dolly v2 7B", "databricks/dolly-v2-7b", 6857302016, False, 2048, "mit", "dolly",
     "Instruction-tuned Pythia-6.9B (databricks-dolly-15k).", True),
    ("dolly-v2-12b", "Dolly v2 12B", "databricks/dolly-v2-12b", 11846072320, False, 2048, "mit", "dolly",
     "Instruction-tuned Pythia-12B (databricks-dolly-15k).", True),
    ("redpajama-incite-chat-3b", "RedPajama-INCITE Chat 3B", "togethercomputer/RedPajama-INCITE-Chat-3B-v1",
     2800000000, False, 2048, "apache-2.0", "redpajama", "Chat model on the GPT-NeoX architecture, 2.8B parameters.",
     True),
    ("redpajama-incite-chat-7b", "RedPajama-INCITE Chat 7B", "togethercomputer/RedPajama-INCITE-7B-Chat",
     6900000000, False, 2048, "apache-2.0", "redpajama", "Chat model on the GPT-NeoX architecture, 6.9B parameters.",
     True),
    ("stablelm-tuned-alpha-3b", "StableLM-Tuned-Alpha 3B", "stabilityai/stablelm-tuned-alpha-3b", 3600000000, False,
     4096, "cc-by-nc-sa-4.0", "stablelm", "Chat-tuned StableLM-Alpha (non-commercial licence).", True),
    ("stablelm-tuned-alpha-7b", "StableLM-Tuned-Alpha 7B", "stabilityai/stablelm-tuned-alpha-7b", 7900000000, False,
     4096, "cc-by-nc-sa-4.0", "stablelm", "Chat-tuned StableLM-Alpha (non-commercial licence).", True),
    ("gpt-neox-20b", "GPT-NeoX-20B", "EleutherAI/gpt-neox-20b", 20554567680, True, 2048, "apache-2.0", "raw",
     "EleutherAI's 20B base model: the architecture this app is named after.", True),
    ("oasst-sft-4-pythia-12b", "OpenAssistant Pythia 12B (SFT-4, epoch 3.5)",
     "OpenAssistant/oasst-sft-4-pythia-12b-epoch-3.5", 11846072320, False, 2048, "apache-2.0", "openassistant",
     "OpenAssistant's supervised fine-tune of Pythia-12B.", True),
    ("fim-neox-1.3b", "FIM-NeoX 1.3B", "CarperAI/FIM-NeoX-1.3B", 1300000000, False, None, "unknown", "raw",
     "Fill-in-the-middle code model on the GPT-NeoX architecture (prompt format: FIM tokens, not chat).", False),
]

# Bytes per weight, and how each variant is obtained.
VARIANTS = [
    ("safetensors", "F16", 2.0, "download"),
    ("gguf", "Q8_0", 8.5 / 8, "quantize_locally"),
    ("gguf", "Q4_K_M", 4.85 / 8, "quantize_locally"),
]


def file_entry(repo, name):
    return {"path": name, "url": HF.format(repo=repo, file=name), "size_bytes": None, "sha256": None}


def main():
    models = []
    for (mid, name, repo, params, exact, ctx, lic, template, desc, sharded) in MODELS:
        variants = []
        for fmt, quant, bpw, how in VARIANTS:
            v = {"format": fmt, "quantization": quant, "approx_size_bytes": int(params * bpw), "source": how}
            if how == "download":
                weights = "model.safetensors.index.json" if sharded else "model.safetensors"
                v["files"] = [file_entry(repo, f) for f in ("config.json", "tokenizer.json", weights)]
                v["files_checked"] = False
                # Sharded checkpoints: the index's weight_map names the shard files to fetch next.
                v["shards_from_index"] = sharded
            variants.append(v)
        models.append({
            "id": mid, "name": name, "repo": repo, "architecture": "gptneox",
            "parameters": params, "parameters_exact": exact, "context_length": ctx,
            "license": lic, "chat_template": template, "description": desc, "variants": variants,
        })
    catalog = {"version": 1, "models": models}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models.json")
    with open(out, "w") as f:
        json.dump(catalog, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
