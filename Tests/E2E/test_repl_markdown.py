"""Markdown rendered live in the terminal chat and in `ask`, against the scripted upstream.

The answers arrive in 4-character chunks (the text is a multiple of 4 characters long and is
cut into len/4 pieces), so markers such as `**`, a code fence and table rows are split across
chunks; the screen must never show them raw.
"""
import re
import subprocess

from conftest import wait_until
from repl_support import ask, start_chat

USAGE = re.compile(r"zai-org/GLM-5\.2 · \d+ in · \d+ out")

ANSWER = (
    "# Plan\n"
    "Use **bold** and *italic*, `code` too.\n"
    "- first **item**\n"
    "- second\n"
    "\n"
    "```python\n"
    "print('hi')\n"
    "```\n"
    "\n"
    "| Fruit | Count |\n"
    "|:------|------:|\n"
    "| apple | 3 |\n"
    "| kiwi | 12 |\n"
    "\n"
    "See [the docs](https://example.com/d).\n"
)


def padded(text):
    """`text` with spaces before its last newline up to a multiple of 4 characters."""
    extra = (-len(text)) % 4
    return text[:-1] + " " * extra + "\n"


def four_char_chunks(text):
    text = padded(text)
    assert len(text) % 4 == 0
    return {"type": "text", "text": text, "chunks": len(text) // 4, "delay": 0.01}


def splits_inside(text, needle):
    """Whether a 4-character chunk boundary falls inside the first `needle` in `text`."""
    start = text.index(needle)
    return any(b % 4 == 0 for b in range(start + 1, start + len(needle)))


def escaped_screen(term):
    return term._tmux("capture-pane", "-p", "-e", "-J", "-S", "-200", "-t", term.target).stdout


def answer_lines(screen, first, last):
    lines = screen.split("\n")
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i in range(start, len(lines)) if last in lines[i])
    return lines[start:end + 1]


def test_chunked_markdown_renders_without_raw_markers(upstream, terminal):
    text = padded(ANSWER)
    # The chunks really split the markers, the fence and a table row.
    assert splits_inside(text, "**bold**") or splits_inside(text, "**item**")
    assert splits_inside(text, "```python")
    assert splits_inside(text, "| apple | 3 |")
    upstream.enqueue(four_char_chunks(ANSWER))
    term = start_chat(terminal)
    ask(term, "make a plan")
    term.wait_for(USAGE)
    term.wait_for_prompt()
    screen = term.screen()
    shown = answer_lines(screen, "Plan", "See the docs")
    body = "\n".join(shown)
    for marker in ["**", "`", "# Plan", "|:-", "](", "- first"]:
        assert marker not in body, f"raw {marker!r} on screen:\n{body}"
    assert "Use bold and italic, code too." in body
    assert "• first item" in body
    assert "─── python" in body and "print('hi')" in body
    # The table is aligned: the column bar is at the same place on every row.
    rows = [line for line in shown if "│" in line]
    assert len(rows) == 3, body
    assert len({line.index("│") for line in rows}) == 1, body
    assert re.search(r"apple +│ +3", body) and re.search(r"kiwi +│ +12", body)
    # TERM=screen: no OSC 8 hyperlinks in tmux, so the address follows the text.
    assert "See the docs (https://example.com/d)." in body
    # Bold is drawn with escape codes.
    escaped = escaped_screen(term)
    assert "\x1b[1mbold" in escaped
    assert re.search(r"\x1b\[[0-9;]*1[0-9;]*mPlan", escaped), "the heading is bold"


def test_markdown_off_prints_the_raw_text_and_on_renders_again(upstream, terminal):
    upstream.enqueue(four_char_chunks("Raw **stays**.\n"), four_char_chunks("Now **bold**.\n"))
    term = start_chat(terminal)
    ask(term, "/markdown")
    term.wait_for("Markdown is rendered")
    term.wait_for_prompt()
    ask(term, "/markdown off")
    term.wait_for("Markdown is printed as raw text")
    term.wait_for_prompt()
    ask(term, "first")
    term.wait_for("Raw **stays**.")
    term.wait_for_prompt()
    ask(term, "/markdown on")
    term.wait_for("/markdown off prints the raw text")
    term.wait_for_prompt()
    ask(term, "second")
    term.wait_for("Now bold.")
    assert "Now **bold**" not in term.screen()


def test_no_color_prints_the_raw_text(upstream, terminal, isolated_env):
    upstream.enqueue(four_char_chunks("Plain **as sent** here.\n"))
    term = start_chat(terminal, env={**isolated_env.env, "NO_COLOR": "1"})
    ask(term, "/markdown on")
    term.wait_for("markdown stays off: NO_COLOR is set")
    term.wait_for_prompt()
    ask(term, "hello")
    term.wait_for("Plain **as sent** here.")


def test_the_width_after_a_resize_applies_to_the_next_answer(upstream, terminal):
    paragraph = " ".join(f"w{n:02d}" for n in range(40)) + "\n"
    upstream.enqueue(four_char_chunks(paragraph), four_char_chunks(paragraph))
    term = start_chat(terminal)
    ask(term, "wide")
    term.wait_for(USAGE)
    term.wait_for_prompt()
    wide = [line for line in term.screen().split("\n") if line.startswith("w00")]
    assert wide and len(wide[0].rstrip()) > 60, wide
    term._tmux("resize-window", "-t", term.target, "-x", "40")
    ask(term, "narrow")
    wait_until(lambda: len(USAGE.findall(term.screen())) >= 2, message="the second answer")
    lines = term.screen().split("\n")
    start = max(i for i, line in enumerate(lines) if line.startswith("w00"))
    narrow = [line for line in lines[start:start + 6] if line.startswith("w")]
    assert all(len(line.rstrip()) <= 40 for line in narrow), narrow
    assert narrow[0].startswith("w00 w01") and narrow[1].startswith("w"), narrow


def test_ctrl_c_in_a_held_table_prints_it_raw_and_resets(upstream, terminal):
    rows = "".join(f"| row{n} | {n} |\n" for n in range(200))
    text = "Table:\n| name | n |\n|---|---|\n" + rows
    upstream.enqueue({"type": "text", "text": text, "chunks": len(text) // 8, "delay": 0.05})
    term = start_chat(terminal)
    ask(term, "a long table")
    term.wait_for("Table:")
    term.press("C-c")
    term.wait_for("[interrupted]")
    term.wait_for_prompt()
    screen = term.screen()
    assert "| name | n |" in screen, "what was held back is printed raw"
    assert "row199" not in screen


def test_ctrl_c_in_bold_text_leaves_no_attribute_set(upstream, terminal):
    words = " ".join(f"word{n}" for n in range(300))
    upstream.enqueue({"type": "text", "text": "Start **" + words + "** end\n", "delay": 0.05})
    term = start_chat(terminal)
    ask(term, "bold story")
    term.wait_for("word3 ")
    assert "\x1b[1mword" in escaped_screen(term)
    term.press("C-c")
    term.wait_for("[interrupted]")
    term.wait_for_prompt()
    line = next(l for l in escaped_screen(term).split("\n") if "[interrupted]" in l)
    before = line[:line.index("[interrupted]")]
    assert re.fullmatch(r"(\x1b\[[0-9;]*m)*", before), repr(line)
    for params in re.findall(r"\x1b\[([0-9;]*)m", before):
        assert "1" not in params.split(";"), f"the remark is still bold: {line!r}"
    assert "word299" not in term.screen()


def test_ask_in_a_terminal_renders(upstream, terminal):
    upstream.enqueue(four_char_chunks("Answer with **bold** and `code`.\n"))
    term = terminal("ask", "question")
    term.wait_for("Answer with bold and code.")
    assert term.wait_exit() == 0
    assert "\x1b[1mbold" in escaped_screen(term)


def test_piped_ask_prints_the_markdown_source_byte_for_byte(upstream, isolated_env):
    source = padded(ANSWER + "Ünïcödé — done **.\n")
    upstream.enqueue(four_char_chunks(source))
    result = subprocess.run([isolated_env.binary, "ask", "plan"], input=b"", capture_output=True,
                            env={**isolated_env.env, "TERM": "xterm-256color"}, cwd=isolated_env.home, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == source.encode()


def test_ask_redirected_to_a_file_is_the_source(upstream, isolated_env, tmp_path):
    source = padded("**Bold** | table | `x`\n```\ncode\n```\n")
    upstream.enqueue(four_char_chunks(source))
    target = tmp_path / "answer.md"
    with open(target, "wb") as handle:
        result = subprocess.run([isolated_env.binary, "ask", "x"], stdin=subprocess.DEVNULL, stdout=handle,
                                stderr=subprocess.PIPE, env={**isolated_env.env, "TERM": "xterm-256color"},
                                cwd=isolated_env.home, timeout=60)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == source.encode()
