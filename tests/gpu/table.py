"""Prints the one table of tests/gpu/run.sh from the JSON lines that
neox_bench_gpu (and llamacpp_gpu.py) wrote. stdlib only.

Usage: python3 table.py RESULTS.jsonl COPY_GBPS SPEC_GBPS TESTS_SUMMARY LLAMA_NOTE
"""
import json
import sys


def main():
    path, copy_gbps, spec_gbps, tests, llama_note = sys.argv[1:6]
    copy_gbps, spec_gbps = float(copy_gbps), float(spec_gbps)
    rows, attention, llama, device = {}, [], {}, ""
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("kind") == "attention":
            attention.append(r)
            continue
        if r.get("kind") == "llama.cpp":
            llama[(r["shape"], r["type"])] = r
            continue
        device = r.get("backend", device)
        key = (r["shape"], r["type"])
        rows.setdefault(key, {})
        if r["kind"] == "decode":
            rows[key]["decode"] = r
        else:
            rows[key]["prefill%d" % r["tokens"]] = r["tps"]

    def cell(v, fmt):
        return fmt % v if v is not None else "-"

    print()
    print("NeoX CUDA backend on %s" % (device or "?"))
    print("tests: %s" % tests)
    print("bandwidth reference: device-to-device copy %.0f GB/s measured, %.0f GB/s spec" % (copy_gbps, spec_gbps))
    head = ("shape", "type", "decode t/s", "GB/s", "% copy", "% spec", "prefill512 t/s", "prefill4096 t/s",
            "llama.cpp t/s")
    widths = (14, 6, 11, 8, 7, 7, 15, 16, 14)
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for (shape, typ), r in rows.items():
        d = r.get("decode", {})
        gbps = d.get("gbps")
        l = llama.get((shape, typ), {})
        cells = (shape, typ, cell(d.get("tps"), "%.1f"), cell(gbps, "%.0f"),
                 cell(100 * gbps / copy_gbps if gbps and copy_gbps else None, "%.0f%%"),
                 cell(100 * gbps / spec_gbps if gbps and spec_gbps else None, "%.0f%%"),
                 cell(r.get("prefill512"), "%.0f"), cell(r.get("prefill4096"), "%.0f"),
                 cell(l.get("decode_tps"), "%.1f"))
        print("  ".join(c.rjust(w) for c, w in zip(cells, widths)))
    for a in attention:
        print("fused attention: n=%d head_dim=%d heads=%d causal: %.3f ms, %.1f TFLOP/s"
              % (a["n"], a["head_dim"], a["heads"], a["ms"], a["tflops"]))
    print("llama.cpp: %s" % llama_note)


if __name__ == "__main__":
    main()
