"""Secrets (issue 5, part 5): neither the Nebius key nor the client key ever appears in a log
line, at any level, or in anything a client receives.

`nebius-chat serve` runs with LOG_LEVEL=trace and known keys in front of the scripted upstream
(which requires the Nebius key, so every answered request proves the key was sent where it
belongs), and the test drives a representative set of paths: successes (stream, non-stream,
tools, reasoning, images, count_tokens, models), every upstream error status in every body
shape, error bodies and error frames that echo the Nebius key back, client authentication
failures, mid-stream failures, an unreachable upstream. Then it scans serve's stdout and
stderr, and every response's headers and body, for both keys.
"""
import base64
import contextlib
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from serve_support import CLIENT_KEY, NEBIUS_KEY, Upstream, binary, closed_loopback_port
from sse_grammar import check_sse

KEYS = {"NEBIUS_API_KEY": NEBIUS_KEY, "ANTHROPIC_API_KEY": CLIENT_KEY}
TIMEOUT = 15


def _wait_for_file_line(path, pattern, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path) as f:
            m = re.search(pattern, f.read())
        if m:
            return m
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(path) as f:
        raise RuntimeError(f"no line matching {pattern!r} in {path}: {f.read()[-2000:]}")


@contextlib.contextmanager
def traced_proxy(extra_env=None):
    """The scripted upstream (requiring the Nebius key) and serve at LOG_LEVEL=trace, with
    serve's stdout and stderr captured in files. Yields (proxy_url, admin, [log paths])."""
    home = tempfile.mkdtemp(prefix="nebius-secrets-")
    upstream_out = os.path.join(home, "upstream.out")
    out_path, err_path = os.path.join(home, "serve.stdout"), os.path.join(home, "serve.stderr")
    procs = []
    try:
        with open(upstream_out, "w") as f:
            upstream = subprocess.Popen(
                [binary("ScriptedUpstreamServer", "SCRIPTED_UPSTREAM_BIN"), "--port", "0", "--api-key", NEBIUS_KEY],
                stdout=f, stderr=subprocess.DEVNULL)
        procs.append(upstream)
        upstream_url = _wait_for_file_line(upstream_out, r"listening on (http://\S+)", upstream).group(1)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "OPENAI_BASE_URL": upstream_url + "/v1",
            "NEBIUS_API_KEY": NEBIUS_KEY,
            "ANTHROPIC_API_KEY": CLIENT_KEY,
            "MAX_RETRIES": "1",
            "REQUEST_TIMEOUT": "1",
            "LOG_LEVEL": "trace",
            "PORT": "0",
        }
        env.update(extra_env or {})
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proxy = subprocess.Popen([binary("nebius-chat", "NEBIUS_CHAT_BIN"), "serve"], cwd=home,
                                     stdout=out, stderr=err, env=env)
        procs.append(proxy)
        proxy_url = _wait_for_file_line(out_path, r"listening on (http://\S+)", proxy).group(1)
        yield proxy_url, Upstream(upstream_url), [out_path, err_path], proxy
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


class Client:
    """Raw HTTP to the proxy; keeps every response (status line, headers, body) for the scan."""

    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.host, self.port = parts.hostname, parts.port
        self.seen = []

    def call(self, method, path, body=None, headers=None, key=CLIENT_KEY, timeout=TIMEOUT):
        h = {"content-type": "application/json"}
        if key is not None:
            h["x-api-key"] = key
        h.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            raw = response.read()
            if (response.getheader("content-type") or "").startswith("text/event-stream"):
                check_sse(raw)
            header_text = "\n".join(f"{k}: {v}" for k, v in response.getheaders())
            self.seen.append((f"{method} {path} -> {response.status}", header_text, raw.decode("utf-8", "replace")))
            return response.status, raw
        finally:
            conn.close()

    def messages(self, content, stream, **kw):
        body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "stream": stream,
                "messages": [{"role": "user", "content": content}]}
        body.update(kw)
        return self.call("POST", "/v1/messages?beta=true", body)


ECHO = f"bad key {NEBIUS_KEY}"


def drive_everything(client, admin):
    """The paths; returns the statuses seen, for a sanity check that the paths ran."""
    statuses = {}

    def note(name, result):
        statuses[name] = result[0]
        return result

    for stream in (True, False):
        mode = "stream" if stream else "non-stream"
        admin.reset()
        note(f"text {mode}", client.messages('[[script:text text="hello there" chunks=2]]', stream))
        note(f"echo {mode}", client.messages("say something", stream))
        note(f"reasoning {mode}", client.messages('[[script:reasoning reasoning="hmm" text="4"]]', stream,
                                                  thinking={"type": "enabled", "budget_tokens": 1024}))
        note(f"tool call {mode}", client.messages(
            '[[script:tool_calls name=get_weather arguments={"city":"Paris"}]]', stream,
            tools=[{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]))
        png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()
        note(f"image {mode}", client.call("POST", "/v1/messages", {
            "model": "claude-sonnet-4-5", "max_tokens": 64, "stream": stream, "messages": [{"role": "user", "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}},
                {"type": "text", "text": "[[script:image_count]]"}]}]}))
        # Every upstream error status, in every body shape, each echoing the Nebius key.
        for status in (400, 401, 403, 404, 422, 429, 500, 502, 503, 504):
            for shape in ("openai", "object", "detail", "detail_string", "text"):
                admin.reset()
                behaviour = {"type": "error", "status": status, "shape": shape, "message": ECHO}
                if status == 429:
                    behaviour["retry_after"] = 0
                admin.enqueue(behaviour)
                admin.enqueue(behaviour)  # retryable statuses are tried twice (MAX_RETRIES=1)
                note(f"upstream {status} {shape} {mode}", client.messages("hi", stream))
        admin.reset()
        # The exact example of the brief.
        admin.enqueue({"type": "error", "status": 400, "message": ECHO})
        note(f"upstream 400 echo {mode}", client.messages("hi", stream))
        # Mid-stream failures, the error frame echoing the key.
        admin.reset()
        admin.enqueue({"type": "text", "text": "a b c d", "chunks": 4,
                       "fault": {"kind": "error_frame", "after": 2, "message": ECHO}})
        note(f"error frame echo {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "text", "text": "a b c d", "chunks": 4,
                       "fault": {"kind": "error_frame", "after": 2, "message": ECHO, "error_type": "overloaded_error", "code": 503}})
        note(f"error frame overloaded echo {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "text", "text": "a b c d", "chunks": 4, "fault": {"kind": "reset", "after": 2}})
        note(f"reset {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "text", "text": "a b c d", "chunks": 4, "fault": {"kind": "malformed", "after": 2}})
        note(f"malformed {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "text", "text": "a b c d", "chunks": 4,
                       "fault": {"kind": "stall", "after": 2, "seconds": None}})
        note(f"stall mid-stream {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "stall", "seconds": None})
        note(f"stall before first byte {mode}", client.messages("hi", stream))
        admin.enqueue({"type": "fail_then_succeed", "times": 1, "status": 503, "message": ECHO,
                       "then": {"type": "text", "text": "recovered"}})
        note(f"retry then success {mode}", client.messages("hi", stream))
        admin.reset()

    # Client authentication failures and successes, both header forms.
    note("wrong x-api-key", client.call("POST", "/v1/messages", {"model": "m", "max_tokens": 1, "messages": []},
                                         key="sk-wrong-key-000"))
    note("wrong bearer", client.call("POST", "/v1/messages", {"model": "m", "max_tokens": 1, "messages": []},
                                      key=None, headers={"authorization": "Bearer sk-wrong-key-000"}))
    note("no key", client.call("POST", "/v1/messages", {"model": "m", "max_tokens": 1, "messages": []}, key=None))
    note("nebius key as client key", client.call("GET", "/v1/models", key=NEBIUS_KEY))
    note("client key as bearer", client.call(
        "POST", "/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]},
        key=None, headers={"authorization": f"Bearer {CLIENT_KEY}"}))
    # Bad requests, count_tokens, models.
    note("bad json", client.call("POST", "/v1/messages", b"{not json"))
    note("missing max_tokens", client.call("POST", "/v1/messages", {"model": "m", "messages": [{"role": "user", "content": "x"}]}))
    note("count_tokens", client.call("POST", "/v1/messages/count_tokens?beta=true",
                                      {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}))
    note("models", client.call("GET", "/v1/models"))
    note("model by id", client.call("GET", "/v1/models/claude-sonnet-4-5"))
    note("unknown model id", client.call("GET", "/v1/models/no-such-model"))
    note("health", client.call("GET", "/health", key=None))
    return statuses


def find_keys(text):
    return [name for name, key in KEYS.items() if key in text]


def find_key_fragments(text, size=8):
    """Names of the keys of which some `size`-character piece appears in `text` (a truncated
    key is still a leak)."""
    return [name for name, key in KEYS.items()
            if any(key[i:i + size] in text for i in range(len(key) - size + 1))]


def test_no_key_in_logs_or_responses():
    with traced_proxy() as (url, admin, log_paths, proc):
        client = Client(url)
        statuses = drive_everything(client, admin)
        # The upstream saw the right key (it answers 401 otherwise), so the key was in use.
        assert statuses["text stream"] == 200 and statuses["text non-stream"] == 200
        assert statuses["wrong x-api-key"] == 401 and statuses["no key"] == 401
        assert statuses["upstream 400 echo stream"] == 400
        assert statuses["models"] == 200
        assert proc.poll() is None, "serve is still running"
    # After shutdown, so that every line is flushed.
    logs = {path: open(path, encoding="utf-8", errors="replace").read() for path in log_paths}
    stderr = logs[log_paths[1]]
    assert " trace " in stderr or " debug " in stderr, "LOG_LEVEL=trace is in effect"
    assert "POST /v1/messages" in stderr, "the request lines are logged"
    assert "[redacted]" in stderr or "bad key" not in stderr, "an echoed key is redacted, not logged"
    leaks = []
    for path, text in logs.items():
        for number, line in enumerate(text.splitlines(), 1):
            for name in find_keys(line):
                leaks.append(f"{os.path.basename(path)}:{number}: {name}: {line[:300]}")
    for what, headers, body in client.seen:
        for name in find_keys(headers):
            leaks.append(f"response headers of {what}: {name}")
        for name in find_keys(body):
            leaks.append(f"response body of {what}: {name}: {body[:300]}")
    assert not leaks, "keys leaked:\n" + "\n".join(leaks[:40])
    fragments = [f"{os.path.basename(path)}: {name}" for path, text in logs.items() for name in find_key_fragments(text)]
    fragments += [f"{what}: {name}" for what, headers, body in client.seen for name in find_key_fragments(headers + body)]
    assert not fragments, "pieces of keys leaked:\n" + "\n".join(fragments[:40])
    # The echoed key was replaced, not silently dropped with the rest of the message.
    echoed = [body for what, _, body in client.seen if "bad key" in body]
    assert echoed and all("[redacted]" in body for body in echoed), echoed[:3]


def test_no_key_when_the_upstream_is_unreachable():
    base = f"http://127.0.0.1:{closed_loopback_port()}/v1"
    with traced_proxy({"OPENAI_BASE_URL": base}) as (url, _, log_paths, proc):
        client = Client(url)
        for stream in (True, False):
            status, body = client.messages("hi", stream)
            assert status == 502 and b"Could not reach the upstream" in body
        status, _ = client.call("GET", "/v1/models")
        assert status >= 500
        assert proc.poll() is None
    leaks = [f"{path}: {name}" for path in log_paths
             for name in find_keys(open(path, encoding="utf-8", errors="replace").read())]
    leaks += [f"{what}: {name}" for what, headers, body in client.seen for name in find_keys(headers + body)]
    assert not leaks, leaks


@pytest.mark.parametrize("shape", ["openai", "text"])
def test_no_key_fragment_when_an_echo_is_cut(shape):
    with traced_proxy() as (url, admin, log_paths, proc):
        client = Client(url)
        for stream in (True, False):
            admin.reset()
            # The key starts 10 characters before the 800-character cut of upstream messages.
            admin.enqueue({"type": "error", "status": 400, "shape": shape, "message": "A" * 790 + NEBIUS_KEY})
            status, _ = client.messages("hi", stream)
            assert status == 400
        assert proc.poll() is None
    leaks = [f"{os.path.basename(path)}: {name}" for path in log_paths
             for name in find_key_fragments(open(path, encoding="utf-8", errors="replace").read())]
    leaks += [f"{what}: {name}: ...{body[-60:]}" for what, headers, body in client.seen
              for name in find_key_fragments(headers + body)]
    assert not leaks, "pieces of keys leaked:\n" + "\n".join(leaks)
