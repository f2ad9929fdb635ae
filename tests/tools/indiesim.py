#!/usr/bin/env python3
"""A second provider simulator, written apart from `discernus simulate` (core/sim) and sharing
none of its code or counting: it reads the providers' documents its own way (docs/PROVIDERS.md)
so that a run measured against it is not a run measured against our own assumptions.

Its own rules, where it and core/sim differ on purpose:
- tokens are counted with its own rule (words and punctuation, long words split every 4
  characters) and each provider's own factor (Anthropic 1.2, Mistral 1.1, Gemini 0.95), so no
  provider counts what the workbench estimates;
- OpenAI charges ceil(chars / 4) + max_tokens at admission (or the larger of the two with
  --openai-charge max), settles to usage after the reply unless --no-settle, refills continuously
  (its reset durations run in milliseconds) and counts a refused request against the request
  limit, as OpenAI documents; its 429 carries no retry-after header, only the message's "Please
  try again in 1.2s";
- Anthropic: three token buckets; output tokens are charged as they are produced (at the reply)
  and a request is admitted while the output bucket is not empty; remaining tokens rounded to
  the nearest thousand, reset instants rounded to the nearest second;
- Mistral: a sliding log of the last window; tokens charged as the prompt at admission, the
  completion added at the reply;
- Mistral with --mistral-headers bysize: its older token-only header set (ratelimitbysize-*, the
  reset in whole seconds), no request limit named, a 429 with no Retry-After;
- Gemini: no headers; input tokens only; a 429 body with QuotaFailure and RetryInfo;
- with --headers-at admission, every provider reads the counters a reply's headers show as it
  admits the call (its limiter runs before the model), not as the reply leaves;
- every provider bills at most max_tokens of output: an answer too long drops its evidence, and
  one still too long is cut (finish reason "length", as the providers say it).
Every algorithm can be swapped per provider (--alg openai=window ...). With --short
PROVIDER=FRACTION the provider also holds its request limit over FRACTION of a window ("60 RPM
may be enforced as 1 request per second": anthropic=1/60), which no header shows; a call refused
so gets a 429 naming no limit (Anthropic: "would exceed your account's rate limit").

Usage:
  indiesim.py serve [--port P] [--window-ms W] [--keys KEYS.json]    until interrupted
  indiesim.py bench --bin build/app/cli/discernus [--window-ms W] [--texts N] [--runs R,R,...]
      [--alg PROVIDER=bucket|window|fixed] [--openai-charge sum|max] [--no-settle]
      [--mistral-headers current|bysize] [--headers-at reply|admission] [--short PROVIDER=FRACTION]
      [--start-into MS] [--keep] [--verbose]
The bench sizes binding limits from a first run without any (each key holds about
--calls-per-window calls a window), then runs `discernus run` on the sample corpus
(resources/sample; four groups, two OpenAI keys) once per entry of --runs: `configured` (the
limits in the model list), `learn` (none written, nothing remembered), `again` (none written,
starting from what the runs before remembered). Per run: wall time, the least time this
simulator's rules allow the same calls (a greedy schedule of them), their ratio, the 429s and
how many jobs landed. Windows are scaled (--window-ms, DISCERNUS_WINDOW_MS_FOR_TESTING).
Loopback only: it binds 127.0.0.1 and nothing else.
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)
FACTOR = {"openai": 1.0, "anthropic": 1.2, "mistral": 1.1, "gemini": 0.95}


def count_tokens(text, provider):
    n = 0
    for t in TOKEN_RE.findall(text):
        n += max(1, math.ceil(len(t) / 4)) if t[0].isalnum() or t[0] == "_" else 1
    return max(1, round(n * FACTOR[provider]))


# ---- counters -------------------------------------------------------------------------------

class Bucket:
    """Capacity `limit`, refilled continuously at limit per window. `level` is what is free."""

    def __init__(self, limit, window):
        self.limit, self.window, self.level, self.at = limit, window, float(limit), None
        self.entries = {}

    def _refill(self, now):
        if self.at is not None:
            self.level = min(self.limit, self.level + (now - self.at) * self.limit / self.window)
        self.at = now

    def room(self, now):
        self._refill(now)
        return self.level

    def fits(self, now, n):
        return self.room(now) >= n

    def wait(self, now, n):
        free = self.room(now)
        return 0.0 if free >= n else (n - free) * self.window / self.limit

    def take(self, now, n, ident=None):
        self._refill(now)
        self.level -= n
        if ident is not None:
            self.entries[ident] = n

    def settle(self, now, ident, n):
        self._refill(now)
        old = self.entries.pop(ident, 0)
        self.level += old - n

    def until_full(self, now):
        free = self.room(now)
        return max(0.0, (self.limit - free) * self.window / self.limit)


class Log:
    """A sliding window: what was charged in the last `window` seconds counts."""

    def __init__(self, limit, window):
        self.limit, self.window, self.items = limit, window, []   # [ts, n, ident]

    def _prune(self, now):
        self.items = [i for i in self.items if i[0] > now - self.window]

    def room(self, now):
        self._prune(now)
        return self.limit - sum(i[1] for i in self.items)

    def fits(self, now, n):
        return self.room(now) >= n

    def wait(self, now, n):
        self._prune(now)
        if n > self.limit:
            return math.inf
        used = sum(i[1] for i in self.items)
        if used + n <= self.limit:
            return 0.0
        for ts, amount, _ in self.items:
            used -= amount
            if used + n <= self.limit:
                return max(0.0, ts + self.window - now)
        return 0.0

    def take(self, now, n, ident=None):
        self._prune(now)
        self.items.append([now, n, ident])

    def settle(self, now, ident, n):
        for i in self.items:
            if i[2] == ident and ident is not None:
                i[1] = n

    def until_full(self, now):
        self._prune(now)
        return max(0.0, self.items[-1][0] + self.window - now) if self.items else 0.0


class Fixed:
    """Forgets everything on each multiple of the window (of the wall clock)."""

    def __init__(self, limit, window):
        self.limit, self.window, self.used, self.start, self.entries = limit, window, 0, None, {}

    def _roll(self, now):
        start = math.floor((now + WALL_OFFSET) / self.window) * self.window
        if start != self.start:
            self.start, self.used, self.entries = start, 0, {}

    def room(self, now):
        self._roll(now)
        return self.limit - self.used

    def fits(self, now, n):
        return self.room(now) >= n

    def wait(self, now, n):
        return 0.0 if self.fits(now, n) else self.until_full(now)

    def take(self, now, n, ident=None):
        self._roll(now)
        self.used += n
        if ident is not None:
            self.entries[ident] = n

    def settle(self, now, ident, n):
        self._roll(now)
        if ident in self.entries:
            self.used += n - self.entries.pop(ident)

    def until_full(self, now):
        self._roll(now)
        return self.start + self.window - (now + WALL_OFFSET)


# Counters run on the monotonic clock; a fixed window's boundaries lie on the wall clock.
WALL_OFFSET = time.time() - time.monotonic()
COUNTERS = {"bucket": Bucket, "window": Log, "fixed": Fixed}
DEFAULT_ALG = {"openai": "bucket", "anthropic": "bucket", "mistral": "window", "gemini": "window"}


def go_duration(s):
    """OpenAI's reset format: 12ms, 1.5s, 1m0s."""
    if s < 1:
        return "%dms" % max(0, round(s * 1000))
    m, sec = divmod(s, 60)
    return ("%dm%ss" % (m, ("%.3f" % sec).rstrip("0").rstrip("."))) if m else ("%.3f" % sec).rstrip("0").rstrip(".") + "s"


def rfc3339(epoch):
    return datetime.fromtimestamp(round(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- the server -----------------------------------------------------------------------------

class Key:
    def __init__(self, name, spec, window, algs, short=None):
        self.name, self.provider = name, spec["provider"]
        self.alg = algs.get(self.provider, DEFAULT_ALG[self.provider])
        alg = COUNTERS[self.alg]
        self.limits = {d: spec[d] for d in ("rpm", "tpm", "itpm", "otpm") if spec.get(d)}
        self.c = {d: alg(v, window) for d, v in self.limits.items()}
        # The request limit enforced over shorter intervals too ("60 RPM may be enforced as 1
        # request per second"): a bucket holding `short` of a window's requests (at least one),
        # refilled at the minute's rate. No header shows it.
        self.short = short
        if short and "rpm" in self.limits:
            cap = max(1.0, self.limits["rpm"] * short)
            self.c["rps"] = Bucket(cap, cap * window / self.limits["rpm"])


class Sim:
    def __init__(self, keys, window, algs, latency, jitter, per_token, openai_charge, settle, seed=7, short=None):
        self.lock = threading.Lock()
        self.window = window
        short = short or {}
        self.keys = {k: Key(k, s, window, algs, short.get(s["provider"])) for k, s in keys.items()}
        self.latency, self.jitter, self.per_token = latency, jitter, per_token
        self.openai_charge, self.settle_openai = openai_charge, settle
        self.rng = random.Random(seed)
        self.log = []   # one dict per request
        self.next_id = 0
        self.mistral_headers = "current"   # or "bysize": Mistral's older token-only header set
        self.headers_at = "reply"   # or "admission": the limit headers a reply carries were computed at admission

    def reset_log(self):
        with self.lock:
            self.log = []


def prompt_text(provider, body):
    if provider == "gemini":
        parts = [p.get("text", "") for c in body.get("contents", []) for p in c.get("parts", [])]
        parts += [p.get("text", "") for p in (body.get("systemInstruction") or {}).get("parts", [])]
        return "\n".join(parts)
    out = []
    sys_ = body.get("system")
    if isinstance(sys_, str):
        out.append(sys_)
    elif isinstance(sys_, list):
        out += [b.get("text", "") for b in sys_]
    for m in body.get("messages", []):
        c = m.get("content")
        out += [c] if isinstance(c, str) else [b.get("text", "") for b in (c or []) if isinstance(b, dict)]
    return "\n".join(out)


def reply_text(prompt, rng, provider, max_tokens):
    """The model's answer to the framework's schema and whether it was cut at max_tokens. No
    provider bills more output than max_tokens: an answer too long drops its evidence (a terser
    model), and one still too long is cut there (finish reason "length")."""
    m = re.search(r"OUTPUT_SCHEMA: (\{.*\})", prompt)
    schema = json.loads(m.group(1)) if m else {"dimensions": [{"id": "score", "min": 0, "max": 1}], "text_ids": ["t"]}
    ids = schema.get("text_ids") or ["t"]
    scores = [{d["id"]: round(rng.uniform(d.get("min", 0), d.get("max", 1)), 2) for d in schema["dimensions"]}
              for _ in ids]

    def answer(evidence):
        each = [{k: dict(score=v, **({"evidence": "the passage on " + k} if evidence else {})) for k, v in s.items()}
                for s in scores]
        return json.dumps(each[0] if len(ids) == 1 else [dict(text_id=i, **one) for i, one in zip(ids, each)])
    text = answer(True)
    if not max_tokens or count_tokens(text, provider) <= max_tokens:
        return text, False
    text = answer(False)
    if count_tokens(text, provider) <= max_tokens:
        return text, False
    while text and count_tokens(text, provider) > max_tokens:
        text = text[:len(text) * 9 // 10]
    return text, True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sim = None

    def log_message(self, *a):
        pass

    def send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/indie/log":
            with self.sim.lock:
                return self.send(200, self.sim.log)
        self.send(404, {"error": "not found"})

    def do_POST(self):
        sim = self.sim
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        if self.path == "/indie/reset":
            sim.reset_log()
            return self.send(200, {})
        key = self.headers.get("x-api-key") or self.headers.get("x-goog-api-key") or \
            (self.headers.get("authorization") or "").removeprefix("Bearer ").strip()
        k = sim.keys.get(key)
        if k is None:
            return self.send(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                             "param": None, "code": "invalid_api_key"}})
        p = k.provider
        prompt = prompt_text(p, body)
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or \
            (body.get("generationConfig") or {}).get("maxOutputTokens") or 0
        in_tok = count_tokens(prompt, p)
        model = body.get("model") or self.path.split("/models/")[-1].split(":")[0]
        with sim.lock:
            now = time.monotonic()
            sim.next_id += 1
            ident = sim.next_id
            entry = {"key": key, "provider": p, "arrive": now, "in": in_tok, "max_tokens": max_tokens}
            entry["chars"] = len(prompt)
            charge = charge_of(sim, p, entry)
            refused = [d for d, n in charge.items() if d in k.c and not k.c[d].fits(now, n)]
            if refused:
                # A minute counter that refuses names itself; the short interval only when alone.
                d = next((x for x in refused if x != "rps"), "rps")
                wait = max(k.c[x].wait(now, charge[x]) for x in refused)
                if p == "openai" and "rpm" not in refused and "rpm" in k.c:
                    k.c["rpm"].take(now, 1)   # failed requests count (OpenAI documents it)
                entry.update(status=429, dim=d, done=now)
                sim.log.append(entry)
                headers = self.limit_headers(k, now)
                return self.refuse(k, d, charge[d], now, wait, model, headers)
            for d, n in charge.items():
                if d in k.c and d != "otpm":
                    k.c[d].take(now, n, ident)
            # Headers computed where the gateway admits the call, sent with the reply.
            admitted_headers = self.limit_headers(k, now) if sim.headers_at == "admission" else None
        out_text, cut = reply_text(prompt, sim.rng, p, max_tokens)
        out_tok = count_tokens(out_text, p)
        delay = max(0.0, sim.latency + sim.rng.uniform(-sim.jitter, sim.jitter) + sim.per_token * out_tok)
        time.sleep(delay)
        with sim.lock:
            now = time.monotonic()
            if p == "openai" and sim.settle_openai and "tpm" in k.c:
                k.c["tpm"].settle(now, ident, in_tok + out_tok)
            elif p == "anthropic" and "otpm" in k.c:
                k.c["otpm"].take(now, out_tok)
            elif p == "mistral" and "tpm" in k.c:
                k.c["tpm"].settle(now, ident, in_tok + out_tok)
            headers = admitted_headers if admitted_headers is not None else self.limit_headers(k, now)
            entry.update(status=200, out=out_tok, done=now, latency=delay)
            sim.log.append(entry)
        return self.send(200, self.reply(p, model, out_text, in_tok, out_tok, cut), headers)

    def limit_headers(self, k, now):
        p, c, h = k.provider, k.c, []
        if p == "openai":
            for d, name in (("rpm", "requests"), ("tpm", "tokens")):
                if d in c:
                    h += [("x-ratelimit-limit-" + name, str(k.limits[d])),
                          ("x-ratelimit-remaining-" + name, str(max(0, math.floor(c[d].room(now))))),
                          ("x-ratelimit-reset-" + name, go_duration(c[d].until_full(now)))]
        elif p == "anthropic":
            wall = time.time()
            for d, name in (("rpm", "requests"), ("itpm", "input-tokens"), ("otpm", "output-tokens")):
                if d in c:
                    rem = max(0, math.floor(c[d].room(now)))
                    if d != "rpm":
                        rem = int(round(rem, -3))
                    h += [("anthropic-ratelimit-%s-limit" % name, str(k.limits[d])),
                          ("anthropic-ratelimit-%s-remaining" % name, str(rem)),
                          ("anthropic-ratelimit-%s-reset" % name, rfc3339(wall + c[d].until_full(now)))]
        elif p == "mistral" and self.sim.mistral_headers == "bysize":
            # The older set: tokens only, the reset in whole seconds.
            if "tpm" in c:
                left, limit = str(max(0, math.floor(c["tpm"].room(now)))), str(k.limits["tpm"])
                h += [("ratelimitbysize-limit", limit), ("ratelimitbysize-remaining", left),
                      ("ratelimitbysize-reset", str(math.ceil(c["tpm"].until_full(now)))),
                      ("x-ratelimitbysize-limit-minute", limit), ("x-ratelimitbysize-remaining-minute", left)]
        elif p == "mistral":
            for d, name in (("rpm", "req"), ("tpm", "tokens")):
                if d in c:
                    h += [("x-ratelimit-limit-%s-minute" % name, str(k.limits[d])),
                          ("x-ratelimit-remaining-%s-minute" % name, str(max(0, math.floor(c[d].room(now)))))]
        return h

    def refuse(self, k, d, n, now, wait, model, headers):
        p = k.provider
        if d == "rps":
            # Refused over the short interval while the minute's counters show room: the message
            # names no limit (Anthropic's "would exceed your account's rate limit").
            retry = [("retry-after", str(max(1, math.ceil(wait))))]
            if p == "anthropic":
                return self.send(429, {"type": "error", "error": {
                    "type": "rate_limit_error",
                    "message": "This request would exceed your account's rate limit. Please try again later."},
                    "request_id": "req_indie"}, headers + retry)
            if p == "openai":
                return self.send(429, {"error": {
                    "message": "Requests to the ChatCompletions_Create Operation have exceeded call rate limit "
                               "of your current pricing tier. Please retry after %d seconds." % max(1, math.ceil(wait)),
                    "type": "requests", "param": None, "code": "429"}}, headers + retry)
            if p == "mistral":
                return self.send(429, {"object": "error", "message": "Rate limit exceeded", "type": "rate_limited",
                                       "param": None, "code": "1300"}, headers + retry)
            return self.send(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                             "message": "Resource has been exhausted (e.g. check quota)."}})
        if p == "openai":
            kind = {"rpm": ("requests", "requests per min (RPM)"), "tpm": ("tokens", "tokens per min (TPM)")}[d]
            used = k.limits[d] - max(0, math.floor(k.c[d].room(now)))
            msg = ("Rate limit reached for %s in organization org-indie on %s: Limit %d, Used %d, Requested %d. "
                   "Please try again in %s. Visit https://platform.openai.com/account/rate-limits to learn more."
                   % (model, kind[1], k.limits[d], used, n, go_duration(wait)))
            return self.send(429, {"error": {"message": msg, "type": kind[0], "param": None,
                                             "code": "rate_limit_exceeded"}}, headers)
        if p == "anthropic":
            what = {"rpm": "requests", "itpm": "input tokens", "otpm": "output tokens"}[d]
            msg = ("This request would exceed the rate limit for your organization of %s %s per minute. "
                   "For details, refer to: https://docs.anthropic.com/en/api/rate-limits." % (format(k.limits[d], ","), what))
            return self.send(429, {"type": "error", "error": {"type": "rate_limit_error", "message": msg},
                                   "request_id": "req_indie"}, headers + [("retry-after", str(max(1, math.ceil(wait))))])
        if p == "mistral" and self.sim.mistral_headers == "bysize":
            headers = [(n, v) for n, v in headers if n != "ratelimitbysize-reset"]
            return self.send(429, {"message": "Requests rate limit exceeded"},
                             headers + [("ratelimitbysize-reset", str(max(1, math.ceil(wait))))])
        if p == "mistral":
            return self.send(429, {"object": "error", "message": "Rate limit exceeded", "type": "rate_limited",
                                   "param": None, "code": "1300"}, headers + [("retry-after", str(max(1, math.ceil(wait))))])
        quota = {"rpm": ("generate_content_requests", "GenerateRequestsPerMinutePerProjectPerModel"),
                 "tpm": ("generate_content_input_token_count", "GenerateContentInputTokensPerModelPerMinute")}[d]
        return self.send(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                         "message": "You exceeded your current quota. Please retry in %.3fs." % wait,
                                         "details": [
                                             {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                                                 {"quotaMetric": "generativelanguage.googleapis.com/" + quota[0],
                                                  "quotaId": quota[1], "quotaDimensions": {"location": "global", "model": model},
                                                  "quotaValue": str(k.limits[d])}]},
                                             {"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                              "retryDelay": "%ds" % max(1, math.ceil(wait))}]}})

    @staticmethod
    def reply(p, model, text, i, o, cut):
        if p == "anthropic":
            return {"id": "msg_indie", "type": "message", "role": "assistant", "model": model,
                    "content": [{"type": "text", "text": text}], "stop_reason": "max_tokens" if cut else "end_turn",
                    "stop_sequence": None,
                    "usage": {"input_tokens": i, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                              "output_tokens": o}}
        if p == "gemini":
            return {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"},
                                    "finishReason": "MAX_TOKENS" if cut else "STOP",
                                    "index": 0}],
                    "usageMetadata": {"promptTokenCount": i, "candidatesTokenCount": o, "totalTokenCount": i + o},
                    "modelVersion": model, "responseId": "indie"}
        return {"id": "chatcmpl-indie", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "length" if cut else "stop"}],
                "usage": {"prompt_tokens": i, "completion_tokens": o, "total_tokens": i + o}}


class Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a burst of connections beyond it waits for the client's
    # SYN retry (1 s), which no provider does.
    request_queue_size = 256


def start_server(sim, port=0):
    handler = type("H", (Handler,), {"sim": sim})
    srv = Server(("127.0.0.1", port), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


# ---- the least time the limits allow ----------------------------------------------------------

def charge_of(sim, prov, e):
    """What the provider counts when a call arrives (the rest comes with the reply, replay_reply)."""
    ch = {"rpm": 1, "rps": 1}
    if prov == "openai":
        est = math.ceil(e["chars"] / 4)
        ch["tpm"] = max(est, e["max_tokens"]) if sim.openai_charge == "max" else est + e["max_tokens"]
    elif prov == "anthropic":
        ch["itpm"], ch["otpm"] = e["in"], 1      # otpm: only that the output bucket is not empty
    else:
        ch["tpm"] = e["in"]
    return ch


def fresh_key(sim, k):
    return Key(k.name, {"provider": k.provider, **k.limits}, sim.window, {k.provider: k.alg}, k.short)


def least_time(sim, log):
    """The same admitted calls, in the order they arrived, each sent at the earliest moment (never
    before the one before it) some key of its group admits it, with the latency it had and the
    provider's counting at its reply. Seconds from the first arrival to the last reply, per provider
    (a provider's keys form one group). A greedy schedule: a bound a router can reach, not a proof
    that nothing is faster."""
    import copy
    calls = [e for e in log if e["status"] == 200]
    if not calls:
        return {}
    t0 = min(e["arrive"] for e in log)
    out = {}
    for prov in sorted({e["provider"] for e in calls}):
        mine = sorted((e for e in calls if e["provider"] == prov), key=lambda e: e["arrive"])
        keys = [fresh_key(sim, k) for k in sim.keys.values() if k.provider == prov and k.limits]
        keys = [k for k in keys if any(e["key"] == k.name for e in mine)]
        pending = {k.name: [] for k in keys}   # (time, dim, ident, amount): the provider's count at a reply
        t_prev, t_end = t0, t0

        def earliest(k, pend, ch, t):
            for _ in range(10000):
                for ev in sorted(p for p in pend if p[0] <= t):
                    pend.remove(ev)
                    replay_reply(k, ev)
                w = max((k.c[d].wait(t, v) for d, v in ch.items() if d in k.c), default=0.0)
                if w <= 1e-9:
                    return t
                nxt = min((p[0] for p in pend), default=math.inf)
                t = min(t + w, nxt) if nxt > t else t + w
            return t

        for n, e in enumerate(mine):
            ch = charge_of(sim, prov, e)
            best = None
            for i, k in enumerate(keys):
                kk, pend = copy.deepcopy(k), list(pending[k.name])
                t = earliest(kk, pend, ch, t_prev)
                if best is None or t < best[0]:
                    best = (t, i)
            t, i = best
            k = keys[i]
            earliest(k, pending[k.name], ch, t)
            for d, v in ch.items():
                if d in k.c and d != "otpm":
                    k.c[d].take(t, v, n)
            done = t + e["latency"]
            if prov == "openai" and sim.settle_openai:
                pending[k.name].append((done, "tpm", n, e["in"] + e["out"]))
            elif prov == "anthropic":
                pending[k.name].append((done, "otpm", -1, e["out"]))
            elif prov == "mistral":
                pending[k.name].append((done, "tpm", n, e["in"] + e["out"]))
            t_prev, t_end = t, max(t_end, done)
        out[prov] = t_end - t0
    return out


def replay_reply(k, ev):
    at, d, ident, amount = ev
    if d in k.c:
        if ident < 0:
            k.c[d].take(at, amount)
        else:
            k.c[d].settle(at, ident, amount)


# ---- the bench --------------------------------------------------------------------------------

MODELS = [("gpt-4o-mini", "openai", "openai/gpt-4o-mini", "/v1", ["indie-oa-1", "indie-oa-2"]),
          ("claude-haiku", "anthropic", "anthropic/claude-3-5-haiku-20241022", "", ["indie-an-1"]),
          ("mistral-small", "mistral", "mistral/mistral-small-latest", "/v1", ["indie-mi-1"]),
          ("gemini-flash", "gemini", "gemini/gemini-2.5-flash", "", ["indie-ge-1"])]


def write_project(work, base, texts, limits, configured, max_tokens):
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "sample")
    corpus = os.path.join(work, "corpus")
    if not os.path.isdir(corpus):
        os.makedirs(corpus)
        src = sorted(os.listdir(os.path.join(sample, "corpus")))
        for i in range(texts):
            with open(os.path.join(sample, "corpus", src[i % len(src)])) as f:
                text = f.read()
            with open(os.path.join(corpus, "t%03d.txt" % i), "w") as f:
                f.write(text if i < len(src) else "(%d) %s" % (i, text))
        shutil.copytree(os.path.join(sample, "frameworks"), os.path.join(work, "frameworks"))
    lines = ["model_list:"]
    for group, prov, model, path, keys in MODELS:
        for key in keys:
            lines += ["  - model_name: " + group, "    litellm_params:", "      model: " + model,
                      "      api_key: " + key, "      api_base: " + base + path]
            if configured:
                lines += ["      %s: %d" % (d, v) for d, v in limits[key].items()]
    lines += ["router_settings:", "  num_retries: 6", "  timeout: 120"]
    with open(os.path.join(work, "litellm_config.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    runs = "\n".join("    - {run_id: r-%s, model: %s, framework: mft, corpus_subset: c}" % (g, g) for g, *_ in MODELS)
    with open(os.path.join(work, "experiment.yaml"), "w") as f:
        f.write("experiment: {name: indie}\ncorpus:\n  - {id: c, path: corpus/}\nframeworks:\n"
                "  - {id: mft, path: frameworks/mft.yaml}\nexecution:\n  temperature: 0.1\n"
                "  max_tokens: %d\n  repetitions: 1\n  matrix:\n%s\n" % (max_tokens, runs))


def run_cli(args, work, tag, learned, window_ms):
    db = os.path.join(work, tag + ".sqlite")
    env = dict(os.environ, DISCERNUS_WINDOW_MS_FOR_TESTING=str(int(window_ms)), DISCERNUS_LEARNED_LIMITS=learned)
    cmd = [args.bin, "run", "--config", os.path.join(work, "litellm_config.yaml"),
           "--experiment", os.path.join(work, "experiment.yaml"), "--db", db, "--json"]
    cmd.append("--verbose" if args.verbose else "--quiet")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    with open(os.path.join(work, tag + ".stderr"), "w") as f:
        f.write(p.stderr)
    try:
        summary = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        summary = {}
    return p.returncode, summary, p.stderr


def bench(args):
    window = args.window_ms / 1000.0
    algs = dict(a.split("=") for a in args.alg)
    work = tempfile.mkdtemp(prefix="indiesim-")
    learned = os.path.join(work, "learned-limits.json")
    # A first pass without limits: what each provider counts for one call here, to size the limits.
    free_keys = {key: {"provider": prov} for _, prov, _, _, keys in MODELS for key in keys}
    sim = Sim(free_keys, window, algs, args.latency_ms / 1000, args.jitter_ms / 1000, 0.0, args.openai_charge,
              not args.no_settle)
    sim.mistral_headers = args.mistral_headers
    sim.headers_at = args.headers_at
    srv = start_server(sim)
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    write_project(work, base, args.texts, {}, False, args.max_tokens)
    rc, summary, err = run_cli(args, work, "free", "", args.window_ms)
    if rc != 0:
        sys.exit("indiesim: the run without limits failed (%d): %s" % (rc, err[-2000:]))
    free_log = sim.log
    free_wall = max(e["done"] for e in free_log) - min(e["arrive"] for e in free_log)
    srv.shutdown()
    srv.server_close()
    per = {}
    for e in free_log:
        per.setdefault(e["provider"], []).append(e)
    # Binding limits: each key holds about `--calls-per-window` calls a window by every dimension.
    limits = {}
    cpw = args.calls_per_window
    for group, prov, _, _, keys in MODELS:
        es = per[prov]
        mean = lambda f: sum(f(e) for e in es) / len(es)
        for key in keys:
            if prov == "openai":
                ch = mean(lambda e: charge_of(sim, prov, e)["tpm"])
                limits[key] = {"rpm": cpw + 1, "tpm": int(ch * cpw * 1.02)}
            elif prov == "anthropic":
                limits[key] = {"rpm": cpw + 1, "itpm": int(mean(lambda e: e["in"]) * cpw * 1.02),
                               "otpm": int(mean(lambda e: e["out"]) * cpw * 1.3)}
            else:
                limits[key] = {"rpm": cpw + 1, "tpm": int(mean(lambda e: e["in"] + e["out"]) * cpw * 1.02)}
    print("indiesim: %d texts x %d groups, window %.0f ms, latency %d±%d ms; algorithms %s; OpenAI charges %s%s; "
          "%sthe run without limits took %.1f s" % (args.texts, len(MODELS), args.window_ms, args.latency_ms, args.jitter_ms,
                                                   {p: algs.get(p, DEFAULT_ALG[p]) for p in DEFAULT_ALG},
                                                   "prompt/4 + max_tokens" if args.openai_charge == "sum" else "max(prompt/4, max_tokens)",
                                                   "" if args.no_settle else ", settled to usage",
                                                   "requests also limited over %s of a window; " % ", ".join(args.short) if args.short else "",
                                                   free_wall))
    print("limits per key: " + "; ".join("%s %s" % (k, " ".join("%s %d" % kv for kv in v.items())) for k, v in limits.items()))
    print("%-11s %7s %7s %6s %5s %6s %5s   %s" % ("run", "wall_s", "least_s", "ratio", "429", "calls", "done",
                                               "per group: wall/least s"))
    if os.path.exists(learned):
        os.remove(learned)
    port = 0
    for index, tag in enumerate(args.runs.split(",")):
        configured = tag == "configured"
        if tag == "learn" and os.path.exists(learned):
            os.remove(learned)
        keys = {key: {"provider": prov, **limits[key]} for _, prov, _, _, ks in MODELS for key in ks}
        sim = Sim(keys, window, algs, args.latency_ms / 1000, args.jitter_ms / 1000, 0.0, args.openai_charge,
                  not args.no_settle, short=short_of(args))
        sim.mistral_headers = args.mistral_headers
        sim.headers_at = args.headers_at
        # One port for every run: what a run remembers belongs to the api_base it learned it on.
        srv = start_server(sim, port)
        port = srv.server_address[1]
        base = "http://127.0.0.1:%d" % port
        write_project(work, base, args.texts, limits, configured, args.max_tokens)
        lf = "" if configured else learned
        # Let every window of the previous run pass: each run starts with full limits.
        if args.start_into is not None:
            # A fixed window's phase: start the run this far into a window of the wall clock.
            time.sleep((args.start_into / 1000.0 - time.time()) % window)
        rc, summary, err = run_cli(args, work, "%d-%s" % (index, tag), lf, args.window_ms)
        log = sim.log
        with open(os.path.join(work, "%d-%s-log.json" % (index, tag)), "w") as f:
            json.dump(log, f, indent=0)
        srv.shutdown()
        srv.server_close()
        least = least_time(sim, log)
        t0 = min(e["arrive"] for e in log)
        wall = max(e["done"] for e in log) - t0
        groups = []
        for prov in ("openai", "anthropic", "mistral", "gemini"):
            mine = [e for e in log if e["provider"] == prov]
            groups.append("%s %.1f/%.1f" % (prov[:2], max(e["done"] for e in mine) - t0, least.get(prov, 0)))
        refused = sum(1 for e in log if e["status"] == 429)
        done = summary.get("done", "?")
        print("%-11s %7.1f %7.1f %6.3f %5d %6d %5s   %s" % (tag, wall, max(least.values()), wall / max(least.values()),
                                                    refused, len(log), done, "  ".join(groups)))
        if rc not in (0,):
            print("  exit %d: %s" % (rc, err.strip()[-600:]))
        time.sleep(window)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept " + work)


def short_of(args):
    out = {}
    for a in args.short:
        prov, frac = a.split("=")
        num, _, den = frac.partition("/")
        out[prov] = float(num) / float(den or 1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("serve", "bench"):
        s = sub.add_parser(name)
        s.add_argument("--window-ms", type=float, default=10000)
        s.add_argument("--latency-ms", type=float, default=300)
        s.add_argument("--jitter-ms", type=float, default=100)
        s.add_argument("--alg", action="append", default=[], help="provider=bucket|window|fixed")
        s.add_argument("--openai-charge", choices=("sum", "max"), default="sum")
        s.add_argument("--no-settle", action="store_true", help="OpenAI never settles to usage")
        s.add_argument("--short", action="append", default=[], metavar="PROVIDER=FRACTION",
                       help="the request limit is also enforced over FRACTION of a window (1/60: per second)")
        s.add_argument("--mistral-headers", choices=("current", "bysize"), default="current",
                       help="bysize: Mistral's older token-only set (ratelimitbysize-*), no request limit named")
        s.add_argument("--headers-at", choices=("reply", "admission"), default="reply",
                       help="admission: a reply's limit headers show the counters as they were when the call was "
                            "admitted (before its own settlement and the replies in between)")
    s = sub.choices["serve"]
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--keys", help="JSON: {key: {provider, rpm, tpm, itpm, otpm}}")
    b = sub.choices["bench"]
    b.add_argument("--bin", required=True)
    b.add_argument("--texts", type=int, default=12)
    b.add_argument("--max-tokens", type=int, default=600)
    b.add_argument("--calls-per-window", type=int, default=4)
    b.add_argument("--runs", default="configured,learn,again")
    b.add_argument("--start-into", type=float, default=None, metavar="MS",
                   help="start each run MS into a window of the wall clock (where fixed windows begin)")
    b.add_argument("--keep", action="store_true", help="keep the project, logs and the runs' stderr")
    b.add_argument("--verbose", action="store_true", help="run discernus with --verbose")
    args = ap.parse_args()
    if args.cmd == "bench":
        return bench(args)
    keys = json.load(open(args.keys)) if args.keys else {}
    sim = Sim(keys, args.window_ms / 1000, dict(a.split("=") for a in args.alg), args.latency_ms / 1000,
              args.jitter_ms / 1000, 0.0, args.openai_charge, not args.no_settle, short=short_of(args))
    sim.mistral_headers = args.mistral_headers
    sim.headers_at = args.headers_at
    srv = start_server(sim, args.port)
    print("indiesim listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
