"""Helpers of the MCP end-to-end tests (stdio and HTTP servers alike)."""
import json
import os
import time

from repl_support import ask


def tool_call(name, arguments):
    """A scripted upstream answer that calls tool `name`."""
    return {"type": "tool_calls", "calls": [{"name": name, "arguments": arguments}]}


def write_config(path, servers):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"mcpServers": servers}, f)


def tool_messages(request):
    return [m for m in request["body"]["messages"] if m["role"] == "tool"]


def tool_text(message):
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if part.get("type") == "text")


def cancel_a_hanging_call_then_add(term, upstream, server):
    """Ctrl-C during `server`.hang (already enqueued upstream) stops the call and the turn at
    once; the same server then answers `add`."""
    ask(term, "hang")
    term.wait_for(f"→ {server}.hang {{}}")
    time.sleep(0.3)
    started = time.monotonic()
    term.press("C-c")
    term.wait_for("[interrupted]", timeout=10)
    term.wait_for_prompt(timeout=10)
    assert time.monotonic() - started < 10
    assert "← error: cancelled by the user" in term.screen()
    # The turn stopped: no follow-up request went upstream with the cancelled result.
    assert len(upstream.chat_requests()) == 1
    upstream.enqueue(tool_call(f"mcp__{server}__add", {"a": 20, "b": 22}))
    ask(term, "add")
    term.wait_for("The tool returned: 42")
