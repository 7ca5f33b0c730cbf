"""The chat's context window in tmux against the scripted upstream: `/usage` shows the window,
`/compact` replaces the older turns with a summary (the originals stay in the session file, are
never sent again, and `/archive` lists them), the chat compacts on its own near a small window, and an upstream overflow
compacts once and sends again (a second overflow is reported)."""
import json
import os
import re

import pytest

from conftest import BIG_MODEL, user_texts
from repl_support import ask, start_chat

HEADING = "[Summary of the earlier part of this conversation"
TINY = "test/tiny-window"


def chat_count(upstream):
    return len(upstream.chat_requests())


def answer_and_wait(upstream, term, text):
    before = chat_count(upstream)
    ask(term, text)
    upstream.wait_for_chat_requests(before + 1)
    term.wait_for_prompt()


def test_compact_summarises_the_older_turns(upstream, terminal):
    term = start_chat(terminal)
    for word in ["first", "second", "third"]:
        answer_and_wait(upstream, term, f"{word} question")
    upstream.enqueue({"type": "text", "text": "SUMMARY: the user asked a first question."})
    ask(term, "/compact the questions asked")
    term.wait_for(re.compile(r"Compacted 1 older exchange into a summary, kept the last 2: ~\d+ -> ~\d+ tokens"))
    term.wait_for_prompt()
    summary_request = upstream.chat_requests()[-1]
    # The conversation's own model writes the summary, from a transcript of the older turns.
    assert summary_request["body"]["model"] == BIG_MODEL
    [asked] = user_texts(summary_request)
    assert "User: first question" in asked
    assert "second question" not in asked
    assert asked.endswith("When summarising, focus on: the questions asked")

    answer_and_wait(upstream, term, "fourth question")
    texts = user_texts(upstream.chat_requests()[-1])
    assert texts[0].startswith(HEADING)
    assert "SUMMARY: the user asked a first question." in texts[0]
    assert texts[1:] == ["second question", "third question", "fourth question"]

    ask(term, "/usage")
    term.wait_for(re.compile(rf"context: ~[\d,]+ tokens of conversation \+ 16,384 reserved for the answer = \d+% of {re.escape(BIG_MODEL)}'s 432,000-token window"))


def all_texts(chat_request):
    """Every text the request carries, whatever the role."""
    texts = []
    for message in chat_request["body"]["messages"]:
        content = message.get("content") or ""
        texts.append(content if isinstance(content, str) else "".join(p.get("text", "") for p in content))
    return "\n".join(texts)


def test_compact_keeps_the_original_turns_on_disk_and_never_sends_them_again(upstream, terminal, isolated_env):
    term = start_chat(terminal)
    for word in ["first", "second", "third"]:
        answer_and_wait(upstream, term, f"{word} question")
    upstream.enqueue({"type": "text", "text": "SUMMARY: one question."})
    ask(term, "/compact")
    screen = term.wait_for(re.compile(r'the original turns are kept in (~/data/nebius-chat/sessions/\S+\.json) \("archived"\)\.'))
    term.wait_for_prompt()
    shown = re.search(r'kept in ~/(\S+\.json)', screen).group(1)
    path = os.path.join(isolated_env.home, shown)
    with open(path) as f:
        saved = json.load(f)
    [archive] = saved["archived"]
    assert archive["summary"] == "SUMMARY: one question."
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", archive["compacted"])
    archived = archive["messages"]
    assert [m["role"] for m in archived] == ["user", "assistant"]
    assert archived[0]["content"] == [{"type": "text", "text": "first question"}]
    assert "first question" not in json.dumps(saved["messages"])

    answer_and_wait(upstream, term, "fourth question")
    assert "first question" not in all_texts(upstream.chat_requests()[-1]), "the archive is never sent"

    # /archive shows what the compaction replaced, without asking the model.
    before = chat_count(upstream)
    ask(term, "/archive")
    listing = term.wait_for(re.compile(r"\(shortened; the original turns are kept in ~/\S+\.json"))
    term.wait_for_prompt()
    assert re.search(r"Compacted \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: 1 exchange", listing)
    assert "> first question" in listing
    assert chat_count(upstream) == before

    # --continue keeps the archive, says so, and still does not send it.
    ask(term, "/exit")
    assert term.wait_exit() == 0
    term = start_chat(terminal, "--continue")
    assert "(1 earlier exchange was compacted into a summary; the original turns are kept in ~/" in term.screen()
    answer_and_wait(upstream, term, "fifth question")
    assert "first question" not in all_texts(upstream.chat_requests()[-1])
    with open(path) as f:
        again = json.load(f)
    assert again["archived"] == saved["archived"]
    assert user_texts(upstream.chat_requests()[-1])[-1] == "fifth question"


def test_compact_with_nothing_old_enough_says_so(upstream, terminal):
    term = start_chat(terminal)
    answer_and_wait(upstream, term, "only question")
    before = chat_count(upstream)
    ask(term, "/compact")
    term.wait_for("Nothing to compact yet")
    assert chat_count(upstream) == before, "no summary request"


@pytest.fixture
def tiny_window(upstream):
    """The catalogue also lists a model with a 2,048-token window."""
    before = upstream._call("GET", "/v1/models?verbose=true")["data"]
    upstream.set_catalogue(before + [{"id": TINY, "object": "model", "context_length": 2048}])
    yield upstream
    upstream.set_catalogue(before)


def test_the_chat_compacts_on_its_own_near_a_small_window(tiny_window, terminal):
    upstream = tiny_window
    term = start_chat(terminal, "--model", TINY)
    # About 400 tokens each: the third prompt would pass 85% of the window with its answer budget.
    prompts = [f"prompt{n} " + "lorem ipsum dolor sit amet " * 64 for n in range(3)]
    for prompt in prompts[:2]:
        before = chat_count(upstream)
        term.paste(prompt)
        term.press("Enter")
        upstream.wait_for_chat_requests(before + 1)
        term.wait_for_prompt()
    assert "compacted" not in term.screen()
    upstream.enqueue({"type": "text", "text": "SUMMARY: prompt0 was lorem ipsum."})
    before = chat_count(upstream)
    term.paste(prompts[2])
    term.press("Enter")
    upstream.wait_for_chat_requests(before + 2)
    term.wait_for(re.compile(rf"\[context: the next request would take \d+% of {re.escape(TINY)}'s 2,048-token window; compacted 1 older exchange into a summary, kept 1; the original turns are kept in ~/data/nebius-chat/sessions/\S+\.json \(.archived.\)\]"))
    term.wait_for_prompt()
    summary_request, answered = upstream.chat_requests()[-2:]
    assert "prompt0" in user_texts(summary_request)[0]
    texts = user_texts(answered)
    assert texts[0].startswith(HEADING) and "SUMMARY: prompt0 was lorem ipsum." in texts[0]
    assert [t.split()[0] for t in texts[1:]] == ["prompt1", "prompt2"]
    assert answered["body"]["max_tokens"] == 512


def overflow(window=131072, prompt=140000):
    return {"type": "overflow", "style": "nebius", "window": window, "prompt": prompt, "completion": 1000}


def test_an_overflow_compacts_once_and_sends_again(upstream, terminal):
    term = start_chat(terminal)
    for word in ["first", "second"]:
        answer_and_wait(upstream, term, f"{word} question")
    upstream.enqueue(overflow(), {"type": "text", "text": "SUMMARY: two questions."}, {"type": "text", "text": "Third answer."})
    before = chat_count(upstream)
    ask(term, "third question")
    term.wait_for("Third answer.")
    term.wait_for_prompt()
    screen = term.screen()
    assert "refused the request as too long (prompt is too long: 140000 tokens > 131072 maximum)" in screen
    assert "[context: compacted 1 older exchange into a summary, kept 1; the original turns are kept in ~/data/" in screen
    requests = upstream.chat_requests()[before:]
    assert len(requests) == 3, "the refused request, the summary, the retry"
    assert user_texts(requests[0]) == ["first question", "second question", "third question"]
    assert "User: first question" in user_texts(requests[1])[0]
    retried = user_texts(requests[2])
    assert retried[0].startswith(HEADING)
    assert retried[1:] == ["second question", "third question"]
    assert "error:" not in screen


def test_a_second_overflow_is_reported_not_looped(upstream, terminal):
    term = start_chat(terminal)
    for word in ["first", "second"]:
        answer_and_wait(upstream, term, f"{word} question")
    upstream.enqueue(overflow(), {"type": "text", "text": "SUMMARY: two questions."}, overflow())
    before = chat_count(upstream)
    ask(term, "third question")
    term.wait_for("still does not fit after compacting")
    term.wait_for_prompt()
    screen = term.screen()
    assert "error: " in screen and "prompt is too long" in screen
    assert screen.count("compacting and sending again") == 1
    # The prompt is back, so the send is over: nothing more went out.
    assert chat_count(upstream) - before == 3
