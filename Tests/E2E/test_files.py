"""Files attached to prompts, against the scripted upstream: `/file PATH` and `@path` in the
chat (with Tab completion) and `ask --file PATH`, each reaching the upstream as the file's text
under its name; clear errors for what cannot be attached; `--continue` keeps the files."""
import json
import os
import re

from conftest import user_texts
from repl_support import ask, start_chat

NOTES = "Meeting notes\nShip the release on Friday.\n"


def write(directory, name, content):
    path = os.path.join(directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as f:
        f.write(content)
    return path


def test_file_command_attaches_to_the_next_prompt(upstream, terminal, isolated_env):
    write(isolated_env.home, "notes.txt", NOTES)
    term = start_chat(terminal)
    ask(term, "/file notes.txt")
    term.wait_for("Attached notes.txt (text, 42 B); it goes with your next prompt.")
    term.wait_for(re.compile(r"\[1 file\] > $", re.M))
    ask(term, "when do we ship?")
    upstream.wait_for_chat_requests(1)
    term.wait_for_prompt()
    [text] = user_texts(upstream.chat_requests()[-1])
    # The pipeline joins a message's text parts with a newline.
    assert text == "notes.txt\n\n" + NOTES + "\nwhen do we ship?"

    # The next prompt goes without it, and the session keeps the document block.
    ask(term, "and then?")
    upstream.wait_for_chat_requests(2)
    term.wait_for_prompt()
    assert user_texts(upstream.chat_requests()[-1])[-1] == "and then?"
    [session] = [f for f in os.listdir(isolated_env.sessions_dir) if f.endswith(".json")]
    with open(os.path.join(isolated_env.sessions_dir, session)) as f:
        saved = json.load(f)
    first = saved["messages"][0]["content"][0]
    assert first["type"] == "document" and first["title"] == "notes.txt"
    assert first["source"]["type"] == "text" and first["source"]["data"] == NOTES


def test_continue_sends_the_files_again(upstream, terminal, isolated_env):
    write(isolated_env.home, "notes.txt", NOTES)
    term = start_chat(terminal)
    ask(term, "/file notes.txt")
    ask(term, "read this")
    upstream.wait_for_chat_requests(1)
    term.wait_for_prompt()
    term.press("C-d")
    term.wait_exit()
    os.remove(os.path.join(isolated_env.home, "notes.txt"))
    again = start_chat(terminal, "--continue")
    ask(again, "what did it say?")
    upstream.wait_for_chat_requests(2)
    again.wait_for_prompt()
    texts = user_texts(upstream.chat_requests()[-1])
    assert texts == ["notes.txt\n\n" + NOTES + "\nread this", "what did it say?"]


def test_at_path_attaches_with_tab_completion(upstream, terminal, isolated_env):
    write(isolated_env.home, "docs/plan-2026.md", "# Plan\nHire two people.\n")
    term = start_chat(terminal)
    term.send("summarise @docs/pl")
    term.press("Tab")
    term.wait_for("summarise @docs/plan-2026.md")
    term.send("please")
    term.press("Enter")
    upstream.wait_for_chat_requests(1)
    term.wait_for_prompt()
    term.wait_for("Attached plan-2026.md (text, 24 B).")
    [text] = user_texts(upstream.chat_requests()[-1])
    assert text == "plan-2026.md\n\n# Plan\nHire two people.\n\nsummarise @docs/plan-2026.md please"


def test_at_words_that_name_no_file(upstream, terminal, isolated_env):
    term = start_chat(terminal)
    # Not path-like: sent as text.
    ask(term, "say hi to @alice")
    upstream.wait_for_chat_requests(1)
    term.wait_for_prompt()
    assert user_texts(upstream.chat_requests()[-1]) == ["say hi to @alice"]
    # Path-like but missing: not sent.
    ask(term, "read @missing.md")
    term.wait_for("@missing.md: no such file")
    term.wait_for("(the prompt was not sent; Up brings it back to edit)")
    term.wait_for_prompt()
    assert len(upstream.chat_requests()) == 1


def test_file_errors_are_clear(upstream, terminal, isolated_env):
    write(isolated_env.home, "a.out", b"\x7fELF\x02\x01\x01\x00\x00\x00")
    write(isolated_env.home, "big.txt", "x" * (1024 * 1024 + 1))
    os.makedirs(os.path.join(isolated_env.home, "folder"))
    term = start_chat(terminal)
    ask(term, "/file nowhere.txt folder a.out big.txt")
    term.wait_for("nowhere.txt: no such file")
    term.wait_for("folder: is a directory")
    term.wait_for("a.out: not a text file or a PDF")
    term.wait_for("big.txt: 1.0 MB is over the 1.0 MB limit for one text file")
    term.wait_for_prompt()
    assert "[1 file]" not in term.screen()
    ask(term, "/file")
    term.wait_for("usage: /file PATH...")


def test_ask_file_is_repeatable(upstream, isolated_env):
    a = write(isolated_env.home, "a.txt", "alpha\n")
    write(isolated_env.home, "sub/b.md", "beta\n")
    result = isolated_env.run(["ask", "--file", a, "--file", "sub/b.md", "compare"])
    assert result.returncode == 0, result.stderr
    [text] = user_texts(upstream.chat_requests()[-1])
    assert text == "a.txt\n\nalpha\n\nb.md\n\nbeta\n\ncompare"


def test_ask_file_errors_are_usage_errors(upstream, isolated_env):
    result = isolated_env.run(["ask", "--file", "missing.pdf", "hi"])
    assert result.returncode == 2
    assert "error: missing.pdf: no such file" in result.stderr
    write(isolated_env.home, "shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    result = isolated_env.run(["ask", "--file", "shot.png", "hi"])
    assert result.returncode == 2
    assert "shot.png: an image (image/png); attach it with /image (ask: --image)" in result.stderr
    assert upstream.chat_requests() == []
