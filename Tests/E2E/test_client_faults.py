"""Client-side faults against `nebius-chat serve` (issue 5, part 2).

Clients that walk away (mid-stream, and before the upstream answered: the time until the
upstream sees its request closed is measured), slowloris headers, a body one byte over the
32 MiB limit, thousands of bad-JSON requests on keep-alive connections, a wrong Content-Type,
invalid UTF-8, deep JSON nesting, a 20 MB base64 image, tool input that is not an object.
After every test the serve process must still be alive and answer /health.

Each case is a row of a table printed at the end of the module (visible under -q) and, when
the whole module ran, written with the measured figures to the `client-faults` section of
docs/RELIABILITY.md.

    pytest -q -p no:cacheprovider Tests/E2E/test_client_faults.py
"""
import base64
import contextlib
import datetime
import http.client
import json
import os
import re
import socket
import statistics
import textwrap
import threading
import time
import urllib.parse

import pytest

import serve_support
from reliability_doc import markdown_table, show, update_doc_section, whole_module_selected
from serve_support import CLIENT_KEY, open_fds, rows_fail_unless_serving, running_proxy, vm_kb
from sse_grammar import check_partial, check_sse

MODEL = "claude-sonnet-4-5"
TIMEOUT = 15
BODY_LIMIT = 32 * 1024 * 1024  # the default MAX_BODY_BYTES
DISCONNECT_TRIES = 5
DISCONNECT_MEDIAN_LIMIT = 0.100
# Slowloris: how long the slow clients trickle while others are served, and how long the
# server is given to drop a connection that never finishes its headers.
SLOWLORIS_TRICKLE_SECONDS = 10
SLOWLORIS_CLOSE_LIMIT = 40

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC_SECTION = "client-faults"
COMMAND = "pytest -q -p no:cacheprovider Tests/E2E/test_client_faults.py"

RESULTS = []   # rows: case, expected, got, result
FIGURES = {}   # measured numbers for the docs


# ---------------------------------------------------------------------------------------------
# Helpers


def health(url, timeout=5):
    """(status, seconds) of GET /health on a fresh connection."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def post_raw(url, body, headers=None, path="/v1/messages", timeout=TIMEOUT):
    """POSTs bytes; returns (status, parsed JSON or None, raw body). An event-stream body is
    checked against the stream grammar (sse_grammar.check_sse)."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    h = {"x-api-key": CLIENT_KEY, "content-type": "application/json"}
    h.update(headers or {})
    try:
        conn.request("POST", path, body=body, headers=h)
        response = conn.getresponse()
        raw = response.read()
        if (response.getheader("content-type") or "").startswith("text/event-stream"):
            check_sse(raw)
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        return response.status, parsed, raw
    finally:
        conn.close()


def error_type(parsed):
    if isinstance(parsed, dict) and parsed.get("type") == "error":
        return parsed.get("error", {}).get("type")
    return None


def summary(status, parsed):
    kind = error_type(parsed)
    if kind:
        return f"{status} {kind}: {parsed['error']['message'][:80]}"
    if isinstance(parsed, dict) and parsed.get("type") == "message":
        text = "".join(b.get("text", "") for b in parsed.get("content", []))
        return f"{status} message {text[:60]!r}"
    return f"{status}"


def messages_body(content, stream=False, **extra):
    body = {"model": MODEL, "max_tokens": 64, "stream": stream, "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    return body


def last_chat_request(upstream):
    chats = [r for r in upstream.requests() if "chat/completions" in r["path"]]
    return chats[-1] if chats else None


@contextlib.contextmanager
def row(case, expected):
    entry = {"case": case, "expected": expected, "got": "", "result": "pass"}
    try:
        yield entry
    except BaseException as error:
        if entry["result"] == "pass":
            entry["result"] = f"FAIL: {type(error).__name__}: {str(error)[:200]}"
        if not entry["got"]:
            entry["got"] = f"{type(error).__name__}"
        raise
    finally:
        RESULTS.append(entry)


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    if not RESULTS:
        return
    table = markdown_table(RESULTS, ["case", "expected", "got", "result"])
    figures = "\n".join(f"- {k}: {v}" for k, v in FIGURES.items())
    show(request, "\n\nClient faults (nebius-chat serve)\n" + table + "\n\n" + figures + "\n")
    module_items = [i for i in request.session.items if i.module is request.module]
    if len(module_items) == len(set(r["test"] for r in RESULTS if "test" in r)):
        intro = textwrap.fill(
            "Hostile or careless clients against the real `nebius-chat serve` binary (default limits, "
            "the scripted upstream behind it). After every case serve is checked alive and answering "
            "`/health`. Disconnect latencies are measured from the client's close to the moment the "
            "scripted upstream reports the request's connection closed; the scripted upstream "
            "notices a closed connection within about 20 ms (it polls while it waits), which is "
            "part of the figures.", width=100)
        produced = textwrap.fill(
            f"Produced by `{COMMAND}` (debug build) on "
            f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.", width=100)
        content = ("## Client-side faults\n\n" + intro + "\n\n" + produced + "\n\nMeasured:\n\n" + figures
                   + "\n\n" + table + "\n")
        if whole_module_selected(request):
            show(request, f"Client faults report: {update_doc_section(DOC_SECTION, content)}")


@pytest.fixture(autouse=True)
def _tag_rows(request):
    """Tags the rows a test recorded with its node id (to know whether the module ran whole)."""
    before = len(RESULTS)
    yield
    for entry in RESULTS[before:]:
        entry["test"] = request.node.nodeid


@pytest.fixture(scope="module")
def proxy():
    with running_proxy() as (url, upstream, log):
        yield url, upstream, log, serve_support.current_proxy_pid


@pytest.fixture
def serving(proxy):
    """The shared proxy, upstream reset; after the test serve must still be alive."""
    proxy[1].reset()
    with rows_fail_unless_serving(proxy, RESULTS):
        yield proxy


# ---------------------------------------------------------------------------------------------
# Clients that walk away


def open_stream(url, content, stream=True):
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    conn.request("POST", "/v1/messages", body=json.dumps(messages_body(content, stream=stream)),
                 headers={"x-api-key": CLIENT_KEY, "content-type": "application/json"})
    return conn


def close_hard(conn):
    """Closes the client side at once (FIN both ways); returns the monotonic time of the close."""
    at = time.monotonic()
    try:
        conn.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
    return at


def seconds_until_upstream_closed(upstream, closed_at, limit=5.0):
    """Polls the upstream record as fast as it answers until the last chat request is marked
    `client_closed`; the seconds since `closed_at` (None after `limit`)."""
    deadline = closed_at + limit
    while time.monotonic() < deadline:
        record = last_chat_request(upstream)
        if record and record["client_closed"]:
            return time.monotonic() - closed_at
    return None


def fmt_ms(values):
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def test_disconnect_mid_stream_closes_upstream_request(serving):
    url, upstream, _, _ = serving
    with row("client disconnects mid-stream (x5)",
             f"upstream request closed, median < {DISCONNECT_MEDIAN_LIMIT * 1000:.0f} ms") as r:
        latencies = []
        for _ in range(DISCONNECT_TRIES):
            upstream.reset()
            words = " ".join(f"w{i}" for i in range(40))
            conn = open_stream(url, f'[[script:text text="{words}" chunks=40 delay=0.2]]')
            response = conn.getresponse()
            assert response.status == 200
            # Read until the answer is under way (a text delta arrived).
            deadline = time.monotonic() + TIMEOUT
            received = b""
            while time.monotonic() < deadline:
                line = response.readline()
                assert line, "the stream ended early"
                received += line
                if b"text_delta" in line:
                    break
            closed_at = close_hard(conn)
            latency = seconds_until_upstream_closed(upstream, closed_at)
            assert latency is not None, "the upstream request was never closed"
            latencies.append(latency)
            # Cut off on purpose: what arrived must be a valid start of a stream.
            names = [e.name for e in check_partial(received)]
            assert names[:2] == ["message_start", "ping"] and names.count("message_start") == 1, names
            record = last_chat_request(upstream)
            assert not record["completed"], "the upstream answer was cut short, not run to the end"
        median = statistics.median(latencies)
        FIGURES["client disconnect mid-stream -> upstream request closed"] = (
            f"median {median * 1000:.0f} ms over {len(latencies)} tries (each: {fmt_ms(latencies)} ms)")
        r["got"] = f"closed, median {median * 1000:.0f} ms (max {max(latencies) * 1000:.0f} ms)"
        assert median < DISCONNECT_MEDIAN_LIMIT


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "non-stream"])
def test_disconnect_before_upstream_answered_closes_upstream_request(serving, stream):
    url, upstream, _, _ = serving
    mode = "stream" if stream else "non-stream"
    with row(f"client disconnects before the upstream answered, {mode} (x5)",
             f"upstream request closed, median < {DISCONNECT_MEDIAN_LIMIT * 1000:.0f} ms") as r:
        latencies = []
        for _ in range(DISCONNECT_TRIES):
            upstream.reset()
            conn = open_stream(url, "[[script:stall]]", stream=stream)
            arrived = None
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline and not arrived:
                arrived = last_chat_request(upstream)
                time.sleep(0.005)
            assert arrived, "the request never reached the upstream"
            time.sleep(0.05)  # let the proxy settle into waiting for the status line
            closed_at = close_hard(conn)
            latency = seconds_until_upstream_closed(upstream, closed_at)
            assert latency is not None, "the upstream request was never closed"
            latencies.append(latency)
        median = statistics.median(latencies)
        FIGURES[f"client disconnect before the upstream answered ({mode}) -> upstream request closed"] = (
            f"median {median * 1000:.0f} ms over {len(latencies)} tries (each: {fmt_ms(latencies)} ms)")
        r["got"] = f"closed, median {median * 1000:.0f} ms (max {max(latencies) * 1000:.0f} ms)"
        assert median < DISCONNECT_MEDIAN_LIMIT


# ---------------------------------------------------------------------------------------------
# Slowloris


SLOW_REQUEST = ("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + CLIENT_KEY +
                "\r\ncontent-type: application/json\r\nx-padding: " + "p" * 400 + "\r\n\r\n").encode()


class SlowClients:
    """`count` connections that each send SLOW_REQUEST one byte every `interval` seconds from a
    background thread, never finishing the headers within the test."""

    def __init__(self, url, count, interval=0.5):
        parts = urllib.parse.urlparse(url)
        self.socks = [socket.create_connection((parts.hostname, parts.port), timeout=5) for _ in range(count)]
        self.interval = interval
        self.closed_by_server = {}
        self.started = time.monotonic()
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        for index in range(len(SLOW_REQUEST) - 4):  # bounded; never the final CRLFCRLF
            if self._stop.wait(self.interval):
                return
            for n, s in enumerate(self.socks):
                if n in self.closed_by_server:
                    continue
                try:
                    s.send(SLOW_REQUEST[index:index + 1])
                except OSError as error:
                    self.closed_by_server[n] = (time.monotonic() - self.started, type(error).__name__)
            self.sent = index + 1

    def poll_closed(self):
        """Marks connections the server closed (readable with EOF, or reset)."""
        for n, s in enumerate(self.socks):
            if n in self.closed_by_server:
                continue
            s.setblocking(False)
            try:
                data = s.recv(4096)
                if data == b"" or data:
                    # EOF, or an error response (e.g. 408): either way the server ended it.
                    self.closed_by_server[n] = (time.monotonic() - self.started, "closed" if not data else data[:12].decode("latin-1"))
            except BlockingIOError:
                pass
            except OSError as error:
                self.closed_by_server[n] = (time.monotonic() - self.started, type(error).__name__)
            finally:
                s.setblocking(True)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for s in self.socks:
            s.close()


def test_slowloris_does_not_block_other_clients(serving):
    url, upstream, _, pid = serving
    with row(f"slowloris: 20 clients sending headers 1 byte / 0.5 s for {SLOWLORIS_TRICKLE_SECONDS} s",
             "/health and a real request stay fast meanwhile; fds freed when they leave") as r:
        fds_before = open_fds(pid)
        slow = SlowClients(url, count=20)
        try:
            health_times, message_times = [], []
            deadline = time.monotonic() + SLOWLORIS_TRICKLE_SECONDS
            while time.monotonic() < deadline:
                status, seconds = health(url)
                assert status == 200
                health_times.append(seconds)
                started = time.monotonic()
                status, parsed, _ = post_raw(url, json.dumps(messages_body("still there?")))
                assert status == 200, summary(status, parsed)
                message_times.append(time.monotonic() - started)
                time.sleep(0.5)
            fds_during = open_fds(pid)
            slow.poll_closed()
        finally:
            slow.stop()
        fds_after = None
        for _ in range(100):  # up to 5 s for the server to see the closes
            fds_after = open_fds(pid)
            if fds_after <= fds_before + 2:
                break
            time.sleep(0.05)
        FIGURES["slowloris (20 clients, 1 header byte / 0.5 s)"] = (
            f"/health max {max(health_times) * 1000:.0f} ms, POST /v1/messages max {max(message_times) * 1000:.0f} ms "
            f"during the trickle; serve fds {fds_before} -> {fds_during} -> {fds_after} after the clients left; "
            f"{len(slow.closed_by_server)} slow connections closed by serve within {SLOWLORIS_TRICKLE_SECONDS} s")
        r["got"] = (f"/health max {max(health_times) * 1000:.0f} ms, messages max {max(message_times) * 1000:.0f} ms; "
                    f"fds {fds_before} -> {fds_during} -> {fds_after}")
        assert max(health_times) < 1.0
        assert max(message_times) < 2.0
        assert fds_after <= fds_before + 2, "the slow connections' descriptors were released"


def test_slowloris_connection_is_eventually_dropped(serving):
    url, _, _, pid = serving
    with row(f"slowloris: a connection that never finishes its headers (or stays silent)",
             f"serve drops it within {SLOWLORIS_CLOSE_LIMIT} s") as r:
        parts = urllib.parse.urlparse(url)
        silent = socket.create_connection((parts.hostname, parts.port), timeout=5)
        slow = SlowClients(url, count=1, interval=0.5)
        try:
            silent_closed = None
            deadline = time.monotonic() + SLOWLORIS_CLOSE_LIMIT
            while time.monotonic() < deadline:
                slow.poll_closed()
                silent.setblocking(False)
                try:
                    if silent.recv(1) == b"" and silent_closed is None:
                        silent_closed = time.monotonic() - slow.started
                except BlockingIOError:
                    pass
                except OSError:
                    silent_closed = silent_closed or time.monotonic() - slow.started
                if slow.closed_by_server and silent_closed is not None:
                    break
                time.sleep(0.25)
        finally:
            slow.stop()
            silent.close()
        trickle = (f"closed after {slow.closed_by_server[0][0]:.0f} s" if slow.closed_by_server
                   else f"still open after {SLOWLORIS_CLOSE_LIMIT} s ({slow.sent} header bytes sent)")
        quiet = f"closed after {silent_closed:.0f} s" if silent_closed is not None else f"still open after {SLOWLORIS_CLOSE_LIMIT} s"
        r["got"] = f"trickling connection {trickle}; silent connection {quiet}"
        r["result"] = "fail"
        FIGURES["slowloris: a connection that never completes its headers"] = r["got"]
        assert slow.closed_by_server and silent_closed is not None, r["got"]
        r["result"] = "pass"


# ---------------------------------------------------------------------------------------------
# Bodies


def send_body_raw(url, head, pieces, timeout=60):
    """Writes a request on a raw socket (tolerating a server that answers early and stops
    reading); returns (bytes sent, status, parsed JSON body)."""
    parts = urllib.parse.urlparse(url)
    s = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    sent = 0
    try:
        try:
            s.sendall(head)
            for piece in pieces:
                s.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                lengths = re.findall(rb"(?im)^content-length:\s*(\d+)", data[:head_end])
                if lengths and len(data) - head_end - 4 >= int(lengths[0]):
                    break
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
        body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        return sent, status, parsed
    finally:
        s.close()


def filler(total, size=1 << 20):
    block = b"x" * size
    while total > 0:
        n = min(total, size)
        yield block[:n]
        total -= n


def chunked(pieces):
    for piece in pieces:
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_body_over_the_limit_is_413(serving, framing):
    url = serving[0]
    size = BODY_LIMIT + 1
    with row(f"body of 32 MiB + 1 byte ({framing})", "413 request_too_large") as r:
        head = (f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {CLIENT_KEY}\r\n"
                "content-type: application/json\r\n").encode()
        if framing == "content-length":
            head += f"content-length: {size}\r\n\r\n".encode()
            pieces = filler(size)
        else:
            head += b"transfer-encoding: chunked\r\n\r\n"
            pieces = chunked(filler(size))
        sent, status, parsed = send_body_raw(url, head, pieces)
        r["got"] = f"{status} {error_type(parsed)} ({sent:,} body bytes written before the answer)"
        assert status == 413
        assert error_type(parsed) == "request_too_large"


def test_body_at_the_limit_is_read(serving):
    url = serving[0]
    with row("body of exactly 32 MiB (not JSON)", "400 invalid_request_error (read, not refused as too large)") as r:
        head = (f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {CLIENT_KEY}\r\n"
                f"content-type: application/json\r\ncontent-length: {BODY_LIMIT}\r\n\r\n").encode()
        _, status, parsed = send_body_raw(url, head, filler(BODY_LIMIT))
        r["got"] = f"{status} {error_type(parsed)}"
        assert status == 400
        assert error_type(parsed) == "invalid_request_error"


BAD_JSON = [b"{", b"not json", b'{"model":', b"[]", b"null", b'{"model":"x","max_tokens":1,"messages":[}',
            b"\x00\x01\x02", b'{"messages": "nope"}', b"", b'{"model":"x","max_tokens":1,"messages":[]}']


def test_thousands_of_bad_json_requests(serving):
    url, _, _, pid = serving
    total, connections = 2000, 4
    with row(f"{total} tiny bad-JSON requests over {connections} keep-alive connections",
             "all 400 invalid_request_error; serve healthy; RSS flat") as r:
        parts = urllib.parse.urlparse(url)
        # Warm up (allocator pools, caches), then measure.
        for body in BAD_JSON:
            post_raw(url, body)
        rss_before = vm_kb(pid, "VmRSS")
        statuses, kinds = {}, {}
        reconnects = 0
        started = time.monotonic()
        for c in range(connections):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
            sock = None
            try:
                for i in range(total // connections):
                    body = BAD_JSON[(c + i) % len(BAD_JSON)]
                    path = "/v1/messages" if i % 4 else "/v1/messages/count_tokens"
                    conn.request("POST", path, body=body,
                                 headers={"x-api-key": CLIENT_KEY, "content-type": "application/json"})
                    response = conn.getresponse()
                    raw = response.read()
                    if sock is not None and conn.sock is not sock:
                        reconnects += 1
                    sock = conn.sock
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    try:
                        kind = error_type(json.loads(raw))
                    except ValueError:
                        kind = None
                    kinds[kind] = kinds.get(kind, 0) + 1
            finally:
                conn.close()
        elapsed = time.monotonic() - started
        rss_after = vm_kb(pid, "VmRSS")
        _, health_seconds = health(url)
        FIGURES[f"{total} bad-JSON requests on {connections} keep-alive connections"] = (
            f"{elapsed:.1f} s ({total / elapsed:.0f} req/s), statuses {statuses}, reconnects {reconnects}, "
            f"serve RSS {rss_before / 1024:.1f} -> {rss_after / 1024:.1f} MB")
        r["got"] = (f"statuses {statuses}, types {kinds}, {reconnects} reconnects, "
                    f"RSS {rss_before / 1024:.1f} -> {rss_after / 1024:.1f} MB, /health {health_seconds * 1000:.0f} ms")
        assert statuses == {400: total}
        assert kinds == {"invalid_request_error": total}
        assert reconnects == 0, "the connections stayed alive after 400s"
        assert rss_after - rss_before < 20 * 1024, "RSS did not grow by 20 MB or more"
        assert health_seconds < 0.5


VALID = json.dumps(messages_body("hello")).encode()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None],
                         ids=["text-plain", "form", "none"])
def test_wrong_content_type(serving, content_type):
    url = serving[0]
    with row(f"Content-Type: {content_type or '(none)'} with a valid JSON body",
             "accepted (200), or a clear 4xx with an Anthropic error body") as r:
        parts = urllib.parse.urlparse(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        headers = {"x-api-key": CLIENT_KEY}
        if content_type:
            headers["content-type"] = content_type
        try:
            conn.request("POST", "/v1/messages", body=VALID, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        parsed = json.loads(raw)
        r["got"] = summary(response.status, parsed)
        if response.status == 200:
            assert parsed["type"] == "message"
        else:
            assert 400 <= response.status < 500 and error_type(parsed) is not None


INVALID_UTF8 = [
    pytest.param(b'{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"bad \xff\xfe here"}]}',
                 id="bytes-ff-fe-in-content"),
    pytest.param(b'{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"cut \xe2\x82"}]}',
                 id="truncated-sequence"),
    pytest.param(b'{"model":"claude-sonnet-4-5\xc0\xaf","max_tokens":16,"messages":[{"role":"user","content":"x"}]}',
                 id="overlong-in-model"),
    pytest.param(b'{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"lone \\ud800 surrogate"}]}',
                 id="escaped-lone-surrogate"),
]


@pytest.mark.parametrize("body", INVALID_UTF8)
def test_invalid_utf8(serving, body, request):
    url = serving[0]
    with row(f"invalid UTF-8 in a JSON string ({request.node.callspec.id})", "400 invalid_request_error") as r:
        status, parsed, _ = post_raw(url, body)
        r["got"] = summary(status, parsed)
        assert status == 400
        assert error_type(parsed) == "invalid_request_error"


DEPTH = 100_000
NESTED = "[" * DEPTH + "]" * DEPTH
DEEP = [
    pytest.param("[" * DEPTH, id="unclosed-brackets-as-body"),
    pytest.param(NESTED, id="balanced-brackets-as-body"),
    pytest.param('{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":' + NESTED + "}]}",
                 id="in-message-content"),
    pytest.param('{"model":"claude-sonnet-4-5","max_tokens":16,"metadata":' + NESTED +
                 ',"messages":[{"role":"user","content":"x"}]}', id="in-metadata"),
    pytest.param('{"model":"claude-sonnet-4-5","max_tokens":16,"unknown_field":' + '{"a":' * DEPTH + "1" + "}" * DEPTH +
                 ',"messages":[{"role":"user","content":"x"}]}', id="objects-in-unknown-field"),
    pytest.param('{"model":"claude-sonnet-4-5","max_tokens":16,"tools":[{"name":"f","input_schema":{"type":"object",'
                 '"properties":' + NESTED + '}}],"messages":[{"role":"user","content":"x"}]}', id="in-tool-schema"),
    pytest.param('{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"x"},'
                 '{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{"a":' + NESTED +
                 '}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}',
                 id="in-tool-input"),
]


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/messages/count_tokens"], ids=["messages", "count_tokens"])
@pytest.mark.parametrize("body", DEEP)
def test_deep_nesting(serving, body, path, request):
    url = serving[0]
    case_id = request.node.callspec.id
    with row(f"deep JSON nesting, {DEPTH:,} levels ({case_id})", "400 invalid_request_error, no crash") as r:
        status, parsed, _ = post_raw(url, body.encode(), path=path)
        r["got"] = summary(status, parsed)
        assert status == 400
        assert error_type(parsed) == "invalid_request_error"


def test_huge_base64_image(serving):
    url, upstream, _, _ = serving
    data = base64.b64encode(os.urandom(15_000_000)).decode()  # 20,000,000 base64 characters
    with row(f"{len(data) / 1e6:.0f} MB base64 image", "forwarded to the vision model, or a clear error") as r:
        body = json.dumps(messages_body([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}},
            {"type": "text", "text": "[[script:image_count]]"}])).encode()
        started = time.monotonic()
        status, parsed, _ = post_raw(url, body, timeout=60)
        elapsed = time.monotonic() - started
        r["got"] = summary(status, parsed) + f", {elapsed:.1f} s"
        if status == 200:
            assert parsed["content"][0]["text"] == "I received 1 image."
            sent = last_chat_request(upstream)["body"]
            image_url = sent["messages"][-1]["content"][0]["image_url"]["url"]
            assert image_url == "data:image/png;base64," + data, "the image arrived upstream intact"
            r["got"] += f", upstream model {sent['model']}"
            assert sent["model"] == "Qwen/Qwen2.5-VL-72B-Instruct"
        else:
            assert error_type(parsed) is not None, "a clear Anthropic error"


@pytest.mark.parametrize("value", ['"x"', "42", "[1,2]", "null", "true"], ids=["string", "number", "array", "null", "bool"])
def test_tool_input_not_an_object(serving, value):
    url, upstream, _, _ = serving
    with row(f"assistant tool_use with \"input\": {value}", "accepted, or a clear 400") as r:
        body = ('{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"x"},'
                '{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":' + value + '}]},'
                '{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}],'
                '"tools":[{"name":"f","input_schema":{"type":"object","properties":{}}}]}')
        status, parsed, _ = post_raw(url, body.encode())
        r["got"] = summary(status, parsed)
        if status == 200:
            sent = last_chat_request(upstream)["body"]["messages"]
            arguments = sent[1]["tool_calls"][0]["function"]["arguments"]
            r["got"] += f"; forwarded arguments {arguments}"
            assert parsed["type"] == "message"
            json.loads(arguments)  # still JSON text
        else:
            assert status == 400 and error_type(parsed) == "invalid_request_error"
