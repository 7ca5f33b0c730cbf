"""Serve's own web search and fetch for open models, driven by the anthropic SDK: the scripted
upstream calls `web_search` / `web_fetch`, serve runs them against loopback stand-ins (a
scripted search backend, a page server; web_support.py) and the client sees Anthropic's
server-tool blocks. Every event stream is checked against the stream grammar."""
import json

import pytest

from serve_support import CLIENT_KEY, NEBIUS_KEY, running_proxy
from sse_grammar import CheckingTransport, checked_anthropic
from web_support import PageServer, SearchBackend, serving, tool_call, tool_messages

SEARCH_KEY = "tvly-e2e-search-secret-0123"
SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 3, "blocked_domains": ["blocked.example"]}
FETCH_TOOL = {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 2}


@pytest.fixture(scope="module")
def stand_ins():
    with serving(SearchBackend(), PageServer()) as running:
        yield running


def proxy_env(backend, provider="tavily", **extra):
    env = {"WEB_SEARCH_PROVIDER": provider, "WEB_SEARCH_API_KEY": SEARCH_KEY, "WEB_SEARCH_BASE_URL": backend.url,
           "WEB_SEARCH_TIMEOUT": "2", "WEB_FETCH_TIMEOUT": "2", "WEB_FETCH_ALLOW_PRIVATE": "127.0.0.0/8"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def proxy(stand_ins):
    with running_proxy(proxy_env(stand_ins[0])) as running:
        yield running


@pytest.fixture
def sse():
    with CheckingTransport() as transport:
        yield transport
        transport.assert_clean()


@pytest.fixture
def client(proxy, sse, stand_ins):
    proxy[1].reset()
    stand_ins[0].mode = "ok"
    stand_ins[0].requests.clear()
    stand_ins[1].requests.clear()
    return checked_anthropic(proxy[0], CLIENT_KEY, sse, max_retries=0, timeout=30)


def chat_requests(proxy):
    return [r for r in proxy[1].requests() if "/chat/completions" in r["path"]]


def ask(client, prompt, tools, stream):
    kwargs = dict(model="claude-sonnet-4-5", max_tokens=256, tools=tools, messages=[{"role": "user", "content": prompt}])
    if stream:
        with client.messages.stream(**kwargs) as s:
            for _ in s:
                pass
            return s.get_final_message()
    return client.messages.create(**kwargs)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "non-stream"])
def test_search_runs_inside_the_answer(client, proxy, stand_ins, stream):
    msg = ask(client, tool_call("web_search", query="nebius web tools"), [SEARCH_TOOL], stream)
    types = [b.type for b in msg.content]
    assert types == ["server_tool_use", "web_search_tool_result", "text"], types
    use, result, answer = msg.content
    assert use.id.startswith("srvtoolu_") and use.name == "web_search"
    assert use.input == {"query": "nebius web tools"}
    assert result.tool_use_id == use.id
    urls = [r.url for r in result.content]
    assert urls == ["https://news.example/nebius-web", "https://docs.example/guide"], "blocked_domains honoured"
    assert result.content[0].title == "Nebius ships web tools"
    assert result.content[0].page_age == "2026-12-01"
    assert result.content[0].encrypted_content
    assert msg.usage.server_tool_use.web_search_requests == 1
    assert msg.stop_reason == "end_turn"
    # The model got the results as a tool message and its answer quotes them.
    chats = chat_requests(proxy)
    assert len(chats) == 2
    offered = [t["function"]["name"] for t in chats[0]["body"]["tools"]]
    assert offered == ["web_search"]
    assert chats[0]["body"]["tools"][0]["function"]["parameters"]["required"] == ["query"]
    tool = tool_messages(chats[1])
    assert len(tool) == 1 and "Nebius-chat now searches the web." in tool[0]["content"]
    assert "blocked.example" not in tool[0]["content"]
    assert "Nebius-chat now searches the web." in answer.text
    # The backend was asked as Tavily is, with the key, and the key went nowhere else.
    sent = stand_ins[0].requests[-1]
    assert sent["provider"] == "tavily" and sent["body"]["query"] == "nebius web tools"
    assert sent["headers"]["authorization"] == f"Bearer {SEARCH_KEY}"
    assert sent["body"]["exclude_domains"] == ["blocked.example"]
    assert SEARCH_KEY not in json.dumps(msg.model_dump())
    assert SEARCH_KEY not in open(proxy[2]).read()


def test_history_with_server_blocks_goes_upstream_as_tool_calls(client, proxy):
    first = ask(client, tool_call("web_search", query="q1"), [SEARCH_TOOL], stream=False)
    proxy[1].reset()
    follow_up = [{"role": "user", "content": "search q1"},
                 {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
                 {"role": "user", "content": "[[script:text text=\"thanks\"]]"}]
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, tools=[SEARCH_TOOL], messages=follow_up)
    assert msg.content[0].text == "thanks"
    body = chat_requests(proxy)[0]["body"]
    calls = [m for m in body["messages"] if m.get("tool_calls")]
    assert calls and calls[0]["tool_calls"][0]["function"]["name"] == "web_search"
    assert "Nebius-chat now searches the web." in tool_messages(chat_requests(proxy)[0])[0]["content"]


@pytest.mark.parametrize("mode,code", [("fail", "unavailable"), ("garbage", "unavailable"), ("limited", "too_many_requests")])
def test_backend_failure_is_an_error_result(client, proxy, stand_ins, mode, code):
    stand_ins[0].mode = mode
    msg = ask(client, tool_call("web_search", query="x"), [SEARCH_TOOL], stream=True)
    result = msg.content[1]
    assert result.type == "web_search_tool_result"
    assert result.content.type == "web_search_tool_result_error" and result.content.error_code == code
    assert msg.content[-1].type == "text" and msg.stop_reason == "end_turn"


def test_max_uses_is_enforced(client, proxy):
    tool = dict(SEARCH_TOOL, max_uses=1)
    proxy[1].enqueue({"type": "tool_calls", "calls": [{"name": "web_search", "arguments": {"query": "a"}}]})
    proxy[1].enqueue({"type": "tool_calls", "calls": [{"name": "web_search", "arguments": {"query": "b"}}]})
    proxy[1].enqueue({"type": "text", "text": "done"})
    msg = ask(client, "search twice", [tool], stream=True)
    results = [b for b in msg.content if b.type == "web_search_tool_result"]
    assert len(results) == 2
    assert isinstance(results[0].content, list)
    assert results[1].content.error_code == "max_uses_exceeded"
    assert msg.usage.server_tool_use.web_search_requests == 1
    # After the one use, web_search is no longer offered.
    assert "tools" not in chat_requests(proxy)[2]["body"] or not chat_requests(proxy)[2]["body"]["tools"]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "non-stream"])
def test_fetch_a_page(client, proxy, stand_ins, stream):
    url = stand_ins[1].url + "/page.html"
    msg = ask(client, tool_call("web_fetch", url=url), [FETCH_TOOL], stream)
    assert [b.type for b in msg.content] == ["server_tool_use", "web_fetch_tool_result", "text"]
    result = msg.content[1].content
    assert result.type == "web_fetch_result" and result.url == url and result.retrieved_at
    doc = result.content
    assert doc.type == "document" and doc.source.type == "text" and doc.source.media_type == "text/plain"
    assert "# Nebius page" in doc.source.data and "link text survives" in doc.source.data
    assert "script-text" not in doc.source.data and "color:red" not in doc.source.data
    assert doc.title == "Proxy page"
    assert "# Nebius page" in tool_messages(chat_requests(proxy)[1])[0]["content"]
    assert msg.usage.server_tool_use.web_fetch_requests == 1


@pytest.mark.parametrize("path,code", [("/image.png", "unsupported_content_type"), ("/missing", "url_not_accessible")])
def test_fetch_errors(client, stand_ins, path, code):
    msg = ask(client, tool_call("web_fetch", url=stand_ins[1].url + path), [FETCH_TOOL], stream=True)
    assert msg.content[1].content.type == "web_fetch_tool_result_error"
    assert msg.content[1].content.error_code == code


def test_fetch_of_loopback_is_refused_without_allow_private(stand_ins, sse):
    with running_proxy(proxy_env(stand_ins[0], WEB_FETCH_ALLOW_PRIVATE="0")) as running:
        client = checked_anthropic(running[0], CLIENT_KEY, sse, max_retries=0, timeout=30)
        stand_ins[1].requests.clear()
        for url in [stand_ins[1].url + "/plain.txt", "http://localhost:1/", "http://[::1]:1/", "http://169.254.169.254/"]:
            msg = ask(client, tool_call("web_fetch", url=url), [FETCH_TOOL], stream=True)
            assert msg.content[1].content.error_code == "url_not_allowed", url
        assert stand_ins[1].requests == [], "nothing was fetched"
        tool = tool_messages([r for r in running[1].requests() if "/chat/completions" in r["path"]][-1])
        assert "WEB_FETCH_ALLOW_PRIVATE" in tool[0]["content"]


def test_without_a_backend_nothing_is_offered_and_a_call_says_what_to_set(sse):
    with running_proxy({}) as running:
        client = checked_anthropic(running[0], CLIENT_KEY, sse, max_retries=0, timeout=30)
        msg = ask(client, tool_call("web_search", query="x"), [SEARCH_TOOL], stream=True)
        chats = [r for r in running[1].requests() if "/chat/completions" in r["path"]]
        assert not chats[0]["body"].get("tools"), "web_search is not offered without a backend"
        assert msg.content[1].content.error_code == "unavailable"
        assert "WEB_SEARCH_PROVIDER" in tool_messages(chats[1])[0]["content"]
        assert msg.content[-1].type == "text"


@pytest.mark.parametrize("provider", ["brave", "searxng"])
def test_other_backends(stand_ins, sse, provider):
    with running_proxy(proxy_env(stand_ins[0], provider=provider)) as running:
        stand_ins[0].mode = "ok"
        client = checked_anthropic(running[0], CLIENT_KEY, sse, max_retries=0, timeout=30)
        msg = ask(client, tool_call("web_search", query="two words"), [SEARCH_TOOL], stream=False)
        assert [r.url for r in msg.content[1].content][0] == "https://news.example/nebius-web"
        sent = stand_ins[0].requests[-1]
        assert sent["provider"] == provider
        assert "two%20words" in sent["path"] and "-site%3Ablocked.example" in sent["path"]
        if provider == "brave":
            assert sent["headers"]["x-subscription-token"] == SEARCH_KEY
        else:
            assert "format=json" in sent["path"]


def claude_websearch_prompt(query):
    """A prompt whose scripted model calls Claude Code's WebSearch with a query that is itself
    a directive: in Claude Code's separate web_search request, the scripted model then calls
    `web_search` (the brackets are JSON escapes, so the outer directive stays whole)."""
    inner = tool_call("web_search", query=query)
    arguments = json.dumps({"query": inner}, separators=(",", ":")).replace("[", "\\u005b").replace("]", "\\u005d")
    return f"[[script:tool_calls name=WebSearch arguments={arguments}]] search it"


def count_key(value, key):
    if isinstance(value, dict):
        return sum((v if k == key and isinstance(v, int) else count_key(v, key)) for k, v in value.items())
    if isinstance(value, list):
        return sum(count_key(v, key) for v in value)
    return 0


def test_claude_code_websearch(proxy, stand_ins):
    from test_claude_code import CLI, run_claude
    if CLI is None:
        pytest.skip("claude-agent-sdk is not installed")
    proxy[1].reset()
    stand_ins[0].mode = "ok"
    stand_ins[0].requests.clear()
    out = run_claude(proxy[0], claude_websearch_prompt("nebius release"), "--allowedTools", "WebSearch")
    assert out.get("is_error") is False, out
    # The search ran once, on the backend, and the CLI reports it.
    assert [r["body"]["query"] for r in stand_ins[0].requests] == ["nebius release"]
    assert count_key(out, "webSearchRequests") >= 1, out
    # Claude Code's own web_search request reached the upstream as a `web_search` function tool,
    # and the main turn got the results back as WebSearch's tool result.
    chats = chat_requests(proxy)
    search_turns = [c for c in chats if [t["function"]["name"] for t in c["body"].get("tools", [])] == ["web_search"]]
    assert len(search_turns) == 2, "the search request, then its continuation with the results"
    assert "Nebius-chat now searches the web." in tool_messages(search_turns[1])[0]["content"]
    main = [c for c in chats if c not in search_turns and tool_messages(c)]
    assert main and "https://news.example/nebius-web" in tool_messages(main[-1])[-1]["content"]
    assert "https://news.example/nebius-web" in out["result"]


def test_fetch_a_pdf_reads_its_text(client, proxy, stand_ins):
    msg = ask(client, tool_call("web_fetch", url=stand_ins[1].url + "/report.pdf"), [FETCH_TOOL], stream=True)
    result = msg.content[1].content
    assert result.type == "web_fetch_result", result
    assert "Lighthouse Cooperative" in result.content.source.data
    assert "--- page 2 of 2 ---" in result.content.source.data
    assert "Ada Lovelace" in tool_messages(chat_requests(proxy)[1])[0]["content"]


def test_a_client_tool_in_the_same_turn_still_ends_it(client, proxy):
    weather = {"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
    proxy[1].enqueue({"type": "tool_calls", "calls": [{"name": "web_search", "arguments": {"query": "paris"}},
                                                      {"name": "get_weather", "arguments": {"city": "Paris"}}]})
    msg = ask(client, "both", [SEARCH_TOOL, weather], stream=True)
    assert [b.type for b in msg.content] == ["tool_use", "server_tool_use", "web_search_tool_result"]
    assert msg.content[0].name == "get_weather" and msg.content[0].input == {"city": "Paris"}
    assert msg.stop_reason == "tool_use"
    assert len(chat_requests(proxy)) == 1, "the client runs its tool before the model goes on"


def test_count_tokens_counts_server_tools(client):
    base = dict(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "hello"}])
    without = client.messages.count_tokens(**base).input_tokens
    with_tools = client.messages.count_tokens(**base, tools=[SEARCH_TOOL, FETCH_TOOL]).input_tokens
    assert with_tools > without > 0
