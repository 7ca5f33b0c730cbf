"""Claude Code (the CLI bundled in the claude-agent-sdk wheel) on `nebius-chat serve`."""
import glob
import json
import os
import subprocess
import sys
import tempfile

import pytest

from serve_support import CLIENT_KEY, running_proxy


def claude_cli():
    # scripts/compat-matrix points this at the CLI of another claude-agent-sdk release.
    if os.environ.get("CLAUDE_CLI"):
        return os.environ["CLAUDE_CLI"]
    for base in sys.path:
        found = glob.glob(os.path.join(base, "claude_agent_sdk", "_bundled", "claude"))
        if found:
            return found[0]
    return None


CLI = claude_cli()
pytestmark = pytest.mark.skipif(CLI is None and not os.environ.get("CI"), reason="claude-agent-sdk is not installed")


@pytest.fixture(scope="module")
def proxy():
    with running_proxy() as running:
        yield running


def run_claude(proxy_url, prompt, *extra, cwd=None):
    assert CLI, "claude-agent-sdk is installed in CI"
    home = tempfile.mkdtemp(prefix="claude-home-")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": home,
        "ANTHROPIC_BASE_URL": proxy_url,
        "ANTHROPIC_API_KEY": CLIENT_KEY,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
    result = subprocess.run([CLI, "-p", prompt, "--output-format", "json", *extra], env=env,
                            cwd=cwd or home, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"claude exited {result.returncode}: {result.stdout[-2000:]} {result.stderr[-2000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_text_turn(proxy):
    url, upstream, _ = proxy
    upstream.reset()
    out = run_claude(url, '[[script:text text="pong from nebius"]] reply with pong')
    assert out.get("is_error") is False, out
    assert "pong from nebius" in out["result"]
    bodies = [r["body"] for r in upstream.requests()]
    main = [b for b in bodies if b.get("tools")]
    assert main, "the main turn carries Claude Code's tools"
    systems = [m for m in main[0]["messages"] if m["role"] == "system"]
    assert len(systems) == 1 and main[0]["messages"][0]["role"] == "system", "one leading system message"
    assert "x-anthropic-billing-header" not in systems[0]["content"]


def test_tool_loop_runs_bash(proxy):
    url, upstream, _ = proxy
    upstream.reset()
    work = tempfile.mkdtemp(prefix="claude-work-")
    out = run_claude(url, '[[script:bash command="echo nebius-tool-ok > marker.txt && cat marker.txt"]] run it',
                     "--allowedTools", "Bash", cwd=work)
    assert out.get("is_error") is False, out
    assert open(os.path.join(work, "marker.txt")).read().strip() == "nebius-tool-ok"
    bodies = [r["body"] for r in upstream.requests()]
    with_result = [b for b in bodies if any(m["role"] == "tool" for m in b["messages"])]
    assert with_result, "the second request carries the tool_result as a tool message"
    tool_msg = [m for m in with_result[-1]["messages"] if m["role"] == "tool"][-1]
    assert "nebius-tool-ok" in tool_msg["content"]
    assert "nebius-tool-ok" in out["result"]
