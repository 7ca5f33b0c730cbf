"""MCP tools in the chat and in `ask`: a real MCP server written with the official Python SDK
(Tests/E2E/mcp_servers/calc_server.py) over stdio, against the scripted upstream.

The scripted upstream answers the first request with a call to the named tool; the follow-up
request carries the tool result, and the upstream's default answer quotes it ("The tool
returned: ..."), which shows the result reached the model.
"""
import json
import os
import re
import sys

from conftest import wait_until
from mcp_support import cancel_a_hanging_call_then_add, tool_call, tool_messages, tool_text, write_config
from repl_support import ask, start_chat

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcp_servers", "calc_server.py")


def calc_entry(*extra_args, env=None):
    return {"command": sys.executable, "args": [SERVER, *extra_args], "env": env or {}}


def user_config(isolated_env):
    return os.path.join(isolated_env.config_home, "nebius-chat", "mcp.json")


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_model_calls_a_tool_the_user_says_yes_and_the_result_reaches_the_model(upstream, terminal, isolated_env, tmp_path):
    pid_file = tmp_path / "calc.pid"
    write_config(user_config(isolated_env), {"calc": calc_entry(env={"CALC_PID_FILE": str(pid_file),
                                                                      "CALC_SECRET": "mcp-secret-value-42"})})
    upstream.enqueue(tool_call("mcp__calc__add", {"a": 2, "b": 40}))
    term = start_chat(terminal)
    ask(term, "what is 2 + 40?")
    term.wait_for('Run calc.add {"a":2,"b":40}? [y/N/a]')
    term.send("y")
    term.press("Enter")
    screen = term.wait_for("The tool returned: 42")
    assert "← 42" in screen
    term.wait_for_prompt()

    first, second = upstream.chat_requests()[-2:]
    tools = {t["function"]["name"]: t["function"] for t in first["body"]["tools"]}
    assert set(tools) >= {"mcp__calc__add", "mcp__calc__hang", "mcp__calc__crash"}
    assert tools["mcp__calc__add"]["parameters"]["properties"]["a"]["type"] == "integer"
    results = tool_messages(second)
    assert len(results) == 1 and tool_text(results[0]) == "42"

    # /tools lists the server, its state and its tools.
    ask(term, "/tools")
    screen = term.wait_for("calc.add")
    assert re.search(r"calc\s+running", screen)
    term.wait_for_prompt()

    # The session keeps the call and its result as Claude blocks.
    sessions = os.listdir(isolated_env.sessions_dir)
    assert len(sessions) == 1
    with open(os.path.join(isolated_env.sessions_dir, sessions[0])) as f:
        saved = json.load(f)
    blocks = [b for m in saved["messages"] for b in m["content"]]
    uses = [b for b in blocks if b["type"] == "tool_use"]
    results = [b for b in blocks if b["type"] == "tool_result"]
    assert uses and uses[0]["name"] == "mcp__calc__add" and uses[0]["input"] == {"a": 2, "b": 40}
    assert results and results[0]["tool_use_id"] == uses[0]["id"]
    assert "mcp-secret-value-42" not in json.dumps(saved)

    # Leaving stops the server process.
    pid = int(pid_file.read_text())
    assert process_alive(pid)
    ask(term, "/exit")
    assert term.wait_exit() == 0
    wait_until(lambda: not process_alive(pid), timeout=10, message="the MCP server to stop")
    assert "mcp-secret-value-42" not in term.screen()

    # --continue sends the saved call and result back in the history.
    term = start_chat(terminal, "--continue")
    ask(term, "and now?")
    term.wait_for_prompt()
    last = upstream.chat_requests()[-1]
    assert [tool_text(m) for m in tool_messages(last)] == ["42"]
    assistant_calls = [m for m in last["body"]["messages"] if m["role"] == "assistant" and m.get("tool_calls")]
    assert assistant_calls[0]["tool_calls"][0]["function"]["name"] == "mcp__calc__add"


def test_no_declines_and_the_model_is_told(upstream, terminal, isolated_env):
    write_config(user_config(isolated_env), {"calc": calc_entry()})
    upstream.enqueue(tool_call("mcp__calc__add", {"a": 1, "b": 1}))
    term = start_chat(terminal)
    ask(term, "add")
    term.wait_for("[y/N/a]")
    term.press("Enter")
    term.wait_for("The tool returned: Error: The user declined to run this tool call.")
    term.wait_for_prompt()


def test_a_server_that_crashes_one_that_hangs_and_one_that_never_starts(upstream, terminal, isolated_env):
    write_config(os.path.join(isolated_env.home, ".mcp.json"),
                 {"calc": calc_entry(), "broken": calc_entry("--crash-on-start")})
    env = dict(isolated_env.env, MCP_TOOL_TIMEOUT="1.5")
    upstream.enqueue(tool_call("mcp__calc__crash", {}))
    term = start_chat(terminal, "--yes", env=env)
    ask(term, "crash it")
    screen = term.wait_for("The tool returned: Error: The MCP server calc exited during the call")
    assert re.search(r"MCP server broken: it exited while starting \(exit status 3\)", screen)
    assert "→ calc.crash {}" in screen
    assert "← error: the MCP server calc exited during the call (exit status 7)" in screen
    assert "crashing on purpose" not in screen  # the server's stderr goes to its log
    term.wait_for_prompt()
    log = os.path.join(isolated_env.state_home, "nebius-chat", "mcp", "calc.log")
    assert "crashing on purpose" in open(log).read()

    # The crashed server starts again for the next prompt; a call that hangs times out.
    upstream.enqueue(tool_call("mcp__calc__hang", {}))
    ask(term, "hang")
    screen = term.wait_for("The tool returned: Error: The tool calc.hang gave no answer within 1.5 s")
    term.wait_for_prompt()
    results = tool_messages(upstream.chat_requests()[-1])
    assert "gave no answer within 1.5 s" in tool_text(results[-1])

    # A tool that reports an error is an error result too, and the chat goes on.
    upstream.enqueue(tool_call("mcp__calc__fail", {"reason": "bad luck"}))
    ask(term, "fail")
    term.wait_for("calc cannot do that: bad luck")
    term.wait_for_prompt()
    ask(term, "/tools")
    screen = term.wait_for(re.compile(r"broken\s+failed:"))
    assert term.is_running()


def test_ctrl_c_cancels_a_tool_call(upstream, terminal, isolated_env):
    write_config(user_config(isolated_env), {"calc": calc_entry()})
    upstream.enqueue(tool_call("mcp__calc__hang", {}))
    term = start_chat(terminal, "--yes", env=dict(isolated_env.env, MCP_TOOL_TIMEOUT="60"))
    cancel_a_hanging_call_then_add(term, upstream, "calc")


def test_ask_tools_yes_runs_the_call_without_a_terminal(upstream, isolated_env):
    write_config(os.path.join(isolated_env.home, ".mcp.json"), {"calc": calc_entry()})
    upstream.enqueue(tool_call("mcp__calc__add", {"a": 2, "b": 40}))
    result = isolated_env.run(["ask", "--tools", "--yes", "what is 2 + 40?"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "The tool returned: 42\n"
    assert '→ calc.add {"a":2,"b":40}' in result.stderr
    assert "← 42" in result.stderr
    assert tool_text(tool_messages(upstream.chat_requests()[-1])[0]) == "42"


def test_ask_tools_without_yes_and_without_a_terminal_is_a_clear_error(upstream, isolated_env):
    write_config(os.path.join(isolated_env.home, ".mcp.json"), {"calc": calc_entry()})
    result = isolated_env.run(["ask", "--tools", "what is 2 + 40?"])
    assert result.returncode == 2
    assert "stdin is not a terminal" in result.stderr and "--yes" in result.stderr
    assert upstream.chat_requests() == []


def test_always_stops_asking_for_that_tool_and_images_reach_the_model(upstream, terminal, isolated_env):
    write_config(user_config(isolated_env), {"calc": calc_entry()})
    upstream.enqueue({"type": "tool_calls", "calls": [{"name": "mcp__calc__add", "arguments": {"a": 1, "b": 2}},
                                                      {"name": "mcp__calc__add", "arguments": {"a": 3, "b": 4}},
                                                      {"name": "mcp__calc__dot", "arguments": {}}]})
    term = start_chat(terminal)
    ask(term, "add twice and draw")
    term.wait_for('Run calc.add {"a":1,"b":2}? [y/N/a]')
    term.send("a")
    term.press("Enter")
    # The second call to the same tool runs without a question; another tool is asked for.
    term.wait_for('→ calc.add {"a":3,"b":4}')
    term.wait_for("Run calc.dot {}? [y/N/a]")
    term.send("y")
    term.press("Enter")
    screen = term.wait_for("The tool returned:")
    assert "← [image image/png]" in screen
    assert "Run calc.add {\"a\":3" not in screen
    term.wait_for_prompt()
    follow_up = upstream.chat_requests()[-1]
    assert [tool_text(m) for m in tool_messages(follow_up)][:2] == ["3", "7"]
    parts = [p for m in follow_up["body"]["messages"] if m["role"] == "user" and isinstance(m["content"], list)
             for p in m["content"]]
    assert any(p.get("type") == "image_url" and p["image_url"]["url"].startswith("data:image/png;base64,") for p in parts)


def test_ctrl_c_at_the_question_stops_the_turn(upstream, terminal, isolated_env):
    write_config(user_config(isolated_env), {"calc": calc_entry()})
    upstream.enqueue(tool_call("mcp__calc__add", {"a": 1, "b": 1}))
    term = start_chat(terminal)
    ask(term, "add")
    term.wait_for("[y/N/a]")
    term.press("C-c")
    term.wait_for("[interrupted]")
    term.wait_for_prompt()
    assert len(upstream.chat_requests()) == 1
    assert term.is_running()


def test_ask_tools_on_a_terminal_asks_before_the_call(upstream, terminal, isolated_env):
    write_config(os.path.join(isolated_env.home, ".mcp.json"), {"calc": calc_entry()})
    upstream.enqueue(tool_call("mcp__calc__add", {"a": 2, "b": 40}))
    term = terminal("ask", "--tools", "what is 2 + 40?")
    term.wait_for('Run calc.add {"a":2,"b":40}? [y/N/a]')
    term.send("y")
    term.press("Enter")
    term.wait_for("The tool returned: 42")
    assert term.wait_exit() == 0
