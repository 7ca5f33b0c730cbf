"""Shared helpers of the REPL tests driven in tmux."""


def start_chat(terminal, *args, **kwargs):
    term = terminal(*args, **kwargs)
    term.wait_for("/help for commands")
    term.wait_for_prompt()
    return term


def ask(term, text):
    term.send(text)
    term.press("Enter")
