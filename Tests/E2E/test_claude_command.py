"""`nebius-chat claude`: serve in-process and Claude Code (the CLI bundled in the claude-agent-sdk
wheel, or a stand-in script where the test is about the launcher itself) pointed at it."""
import glob
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import Terminal, wait_until


def bundled_claude():
    # scripts/compat-matrix points this at the CLI of another claude-agent-sdk release.
    if os.environ.get("CLAUDE_CLI"):
        return os.environ["CLAUDE_CLI"]
    for base in sys.path:
        found = glob.glob(os.path.join(base, "claude_agent_sdk", "_bundled", "claude"))
        if found:
            return found[0]
    return None


CLI = bundled_claude()
needs_cli = pytest.mark.skipif(CLI is None and not os.environ.get("CI"), reason="claude-agent-sdk is not installed")


def bin_dir_with(env, name, target=None, script=None):
    """A directory holding `name` (a link to `target`, or `script` as an executable file),
    put first on the env's PATH."""
    directory = tempfile.mkdtemp(prefix="claude-bin-")
    path = os.path.join(directory, name)
    if target:
        os.symlink(target, path)
    else:
        with open(path, "w") as f:
            f.write(script)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = dict(env)
    env["PATH"] = directory + ":" + env.get("PATH", "/usr/bin:/bin")
    return env, path


def claude_env(isolated_env):
    env = dict(isolated_env.env)
    env.update({"DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1"})
    return env


def log_text(isolated_env):
    path = os.path.join(isolated_env.state_home, "nebius-chat", "claude.log")
    return open(path).read() if os.path.exists(path) else ""


# --- with the real Claude Code CLI ------------------------------------------------------------


@needs_cli
def test_a_text_turn(isolated_env, upstream):
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", target=CLI)
    result = isolated_env.run(
        ["claude", "-p", '[[script:text text="pong from nebius"]] reply with pong', "--output-format", "json"],
        env=env, timeout=240)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out.get("is_error") is False, out
    assert "pong from nebius" in out["result"]
    # Claude Code was told the Nebius ids: the model it asked for is one of them, routed as is.
    main = [r["body"] for r in upstream.chat_requests() if r["body"].get("tools")]
    assert main, "the main turn reached the upstream"
    # The server logged to its file, not to the terminal; the launch key is in neither.
    log = log_text(isolated_env)
    assert "POST /v1/messages" in log
    assert "nebius-chat serve listening" not in result.stdout + result.stderr
    assert "nc-launch-" not in log + result.stdout + result.stderr


@needs_cli
def test_a_tool_loop(isolated_env, upstream):
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", target=CLI)
    work = tempfile.mkdtemp(prefix="claude-work-")
    result = isolated_env.run(
        ["claude", "-p", '[[script:bash command="echo nebius-tool-ok > marker.txt && cat marker.txt"]] run it',
         "--output-format", "json", "--allowedTools", "Bash"],
        env=env, timeout=240, cwd=work)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out.get("is_error") is False, out
    assert open(os.path.join(work, "marker.txt")).read().strip() == "nebius-tool-ok"
    with_result = [r["body"] for r in upstream.chat_requests() if any(m["role"] == "tool" for m in r["body"]["messages"])]
    assert with_result, "the tool result went back upstream"
    assert "nebius-tool-ok" in out["result"]


# --- the launcher itself, with a stand-in `claude` ---------------------------------------------


def test_no_claude_on_path_says_how_to_install(isolated_env):
    env = claude_env(isolated_env)
    env["PATH"] = tempfile.mkdtemp(prefix="empty-bin-")
    result = isolated_env.run(["claude", "-p", "hi"], env=env)
    assert result.returncode == 127
    assert "Claude Code is not installed" in result.stderr
    assert "npm install -g @anthropic-ai/claude-code" in result.stderr
    assert "--claude-path" in result.stderr
    missing = isolated_env.run(["claude", "--claude-path", "/nonexistent/claude"], env=claude_env(isolated_env))
    assert missing.returncode == 127 and "/nonexistent/claude" in missing.stderr


ENV_DUMP = """#!/bin/sh
env > "$DUMP_TO"
printf '%s\\n' "$@" > "$DUMP_TO.args"
exit 7
"""


def read_env(path):
    values = {}
    for line in open(path):
        name, _, value = line.rstrip("\n").partition("=")
        values[name] = value
    return values


def test_the_environment_arguments_and_exit_status(isolated_env, upstream):
    dump = os.path.join(isolated_env.home, "env.txt")
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", script=ENV_DUMP)
    env.update({"DUMP_TO": dump, "ANTHROPIC_API_KEY": "sk-ant-user-own-key", "CLAUDE_CODE_MAX_OUTPUT_TOKENS": "1234"})
    result = isolated_env.run(["claude", "-p", "two words", "--model", "opus", "--", "--odd"], env=env)
    assert result.returncode == 7, result.stderr
    child = read_env(dump)
    assert child["ANTHROPIC_BASE_URL"].startswith("http://127.0.0.1:")
    assert child["ANTHROPIC_AUTH_TOKEN"].startswith("nc-launch-") and len(child["ANTHROPIC_AUTH_TOKEN"]) > 40
    assert "ANTHROPIC_API_KEY" not in child, "the user's own key is not passed on"
    # Resolved Nebius ids from the scripted catalogue, and the window of the main models.
    models = {m["id"]: m for m in upstream._call("GET", "/v1/models?verbose=true")["data"]}
    for name in ("ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL"):
        assert child[name] in models, f"{name}={child[name]} is a catalogue id"
    windows = [models[child[n]].get("context_length") for n in ("ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL")]
    windows = [w for w in windows if w]
    if windows:
        assert child["CLAUDE_CODE_MAX_CONTEXT_TOKENS"] == str(min(windows))
    assert child["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "1234", "a variable the user set wins"
    assert child["CLAUDE_CODE_ATTRIBUTION_HEADER"] == "0"
    assert child["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] == "1"
    assert open(dump + ".args").read().splitlines() == ["-p", "two words", "--model", "opus", "--", "--odd"]
    # The key reaches the in-process server: a request with it is served.
    assert "nc-launch-" not in log_text(isolated_env) + result.stderr


def test_the_launch_key_is_required_and_serve_stops_with_claude(isolated_env, upstream):
    script = """#!/usr/bin/env python3
import os, urllib.request, urllib.error
def status(headers):
    request = urllib.request.Request(os.environ["ANTHROPIC_BASE_URL"] + "/v1/models", headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code
dump = os.environ["DUMP_TO"]
open(dump + ".anon", "w").write(str(status({})))
open(dump + ".keyed", "w").write(str(status({"Authorization": "Bearer " + os.environ["ANTHROPIC_AUTH_TOKEN"]})))
open(dump + ".url", "w").write(os.environ["ANTHROPIC_BASE_URL"])
"""
    dump = os.path.join(isolated_env.home, "probe")
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", script=script)
    env["DUMP_TO"] = dump
    result = isolated_env.run(["claude"], env=env)
    assert result.returncode == 0, result.stderr
    assert open(dump + ".anon").read().strip() == "401"
    assert open(dump + ".keyed").read().strip() == "200"
    url = open(dump + ".url").read().strip()
    port = int(url.rsplit(":", 1)[1])
    import socket
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "serve stopped when Claude Code exited"


def test_sigterm_is_passed_on_and_a_signal_exit_is_128_plus_n(isolated_env, upstream):
    marker = os.path.join(isolated_env.home, "got-term")
    script = f"""#!/bin/sh
trap 'echo term > {marker}; exit 42' TERM
echo ready
while true; do sleep 0.1; done
"""
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", script=script)
    proc = subprocess.Popen([isolated_env.binary, "claude"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, cwd=isolated_env.home)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 42, "Claude Code's own exit status"
        assert open(marker).read().strip() == "term"
    finally:
        if proc.poll() is None:
            proc.kill()

    killed = """#!/bin/sh
kill -KILL $$
"""
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", script=killed)
    result = isolated_env.run(["claude"], env=env)
    assert result.returncode == 128 + signal.SIGKILL


def test_the_terminal_belongs_to_claude_and_ctrl_c_reaches_it_alone(isolated_env, upstream):
    """Interactive: the child reads the terminal (it is in the foreground process group), and a
    Ctrl-C interrupts it without ending nebius-chat."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed", pytrace=False)
    script = """#!/bin/bash
trap 'echo "child saw ctrl-c"' INT
[ -t 0 ] && [ -t 1 ] && echo "terminal ok"
read -r -p "say> " line
echo "child read: $line"
while true; do
  read -r -p "again> " line || continue
  [ -n "$line" ] || continue
  echo "child read: $line"
  break
done
exit 5
"""
    env, _ = bin_dir_with(claude_env(isolated_env), "claude", script=script)
    status = os.path.join(isolated_env.home, "status")
    # The wrapper shell traps Ctrl-C (a trap, unlike an ignored signal, is not inherited), so it
    # is still there to write nebius-chat's exit status.
    term = Terminal(["/bin/bash", "-c", f'trap ":" INT; "$0" claude; echo "exit=$?" > {status}; sleep 30', isolated_env.binary],
                    env, isolated_env.home)
    try:
        term.wait_for("terminal ok")
        term.wait_for("say>")
        term.send("hello")
        term.press("Enter")
        term.wait_for("child read: hello")
        term.wait_for("again>")
        term.press("C-c")
        term.wait_for("child saw ctrl-c")
        term.send("still here")
        term.press("Enter")
        term.wait_for("child read: still here")
        wait_until(lambda: os.path.exists(status) and open(status).read().strip(), message="the exit status")
        assert open(status).read().strip() == "exit=5"
    finally:
        term.close()
