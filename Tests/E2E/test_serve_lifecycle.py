"""`nebius-chat serve` as a process: start-up rules, disconnects, timeouts, shutdown."""
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.parse

import serve_support
from serve_support import CLIENT_KEY, NEBIUS_KEY, binary, running_proxy
from sse_grammar import SSEChecker, check_partial, check_sse


def post_stream(url, content, read_events=1):
    """Opens a streamed /v1/messages request and reads `read_events` SSE frames; returns the connection."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 64, "stream": True,
                       "messages": [{"role": "user", "content": content}]})
    conn.request("POST", "/v1/messages", body=body, headers={"x-api-key": CLIENT_KEY, "content-type": "application/json"})
    return conn


def chat_requests(upstream):
    """The upstream's chat requests (serve also asks it for the model catalogue)."""
    return [r for r in upstream.requests() if "chat/completions" in r["path"]]


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_client_disconnect_mid_stream_closes_upstream_request():
    with running_proxy() as (url, upstream, _):
        conn = post_stream(url, '[[script:text text="a b c d e f g h" chunks=8 delay=1]]')
        response = conn.getresponse()
        assert response.status == 200
        first = response.readline()
        assert first.startswith(b"event: message_start")
        closed_at = time.time()
        conn.sock.shutdown(2)
        conn.close()
        assert wait_for(lambda: chat_requests(upstream) and chat_requests(upstream)[-1]["client_closed"])
        assert time.time() - closed_at < 1.0, "upstream request closed promptly"
        check_partial(first)


def test_client_disconnect_before_first_byte_closes_upstream_request():
    with running_proxy() as (url, upstream, _):
        conn = post_stream(url, "[[script:stall]]")
        assert wait_for(lambda: len(chat_requests(upstream)) == 1)
        closed_at = time.time()
        conn.sock.shutdown(2)
        conn.close()
        assert wait_for(lambda: chat_requests(upstream)[-1]["client_closed"])
        assert time.time() - closed_at < 1.0


def test_stalled_stream_ends_with_timeout_error_event():
    with running_proxy({"REQUEST_TIMEOUT": "1"}) as (url, upstream, _):
        conn = post_stream(url, '[[script:text text="a b c d" chunks=4 fault={"kind":"stall_mid","after":2}]]')
        response = conn.getresponse()
        started = time.time()
        text = response.read().decode()
        assert time.time() - started < 10
        assert "event: error" in text
        assert "timeout_error" in text
        events = check_sse(text)
        assert events[-1].name == "error" and events[-1].data["error"]["type"] == "timeout_error"


def test_stall_before_first_byte_is_504():
    with running_proxy({"REQUEST_TIMEOUT": "1", "MAX_RETRIES": "0"}) as (url, upstream, _):
        conn = post_stream(url, "[[script:stall seconds=30]]")
        response = conn.getresponse()
        assert response.status == 504
        assert json.loads(response.read())["error"]["type"] == "timeout_error"


def test_refuses_public_bind_without_client_key():
    home = tempfile.mkdtemp()
    env = {"PATH": os.environ["PATH"], "HOME": home, "NEBIUS_API_KEY": NEBIUS_KEY}
    result = subprocess.run([binary("nebius-chat", "NEBIUS_CHAT_BIN"), "serve", "--host", "0.0.0.0", "--port", "0"],
                            env=env, cwd=home, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert "ANTHROPIC_API_KEY" in result.stderr and "--allow-unauthenticated" in result.stderr


def test_no_key_exits_2_with_instructions():
    home = tempfile.mkdtemp()
    env = {"PATH": os.environ["PATH"], "HOME": home}
    result = subprocess.run([binary("nebius-chat", "NEBIUS_CHAT_BIN"), "serve", "--port", "0"],
                            env=env, cwd=home, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert "NEBIUS_API_KEY" in result.stderr and ".env" in result.stderr


def test_sigterm_lets_a_running_stream_finish():
    with running_proxy() as (url, upstream, _):
        conn = post_stream(url, '[[script:text text="one two three" chunks=3 delay=0.3]]')
        response = conn.getresponse()
        first = response.readline()
        assert first.startswith(b"event: message_start")
        os.kill(serve_support.current_proxy_pid, signal.SIGTERM)
        rest = response.read()
        assert b"event: message_stop" in rest, "the running stream completed after SIGTERM"
        assert check_sse(first + rest)[-1].name == "message_stop"


def _stream_to_end(url, content, violations):
    """Streams one answer to its end; returns the bytes read (0 on a failure). A body that
    breaks the stream grammar counts as a failure and its violation goes to `violations`."""
    try:
        conn = post_stream(url, content)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if response.status != 200:
            return 0
        check_sse(data)
        return len(data)
    except OSError:
        return 0
    except AssertionError as violation:
        violations.append(str(violation))
        return 0


def test_memory_is_given_back_once_idle_after_a_burst():
    """MEMORY_TRIM_INTERVAL: after a burst of concurrent streams, an idle serve returns freed
    memory to the system. Without it glibc keeps it: RSS stays at its peak for minutes."""
    import threading
    from serve_support import vm_kb
    with running_proxy({"MEMORY_TRIM_INTERVAL": "1"}) as (url, _, log):
        pid = serve_support.current_proxy_pid
        start = vm_kb(pid, "VmRSS")
        content = '[[script:text text="' + "ab" * 20000 + '" chunks=200 delay=0.01]] go'
        results, violations = [], []
        threads = [threading.Thread(target=lambda: results.append(_stream_to_end(url, content, violations)))
                   for _ in range(400)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        peak = vm_kb(pid, "VmHWM")
        assert not violations, f"{len(violations)} streams broke the grammar, e.g. {violations[0]}"
        assert len(results) == 400 and all(results), "every stream of the burst completed"
        assert peak - start > 20_000, f"the burst raised RSS enough to tell (start {start} kB, peak {peak} kB)"
        # The pooled upstream connections stay open (60 s): what they hold is not given back yet.
        gave_back = wait_for(lambda: vm_kb(pid, "VmRSS") < peak - 10_000, timeout=6)
        after = vm_kb(pid, "VmRSS")
        assert gave_back, f"RSS start {start} kB, peak {peak} kB, still {after} kB 6 s after the burst"
        assert wait_for(lambda: "idle: memory given back" in open(log).read(), timeout=3)


def test_a_client_that_stops_reading_does_not_make_serve_buffer_the_answer():
    """A 40 MB answer to a client that reads its first bytes and then nothing: serve stops
    reading the upstream instead of holding the answer in memory, and still delivers every byte
    once the client reads again. (Measured on a debug build: serve grows ~7 MB in 12 s; reading
    ahead without limit it grew 21 MB, as fast as it could decode.)"""
    from serve_support import vm_kb
    size = 40_000_000
    with running_proxy({"LOG_LEVEL": "error"}) as (url, _, _):
        pid = serve_support.current_proxy_pid
        start = vm_kb(pid, "VmRSS")
        conn = post_stream(url, f"[[script:huge bytes={size} chunk_size=4000]]")
        response = conn.getresponse()
        assert response.status == 200
        first = response.readline()
        assert first.startswith(b"event: message_start")
        time.sleep(12)
        grown = vm_kb(pid, "VmRSS") - start
        text = 0
        checker = SSEChecker(keep=False)
        checker.feed(first)
        for line in response:
            for event in checker.feed(line):
                if event.name == "content_block_delta" and event.data["delta"]["type"] == "text_delta":
                    text += len(event.data["delta"]["text"])
        checker.finish()
        assert text == size, "every byte arrived once the client read again"
        assert grown < 14_000, f"serve grew by {grown} kB in 12 s while the client did not read"
