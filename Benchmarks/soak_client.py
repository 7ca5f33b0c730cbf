#!/usr/bin/env python3
"""Soak load for `nebius-chat serve` (stdlib only; started by Benchmarks/soak.sh).

Keeps --streams concurrent Claude streaming requests open against serve for --minutes, each one
200 chunks --chunk-delay apart (default 0.01 s: ~2 s a stream; a `[[script:text chunks=200
delay=...]]` directive for the scripted upstream), on keep-alive connections. A share of the requests misbehave on purpose:

    --disconnect 0.10   the client closes the connection 0.2-1.5 s (times chunk-delay / 0.01) into the stream
    --reset 0.05        the upstream resets the connection mid-stream (after 100 chunks)
    --e503 0.02         the upstream answers 503
    --stall 0.02        the upstream never answers (serve's REQUEST_TIMEOUT ends it)

A smaller set of --direct workers sends the same normal stream straight to the upstream at the
same time, for time-to-first-byte without serve. Prints a JSON summary on the last line.
"""
import argparse
import asyncio
import json
import random
import re
import sys
import time
from urllib.parse import urlparse

TEXT = "ab" * 200  # 400 characters in 200 chunks


def normal_prompt(delay):
    return f'[[script:text text="{TEXT}" chunks=200 delay={delay}]] go'


def reset_prompt(delay):
    return f'[[script:reset text="{TEXT}" chunks=200 delay={delay} after=100]] go'

E503 = '[[script:error status=503 message="overloaded"]] go'
STALL = '[[script:stall]] go'
TERMINATOR = b"\r\n0\r\n\r\n"
BODY_TYPE = re.compile(rb'"error"\s*:\s*\{[^}]*?"type"\s*:\s*"([a-z_]+)"', re.S)


def claude_body(prompt):
    return json.dumps({"model": "claude-haiku-4-5", "max_tokens": 1024, "stream": True,
                       "messages": [{"role": "user", "content": prompt}]}).encode()


def openai_body(prompt):
    return json.dumps({"model": "m", "max_tokens": 1024, "stream": True,
                       "messages": [{"role": "user", "content": prompt}]}).encode()


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None

    async def request(self, path, body, headers, disconnect_after=None):
        """Sends one POST; returns (status, ttfb seconds, tail bytes of the body, kept_alive).
        With disconnect_after, closes the connection that many seconds after the first byte."""
        await self.open()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n")
        start = time.monotonic()
        self.writer.write(head.encode() + body)
        buf = b""
        while b"\r\n\r\n" not in buf:
            data = await self.reader.read(65536)
            if not data:
                raise ConnectionError("closed before the response head")
            if not buf:
                ttfb = time.monotonic() - start
            buf += data
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            fields[k.strip().lower()] = v.strip().lower()
        keep = fields.get(b"connection") != b"close"
        if b"content-length" in fields:
            length = int(fields[b"content-length"])
            while len(rest) < length:
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("closed inside the body")
                rest += data
            return status, ttfb, rest[-4096:], keep
        chunked = fields.get(b"transfer-encoding") == b"chunked"
        tail = rest
        first_body = time.monotonic() if rest else None
        while not (chunked and tail.endswith(TERMINATOR)):
            if disconnect_after is not None and first_body is not None and time.monotonic() - first_body >= disconnect_after:
                self.close()
                return status, ttfb, tail[-4096:], None
            data = await self.reader.read(65536)
            if not data:
                if chunked:
                    raise ConnectionError("closed inside a chunked body")
                return status, ttfb, tail[-4096:], False
            if first_body is None:
                first_body = time.monotonic()
            tail = (tail + data)[-8192:]
        return status, ttfb, tail[-4096:], keep


def classify(status, tail, done_marker):
    if status == 200:
        if done_marker in tail:
            return "completed"
        at = tail.rfind(b"event: error")
        if at >= 0:
            line = tail[at:].split(b"\n")[1] if tail[at:].count(b"\n") >= 1 else b""
            try:
                error_type = json.loads(line.partition(b"data:")[2])["error"]["type"]
            except (ValueError, KeyError, TypeError):
                error_type = "?"
            return f"200 then event: error {error_type}"
        return "200, ended without its end marker"
    m = BODY_TYPE.search(tail)
    return f"{status} {m.group(1).decode() if m else '?'}"


class Stats:
    def __init__(self):
        self.outcomes = {}   # kind -> {outcome: count}
        self.ttfb_serve = []
        self.ttfb_direct = []
        self.started = 0
        self.examples = {}   # outcome -> the error message of one such response

    def add(self, kind, outcome):
        per = self.outcomes.setdefault(kind, {})
        per[outcome] = per.get(outcome, 0) + 1


async def worker(args, stats, end, rng, url, key, direct=False):
    conn = Conn(url.hostname, url.port)
    path = "/v1/chat/completions" if direct else "/v1/messages"
    headers = {} if direct else {"x-api-key": key, "anthropic-version": "2023-06-01"}
    make = openai_body if direct else claude_body
    marker = b"[DONE]" if direct else b"message_stop"
    while time.monotonic() < end:
        r = rng.random()
        kind, prompt, disconnect = ("direct" if direct else "normal"), normal_prompt(args.chunk_delay), None
        if not direct:
            if r < args.disconnect:
                kind, disconnect = "client disconnect", rng.uniform(0.2, 1.5) * args.chunk_delay / 0.01
            elif r < args.disconnect + args.reset:
                kind, prompt = "upstream reset mid-stream", reset_prompt(args.chunk_delay)
            elif r < args.disconnect + args.reset + args.e503:
                kind, prompt = "upstream 503", E503
            elif r < args.disconnect + args.reset + args.e503 + args.stall:
                kind, prompt = "upstream stall", STALL
        stats.started += 1
        try:
            status, ttfb, tail, keep = await asyncio.wait_for(
                conn.request(path, make(prompt), headers, disconnect), timeout=args.timeout)
        except asyncio.TimeoutError:
            conn.close()
            stats.add(kind, f"no answer within {args.timeout:.0f} s (client timeout)")
            continue
        except (ConnectionError, OSError) as error:
            conn.close()
            stats.add(kind, f"connection error: {type(error).__name__}")
            await asyncio.sleep(0.05)
            continue
        if keep is None:
            stats.add(kind, "client closed mid-stream (as intended)" if status == 200 else classify(status, tail, marker))
        else:
            outcome = classify(status, tail, marker)
            stats.add(kind, outcome)
            if outcome != "completed" and outcome not in stats.examples:
                m = re.search(rb'"message"\s*:\s*"((?:[^"\\]|\\.){0,300})', tail)
                stats.examples[outcome] = m.group(1).decode(errors="replace") if m else tail[-300:].decode(errors="replace")
            if kind in ("normal", "direct") and outcome == "completed":
                (stats.ttfb_direct if direct else stats.ttfb_serve).append(ttfb)
            if not keep:
                conn.close()
    conn.close()


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--serve", required=True, help="serve's base URL, http://127.0.0.1:PORT")
    ap.add_argument("--upstream", required=True, help="the scripted upstream's base URL (for direct TTFB)")
    ap.add_argument("--key", default="bench")
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--direct", type=int, default=20, help="concurrent direct-to-upstream streams")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--chunk-delay", type=float, default=0.01, help="seconds between the upstream's chunks")
    ap.add_argument("--disconnect", type=float, default=0.10)
    ap.add_argument("--reset", type=float, default=0.05)
    ap.add_argument("--e503", type=float, default=0.02)
    ap.add_argument("--stall", type=float, default=0.02)
    ap.add_argument("--timeout", type=float, default=30, help="client-side limit per request (a hang)")
    ap.add_argument("--progress", type=float, default=60, help="seconds between progress lines")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    serve, upstream = urlparse(args.serve), urlparse(args.upstream)
    stats = Stats()
    began = time.monotonic()
    end = began + args.minutes * 60
    rng = random.Random(args.seed)
    tasks = []
    for n in range(args.streams):
        tasks.append(asyncio.create_task(worker(args, stats, end, random.Random(rng.random()), serve, args.key)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # ramp up over ~1 s per 1000
    for n in range(args.direct):
        tasks.append(asyncio.create_task(worker(args, stats, end, random.Random(rng.random()), upstream, args.key, direct=True)))

    async def progress():
        while True:
            await asyncio.sleep(args.progress)
            done = sum(sum(v.values()) for k, v in stats.outcomes.items())
            normal = stats.outcomes.get("normal", {})
            print(f"[{time.monotonic() - began:6.0f} s] finished {done}, normal completed {normal.get('completed', 0)}, "
                  f"p50 ttfb serve {1000 * (percentile(stats.ttfb_serve[-5000:], 50) or 0):.1f} ms", file=sys.stderr, flush=True)
    reporter = asyncio.create_task(progress())
    await asyncio.gather(*tasks)
    reporter.cancel()
    elapsed = time.monotonic() - began

    def ms(v):
        return None if v is None else round(v * 1000, 1)
    summary = {
        "seconds": round(elapsed, 1), "streams": args.streams, "direct_streams": args.direct,
        "requests": sum(sum(v.values()) for k, v in stats.outcomes.items() if k != "direct"),
        "outcomes": stats.outcomes, "examples": stats.examples,
        "ttfb_ms": {"serve_p50": ms(percentile(stats.ttfb_serve, 50)), "serve_p99": ms(percentile(stats.ttfb_serve, 99)),
                    "direct_p50": ms(percentile(stats.ttfb_direct, 50)), "direct_p99": ms(percentile(stats.ttfb_direct, 99)),
                    "serve_samples": len(stats.ttfb_serve), "direct_samples": len(stats.ttfb_direct)},
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
