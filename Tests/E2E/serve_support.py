"""Start the real binaries for end-to-end tests of `nebius-chat serve`.

`running_proxy()` starts the scripted upstream (ScriptedUpstreamServer) and `nebius-chat serve`
in front of it, each on a free loopback port, and stops both afterwards.
"""
import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NEBIUS_KEY = "nb-test-key-0123456789"
CLIENT_KEY = "sk-client-test-9876543210"
# TranslationConfig.defaultMiddleModel: where claude-sonnet-* goes by default.
MIDDLE_MODEL = "moonshotai/Kimi-K2.7-Code"
# The pid of the `serve` process of the innermost running_proxy().
current_proxy_pid = None


def binary(name, env_var):
    path = os.environ.get(env_var) or os.path.join(ROOT, ".build", "debug", name)
    if not os.path.exists(path):
        raise RuntimeError(f"{path} is missing: run `swift build` first (or set {env_var})")
    return path


def _wait_for_line(proc, pattern, timeout=30):
    """Reads stdout until a line matches `pattern`; returns the match."""
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    raise RuntimeError(f"no line matching {pattern!r}; output so far: {''.join(seen)}")


class Upstream:
    """Admin client of a running scripted upstream."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def enqueue(self, behaviour):
        return self._call("POST", "/_scripted/enqueue", behaviour)

    def requests(self):
        return self._call("GET", "/_scripted/requests")

    def reset(self):
        return self._call("POST", "/_scripted/reset", {})


@contextlib.contextmanager
def running_proxy(extra_env=None, client_key=CLIENT_KEY):
    upstream = subprocess.Popen([binary("ScriptedUpstreamServer", "SCRIPTED_UPSTREAM_BIN"), "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proxy = None
    try:
        upstream_url = _wait_for_line(upstream, r"listening on (http://\S+)").group(1)
        home = tempfile.mkdtemp(prefix="nebius-e2e-")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "OPENAI_BASE_URL": upstream_url + "/v1",
            "NEBIUS_API_KEY": NEBIUS_KEY,
            "MAX_RETRIES": "1",
            "LOG_LEVEL": "debug",
            "PORT": "0",
        }
        if client_key:
            env["ANTHROPIC_API_KEY"] = client_key
        env.update(extra_env or {})
        log = open(os.path.join(home, "serve.log"), "w")
        proxy = subprocess.Popen([binary("nebius-chat", "NEBIUS_CHAT_BIN"), "serve"], cwd=home,
                                 stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        proxy_url = _wait_for_line(proxy, r"listening on (http://\S+)").group(1)
        global current_proxy_pid
        current_proxy_pid = proxy.pid
        yield proxy_url, Upstream(upstream_url), os.path.join(home, "serve.log")
    finally:
        for p in (proxy, upstream):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()


def process_state(pid):
    """The State line of /proc/PID/status ('S (sleeping)'), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("State:"):
                    return line.split(":", 1)[1].strip()
    except FileNotFoundError:
        return None
    return None


def vm_kb(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM, ...)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def assert_serving(proxy):
    """The serve process of `proxy` (url, upstream, log path, pid) is alive (not a zombie) and
    answers /health."""
    url, _, log_path, pid = proxy
    state = process_state(pid)
    assert state is not None and not state.startswith("Z"), \
        f"serve (pid {pid}) is gone: {state}; log tail:\n{open(log_path).read()[-2000:]}"
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    finally:
        conn.close()


@contextlib.contextmanager
def rows_fail_unless_serving(proxy, results):
    """Around one test of a shared proxy: afterwards serve must still be serving; if not, the
    report rows the test added to `results` are marked failed too."""
    before = len(results)
    yield
    try:
        assert_serving(proxy)
    except BaseException as error:
        for entry in results[before:]:
            entry["result"] = f"FAIL: serve not serving afterwards: {error}"[:200]
        raise


_held_sockets = []


def closed_loopback_port():
    """A loopback port nobody listens on: bound and never listening, held for the life of the
    test process, so connections are refused and no server started later can be given it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    _held_sockets.append(s)
    return s.getsockname()[1]
