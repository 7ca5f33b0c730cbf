"""An upstream failure in the middle of a tool loop, in tmux against the scripted upstream and the
calc MCP server: the tool round that ran stays in the conversation (and the session file), and
`/retry` continues from its result without running the tool again."""
import json
import os
import sys

from repl_support import ask, start_chat

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcp_servers", "calc_server.py")


def tool_messages(request):
    return [m for m in request["body"]["messages"] if m["role"] == "tool"]


def test_retry_after_a_failed_second_round_does_not_run_the_tool_again(upstream, terminal, isolated_env):
    config = os.path.join(isolated_env.config_home, "nebius-chat", "mcp.json")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        json.dump({"mcpServers": {"calc": {"command": sys.executable, "args": [SERVER]}}}, f)
    upstream.enqueue(
        {"type": "tool_calls", "calls": [{"name": "mcp__calc__add", "arguments": {"a": 2, "b": 40}}]},
        {"type": "error", "status": 429, "message": "rate limit reached"})
    term = start_chat(terminal, "--yes")
    before = len(upstream.chat_requests())
    ask(term, "what is 2 + 40?")
    term.wait_for("/retry continues from it without running the tool again")
    term.wait_for_prompt()
    assert "(the result of 1 tool call is kept" in term.screen()
    assert term.screen().count("→ calc.add") == 1

    # The session file holds the call and its result, and no call without a result.
    [name] = os.listdir(isolated_env.sessions_dir)
    with open(os.path.join(isolated_env.sessions_dir, name)) as f:
        messages = json.load(f)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"][0]["type"] == "tool_use"
    assert messages[2]["content"][0]["type"] == "tool_result"
    assert messages[2]["content"][0]["tool_use_id"] == messages[1]["content"][0]["id"]

    ask(term, "/retry")
    term.wait_for("The tool returned: 42")
    term.wait_for_prompt()
    screen = term.screen()
    assert "tools are not run again" in screen
    assert screen.count("→ calc.add") == 1, "the tool ran once"
    requests = upstream.chat_requests()[before:]
    assert len(requests) == 3, "the tool call, the failed round, the retry"
    retried = requests[2]["body"]["messages"]
    assert [m["role"] for m in retried if m["role"] != "system"] == ["user", "assistant", "tool"]
    assert [m["content"] if isinstance(m["content"], str) else m["content"][0]["text"] for m in tool_messages(requests[2])] == ["42"]
    with open(os.path.join(isolated_env.sessions_dir, name)) as f:
        messages = json.load(f)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[3]["content"][0]["text"].startswith("The tool returned: 42")
