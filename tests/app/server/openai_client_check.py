#!/usr/bin/env python3
"""The official `openai` Python client (PyPI) against `neox serve` on loopback.

Starts `neox serve MODEL --port 0 --api-key KEY` as a child, then checks, with
the client's own calls: the model list; chat and completions, streamed and
not (streamed text equals the whole reply for greedy decoding); stop strings;
logprobs (shape, sorted alternatives, the greedy choice first); seeds; a
disconnect mid-stream (the server logs the generation as cancelled and keeps
serving); malformed JSON and wrong field types (400); a wrong key (401); an
oversized body (413).

Usage: openai_client_check.py --neox BUILD/neox --model tests/fixtures/models/neox-hd24.f32.gguf
Exit status 0 when every check passed; each check prints PASS or FAIL.
"""
import argparse
import math
import re
import subprocess
import sys
import threading
import time

import json
import urllib.error
import urllib.request

import openai

KEY = "sk-neox-check"


class Server:
    def __init__(self, neox, model, extra=()):
        self.proc = subprocess.Popen(
            [neox, "serve", model, "--port", "0", "--api-key", KEY, *extra],
            stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.port = None
        deadline = time.time() + 30
        while self.port is None:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError("neox serve exited: " + "".join(self.lines))
            self.lines.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/v1", line)
            if m:
                self.port = int(m.group(1))
            if time.time() > deadline:
                raise RuntimeError("neox serve did not start")
        # Keep reading its log (one line per generation) in the background.
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


results = []


def check(name):
    def wrap(fn):
        def run(*args):
            t0 = time.time()
            try:
                fn(*args)
                results.append((name, True, ""))
                print(f"PASS {name} ({(time.time() - t0) * 1000:.0f} ms)", flush=True)
            except Exception as e:  # a failed check reports and the rest still run
                results.append((name, False, repr(e)))
                print(f"FAIL {name}: {e!r}", flush=True)
        return run
    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


@check("models.list")
def models_list(client, model_id):
    ids = [m.id for m in client.models.list().data]
    expect(ids == [model_id], f"models {ids}")


MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is GPT-NeoX?"}]


@check("chat: streamed equals non-streamed (greedy), usage counted")
def chat_stream(client, model_id):
    whole = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=24, temperature=0)
    choice = whole.choices[0]
    expect(choice.message.role == "assistant", choice.message.role)
    expect(choice.finish_reason in ("stop", "length"), choice.finish_reason)
    expect(whole.usage.completion_tokens > 0 and whole.usage.prompt_tokens > 0, whole.usage)
    expect(whole.usage.total_tokens == whole.usage.prompt_tokens + whole.usage.completion_tokens, whole.usage)
    stream = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=24, temperature=0,
                                            stream=True, stream_options={"include_usage": True})
    text, finish, usage = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for c in chunk.choices:
            text += c.delta.content or ""
            finish = c.finish_reason or finish
    expect(text == choice.message.content, f"{text!r} != {choice.message.content!r}")
    expect(finish == choice.finish_reason, finish)
    expect(usage is not None and usage.completion_tokens == whole.usage.completion_tokens, usage)


@check("completions: streamed equals non-streamed (greedy)")
def completion_stream(client, model_id):
    whole = client.completions.create(model=model_id, prompt="Hello world", max_tokens=20, temperature=0)
    text = "".join(c.choices[0].text for c in client.completions.create(
        model=model_id, prompt="Hello world", max_tokens=20, temperature=0, stream=True) if c.choices)
    expect(whole.object == "text_completion", whole.object)
    expect(text == whole.choices[0].text, f"{text!r} != {whole.choices[0].text!r}")
    expect(whole.usage.completion_tokens <= 20, whole.usage)


@check("stop strings (string and list), streamed and not")
def stop_strings(client, model_id):
    free = client.completions.create(model=model_id, prompt="Once upon", max_tokens=40, temperature=0).choices[0].text
    expect(len(free) >= 12, f"too short to pick a stop string: {free!r}")
    stop = free[len(free) // 2: len(free) // 2 + 3]
    want = free[:free.find(stop)]
    r = client.completions.create(model=model_id, prompt="Once upon", max_tokens=40, temperature=0, stop=stop)
    expect(r.choices[0].text == want and r.choices[0].finish_reason == "stop", (r.choices[0].text, want))
    streamed = "".join(c.choices[0].text for c in client.completions.create(
        model=model_id, prompt="Once upon", max_tokens=40, temperature=0, stop=["\x01", stop], stream=True)
        if c.choices)
    expect(streamed == want, (streamed, want))
    chat_free = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=30,
                                               temperature=0).choices[0].message.content
    if len(chat_free) >= 6:
        cs = chat_free[len(chat_free) // 2: len(chat_free) // 2 + 2]
        r = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=30, temperature=0, stop=[cs])
        expect(r.choices[0].message.content == chat_free[:chat_free.find(cs)], r.choices[0].message.content)
        expect(r.choices[0].finish_reason == "stop", r.choices[0].finish_reason)


@check("logprobs: chat top_logprobs sorted, greedy choice first, probabilities <= 1; completions legacy shape")
def logprobs(client, model_id):
    r = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=10, temperature=0,
                                       logprobs=True, top_logprobs=3)
    content = r.choices[0].logprobs.content
    expect(len(content) == r.usage.completion_tokens, (len(content), r.usage))
    for t in content:
        expect(t.logprob <= 0 and math.exp(t.logprob) <= 1, t)
        tops = [a.logprob for a in t.top_logprobs]
        expect(len(tops) == 3 and tops == sorted(tops, reverse=True), tops)
        expect(sum(math.exp(x) for x in tops) <= 1 + 1e-5, tops)
        expect(t.top_logprobs[0].token == t.token and t.top_logprobs[0].logprob == t.logprob, t)
        expect(t.bytes is not None and len(t.bytes) > 0, t)
    c = client.completions.create(model=model_id, prompt="Hello", max_tokens=6, temperature=0, logprobs=2)
    lp = c.choices[0].logprobs
    n = c.usage.completion_tokens
    expect(len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == len(lp.text_offset) == n, lp)
    for token, value, top in zip(lp.tokens, lp.token_logprobs, lp.top_logprobs):
        expect(token in top and top[token] == value == max(top.values()), (token, value, top))


@check("seed reproduces sampled text")
def seeds(client, model_id):
    def sample(seed):
        return client.completions.create(model=model_id, prompt="The", max_tokens=24, temperature=1.0,
                                         seed=seed).choices[0].text
    a = sample(1234)
    expect(sample(1234) == a, "same seed, different text")
    expect(any(sample(s) != a for s in (1, 2, 3)), "different seeds, same text")


@check("disconnect mid-stream: generation cancelled, next request served")
def disconnect(client, model_id, server):
    before = len(server.lines)
    stream = client.chat.completions.create(model=model_id, messages=MESSAGES, temperature=0, stream=True)
    got = 0
    for chunk in stream:
        got += 1
        if got == 3:
            break
    stream.close()  # closes the HTTP connection
    # The server notices at its next write: its log says the generation was cancelled.
    deadline = time.time() + 10
    while time.time() < deadline and not any("client disconnected" in l for l in server.lines[before:]):
        time.sleep(0.02)
    log = "".join(server.lines[before:])
    expect("client disconnected: cancelled" in log, f"server log: {log!r}")
    r = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=2, temperature=0)
    expect(r.choices[0].finish_reason in ("stop", "length"), r)


@check("malformed JSON and wrong types are 400 with an OpenAI error body")
def bad_requests(client, model_id, server):
    # The client always sends valid JSON, so the broken body goes by urllib.
    request = urllib.request.Request(server.base_url + "/chat/completions", data=b'{"model": "x", "messages": [',
                                     headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("accepted malformed JSON")
    except urllib.error.HTTPError as e:
        expect(e.code == 400, e.code)
        err = json.loads(e.read())["error"]
        expect(err["type"] == "invalid_request_error" and err["code"] == "invalid_json", err)
    try:
        client.chat.completions.create(model=model_id, messages="hi")
        raise AssertionError("accepted messages='hi'")
    except openai.BadRequestError as e:
        expect(e.status_code == 400, e.status_code)
        expect(e.body["param"] == "messages", e.body)
    try:
        client.completions.create(model=model_id, prompt="x", temperature=5)
        raise AssertionError("accepted temperature=5")
    except openai.BadRequestError as e:
        expect(e.body["param"] == "temperature", e.body)


@check("wrong key is 401 (AuthenticationError)")
def wrong_key(client, model_id, server):
    bad = openai.OpenAI(base_url=server.base_url, api_key="sk-wrong", max_retries=0)
    try:
        bad.models.list()
        raise AssertionError("accepted a wrong key")
    except openai.AuthenticationError as e:
        expect(e.status_code == 401, e.status_code)
        expect(e.code == "invalid_api_key", e.code)


@check("oversized body is 413")
def oversized(client, model_id, server):
    try:
        client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": "x" * 200_000}])
        raise AssertionError("accepted a 200 kB body with --max-body 65536")
    except openai.APIStatusError as e:
        expect(e.status_code == 413, e.status_code)
        expect(e.body["code"] == "request_too_large", e.body)
    r = client.chat.completions.create(model=model_id, messages=MESSAGES, max_tokens=1)
    expect(len(r.choices) == 1, r)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--neox", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    print(f"openai {openai.__version__}", flush=True)
    # One CPU thread: the tiny model gains nothing from more, and on a busy machine
    # a thread pool waiting for descheduled workers is what would be measured.
    server = Server(args.neox, args.model, ["--max-body", "65536", "--threads", "1"])
    try:
        client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, timeout=30)
        model_id = client.models.list().data[0].id
        for fn in (models_list, chat_stream, completion_stream, stop_strings, logprobs, seeds):
            fn(client, model_id)
        for fn in (disconnect, bad_requests, wrong_key, oversized):
            fn(client, model_id, server)
    finally:
        server.stop()
    failed = [r for r in results if not r[1]]
    print(f"{len(results) - len(failed)} of {len(results)} checks passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
