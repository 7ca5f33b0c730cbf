"""Shared pytest fixtures for the end-to-end tests: the real binaries, a scripted upstream, an
isolated environment, and a tmux-driven terminal.

Fixtures (see each docstring):

    nebius_chat_bin      path of the built `nebius-chat` (env NEBIUS_CHAT_BIN overrides)
    scripted_upstream_bin path of `ScriptedUpstreamServer` (env SCRIPTED_UPSTREAM_BIN overrides)
    scripted_upstream    one ScriptedUpstreamServer for the whole test session (a ScriptedUpstream)
    upstream             the same server, reset (queue, records) before each test
    isolated_env         a temp HOME with XDG dirs, OPENAI_BASE_URL -> the scripted upstream,
                         NEBIUS_API_KEY set; `.run([...])` runs nebius-chat in it
    terminal             a factory: `terminal("--continue")` starts nebius-chat in a tmux pane
                         and returns a Terminal (send keys, read the screen, wait for text)

Typical use:

    def test_something(upstream, isolated_env):
        upstream.enqueue({"type": "text", "text": "Hello"})
        result = isolated_env.run(["ask", "hi"])
        assert result.stdout == "Hello\\n"
        assert upstream.chat_requests()[-1]["body"]["model"] == isolated_env.big_model

The behaviours the scripted upstream understands are documented in
Sources/ScriptedUpstream/Behavior+Codable.swift; a user message may also pick one with a
`[[script:NAME key=value ...]]` directive. Build first: `swift build` (debug products).
"""
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TEST_KEY = "nb-e2e-test-key-0123456789"

# The defaults of TranslationConfig, which the scripted upstream's catalogue also lists.
BIG_MODEL = "zai-org/GLM-5.2"
MIDDLE_MODEL = "moonshotai/Kimi-K2.7-Code"
SMALL_MODEL = "openai/gpt-oss-120b"
VISION_MODEL = "Qwen/Qwen2.5-VL-72B-Instruct"
# What the scripted upstream lists by default (Sources/ScriptedUpstream/ScriptedCatalogue.swift).
CATALOGUE_IDS = [
    "zai-org/GLM-5.2", "moonshotai/Kimi-K2.7-Code", "moonshotai/Kimi-K3", "deepseek-ai/DeepSeek-V4-Pro",
    "MiniMaxAI/MiniMax-M3", "Qwen/Qwen3.5-397B-A17B", "openai/gpt-oss-120b", "openai/gpt-oss-20b",
    "Qwen/Qwen2.5-VL-72B-Instruct", "google/gemma-3-27b-it", "nvidia/nemotron-3-super-120b-a12b",
]


def binary_path(name, env_var):
    """The built binary `name` (`.build/debug/<name>`), or the path in `env_var`."""
    path = os.environ.get(env_var) or os.path.join(ROOT, ".build", "debug", name)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `swift build` first (or set {env_var})", pytrace=False)
    return path


def wait_until(predicate, timeout=20.0, interval=0.05, message="condition"):
    """Polls `predicate` until it returns something truthy; returns that value or fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}", pytrace=False)
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# The scripted upstream


class ScriptedUpstream:
    """A running ScriptedUpstreamServer and a small client for its admin endpoints.

    `base_url` is what OPENAI_BASE_URL should be (`http://127.0.0.1:PORT/v1`). `args` are more
    ScriptedUpstreamServer flags (`--catalogue FILE`, `--enforce-window vllm`, `--any-model`).

    Like Nebius, a chat request for a model the catalogue does not list gets a 404
    `{"detail": "Model <id> not found"}`; `reset()` restores the catalogue and the options.
    """

    def __init__(self, executable, args=()):
        self.process = subprocess.Popen(
            [executable, "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line or "")
        if not match:
            self.stop()
            raise RuntimeError(f"the scripted upstream did not start: {line!r}")
        self.url = match.group(1)
        self.base_url = self.url + "/v1"

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def enqueue(self, *behaviours):
        """Queues behaviours (dicts such as {"type": "text", "text": "Hi"}) for the next requests."""
        return self._call("POST", "/_scripted/enqueue", list(behaviours))

    def requests(self):
        """Every recorded request (chat and models), oldest first: dicts with method, path,
        headers, body, behavior, stream, completed, client_closed, server_reset."""
        return self._call("GET", "/_scripted/requests")

    def chat_requests(self):
        """The recorded chat completion requests."""
        return [r for r in self.requests() if "/chat/completions" in r["path"]]

    def reset(self):
        """Clears the queue and the records."""
        return self._call("POST", "/_scripted/reset", {})

    def set_catalogue(self, models):
        """Replaces what GET /v1/models lists (a list of Nebius verbose model objects) and which
        ids chat requests may name."""
        return self._call("POST", "/_scripted/catalogue", models)

    def catalogue(self):
        """The entries GET /v1/models lists now."""
        return self._call("GET", "/v1/models?verbose=true")["data"]

    def set_models_failure(self, failure):
        """Makes GET /v1/models fail until reset: {"status": 503}, {"kind": "close"},
        {"kind": "stall", "seconds": 5}; None ends it."""
        return self._call("POST", "/_scripted/models_failure", failure or {})

    def set_options(self, **options):
        """strict_models=False serves any model id; enforce_window="vllm" (or another overflow
        style, or None) refuses requests over the model's catalogue window."""
        return self._call("POST", "/_scripted/options", options)

    def wait_for_chat_requests(self, count, timeout=20.0):
        """Waits until at least `count` chat requests were recorded; returns them."""
        return wait_until(lambda: (lambda r: r if len(r) >= count else None)(self.chat_requests()),
                          timeout=timeout, message=f"{count} chat request(s) upstream")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def user_texts(chat_request):
    """The text of each user message of a recorded chat request, in order."""
    texts = []
    for message in chat_request["body"]["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
        else:
            texts.append("".join(part.get("text", "") for part in content if part.get("type") == "text"))
    return texts


# ---------------------------------------------------------------------------------------------
# The isolated environment


class IsolatedEnv:
    """A private HOME and XDG directories, and the variables that point nebius-chat at the
    scripted upstream. Nothing of the caller's environment leaks in except PATH and LANG.

    Attributes: home, config_home, data_home, state_home, sessions_dir, history_file, env (dict),
    binary, big_model, vision_model.
    """

    def __init__(self, binary, upstream_base_url):
        self.binary = binary
        self.home = tempfile.mkdtemp(prefix="nebius-e2e-home-")
        self.config_home = os.path.join(self.home, "config")
        self.data_home = os.path.join(self.home, "data")
        self.state_home = os.path.join(self.home, "state")
        self.sessions_dir = os.path.join(self.data_home, "nebius-chat", "sessions")
        self.history_file = os.path.join(self.state_home, "nebius-chat", "history")
        self.big_model = BIG_MODEL
        self.vision_model = VISION_MODEL
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.config_home,
            "XDG_DATA_HOME": self.data_home,
            "XDG_STATE_HOME": self.state_home,
            "OPENAI_BASE_URL": upstream_base_url,
            "NEBIUS_API_KEY": TEST_KEY,
            "MAX_RETRIES": "0",
        }

    def without(self, *names):
        """A copy of the environment without `names` (e.g. the key)."""
        return {k: v for k, v in self.env.items() if k not in names}

    def run(self, args, input=None, env=None, timeout=60, cwd=None):
        """Runs `nebius-chat ARGS` to completion; returns the CompletedProcess (text mode).
        stdin is `input` (a string) or empty, never the test runner's own stdin."""
        return subprocess.run(
            [self.binary, *args], input=input if input is not None else "",
            env=env if env is not None else self.env, cwd=cwd or self.home,
            capture_output=True, text=True, timeout=timeout)

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# A terminal in tmux


class Terminal:
    """nebius-chat running in a tmux pane (a real pseudo-terminal) on a private tmux server.

    send("text")          types literal text        press("Enter", "C-c", "Tab", "Up")
    screen()              the pane as text (with scrollback)
    wait_for("x")         polls until the text (or a compiled regex) is on screen; returns the screen
    wait_for_prompt()     until the cursor line is an empty `> ` prompt
    paste("a\\nb")         pastes with bracketed paste, as a terminal does
    wait_exit()           until the program ended; returns its exit status
    """

    def __init__(self, command, env, cwd, width=120, height=40):
        # A private tmux server on its own socket file, removed by close().
        self.directory = tempfile.mkdtemp(prefix="nebius-e2e-tmux-")
        self.socket = os.path.join(self.directory, "socket")
        self.target = "chat"
        # The exit status goes to a file: tmux may be slow to reap a dead pane's process.
        self.status_file = os.path.join(self.directory, "status")
        env_args = ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["TERM=screen"]
        wrapper = ["sh", "-c", '"$@"; echo $? > ' + self.status_file, "sh"]
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", self.target, "-x", str(width), "-y", str(height),
                   "-c", cwd, "--", *wrapper, *env_args, *command)
        self._tmux("set-option", "-t", self.target, "remain-on-exit", "on")
        self._tmux("set-option", "-t", self.target, "history-limit", "5000")

    def _tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=check)

    def send(self, text):
        self._tmux("send-keys", "-t", self.target, "-l", text)

    def press(self, *keys):
        for key in keys:
            self._tmux("send-keys", "-t", self.target, key)

    def paste(self, text):
        self._tmux("set-buffer", "-b", "e2e", text)
        self._tmux("paste-buffer", "-p", "-d", "-b", "e2e", "-t", self.target)

    def screen(self):
        result = self._tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", self.target, check=False)
        return result.stdout

    def cursor_line(self):
        y = self._tmux("display-message", "-p", "-t", self.target, "#{cursor_y}").stdout.strip()
        lines = self._tmux("capture-pane", "-p", "-t", self.target).stdout.split("\n")
        index = int(y or 0)
        return lines[index] if index < len(lines) else ""

    def wait_for(self, expected, timeout=20.0):
        def found():
            text = self.screen()
            ok = expected.search(text) if hasattr(expected, "search") else expected in text
            return text if ok else None
        try:
            return wait_until(found, timeout=timeout, message=f"{expected!r} on screen")
        except pytest.fail.Exception:
            pytest.fail(f"timed out waiting for {expected!r}; screen:\n{self.screen()}", pytrace=False)

    def wait_for_prompt(self, timeout=20.0):
        try:
            return wait_until(lambda: self.cursor_line().rstrip() == ">", timeout=timeout, message="an empty prompt")
        except pytest.fail.Exception:
            pytest.fail(f"no empty prompt; screen:\n{self.screen()}", pytrace=False)

    def is_running(self):
        return not os.path.exists(self.status_file)

    def wait_exit(self, timeout=20.0):
        """Waits for the program to end; returns its exit status (128+N if signal N killed it)."""
        def status():
            try:
                with open(self.status_file) as f:
                    text = f.read().strip()
                return ("status", int(text)) if text else None
            except FileNotFoundError:
                return None
        return wait_until(status, timeout=timeout, message="nebius-chat to exit")[1]

    def close(self):
        self._tmux("kill-server", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# serve in front of a scripted upstream of its own


class Serve:
    """A running `nebius-chat serve`: url, summary (the start-up lines), home, cache_file
    (its catalogue cache), `log()` (its stderr so far), `stop()`."""

    def __init__(self, process, url, summary, home, log_path):
        self.process = process
        self.url = url
        self.summary = summary
        self.home = home
        self.cache_file = os.path.join(home, "cache", "nebius-chat", "catalogue.json")
        self.log_path = log_path

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_for_log(self, text, timeout=10.0):
        """Waits until `text` is in serve's stderr; returns the log."""
        return wait_until(lambda: (lambda log: log if text in log else None)(self.log()), timeout=timeout,
                          message=f"{text!r} in serve's log")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


SERVE_CLIENT_KEY = "sk-client-e2e-0123456789"


@contextlib.contextmanager
def scripted_upstream_process(args=(), catalogue=None):
    """A ScriptedUpstreamServer of its own, started with `args`; `catalogue` (a list of model
    objects) is written to a file and passed as `--catalogue`."""
    directory = tempfile.mkdtemp(prefix="nebius-e2e-upstream-")
    args = list(args)
    if catalogue is not None:
        path = os.path.join(directory, "catalogue.json")
        with open(path, "w") as f:
            json.dump(catalogue, f)
        args += ["--catalogue", path]
    server = ScriptedUpstream(binary_path("ScriptedUpstreamServer", "SCRIPTED_UPSTREAM_BIN"), args)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def serve_process(upstream, extra_env=None, home=None):
    """`nebius-chat serve` in front of `upstream`, with a private HOME (and XDG_CACHE_HOME in it,
    so the catalogue cache is the test's: pass the `home` of an earlier Serve to reuse its cache).
    Clients authenticate with SERVE_CLIENT_KEY. Yields a Serve once it is listening."""
    own_home = home is None
    home = home or tempfile.mkdtemp(prefix="nebius-e2e-serve-")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "OPENAI_BASE_URL": upstream.base_url,
        "NEBIUS_API_KEY": TEST_KEY,
        "ANTHROPIC_API_KEY": SERVE_CLIENT_KEY,
        "MAX_RETRIES": "1",
        "LOG_LEVEL": "info",
        "PORT": "0",
    }
    env.update(extra_env or {})
    log_path = os.path.join(home, f"serve-{time.monotonic_ns()}.log")
    log = open(log_path, "w")
    process = subprocess.Popen([binary_path("nebius-chat", "NEBIUS_CHAT_BIN"), "serve"], cwd=home,
                               stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    serve = None
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                if process.poll() is not None:
                    break
                continue
            if lines and not line.strip():
                break  # the summary ends with a blank line
            lines.append(line.rstrip("\n"))
        match = re.search(r"listening on (http://\S+)", "\n".join(lines))
        if not match:
            with open(log_path) as f:
                pytest.fail(f"serve did not start: {lines!r}\n{f.read()[-2000:]}", pytrace=False)
        serve = Serve(process, match.group(1), lines, home, log_path)
        yield serve
    finally:
        if serve is not None:
            serve.stop()
        elif process.poll() is None:
            process.kill()
        log.close()
        if own_home:
            shutil.rmtree(home, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def nebius_chat_bin():
    """Path of the `nebius-chat` binary under test."""
    return binary_path("nebius-chat", "NEBIUS_CHAT_BIN")


@pytest.fixture(scope="session")
def scripted_upstream_bin():
    """Path of the `ScriptedUpstreamServer` binary."""
    return binary_path("ScriptedUpstreamServer", "SCRIPTED_UPSTREAM_BIN")


@pytest.fixture(scope="session")
def scripted_upstream(scripted_upstream_bin):
    """One scripted upstream for the whole session, on a free loopback port."""
    server = ScriptedUpstream(scripted_upstream_bin)
    yield server
    server.stop()


@pytest.fixture
def upstream(scripted_upstream):
    """The session's scripted upstream with an empty queue and no records."""
    scripted_upstream.reset()
    return scripted_upstream


@pytest.fixture
def isolated_env(nebius_chat_bin, scripted_upstream):
    """A fresh IsolatedEnv pointing at the scripted upstream; removed after the test."""
    env = IsolatedEnv(nebius_chat_bin, scripted_upstream.base_url)
    yield env
    env.cleanup()


@pytest.fixture
def terminal(isolated_env):
    """Starts nebius-chat in tmux: `terminal(*args, env=None, cwd=None)` -> Terminal.
    Every terminal started is closed after the test."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (apt-get install tmux)", pytrace=False)
    started = []

    def start(*args, env=None, cwd=None):
        term = Terminal([isolated_env.binary, *args], env if env is not None else isolated_env.env,
                        cwd or isolated_env.home)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()
