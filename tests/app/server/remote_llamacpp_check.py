#!/usr/bin/env python3
"""The remote-engine client (OpenAiClient, through neox_remote_probe) against
llama-cpp-python's own OpenAI-compatible server on loopback.

Starts `python -m llama_cpp.server` on the fixture GGUF, then checks that the
client lists its model, that a greedy chat streamed through the client adds
up to the reply the server gives non-streamed, and that a stop string picked
from that reply ends the client's reply just before it.

Usage: remote_llamacpp_check.py --probe BUILD/neox_remote_probe --model tests/fixtures/models/neox-hd24.f32.gguf
"""
import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", args.model, "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "256"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = 0
    try:
        deadline = time.time() + 60
        while True:
            try:
                models = json.loads(urllib.request.urlopen(base + "/models", timeout=2).read())
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    print("FAIL llama_cpp.server did not start")
                    return 1
                time.sleep(0.2)
        model_id = models["data"][0]["id"]
        user = "Tell me about GPT-NeoX."

        def server_choice(max_tokens, **extra):
            body = json.dumps({"model": model_id, "messages": [{"role": "user", "content": user}],
                               "max_tokens": max_tokens, "temperature": 0, **extra}).encode()
            req = urllib.request.Request(base + "/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})
            return json.loads(urllib.request.urlopen(req, timeout=30).read())["choices"][0]

        def server_reply(max_tokens):
            return server_choice(max_tokens)["message"]["content"]

        def probe(*extra):
            out = subprocess.run([args.probe, base, model_id, "--user", user, *extra], capture_output=True,
                                 text=True, timeout=60)
            if out.returncode != 0:
                raise RuntimeError(out.stderr)
            return json.loads(out.stdout)

        def check(name, ok, detail):
            nonlocal failures
            print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
            failures += 0 if ok else 1

        whole = server_reply(24)
        got = probe("--max-tokens", "24")
        check("client lists llama_cpp.server's model", got["models"] == [model_id], got["models"])
        check("streamed through the client == server's non-streamed reply (greedy)", got["text"] == whole,
              (got["text"], whole))
        check("the reply came in pieces", got["pieces"] > 1, got["pieces"])
        check("finish_reason from the server", got["finish_reason"] in ("stop", "length"), got["finish_reason"])
        if len(whole) >= 8:
            stop = whole[len(whole) // 2: len(whole) // 2 + 2]
            got = probe("--max-tokens", "24", "--stop", stop)
            want = whole[:whole.find(stop)]
            check("stop string ends the reply before it", got["text"] == want and got["finish_reason"] == "stop",
                  (got, want))
        else:
            check("a reply long enough to pick a stop string", False, whole)
        # Token log probabilities: the server's own (non-streamed) against
        # what the client read from the stream; or, where this server does
        # not give them, the client still gets the reply (asked again without).
        got = probe("--max-tokens", "24", "--top-logprobs", "2")
        check("with log probabilities asked for, the same reply", got["text"] == whole, (got["text"], whole))
        own = (server_choice(24, logprobs=True, top_logprobs=2).get("logprobs") or {}).get("content") or []
        if own:
            same = len(got["tokens"]) == len(own) and all(
                t[0] == o["token"] and abs(t[1] - o["logprob"]) < 1e-3 for t, o in zip(got["tokens"], own))
            check("streamed token log probabilities == the server's own", same, (got["tokens"][:3], own[:3]))
        else:
            print("NOTE llama_cpp.server gave no log probabilities for a chat; the client got none", flush=True)
            check("no log probabilities where the server gives none", got["tokens"] == [], got["tokens"][:3])
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{'all checks passed' if failures == 0 else f'{failures} checks failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
