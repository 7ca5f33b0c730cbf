"""Upstream fault matrix for `nebius-chat serve` (issue 5, part 1; PROTOCOL sections 4 and 5).

One row per fault x mode (stream / non-stream), run against the real binary in front of the
scripted upstream, with raw `http.client` so that exact statuses, headers and SSE bytes are
seen. Every request has a client-side timeout, so a hang fails the row instead of the run.

At the end of the module the matrix (row, mode, expected, got, result) is printed to the real
stdout (visible under -q) and, when every row of the module ran, written as the `fault-matrix`
section to .build/reports/fault-matrix.md, or into docs/RELIABILITY.md with
UPDATE_RELIABILITY_DOC=1.

    pytest -q -p no:cacheprovider Tests/E2E/test_fault_matrix.py

The 100 MB rows take a few minutes on a debug build; FAULT_MATRIX_HUGE_MB overrides the size
(no report is written then, as the figures would not be the 100 MB ones).
"""
import contextlib
import datetime
import json
import os
import socket
import textwrap
import time
import urllib.parse
import http.client

import pytest

import serve_support
from reliability_doc import markdown_table, show, update_doc_section, whole_module_selected
from serve_support import CLIENT_KEY, MIDDLE_MODEL, assert_serving, closed_loopback_port, rows_fail_unless_serving, running_proxy, vm_kb
from sse_grammar import SSEChecker, check_sse

MODEL = "claude-sonnet-4-5"
# Seconds of upstream silence before serve gives up (REQUEST_TIMEOUT of the main proxy).
IDLE_TIMEOUT = 2
PING_INTERVAL = 0.5  # a ping after every half second of upstream silence while streaming
# Client-side timeout of one ordinary request: well above every expected latency
# (retries included), well below any sensible test timeout.
CLIENT_TIMEOUT = 15
HUGE_MB = int(os.environ.get("FAULT_MATRIX_HUGE_MB", "100"))
HUGE_BYTES = HUGE_MB * 1_000_000
# Client-side limit for the huge rows: a debug build moves about 1-2 MB/s through the
# translator, and folding 100 MB into one non-streamed message takes about two minutes.
HUGE_TIMEOUT = 480
# What "bounded" means for serve's peak RSS while it streams HUGE_BYTES.
HUGE_STREAM_RSS_LIMIT_KB = 200 * 1024

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC_SECTION = "fault-matrix"
COMMAND = "pytest -q -p no:cacheprovider Tests/E2E/test_fault_matrix.py"

RESULTS = []  # one dict per row, in run order


# ---------------------------------------------------------------------------------------------
# HTTP helpers


class Reply:
    """One response: status, lowercased headers, raw body, seconds until the body ended."""

    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def json(self):
        return json.loads(self.body)

    @property
    def error_type(self):
        try:
            body = self.json()
        except ValueError:
            return None
        if body.get("type") != "error":
            return None
        return body.get("error", {}).get("type")

    @property
    def error_message(self):
        return self.json()["error"]["message"]

    def events(self):
        return parse_sse(self.body)


def messages_body(content, stream, max_tokens=64):
    return {"model": MODEL, "max_tokens": max_tokens, "stream": stream,
            "messages": [{"role": "user", "content": content}]}


def post(url, body, timeout=CLIENT_TIMEOUT, deadline=None):
    """POSTs /v1/messages and reads the whole answer. `timeout` bounds every socket read,
    `deadline` (seconds) the whole exchange. An event-stream body is checked against the stream
    grammar (sse_grammar.check_sse); a violation raises, failing the row."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    limit = started + (deadline or timeout * 4)
    try:
        conn.request("POST", "/v1/messages", body=json.dumps(body),
                     headers={"x-api-key": CLIENT_KEY, "content-type": "application/json"})
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        pieces = []
        while True:
            piece = response.read1(1 << 20)
            if not piece:
                break
            pieces.append(piece)
            if time.monotonic() > limit:
                raise TimeoutError(f"the answer did not end within {limit - started:.0f} s")
        reply = Reply(response.status, headers, b"".join(pieces), time.monotonic() - started)
        if headers.get("content-type", "").startswith("text/event-stream"):
            reply.events()
        return reply
    finally:
        conn.close()


def parse_sse(raw):
    """[(event, data)] of a whole SSE body, checked against the stream grammar (every frame has
    both lines and agrees on the type, message_start once and first, blocks in order, a proper
    end); raises AssertionError naming the frame otherwise."""
    return check_sse(raw)


def streamed_text(frames):
    return "".join(d["delta"].get("text", "") for e, d in frames
                   if e == "content_block_delta" and d["delta"]["type"] == "text_delta")


def chat_requests(upstream):
    return [r for r in upstream.requests() if "chat/completions" in r["path"]]


def wait_for(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


# ---------------------------------------------------------------------------------------------
# Recording rows


class Row:
    def __init__(self, name, mode, expected):
        self.name, self.mode, self.expected = name, mode, expected
        self.got = ""
        self.failures = []

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)
        return condition


@contextlib.contextmanager
def row(name, mode, expected):
    """Records one matrix row, whatever happens; fails the test when a check failed."""
    r = Row(name, mode, expected)
    try:
        yield r
    except BaseException as error:
        r.failures.append(f"{type(error).__name__}: {error}"[:300])
        if not r.got:
            r.got = f"{type(error).__name__}: {str(error)[:100]}"
        raise
    finally:
        RESULTS.append({"row": r.name, "mode": r.mode, "expected": r.expected, "got": r.got,
                        "result": "pass" if not r.failures else "FAIL: " + "; ".join(r.failures)})
    if r.failures:
        pytest.fail(f"{name} [{mode}]: expected {expected}; got {r.got}; failed: {r.failures}")


def describe_error(reply, requests=None):
    got = f"{reply.status} {reply.error_type}"
    if "retry-after" in reply.headers:
        got += f", retry-after: {reply.headers['retry-after']}"
    if requests is not None:
        got += f", {requests} upstream request{'s' if requests != 1 else ''}"
    return got


def describe_stream(reply, frames, requests=None):
    kinds = [e for e, _ in frames]
    if "error" in kinds:
        error = [d for e, d in frames if e == "error"][-1]["error"]
        got = f"{reply.status} + event: error {error['type']}"
    elif kinds and kinds[-1] == "message_stop":
        got = f"{reply.status}, complete ({len(streamed_text(frames)):,} chars, message_stop)"
    else:
        got = f"{reply.status}, ended after {kinds[-1] if kinds else 'nothing'}"
    if requests is not None:
        got += f", {requests} upstream request{'s' if requests != 1 else ''}"
    return got


@pytest.fixture(scope="module", autouse=True)
def matrix_report(request):
    yield
    if not RESULTS:
        return
    table = markdown_table(RESULTS, ["row", "mode", "expected", "got", "result"])
    show(request, "\n\nFault matrix (nebius-chat serve)\n" + table + "\n")
    module_items = [i for i in request.session.items if i.module is request.module]
    complete = whole_module_selected(request) and len(RESULTS) == len(module_items) and HUGE_MB == 100
    if complete:
        failed = sum(1 for r in RESULTS if r["result"] != "pass" and not r["result"].startswith("xfail"))
        intro = textwrap.fill(
            "Each row runs the real `nebius-chat serve` binary in front of the scripted upstream "
            "(`ScriptedUpstreamServer`) and asserts exactly what a client sees: status and Anthropic "
            "error type before the first byte, `event: error` after a 200 for failures mid-stream. "
            f"Settings: `MAX_RETRIES=1`, `REQUEST_TIMEOUT={IDLE_TIMEOUT}`, `PING_INTERVAL={PING_INTERVAL}` "
            "(the 100 MB rows: `REQUEST_TIMEOUT=120`; the "
            "retry-limit rows: `MAX_RETRIES=3` and `0`), `FALLBACK_MODEL=off` (no other model stands in). Retryable statuses are scripted to fail on "
            "every attempt, so the client sees the error after the retries; the count of upstream "
            "requests shows whether a retry happened. Every request has a client-side timeout, so a "
            "hang fails its row.", width=100)
        produced = textwrap.fill(
            f"Produced by `{COMMAND}` (debug build) on "
            f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}: "
            f"{len(RESULTS)} rows, {failed} failed.", width=100)
        content = "## Upstream fault matrix\n\n" + intro + "\n\n" + produced + "\n\n" + table + "\n"
        show(request, f"Fault matrix report: {update_doc_section(DOC_SECTION, content)}")


# ---------------------------------------------------------------------------------------------
# Proxies

# Each row is about how one model's faults reach the client, so no other model stands in
# (fallbacks have their own tests, in test_nebius_catalogue.py).
NO_FALLBACK = {"FALLBACK_MODEL": "off"}


@pytest.fixture(scope="module")
def proxy():
    with running_proxy({"REQUEST_TIMEOUT": str(IDLE_TIMEOUT), "MAX_RETRIES": "1", "PING_INTERVAL": str(PING_INTERVAL), **NO_FALLBACK}) \
            as (url, upstream, log):
        yield url, upstream, log, serve_support.current_proxy_pid


@pytest.fixture
def fresh(proxy):
    """The shared proxy with an empty upstream queue and record; checked alive afterwards."""
    proxy[1].reset()
    with rows_fail_unless_serving(proxy, RESULTS):
        yield proxy


MODES = [pytest.param(True, id="stream"), pytest.param(False, id="non-stream")]


def mode_name(stream):
    return "stream" if stream else "non-stream"


# ---------------------------------------------------------------------------------------------
# Before the first byte: the upstream could not be reached


@pytest.mark.parametrize("stream", MODES)
def test_connection_refused(stream):
    port = closed_loopback_port()
    base = f"http://127.0.0.1:{port}/v1"
    with row("connection refused", mode_name(stream), f"502 api_error naming {base.replace(str(port), 'PORT')}") as r:
        with running_proxy({"OPENAI_BASE_URL": base, "MAX_RETRIES": "1", **NO_FALLBACK}) as (url, upstream, log):
            pid = serve_support.current_proxy_pid
            reply = post(url, messages_body("hello", stream))
            r.got = describe_error(reply) + f", {reply.elapsed:.2f} s"
            r.check(reply.status == 502, "status 502")
            r.check(reply.error_type == "api_error", "api_error")
            r.check(base in reply.error_message, "message names the base URL")
            r.check(reply.elapsed < 5, "answered within 5 s (retries are few and fast)")
            if base in reply.error_message:
                r.got += ", names the URL"
            assert_serving((url, upstream, log, pid))


# ---------------------------------------------------------------------------------------------
# Before the first byte: upstream error statuses

# (row, behaviour, retryable, expected status, expected type, message must contain)
STATUS_ROWS = [
    ("401", {"type": "error", "status": 401}, False, 401, "authentication_error", "Nebius API key"),
    ("403", {"type": "error", "status": 403}, False, 403, "permission_error", "Nebius API key"),
    ("404 model", {"type": "error", "status": 404, "code": "model_not_found"}, False, 404, "not_found_error",
     MIDDLE_MODEL),
    ("400", {"type": "error", "status": 400, "message": "max_tokens is too large for this model"}, False, 400,
     "invalid_request_error", "max_tokens is too large for this model"),
    ("422 {\"detail\":[...]}", {"type": "error", "status": 422, "shape": "detail", "message": "field required"}, False,
     400, "invalid_request_error", "field required"),
    ("429 with Retry-After: 1", {"type": "error", "status": 429, "retry_after": 1}, True, 429, "rate_limit_error",
     "rate limit"),
    # Longer than the retry cap (10 s): passed on at once, so that the client decides.
    ("429 with Retry-After: 120", {"type": "error", "status": 429, "retry_after": 120}, False, 429, "rate_limit_error",
     "rate limit"),
    ("429 without Retry-After", {"type": "error", "status": 429}, True, 429, "rate_limit_error", "rate limit"),
    ("500", {"type": "error", "status": 500}, True, 500, "api_error", "HTTP 500"),
    ("502", {"type": "error", "status": 502}, True, 500, "api_error", "HTTP 502"),
    ("503", {"type": "error", "status": 503}, True, 529, "overloaded_error", "overloaded"),
    ("504", {"type": "error", "status": 504}, True, 504, "timeout_error", "timed out"),
]


@pytest.mark.parametrize("stream", MODES)
@pytest.mark.parametrize("name,behaviour,retryable,status,error_type,needle", STATUS_ROWS,
                         ids=[r[0] for r in STATUS_ROWS])
def test_upstream_error_status(fresh, name, behaviour, retryable, status, error_type, needle, stream):
    url, upstream, _, _ = fresh
    attempts = 2 if retryable else 1  # MAX_RETRIES=1
    expected = f"{status} {error_type}"
    if "retry_after" in behaviour:
        expected += f", retry-after: {behaviour['retry_after']}"
    expected += f", {attempts} upstream request{'s' if attempts > 1 else ''}"
    with row(f"upstream {name}", mode_name(stream), expected) as r:
        for _ in range(attempts):
            upstream.enqueue(behaviour)
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        r.got = describe_error(reply, requests)
        r.check(reply.status == status, f"status {status}")
        r.check(reply.error_type == error_type, error_type)
        r.check(reply.error_type is not None and needle.lower() in reply.error_message.lower(),
                f"message mentions {needle!r}")
        r.check(requests == attempts, f"{attempts} upstream requests")
        if "retry_after" in behaviour:
            wait = behaviour["retry_after"]
            r.check(reply.headers.get("retry-after") == str(wait), f"retry-after: {wait} forwarded")
            if retryable:
                r.check(reply.elapsed >= wait, f"waited the {wait} s Retry-After before the retry")
            else:
                r.check(reply.elapsed < 5, "answered at once instead of holding the request")
        else:
            r.check("retry-after" not in reply.headers, "no retry-after header")
        r.check(reply.headers.get("content-type", "").startswith("application/json"), "JSON error body")


# ---------------------------------------------------------------------------------------------
# Stalls


@pytest.mark.parametrize("stream", MODES)
def test_stall_before_first_byte(fresh, stream):
    url, upstream, _, _ = fresh
    with row("stall before the first byte", mode_name(stream),
             f"504 timeout_error after REQUEST_TIMEOUT ({IDLE_TIMEOUT} s), upstream request closed") as r:
        upstream.enqueue({"type": "stall", "seconds": None})
        upstream.enqueue({"type": "stall", "seconds": None})
        reply = post(url, messages_body("hello", stream))
        closed = wait_for(lambda: all(q["client_closed"] for q in chat_requests(upstream)), timeout=3)
        requests = len(chat_requests(upstream))
        r.got = describe_error(reply, requests) + f", {reply.elapsed:.1f} s"
        if closed:
            r.got += ", upstream request closed"
        r.check(reply.status == 504, "status 504")
        r.check(reply.error_type == "timeout_error", "timeout_error")
        r.check(IDLE_TIMEOUT - 0.2 <= reply.elapsed < IDLE_TIMEOUT + 3, "answered right after the idle timeout")
        r.check(bool(closed), "the upstream request was closed")


@pytest.mark.parametrize("stream", MODES)
def test_stall_mid_stream(fresh, stream):
    url, upstream, _, _ = fresh
    expected = ("200, pings while it waits, then event: error timeout_error, stream ends" if stream
                else "504 timeout_error")
    with row("stall mid-stream", mode_name(stream), expected + f" (after {IDLE_TIMEOUT} s idle)") as r:
        upstream.enqueue({"type": "text", "text": "a b c d", "chunks": 4,
                          "fault": {"kind": "stall", "after": 2, "seconds": None}})
        reply = post(url, messages_body("hello", stream))
        closed = wait_for(lambda: all(q["client_closed"] for q in chat_requests(upstream)), timeout=3)
        requests = len(chat_requests(upstream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames, requests) + f", {reply.elapsed:.1f} s"
            r.check(reply.status == 200, "status 200")
            r.check(frames and frames[0][0] == "message_start", "message_start first")
            r.check(frames and frames[-1][0] == "error", "the stream ends with the error event")
            r.check(frames and frames[-1][1]["error"]["type"] == "timeout_error", "timeout_error")
            r.check(not any(d.get("delta", {}).get("stop_reason") == "error" for _, d in frames),
                    "no invented stop_reason: error")
            # One ping after message_start, then one per PING_INTERVAL of the 2 s stall (3 on
            # time; at least 2 even if a timer fires late on a loaded machine).
            pings = sum(1 for name, _ in frames if name == "ping")
            r.got += f", {pings} pings"
            r.check(pings >= 3, "pings during the stall")
        else:
            r.got = describe_error(reply, requests) + f", {reply.elapsed:.1f} s"
            r.check(reply.status == 504, "status 504")
            r.check(reply.error_type == "timeout_error", "timeout_error")
        if closed:
            r.got += ", upstream request closed"
        r.check(IDLE_TIMEOUT - 0.2 <= reply.elapsed < IDLE_TIMEOUT + 3, "ended right after the idle timeout")
        r.check(bool(closed), "the upstream request was closed")


# ---------------------------------------------------------------------------------------------
# Failures after the first byte


@pytest.mark.parametrize("stream", MODES)
def test_reset_mid_stream(fresh, stream):
    url, upstream, _, _ = fresh
    expected = ("200, then event: error api_error, no retry (1 upstream request)" if stream
                else "500 api_error")
    with row("reset mid-stream", mode_name(stream), expected) as r:
        upstream.enqueue({"type": "text", "text": "a b c d e f", "chunks": 6, "fault": {"kind": "reset", "after": 2}})
        upstream.enqueue({"type": "text", "text": "a retry must not see this"})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames, requests)
            r.check(reply.status == 200, "status 200")
            r.check(frames and frames[-1][0] == "error", "the stream ends with the error event")
            r.check(frames and frames[-1][1]["error"]["type"] == "api_error", "api_error")
            r.check("message_stop" not in [e for e, _ in frames], "no message_stop")
            r.check(requests == 1, "not retried after the first byte")
        else:
            r.got = describe_error(reply, requests)
            r.check(reply.status == 500, "status 500")
            r.check(reply.error_type == "api_error", "api_error")
        r.check(reply.elapsed < 5, "no hang")


@pytest.mark.parametrize("stream", MODES)
def test_malformed_frame_is_skipped(fresh, stream):
    url, upstream, _, _ = fresh
    with row("malformed JSON frame", mode_name(stream), "200, frame skipped, the answer completes") as r:
        upstream.enqueue({"type": "text", "text": "a b c d", "chunks": 4, "fault": {"kind": "malformed", "after": 2}})
        reply = post(url, messages_body("hello", stream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames)
            r.check(reply.status == 200, "status 200")
            r.check([e for e, _ in frames][-1:] == ["message_stop"], "ends with message_stop")
            r.check("error" not in [e for e, _ in frames], "no error event")
            r.check(streamed_text(frames) == "a b c d", "the whole text")
        else:
            r.got = f"{reply.status}"
            r.check(reply.status == 200, "status 200")
            text = reply.json()["content"][0]["text"] if reply.status == 200 else None
            r.got += f", text {text!r}"
            r.check(text == "a b c d", "the whole text")
            r.check(reply.status == 200 and reply.json()["stop_reason"] == "end_turn", "end_turn")


ERROR_FRAMES = [
    pytest.param("error frame mid-stream", {"kind": "error_frame", "after": 2}, "api_error", 500,
                 "Internal error while generating", id="internal"),
    pytest.param("error frame mid-stream (overloaded)", {"kind": "error_frame", "after": 2, "message": "Model overloaded",
                                                         "error_type": "overloaded_error", "code": 503},
                 "overloaded_error", 529, "Model overloaded", id="overloaded"),
]


@pytest.mark.parametrize("stream", MODES)
@pytest.mark.parametrize("name,fault,error_type,status,needle", ERROR_FRAMES)
def test_error_frame_mid_stream(fresh, name, fault, error_type, status, needle, stream):
    url, upstream, _, _ = fresh
    expected = f"200, then event: error {error_type}" if stream else f"{status} {error_type}"
    with row(name, mode_name(stream), expected + " quoting the upstream message") as r:
        upstream.enqueue({"type": "text", "text": "a b c d", "chunks": 4, "fault": fault})
        upstream.enqueue({"type": "text", "text": "a retry must not see this"})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames, requests)
            r.check(reply.status == 200, "status 200")
            r.check(frames and frames[-1][0] == "error", "the stream ends with the error event")
            error = frames[-1][1].get("error", {}) if frames else {}
            r.check(error.get("type") == error_type, error_type)
            r.check(needle in error.get("message", ""), "quotes the upstream message")
            r.check(requests == 1, "not retried after the first byte")
        else:
            r.got = describe_error(reply, requests)
            r.check(reply.status == status, f"status {status}")
            r.check(reply.error_type == error_type, error_type)
            r.check(reply.error_type is not None and needle in reply.error_message, "quotes the upstream message")


@pytest.mark.parametrize("stream", MODES)
def test_stream_without_done(fresh, stream):
    url, upstream, _, _ = fresh
    with row("stream without [DONE]", mode_name(stream), "200, the answer completes (end_turn)") as r:
        upstream.enqueue({"type": "text", "text": "one two three", "chunks": 3, "done": False})
        reply = post(url, messages_body("hello", stream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames)
            r.check(reply.status == 200, "status 200")
            r.check([e for e, _ in frames][-1:] == ["message_stop"], "ends with message_stop")
            r.check(streamed_text(frames) == "one two three", "the whole text")
            deltas = [d for e, d in frames if e == "message_delta"]
            r.check(deltas and deltas[-1]["delta"]["stop_reason"] == "end_turn", "end_turn")
        else:
            r.got = f"{reply.status}"
            r.check(reply.status == 200, "status 200")
            if reply.status == 200:
                message = reply.json()
                r.got += f", text {message['content'][0]['text']!r}, {message['stop_reason']}"
                r.check(message["content"][0]["text"] == "one two three", "the whole text")
                r.check(message["stop_reason"] == "end_turn", "end_turn")
        r.check(reply.elapsed < 5, "no hang")


# ---------------------------------------------------------------------------------------------
# An upstream that sends 100 MB


def read_stream_counting(url, body, timeout, deadline):
    """Streams the answer, parsing frames as they come, without keeping the body: returns
    (status, text characters, event kinds in order (deduplicated runs), last error, seconds)."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request("POST", "/v1/messages", body=json.dumps(body),
                     headers={"x-api-key": CLIENT_KEY, "content-type": "application/json"})
        response = conn.getresponse()
        if response.status != 200:
            return response.status, 0, [], response.read(), time.monotonic() - started
        # The stream grammar is checked as the frames arrive, without keeping them.
        checker, chars, kinds, error = SSEChecker(keep=False), 0, [], None
        while True:
            piece = response.read1(1 << 20)
            if not piece:
                break
            if time.monotonic() - started > deadline:
                raise TimeoutError(f"the stream did not end within {deadline} s")
            for event, data in checker.feed(piece):
                if not kinds or kinds[-1] != event:
                    kinds.append(event)
                if event == "content_block_delta":
                    chars += len(data["delta"].get("text", ""))
                elif event == "error":
                    error = data["error"]
        checker.finish()
        return response.status, chars, kinds, error, time.monotonic() - started
    finally:
        conn.close()


@pytest.mark.parametrize("stream", MODES)
def test_upstream_sends_100_mb(stream):
    size = f"{HUGE_MB} MB"
    if stream:
        expected = (f"200, all {size} arrive (or event: error), serve peak RSS < "
                    f"{HUGE_STREAM_RSS_LIMIT_KB // 1024} MB")
    else:
        expected = f"200 with the whole {size} text, or a clear error; no crash"
    with row(f"upstream sends {size}", mode_name(stream), expected) as r:
        with running_proxy({"REQUEST_TIMEOUT": "120", "MAX_RETRIES": "1", **NO_FALLBACK}) as (url, upstream, log):
            pid = serve_support.current_proxy_pid
            rss_before = vm_kb(pid, "VmHWM")
            upstream.enqueue({"type": "huge", "bytes": HUGE_BYTES, "chunk_size": 65536})
            body = messages_body("hello", stream, max_tokens=1024)
            if stream:
                status, chars, kinds, error, elapsed = read_stream_counting(url, body, timeout=120, deadline=HUGE_TIMEOUT)
                peak = vm_kb(pid, "VmHWM")
                r.got = f"{status}, {chars:,} chars"
                if error:
                    r.got += f", event: error {error['type']}"
                elif kinds[-1:] == ["message_stop"]:
                    r.got += ", message_stop"
                r.got += f", {elapsed:.0f} s, serve VmHWM {rss_before // 1024} -> {peak // 1024} MB"
                r.check(status == 200, "status 200")
                r.check((chars == HUGE_BYTES and kinds[-1:] == ["message_stop"]) or error is not None,
                        "everything arrived, or a clean error event")
                r.check(peak < HUGE_STREAM_RSS_LIMIT_KB, "serve's peak RSS stayed bounded")
            else:
                reply = post(url, body, timeout=HUGE_TIMEOUT, deadline=HUGE_TIMEOUT)
                peak = vm_kb(pid, "VmHWM")
                if reply.status == 200:
                    message = reply.json()
                    text = "".join(b.get("text", "") for b in message["content"])
                    r.got = f"200, {len(text):,} chars, {message['stop_reason']}"
                    r.check(len(text) == HUGE_BYTES, "the whole text")
                    r.check(message["stop_reason"] in ("end_turn", "max_tokens"), "a stop reason")
                else:
                    r.got = describe_error(reply)
                    r.check(reply.error_type is not None, "a clear Anthropic error")
                r.got += f", {reply.elapsed:.0f} s, serve VmHWM {rss_before // 1024} -> {peak // 1024} MB"
            assert_serving((url, upstream, log, pid))


# ---------------------------------------------------------------------------------------------
# Retries


@pytest.mark.parametrize("stream", MODES)
def test_retry_recovers_before_first_byte(fresh, stream):
    url, upstream, _, _ = fresh
    with row("retry: 502 then success (MAX_RETRIES=1)", mode_name(stream), "200 'recovered', 2 upstream requests") as r:
        upstream.enqueue({"type": "fail_then_succeed", "times": 1, "status": 502,
                          "then": {"type": "text", "text": "recovered"}})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        text = (streamed_text(reply.events()) if stream else reply.json()["content"][0]["text"]) \
            if reply.status == 200 else None
        r.got = f"{reply.status} {text!r}, {requests} upstream requests"
        r.check(reply.status == 200, "status 200")
        r.check(text == "recovered", "the retried answer")
        r.check(requests == 2, "2 upstream requests")


@pytest.mark.parametrize("stream", MODES)
def test_retry_honours_retry_after(fresh, stream):
    url, upstream, _, _ = fresh
    with row("retry: 429 Retry-After: 1 then success (MAX_RETRIES=1)", mode_name(stream),
             "200 after >= 1 s, 2 upstream requests") as r:
        upstream.enqueue({"type": "fail_then_succeed", "times": 1, "status": 429, "retry_after": 1,
                          "then": {"type": "text", "text": "waited"}})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        text = (streamed_text(reply.events()) if stream else reply.json()["content"][0]["text"]) \
            if reply.status == 200 else None
        r.got = f"{reply.status} {text!r} after {reply.elapsed:.2f} s, {requests} upstream requests"
        r.check(reply.status == 200, "status 200")
        r.check(text == "waited", "the retried answer")
        r.check(reply.elapsed >= 1.0, "waited at least the Retry-After")
        r.check(reply.elapsed < 3.0, "did not wait much longer")
        r.check(requests == 2, "2 upstream requests")


@pytest.fixture(scope="module")
def proxy_retries_3():
    with running_proxy({"REQUEST_TIMEOUT": str(IDLE_TIMEOUT), "MAX_RETRIES": "3", **NO_FALLBACK}) as (url, upstream, log):
        yield url, upstream, log, serve_support.current_proxy_pid


@pytest.fixture(scope="module")
def proxy_retries_0():
    with running_proxy({"REQUEST_TIMEOUT": str(IDLE_TIMEOUT), "MAX_RETRIES": "0", **NO_FALLBACK}) as (url, upstream, log):
        yield url, upstream, log, serve_support.current_proxy_pid


@pytest.mark.parametrize("stream", MODES)
@pytest.mark.parametrize("retries", [3, 0])
def test_retries_stop_at_max_retries(request, retries, stream):
    proxy = request.getfixturevalue(f"proxy_retries_{retries}")
    url, upstream, _, _ = proxy
    upstream.reset()
    with row(f"retry: 503 on every attempt (MAX_RETRIES={retries})", mode_name(stream),
             f"529 overloaded_error, {retries + 1} upstream request{'s' if retries else ''}") as r:
        for _ in range(retries + 3):
            upstream.enqueue({"type": "error", "status": 503})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        r.got = describe_error(reply, requests) + f", {reply.elapsed:.1f} s"
        r.check(reply.status == 529, "status 529")
        r.check(reply.error_type == "overloaded_error", "overloaded_error")
        r.check(requests == retries + 1, f"{retries + 1} upstream requests")
    upstream.reset()
    assert_serving(proxy)


@pytest.mark.parametrize("stream", MODES)
def test_no_retry_after_first_byte_even_with_retries_left(proxy_retries_3, stream):
    url, upstream, _, _ = proxy_retries_3
    upstream.reset()
    expected = "200 + event: error api_error" if stream else "500 api_error"
    with row("retry: reset after the first byte (MAX_RETRIES=3)", mode_name(stream),
             expected + ", 1 upstream request") as r:
        upstream.enqueue({"type": "text", "text": "a b c d", "chunks": 4, "fault": {"kind": "reset", "after": 2}})
        upstream.enqueue({"type": "text", "text": "a retry must not see this"})
        reply = post(url, messages_body("hello", stream))
        requests = len(chat_requests(upstream))
        if stream:
            frames = reply.events()
            r.got = describe_stream(reply, frames, requests)
            r.check(reply.status == 200 and frames[-1][0] == "error", "200 then event: error")
            r.check(requests == 1, "1 upstream request")
        else:
            r.got = describe_error(reply, requests)
            r.check(reply.status == 500 and reply.error_type == "api_error", "500 api_error")
            # No byte went to a non-streaming client yet; a retry would be allowed by the
            # protocol but is not made: the row records the count without requiring it.
    upstream.reset()
    assert_serving(proxy_retries_3)


# ---------------------------------------------------------------------------------------------
# A client that stops reading (WRITE_TIMEOUT)

WRITE_TIMEOUT = 1
WRITE_TIMEOUT_MARGIN = 12


def test_client_stops_reading_hits_write_timeout():
    # The clock starts once the socket buffers are full (the connection is unwritable): how long
    # that takes depends on the kernel's buffer sizes and the build's speed, hence the margin.
    expected = (f"serve closes the connection and the upstream request after WRITE_TIMEOUT "
                f"({WRITE_TIMEOUT} s), within {WRITE_TIMEOUT_MARGIN} s; still serving")
    with row("client stops reading mid-stream", "stream", expected) as r:
        with running_proxy({"WRITE_TIMEOUT": str(WRITE_TIMEOUT), "REQUEST_TIMEOUT": "60", **NO_FALLBACK}) \
                as (url, upstream, log):
            pid = serve_support.current_proxy_pid
            # A long answer that the upstream sends as fast as it is read.
            upstream.enqueue({"type": "huge", "bytes": 50_000_000, "chunk_size": 16384})
            parts = urllib.parse.urlparse(url)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once
            sock.settimeout(CLIENT_TIMEOUT)
            sock.connect((parts.hostname, parts.port))
            body = json.dumps(messages_body("hello", True, max_tokens=1024)).encode()
            sock.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                         + f"x-api-key: {CLIENT_KEY}\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
            first = sock.recv(4096)
            r.check(first.startswith(b"HTTP/1.1 200"), "the stream started")
            stopped = time.monotonic()  # from here on the client reads nothing
            record = wait_for(lambda: (chat_requests(upstream) or [{}])[-1].get("client_closed"),
                              timeout=WRITE_TIMEOUT_MARGIN + 5)
            closed_after = time.monotonic() - stopped
            r.check(record, "the upstream request was cancelled")
            r.check(WRITE_TIMEOUT <= closed_after < WRITE_TIMEOUT_MARGIN, f"after {WRITE_TIMEOUT} s, within {WRITE_TIMEOUT_MARGIN} s")
            # The connection is closed too: draining it ends (EOF or reset), it does not hang.
            ended = False
            deadline = time.monotonic() + CLIENT_TIMEOUT
            try:
                while time.monotonic() < deadline:
                    if not sock.recv(1 << 20):
                        ended = True
                        break
            except ConnectionResetError:
                ended = True
            except socket.timeout:
                pass
            finally:
                sock.close()
            r.check(ended, "serve closed the client connection")
            completed = (chat_requests(upstream) or [{}])[-1].get("completed")
            r.check(not completed, "the upstream answer was cut short")
            with open(log) as f:
                r.check("stopped reading" in f.read(), "a log line says why")
            r.got = (f"upstream request closed {closed_after:.1f} s after the client stopped reading, "
                     f"connection {'closed' if ended else 'still open'}")
            assert_serving((url, upstream, log, pid))


# ---------------------------------------------------------------------------------------------
# Web search and fetch (serve runs them for open models): a backend or a page that misbehaves
# gives an error result inside a complete answer, never a broken stream or an HTTP error.

WEB_TIMEOUT = 1  # WEB_SEARCH_TIMEOUT and WEB_FETCH_TIMEOUT of the web proxy, seconds
WEB_MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def web_proxy():
    from web_support import PageServer, SearchBackend, serving
    with serving(SearchBackend(), PageServer()) as (backend, pages):
        env = {"WEB_SEARCH_PROVIDER": "tavily", "WEB_SEARCH_API_KEY": "tvly-matrix-key", "WEB_SEARCH_BASE_URL": backend.url,
               "WEB_SEARCH_TIMEOUT": str(WEB_TIMEOUT), "WEB_FETCH_TIMEOUT": str(WEB_TIMEOUT),
               "WEB_FETCH_MAX_BYTES": str(WEB_MAX_BYTES), "WEB_FETCH_ALLOW_PRIVATE": "127.0.0.0/8",
               "PING_INTERVAL": str(PING_INTERVAL), **NO_FALLBACK}
        with running_proxy(env) as (url, upstream, log):
            yield url, upstream, log, serve_support.current_proxy_pid, backend, pages


def web_blocks(reply, stream):
    """The answer's content blocks (server-tool blocks whole, text joined) and its stop reason."""
    if not stream:
        body = reply.json()
        return body.get("content", []), body.get("stop_reason")
    blocks, stop = [], None
    for event, data in reply.events():
        if event == "content_block_start":
            blocks.append(dict(data["content_block"]))
        elif event == "content_block_delta" and data["delta"]["type"] == "text_delta":
            blocks[-1]["text"] = blocks[-1].get("text", "") + data["delta"]["text"]
        elif event == "message_delta":
            stop = data["delta"]["stop_reason"]
    return blocks, stop


def web_row(web_proxy, name, stream, tool, prompt, expected_code, configure=None):
    url, upstream, log, pid, backend, pages = web_proxy
    upstream.reset()
    backend.mode = "ok"
    if configure:
        configure(backend, pages)
    body = messages_body(prompt, stream, max_tokens=128)
    body["tools"] = [tool]
    with row(name, mode_name(stream), f"200, {expected_code} result, then the answer") as r:
        started = time.monotonic()
        reply = post(url, body, timeout=CLIENT_TIMEOUT)
        elapsed = time.monotonic() - started
        r.check(reply.status == 200, "status 200")
        blocks, stop = web_blocks(reply, stream)
        results = [b for b in blocks if b.get("type", "").endswith("_tool_result")]
        content = results[0]["content"] if results else None
        code = content.get("error_code") if isinstance(content, dict) else ("ok" if content else None)
        if isinstance(content, dict) and content.get("type") == "web_fetch_result":
            data = content["content"]["source"]["data"]
            code = f"ok, {len(data):,} chars" + (", truncated" if data.endswith("[content truncated]") else "")
        r.got = f"{reply.status}, {code} result, stop {stop}, {elapsed:.1f} s"
        r.check(code is not None and code.startswith(expected_code), f"a {expected_code} result")
        r.check(blocks and blocks[-1].get("type") == "text", "the model's answer follows")
        r.check(stop == "end_turn", "the answer ends normally")
        r.check(elapsed < CLIENT_TIMEOUT, "within the client timeout")
        assert_serving((url, upstream, log, pid))
        return reply


SEARCH = {"type": "web_search_20250305", "name": "web_search"}
FETCH = {"type": "web_fetch_20250910", "name": "web_fetch"}


def directive(name, **arguments):
    return f"[[script:tool_calls name={name} arguments={json.dumps(arguments, separators=(',', ':'))}]]"


@pytest.mark.parametrize("stream", MODES)
@pytest.mark.parametrize("name,mode", [("search backend fails (500)", "fail"), ("search backend stalls", "stall"),
                                       ("search backend answers garbage", "garbage")])
def test_search_backend_faults(web_proxy, stream, name, mode):
    def configure(backend, pages):
        backend.mode = mode
        backend.stall_seconds = WEB_TIMEOUT + 3
    web_row(web_proxy, name, stream, SEARCH, directive("web_search", query="faults"), "unavailable", configure)


@pytest.mark.parametrize("stream", MODES)
def test_fetch_redirect_to_private_address(web_proxy, stream):
    pages = web_proxy[5]
    web_row(web_proxy, "fetch redirects to 169.254.169.254", stream, FETCH,
            directive("web_fetch", url=pages.url + "/to-private"), "url_not_allowed")


@pytest.mark.parametrize("stream", MODES)
def test_fetch_slow_page(web_proxy, stream):
    def configure(backend, pages):
        pages.slow_seconds = WEB_TIMEOUT + 3
    web_row(web_proxy, "fetch of a page that does not answer", stream, FETCH,
            directive("web_fetch", url=web_proxy[5].url + "/slow"), "url_not_accessible", configure)


@pytest.mark.parametrize("stream", MODES)
def test_fetch_huge_page(web_proxy, stream):
    def configure(backend, pages):
        pages.huge_bytes = 30 * WEB_MAX_BYTES
    web_row(web_proxy, "fetch of a 30 MB page (1 MB limit)", stream, FETCH,
            directive("web_fetch", url=web_proxy[5].url + "/huge"), "ok", configure)
    got = RESULTS[-1]["got"]
    assert "truncated" in got, got
