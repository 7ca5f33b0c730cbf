"""`nebius-chat serve` driven by the official anthropic Python SDK (PROTOCOL sections 1-6).

Every event stream the SDK receives is teed by its transport and checked against the stream
grammar (sse_grammar.py) when it ends; a test fails on any violation."""
import base64
import http.client
import json
import struct
import urllib.parse
import zlib

import anthropic
import pytest

from serve_support import CLIENT_KEY, MIDDLE_MODEL, NEBIUS_KEY, running_proxy
from sse_grammar import CheckingTransport, check_sse, checked_anthropic, count


@pytest.fixture(scope="module")
def proxy():
    with running_proxy() as running:
        yield running


@pytest.fixture
def sse():
    """The transport of the test's SDK clients: every event stream they receive is checked
    against the stream grammar; the test fails on a violation."""
    with CheckingTransport() as transport:
        yield transport
        transport.assert_clean()


@pytest.fixture
def client(proxy, sse):
    url, upstream, _ = proxy
    upstream.reset()
    return checked_anthropic(url, CLIENT_KEY, sse, max_retries=0)


def last_upstream_request(proxy):
    return proxy[1].requests()[-1]


def png_1x1():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def test_create_text(client, proxy):
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=64,
                                 messages=[{"role": "user", "content": '[[script:text text="Hello from Nebius"]]'}])
    assert msg.content[0].type == "text"
    assert msg.content[0].text == "Hello from Nebius"
    assert msg.model == "claude-sonnet-4-5"
    assert msg.stop_reason == "end_turn"
    assert last_upstream_request(proxy)["body"]["model"] == MIDDLE_MODEL


def test_stream_text_and_final_message(client, sse):
    with client.messages.stream(model="claude-haiku-4-5", max_tokens=64,
                                messages=[{"role": "user", "content": '[[script:text text="one two three four" chunks=4]]'}]) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == "one two three four"
    assert len(pieces) >= 2, "text arrives in several deltas"
    assert final.content[0].text == "one two three four"
    assert final.usage.output_tokens > 0
    sse.assert_clean()
    assert len(sse.streams) == 1, "the event stream was teed and checked"
    assert count(sse.streams[0][1], "message_start") == 1


def test_stream_tool_use_with_input_json_delta(client):
    tools = [{"name": "get_weather", "description": "Weather for a city",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    prompt = '[[script:tool_calls name=get_weather arguments={"city":"Paris"} style=llamacpp]]'
    deltas = []
    with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64, tools=tools,
                                messages=[{"role": "user", "content": prompt}]) as stream:
        for event in stream:
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                deltas.append(event.delta.partial_json)
        final = stream.get_final_message()
    assert len(deltas) >= 2, "arguments are streamed in pieces, not buffered"
    tool_use = [b for b in final.content if b.type == "tool_use"][0]
    assert tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris"}
    assert final.stop_reason == "tool_use"


def test_tool_result_round_trip(client, proxy):
    msg = client.messages.create(
        model="claude-sonnet-4-5", max_tokens=64,
        tools=[{"name": "get_weather", "input_schema": {"type": "object", "properties": {}}}],
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather",
                                                "input": {"city": "Paris"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny, 21C"},
                                         {"type": "text", "text": "thanks"}]},
        ])
    assert msg.content[0].type == "text"
    sent = last_upstream_request(proxy)["body"]["messages"]
    roles = [m["role"] for m in sent]
    assert roles[-2:] == ["tool", "user"], roles
    assert sent[-2]["tool_call_id"] == "toolu_1"
    assert sent[-2]["content"] == "sunny, 21C"
    assert sent[-3]["tool_calls"][0]["function"]["arguments"] == '{"city":"Paris"}'


def test_image_goes_to_vision_model(client, proxy):
    data = base64.b64encode(png_1x1()).decode()
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}},
        {"type": "text", "text": "[[script:image_count]] describe"}]}])
    assert "1 image" in msg.content[0].text
    body = last_upstream_request(proxy)["body"]
    assert body["model"] == "Qwen/Qwen2.5-VL-72B-Instruct"
    parts = body["messages"][-1]["content"]
    assert parts[0]["image_url"]["url"].startswith("data:image/png;base64,")


def test_thinking_block(client):
    with client.messages.stream(model="claude-opus-4-5", max_tokens=256,
                                thinking={"type": "enabled", "budget_tokens": 1024},
                                messages=[{"role": "user", "content": '[[script:reasoning reasoning="Two plus two." text="4"]]'}]) as stream:
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert final.content[0].thinking == "Two plus two."
    assert final.content[1].text == "4"


def test_count_tokens(client):
    count = client.messages.count_tokens(model="claude-sonnet-4-5",
                                         messages=[{"role": "user", "content": "how many tokens is this sentence?"}])
    assert 5 < count.input_tokens < 100


def test_rate_limit_error(client):
    with pytest.raises(anthropic.RateLimitError) as info:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                               messages=[{"role": "user", "content": "[[script:error status=429 retry_after=1]]"}])
    assert info.value.response.headers.get("retry-after") == "1"


def test_overloaded_error(client):
    with pytest.raises(anthropic.OverloadedError) as info:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                               messages=[{"role": "user", "content": "[[script:error status=503]]"}])
    assert info.value.status_code == 529
    assert info.value.body["error"]["type"] == "overloaded_error"


def test_retry_before_first_byte_succeeds(client, proxy):
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=16, messages=[
        {"role": "user", "content": '[[script:fail_then_succeed times=1 status=502 then={"type":"text","text":"recovered"}]]'}])
    assert msg.content[0].text == "recovered"


def test_authentication_error(proxy, sse):
    bad = checked_anthropic(proxy[0], "wrong-key", sse, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="claude-sonnet-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}])


def test_upstream_key_refused_is_401(client):
    with pytest.raises(anthropic.AuthenticationError) as info:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                               messages=[{"role": "user", "content": "[[script:error status=401]]"}])
    assert "Nebius API key" in str(info.value)


def test_mid_stream_failure_is_an_error_event(client, sse):
    with pytest.raises(anthropic.APIError):
        with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content":
                '[[script:text text="a b c d e f" chunks=6 fault={"kind":"reset","after":2}]]'}]) as stream:
            for _ in stream:
                pass
    sse.assert_clean()
    assert [e.name for e in sse.streams[-1][1]][-1] == "error", "the checked prefix ends at the error event"


# ---------------------------------------------------------------------------------------------
# Issue 10: every stream carried message_start twice. Raw HTTP, as curl sees it.


def raw_stream(url, content, **extra):
    """POSTs a streamed /v1/messages request over plain HTTP; returns (status, content-type, body)."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = {"model": "claude-sonnet-4-5", "max_tokens": 256, "stream": True,
            "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    try:
        conn.request("POST", "/v1/messages", body=json.dumps(body),
                     headers={"x-api-key": CLIENT_KEY, "content-type": "application/json",
                              "anthropic-version": "2023-06-01", "accept": "text/event-stream"})
        response = conn.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        conn.close()


WEATHER = [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
RAW_CASES = [
    pytest.param('[[script:text text="one two three" chunks=3]]', {}, ["text"], "end_turn", id="text"),
    pytest.param('[[script:tool_calls name=get_weather arguments={"city":"Paris"}]]', {"tools": WEATHER},
                 ["tool_use"], "tool_use", id="tool-call"),
    pytest.param('[[script:reasoning reasoning="Two plus two." text="4"]]',
                 {"thinking": {"type": "enabled", "budget_tokens": 1024}}, ["thinking", "text"], "end_turn",
                 id="reasoning"),
    pytest.param('[[script:text text="a b c d" chunks=4 fault={"kind":"error_frame","after":2}]]', {}, None, None,
                 id="error-frame"),
    pytest.param('[[script:text text="a b c d" chunks=4 fault={"kind":"reset","after":2}]]', {}, None, None,
                 id="reset"),
]


@pytest.mark.parametrize("content,extra,blocks,stop_reason", RAW_CASES)
def test_raw_stream_has_one_message_start(proxy, content, extra, blocks, stop_reason):
    url, upstream, _ = proxy
    upstream.reset()
    status, content_type, body = raw_stream(url, content, **extra)
    assert status == 200, body[:500]
    assert content_type.startswith("text/event-stream")
    events = check_sse(body)
    names = [e.name for e in events]
    assert count(events, "message_start") == 1, names
    assert names[:2] == ["message_start", "ping"], names
    if blocks is None:
        assert names[-1] == "error", names
        assert "message_stop" not in names
    else:
        assert [e.data["content_block"]["type"] for e in events if e.name == "content_block_start"] == blocks
        assert [e.data["delta"]["stop_reason"] for e in events if e.name == "message_delta"] == [stop_reason]
        assert names[-1] == "message_stop"


def test_keys_never_logged(proxy):
    _, _, log_path = proxy
    text = open(log_path).read()
    assert "POST /v1/messages" in text
    assert NEBIUS_KEY not in text
    assert CLIENT_KEY not in text
