#!/usr/bin/env python3
"""Bounded load test of `neox serve`: C concurrent clients, N requests each.

Each client sends a fixed mix (chat and completions, streamed and not) over
its own keep-alive connection and checks every answer: a 200 must be a
complete OpenAI body (a stream must end with "data: [DONE]"), a refusal must
be 429 or 503 with an OpenAI error body. Anything else (a dropped
connection, a timeout, a malformed body, another status) is unclean.
Prints latency percentiles (whole request, and time to first event for
streams), throughput, and the outcome counts; exit status 1 if any request
ended uncleanly.

Python standard library only. Usage:
  load_test.py --neox build/tools/neox/neox --model tests/fixtures/models/neox-hd24.f32.gguf \
               [--clients 32] [--requests 8] [--max-tokens 32] [--serve-args "--max-queue 8 --queue-timeout 0.5"]
  load_test.py --url http://127.0.0.1:4891 [--api-key KEY] ...     (a server already running)
"""
import argparse
import http.client
import json
import re
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def start_server(neox, model, extra):
    proc = subprocess.Popen([neox, "serve", model, "--port", "0", *extra], stderr=subprocess.PIPE, text=True)
    while True:
        line = proc.stderr.readline()
        if not line:
            raise RuntimeError("neox serve exited before listening")
        m = re.search(r"http://(127\.0\.0\.1):(\d+)/v1", line)
        if m:
            break
    # Drain its per-request log so the pipe never fills.
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, m.group(1), int(m.group(2))


class Outcome:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency_ms = []
        self.first_event_ms = []
        self.status = {}
        self.unclean = []
        self.tokens = 0

    def add(self, status, latency_ms, first_ms=None, tokens=0, problem=None):
        with self.lock:
            self.status[status] = self.status.get(status, 0) + 1
            if problem:
                self.unclean.append(problem)
            elif status == 200:
                self.latency_ms.append(latency_ms)
                self.tokens += tokens
                if first_ms is not None:
                    self.first_event_ms.append(first_ms)


def one_request(conn, headers, kind, stream, max_tokens, model, n):
    if kind == "chat":
        path = "/v1/chat/completions"
        body = {"model": model, "messages": [{"role": "user", "content": f"Request {n}: tell me a story."}]}
    else:
        path = "/v1/completions"
        body = {"model": model, "prompt": f"Request {n}: once upon a time"}
    body.update({"max_tokens": max_tokens, "temperature": 0.8, "seed": n, "stream": stream})
    if stream:
        body["stream_options"] = {"include_usage": True}
    t0 = time.perf_counter()
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    resp = conn.getresponse()
    first_ms = None
    if resp.status != 200:
        data = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        try:
            err = json.loads(data)["error"]
            clean = resp.status in (429, 503) and isinstance(err.get("message"), str)
        except (ValueError, KeyError, TypeError):
            clean = False
        return resp.status, ms, None, 0, None if clean else f"status {resp.status}: {data[:200]!r}"
    if not stream:
        data = json.loads(resp.read())
        ms = (time.perf_counter() - t0) * 1000
        ok = data.get("choices") and data["choices"][0].get("finish_reason") in ("stop", "length")
        return 200, ms, None, data["usage"]["completion_tokens"], None if ok else f"bad body {data}"
    # Server-sent events, read line by line as they arrive.
    done, finish, tokens = False, None, 0
    while True:
        line = resp.readline()
        if not line:
            break
        line = line.decode("utf-8", "replace").rstrip("\r\n")
        if not line.startswith("data: "):
            continue
        if first_ms is None:
            first_ms = (time.perf_counter() - t0) * 1000
        payload = line[6:]
        if payload == "[DONE]":
            done = True
            continue
        chunk = json.loads(payload)
        if chunk.get("usage"):
            tokens = chunk["usage"]["completion_tokens"]
        for c in chunk.get("choices", []):
            finish = c.get("finish_reason") or finish
    resp.read()
    ms = (time.perf_counter() - t0) * 1000
    ok = done and finish in ("stop", "length")
    return 200, ms, first_ms, tokens, None if ok else f"stream ended without [DONE] or finish ({finish})"


def client(host, port, api_key, model, index, requests, max_tokens, outcome, timeout):
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    for i in range(requests):
        n = index * requests + i
        kind = "chat" if n % 2 == 0 else "completion"
        stream = (n // 2) % 2 == 0
        try:
            outcome.add(*one_request(conn, headers, kind, stream, max_tokens, model, n))
        except Exception as e:  # noqa: BLE001 — any failure to get an answer is unclean
            outcome.add("error", 0.0, problem=f"{type(e).__name__}: {e}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neox")
    parser.add_argument("--model")
    parser.add_argument("--url")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=8, help="per client")
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--serve-args", default="", help="extra arguments for neox serve")
    args = parser.parse_args()

    proc = None
    if args.url:
        u = urllib.parse.urlparse(args.url)
        host, port = u.hostname, u.port or 80
    else:
        if not (args.neox and args.model):
            parser.error("give --url, or --neox and --model")
        proc, host, port = start_server(args.neox, args.model, shlex.split(args.serve_args))
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/v1/models", headers={"Authorization": f"Bearer {args.api_key}"} if args.api_key else {})
        model = json.loads(conn.getresponse().read())["data"][0]["id"]
        conn.close()
        outcome = Outcome()
        threads = [threading.Thread(target=client, args=(host, port, args.api_key, model, i, args.requests,
                                                         args.max_tokens, outcome, args.timeout))
                   for i in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)

    total = args.clients * args.requests
    answered = sum(outcome.status.values())
    print(f"model {model}: {args.clients} clients x {args.requests} requests = {total}, "
          f"max_tokens {args.max_tokens}, {wall:.1f} s wall")
    print("outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcome.status.items(), key=str)))
    lat = outcome.latency_ms
    print(f"latency of 200s (ms): p50 {percentile(lat, 50):.0f}  p90 {percentile(lat, 90):.0f}  "
          f"p99 {percentile(lat, 99):.0f}  max {max(lat) if lat else float('nan'):.0f}")
    fe = outcome.first_event_ms
    print(f"streams, time to first event (ms): p50 {percentile(fe, 50):.0f}  p90 {percentile(fe, 90):.0f}  "
          f"p99 {percentile(fe, 99):.0f}")
    print(f"throughput: {len(lat) / wall:.1f} requests/s, {outcome.tokens / wall:.0f} generated tokens/s")
    if answered != total:
        outcome.unclean.append(f"{total - answered} requests unaccounted for")
    if outcome.unclean:
        print(f"UNCLEAN: {len(outcome.unclean)}; first: {outcome.unclean[:3]}")
        return 1
    print("every request completed (200) or was refused cleanly (429/503 with an OpenAI error body)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
