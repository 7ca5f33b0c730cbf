"""MCP tools over Streamable HTTP in `ask` and the chat: a real server written with the official
Python SDK (Tests/E2E/mcp_servers/http_calc_server.py) on a loopback port, against the scripted
upstream.

The scripted upstream answers the first request with a call to the named tool; the follow-up
request carries the tool result, and the upstream's default answer quotes it ("The tool
returned: ..."), which shows the result reached the model.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import wait_until
from mcp_support import cancel_a_hanging_call_then_add, tool_call, tool_messages, tool_text, write_config
from repl_support import ask, start_chat

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcp_servers", "http_calc_server.py")
TOKEN = "http-bearer-secret-77"


class HTTPServer:
    """The server process, its URL and the headers of every request it received."""

    def __init__(self, tmp_path, *args):
        self.port_file = tmp_path / f"port-{time.monotonic_ns()}"
        self.headers_log = tmp_path / f"headers-{time.monotonic_ns()}.jsonl"
        self.process = subprocess.Popen(
            [sys.executable, SERVER, "--port-file", str(self.port_file), "--headers-log", str(self.headers_log), *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until(lambda: self.port_file.exists() or self.process.poll() is not None, timeout=20,
                   message="the HTTP MCP server to listen")
        assert self.process.poll() is None, self.process.stderr.read().decode()
        self.url = f"http://127.0.0.1:{self.port_file.read_text()}/mcp"

    def requests(self):
        if not self.headers_log.exists():
            return []
        return [json.loads(line) for line in self.headers_log.read_text().splitlines()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def http_server(tmp_path):
    servers = []

    def start(*args):
        server = HTTPServer(tmp_path, *args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def entry(url, token="${CALC_TOKEN}"):
    return {"type": "http", "url": url,
            "headers": {"Authorization": f"Bearer {token}", "X-Calc-Tenant": "tenant-${CALC_TENANT}"}}


def env_with_token(isolated_env, token=TOKEN, **extra):
    return dict(isolated_env.env, CALC_TOKEN=token, CALC_TENANT="seven", **extra)


@pytest.mark.parametrize("mode", ["event-stream", "json"])
def test_ask_calls_a_tool_over_http_with_the_configured_headers(upstream, isolated_env, http_server, mode):
    server = http_server("--require-auth", TOKEN, *(["--json-response"] if mode == "json" else []))
    write_config(os.path.join(isolated_env.home, ".mcp.json"), {"web": entry(server.url)})
    upstream.enqueue(tool_call("mcp__web__add", {"a": 2, "b": 40}))
    result = isolated_env.run(["ask", "--tools", "--yes", "what is 2 + 40?"], env=env_with_token(isolated_env))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "The tool returned: 42\n"
    assert '→ web.add {"a":2,"b":40}' in result.stderr
    assert "← 42" in result.stderr
    assert TOKEN not in result.stdout + result.stderr

    first, second = upstream.chat_requests()[-2:]
    assert {"mcp__web__add", "mcp__web__hang", "mcp__web__fail"} <= {t["function"]["name"] for t in first["body"]["tools"]}
    assert tool_text(tool_messages(second)[0]) == "42"

    # On the server's side: the headers of the entry, ${VAR} expanded, on every request; the
    # session id from the initialize answer and the negotiated version on every later one;
    # a DELETE at the end.
    requests = [r for r in server.requests() if r["path"] == "/mcp"]
    posts = [r for r in requests if r["method"] == "POST"]
    assert len(posts) >= 4  # initialize, initialized, tools/list, tools/call
    for r in requests:
        assert r["headers"]["authorization"] == f"Bearer {TOKEN}"
        assert r["headers"]["x-calc-tenant"] == "tenant-seven"
    for r in posts:
        assert r["headers"]["content-type"] == "application/json"
        assert r["headers"]["accept"] == "application/json, text/event-stream"
    assert "mcp-session-id" not in posts[0]["headers"]
    session = posts[1]["headers"]["mcp-session-id"]
    assert session
    for r in posts[1:]:
        assert r["headers"]["mcp-session-id"] == session
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["headers"]["mcp-protocol-version"])
    assert requests[-1]["method"] == "DELETE" and requests[-1]["headers"]["mcp-session-id"] == session


def test_a_refused_url_and_a_401_are_clear_one_line_reasons_without_the_key(upstream, isolated_env, http_server):
    server = http_server("--require-auth", TOKEN)
    down = f"http://127.0.0.1:{closed_port()}/mcp"
    write_config(os.path.join(isolated_env.home, ".mcp.json"), {
        "down": entry(down), "locked": entry(server.url)})
    result = isolated_env.run(["ask", "--tools", "--yes", "hello"], env=env_with_token(isolated_env, token="wrong-secret-9"))
    assert result.returncode == 0, result.stderr
    assert f"MCP server down: it did not start: cannot reach {down}: connection refused" in result.stderr
    assert (f"MCP server locked: it did not start: {server.url} answered HTTP 401 Unauthorized: "
            'check the "headers" of its entry') in result.stderr
    assert "wrong-secret-9" not in result.stdout + result.stderr
    # The server did see the (wrong) header: the refusal is the server's.
    assert server.requests()[0]["headers"]["authorization"] == "Bearer wrong-secret-9"
    assert "tools" not in upstream.chat_requests()[-1]["body"]


def test_the_chat_calls_a_tool_over_http_lists_it_and_recovers_an_expired_session(
        upstream, terminal, isolated_env, http_server):
    server = http_server("--require-auth", TOKEN)
    write_config(os.path.join(isolated_env.config_home, "nebius-chat", "mcp.json"), {"web": entry(server.url)})
    upstream.enqueue(tool_call("mcp__web__add", {"a": 2, "b": 40}))
    term = start_chat(terminal, env=env_with_token(isolated_env, MCP_TOOL_TIMEOUT="1.5"))
    ask(term, "what is 2 + 40?")
    term.wait_for('Run web.add {"a":2,"b":40}? [y/N/a]')
    term.send("y")
    term.press("Enter")
    screen = term.wait_for("The tool returned: 42")
    assert "← 42" in screen
    term.wait_for_prompt()
    assert tool_text(tool_messages(upstream.chat_requests()[-1])[0]) == "42"

    # /tools: the server, its URL, its state and its tools.
    ask(term, "/tools")
    screen = term.wait_for("web.hang")
    assert re.search(r"web\s+running", screen)
    assert server.url in screen and "web.add" in screen
    term.wait_for_prompt()

    # A call that hangs times out like a stdio one; the server stays usable.
    upstream.enqueue(tool_call("mcp__web__hang", {}))
    ask(term, "hang")
    term.wait_for("Run web.hang {}? [y/N/a]")
    term.send("a")
    term.press("Enter")
    term.wait_for("The tool returned: Error: The tool web.hang gave no answer within 1.5 s")
    term.wait_for_prompt()

    # The server forgets the session: the next call says so, and the server is started again
    # (a new session) with the prompt after.
    urllib.request.urlopen(server.url.removesuffix("/mcp") + "/forget").close()
    upstream.enqueue(tool_call("mcp__web__fail", {"reason": "late"}))
    ask(term, "fail")
    term.wait_for("Run web.fail")
    term.send("y")
    term.press("Enter")
    screen = term.wait_for("its session expired")
    assert f"{server.url} answered 404 Not Found to the session id" in screen
    term.wait_for_prompt()
    ask(term, "/tools")
    term.wait_for(re.compile(r"web\s+gone: its session expired"))
    term.wait_for_prompt()
    sessions_before = {r["headers"].get("mcp-session-id") for r in server.requests()}
    upstream.enqueue(tool_call("mcp__web__fail", {"reason": "bad luck"}))
    ask(term, "fail again")
    term.wait_for("Run web.fail")
    term.send("y")
    term.press("Enter")
    term.wait_for("httpcalc cannot do that: bad luck")
    term.wait_for_prompt()
    assert {r["headers"].get("mcp-session-id") for r in server.requests()} - sessions_before
    assert TOKEN not in term.screen()

    ask(term, "/exit")
    assert term.wait_exit() == 0
    wait_until(lambda: server.requests()[-1]["method"] == "DELETE", timeout=10, message="the session's DELETE")


def test_ctrl_c_cancels_a_call_over_http_and_the_server_stays_usable(upstream, terminal, isolated_env, http_server):
    server = http_server("--require-auth", TOKEN)
    write_config(os.path.join(isolated_env.config_home, "nebius-chat", "mcp.json"), {"web": entry(server.url)})
    upstream.enqueue(tool_call("mcp__web__hang", {}))
    term = start_chat(terminal, "--yes", env=env_with_token(isolated_env, MCP_TOOL_TIMEOUT="60"))
    cancel_a_hanging_call_then_add(term, upstream, "web")
    # The same session served both calls.
    sessions = {r["headers"].get("mcp-session-id") for r in server.requests() if r["method"] == "POST"} - {None}
    assert len(sessions) == 1
