"""The interactive chat, driven in a real pseudo-terminal (tmux) against the scripted upstream.

Every wait polls the screen or the upstream's records with a generous timeout; nothing relies
on a fixed sleep.
"""
import json
import os
import re

import pytest

from conftest import BIG_MODEL, user_texts, wait_until
from repl_support import ask, start_chat

# Longer than the start a GLM answer is held back for (a bare `</think>` may still end it), so
# the words are on screen while the stream still runs.
SLOW_WORDS = " ".join(f"word{n}" for n in range(160))


def test_prompt_streams_an_answer(upstream, terminal):
    upstream.enqueue({"type": "text", "text": "Canberra is the capital of Australia.", "chunks": 5, "delay": 0.05})
    term = start_chat(terminal)
    ask(term, "What is the capital of Australia?")
    term.wait_for("Canberra is the capital of Australia.")
    term.wait_for(re.compile(r"zai-org/GLM-5\.2 · \d+ in · \d+ out · [\d.]+s"))
    term.wait_for_prompt()
    request = upstream.chat_requests()[-1]
    assert request["body"]["model"] == BIG_MODEL
    assert request["stream"] is True
    assert user_texts(request) == ["What is the capital of Australia?"]
    # TERM is set and NO_COLOR is not: the usage line is dimmed with an escape code.
    escaped = term._tmux("capture-pane", "-p", "-e", "-t", term.target).stdout
    assert "\x1b[2m" in escaped


def test_reasoning_is_dimmed_and_think_off_hides_it(upstream, terminal):
    upstream.enqueue({"type": "reasoning", "reasoning": "Pondering deeply.", "text": "Answer one."},
                     {"type": "reasoning", "reasoning": "Hidden musing.", "text": "Answer two."})
    term = start_chat(terminal)
    ask(term, "first")
    term.wait_for("Answer one.")
    assert "Pondering deeply." in term.screen()
    term.wait_for_prompt()
    ask(term, "/think off")
    term.wait_for("Reasoning is hidden")
    term.wait_for_prompt()
    ask(term, "second")
    term.wait_for("Answer two.")
    assert "Hidden musing." not in term.screen()


def test_image_with_tab_completed_path_goes_to_the_vision_model(upstream, terminal, isolated_env, tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    (shots / "holiday-picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    term = start_chat(terminal, cwd=str(tmp_path))
    wait_until(lambda: any(r["path"].startswith("/v1/models") for r in upstream.requests()), message="the catalogue fetch")
    term.send("/image shots/holi")
    term.press("Tab")
    term.wait_for("/image shots/holiday-picture.png")
    term.press("Enter")
    term.wait_for("Attached holiday-picture.png (image/png")
    term.wait_for(re.compile(r"\[1 image\] > *$", re.M))
    upstream.enqueue({"type": "image_count"})
    ask(term, "what is in this picture?")
    term.wait_for("I received 1 image")
    body = upstream.chat_requests()[-1]["body"]
    assert body["model"] == isolated_env.vision_model
    parts = body["messages"][-1]["content"]
    assert any(p["type"] == "image_url" and p["image_url"]["url"].startswith("data:image/png;base64,") for p in parts)
    assert any(p["type"] == "text" and p["text"] == "what is in this picture?" for p in parts)
    # The answer budget fits the vision model's context (a quarter of it, at most 16k), not
    # MAX_TOKENS_LIMIT.
    listed = {m["id"]: m for m in upstream._call("GET", "/v1/models?verbose=true")["data"]}
    window = listed[isolated_env.vision_model]["context_length"]
    assert body["max_tokens"] == min(16384, max(256, window // 4))


def test_ctrl_c_during_a_slow_stream_cancels_and_returns_to_the_prompt(upstream, terminal, isolated_env):
    upstream.enqueue({"type": "text", "text": SLOW_WORDS, "delay": 0.1})
    term = start_chat(terminal)
    ask(term, "tell me a long story")
    term.wait_for("word2 ")
    term.press("C-c")
    term.wait_for("[interrupted]")
    term.wait_for_prompt()
    # The upstream saw its request closed before the answer was complete.
    record = wait_until(
        lambda: next((r for r in upstream.chat_requests() if r["client_closed"]), None),
        timeout=15, message="the upstream request to be cancelled")
    assert record["completed"] is False
    # The REPL goes on, and the partial answer is in the conversation, marked.
    upstream.enqueue({"type": "text", "text": "Still here."})
    ask(term, "are you there?")
    term.wait_for("Still here.")
    second = upstream.wait_for_chat_requests(2)[-1]
    assistant = [m for m in second["body"]["messages"] if m["role"] == "assistant"]
    assert len(assistant) == 1
    assert assistant[0]["content"].startswith("word0 word1 word2")
    assert assistant[0]["content"].endswith("[interrupted by the user]")
    assert "word159" not in assistant[0]["content"]


def test_ctrl_c_at_the_prompt_clears_the_line(upstream, terminal):
    term = start_chat(terminal)
    term.send("this line is dropped")
    term.press("C-c")
    term.wait_for("^C")
    term.wait_for_prompt()
    upstream.enqueue({"type": "text", "text": "ok."})
    ask(term, "kept")
    term.wait_for("ok.")
    assert user_texts(upstream.chat_requests()[-1]) == ["kept"]


def test_history_survives_a_restart(upstream, terminal, isolated_env):
    term = start_chat(terminal)
    ask(term, "remember this line please")
    term.wait_for("You said")
    term.wait_for_prompt()
    term.press("C-d")
    assert term.wait_exit() == 0
    assert os.path.exists(isolated_env.history_file)

    term = start_chat(terminal)
    term.press("Up")
    wait_until(lambda: "remember this line please" in term.cursor_line(), timeout=10,
               message="the previous prompt recalled by Up")


def test_continue_restores_the_conversation(upstream, terminal, isolated_env):
    upstream.enqueue({"type": "text", "text": "The first answer."})
    term = start_chat(terminal)
    ask(term, "the first question")
    term.wait_for("The first answer.")
    term.wait_for_prompt()
    ask(term, "/exit")
    assert term.wait_exit() == 0
    saved = os.listdir(isolated_env.sessions_dir)
    assert len([f for f in saved if f.endswith(".json")]) == 1
    with open(os.path.join(isolated_env.sessions_dir, saved[0])) as f:
        session = json.load(f)
    assert [m["role"] for m in session["messages"]] == ["user", "assistant"]
    assert session["model"] == BIG_MODEL

    upstream.enqueue({"type": "text", "text": "The second answer."})
    term = start_chat(terminal, "--continue")
    term.wait_for("Continuing")
    ask(term, "the second question")
    term.wait_for("The second answer.")
    request = upstream.wait_for_chat_requests(2)[-1]
    messages = request["body"]["messages"]
    assert user_texts(request) == ["the first question", "the second question"]
    assert any(m["role"] == "assistant" and m["content"] == "The first answer." for m in messages)


def test_named_session_and_corrupt_file(upstream, terminal, isolated_env):
    os.makedirs(isolated_env.sessions_dir)
    broken = os.path.join(isolated_env.sessions_dir, "work.json")
    with open(broken, "w") as f:
        f.write('{"messages": [tru')
    term = start_chat(terminal, "--session", "work")
    term.wait_for("is damaged")
    kept = [f for f in os.listdir(isolated_env.sessions_dir) if ".corrupt-" in f]
    assert len(kept) == 1
    with open(os.path.join(isolated_env.sessions_dir, kept[0])) as f:
        assert f.read() == '{"messages": [tru'
    upstream.enqueue({"type": "text", "text": "Fresh start."})
    ask(term, "hello")
    term.wait_for("Fresh start.")
    wait_until(lambda: os.path.exists(broken), message="work.json written")
    with open(broken) as f:
        assert json.load(f)["messages"][0]["role"] == "user"


def test_pasted_lines_are_one_prompt_and_backslash_continues(upstream, terminal):
    term = start_chat(terminal)
    term.paste("first pasted line\nsecond pasted line")
    term.wait_for("second pasted line")
    term.press("Enter")
    term.wait_for("You said")
    term.wait_for_prompt()
    assert user_texts(upstream.chat_requests()[-1]) == ["first pasted line\nsecond pasted line"]

    ask(term, "one \\")
    term.wait_for("...")
    ask(term, "two")
    upstream.wait_for_chat_requests(2)
    assert user_texts(upstream.chat_requests()[-1])[-1] == "one\ntwo"


def test_slash_commands(upstream, terminal):
    term = start_chat(terminal)
    ask(term, "/help")
    term.wait_for("/sessions")
    ask(term, "/frobnicate")
    term.wait_for("unknown command /frobnicate")
    ask(term, "/modle")
    term.wait_for("did you mean /model?")
    ask(term, "/model")
    term.wait_for("model: " + BIG_MODEL)
    # Model ids arrive from the catalogue in the background after start-up: wait until it was
    # fetched, and type again if Tab came too early.
    wait_until(lambda: any(r["path"].startswith("/v1/models") for r in upstream.requests()), message="the catalogue fetch")
    for attempt in range(5):
        term.send("/model openai/gpt-oss-1")
        term.press("Tab")
        try:
            wait_until(lambda: "/model openai/gpt-oss-120b" in term.cursor_line(), timeout=2, message="completion")
            break
        except pytest.fail.Exception:
            term.press("C-c")
            term.wait_for_prompt()
    term.press("Enter")
    term.wait_for("Model: openai/gpt-oss-120b")
    ask(term, "/system Answer briefly.")
    term.wait_for("System prompt set")
    ask(term, "question")
    term.wait_for("You said")
    body = upstream.chat_requests()[-1]["body"]
    assert body["model"] == "openai/gpt-oss-120b"
    assert body["messages"][0] == {"role": "system", "content": "Answer briefly."}
    term.wait_for_prompt()
    ask(term, "/usage")
    term.wait_for(re.compile(r"total: \d+ in, \d+ out, \$"))
    ask(term, "/undo")
    term.wait_for("Dropped the last exchange")
    assert upstream.chat_requests()[-1:] and len(upstream.chat_requests()) == 1, "slash commands send nothing"


def test_no_color_and_no_key(upstream, terminal, isolated_env):
    env = dict(isolated_env.env, NO_COLOR="1")
    upstream.enqueue({"type": "text", "text": "Plain text."})
    term = start_chat(terminal, env=env)
    ask(term, "hi")
    term.wait_for("Plain text.")
    term.wait_for_prompt()
    escaped = term._tmux("capture-pane", "-p", "-e", "-t", term.target).stdout
    assert "\x1b[" not in escaped

    result = isolated_env.run([], env=isolated_env.without("NEBIUS_API_KEY"))
    assert result.returncode == 2
    assert "NEBIUS_API_KEY" in result.stderr
