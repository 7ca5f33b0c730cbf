"""Ctrl-R at the chat's prompt: a labelled search of the prompt history, and Ctrl-C inside it
cancels cleanly (driven in tmux against the scripted upstream)."""
from conftest import user_texts, wait_until
from repl_support import ask, start_chat

ENTRIES = ["first entry", "wait for it", "something else"]


def type_history(term, upstream):
    for n, entry in enumerate(ENTRIES, start=1):
        ask(term, entry)
        upstream.wait_for_chat_requests(n)
        term.wait_for(f"You said: {entry}")
        term.wait_for_prompt()


def test_ctrl_r_finds_an_entry_and_ctrl_c_cancels_cleanly(upstream, terminal):
    term = start_chat(terminal)
    type_history(term, upstream)
    term.send("half-typed")
    term.press("C-r")
    term.wait_for("(history search)''")
    term.send("wai")
    term.wait_for("(history search)'wai': wait for it")
    assert "bck:" not in term.screen()

    term.press("C-c")
    term.wait_for_prompt()
    screen = term.screen()
    assert "bck:" not in screen
    assert "^C" not in screen
    assert "(history search)" not in screen
    assert "half-typed" not in screen
    assert "[[" not in screen

    # The chat goes on: a new prompt is sent as typed.
    ask(term, "still here?")
    term.wait_for("You said: still here?")
    assert user_texts(upstream.chat_requests()[-1])[-1] == "still here?"
    assert term.is_running()


def test_ctrl_r_again_goes_further_back_and_enter_sends_the_match(upstream, terminal):
    term = start_chat(terminal)
    type_history(term, upstream)
    term.press("C-r")
    term.send("e")
    term.wait_for("(history search)'e': something else")
    term.press("C-r")
    # "wait for it" has no e.
    term.wait_for("(history search)'e': first entry")
    term.press("C-r")
    term.wait_for("(history search, no older match)'e': first entry")
    term.press("Enter")
    upstream.wait_for_chat_requests(len(ENTRIES) + 1)
    assert user_texts(upstream.chat_requests()[-1])[-1] == "first entry"
    term.wait_for_prompt()


def test_escape_leaves_the_match_to_edit(upstream, terminal):
    term = start_chat(terminal)
    type_history(term, upstream)
    term.press("C-r")
    term.send("some")
    term.wait_for("(history search)'some': something else")
    term.press("Escape")
    # Escape and a key right after it would be one Alt-key: let the line come back first.
    wait_until(lambda: term.cursor_line().rstrip() == "> something else", message="the match in the line")
    term.send(" more")
    wait_until(lambda: term.cursor_line().rstrip() == "> something else more", message="the edited match")
    term.press("Enter")
    upstream.wait_for_chat_requests(len(ENTRIES) + 1)
    assert user_texts(upstream.chat_requests()[-1])[-1] == "something else more"
