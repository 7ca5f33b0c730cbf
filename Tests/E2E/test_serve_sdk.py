"""`nebius-chat serve` driven by the official anthropic Python SDK (PROTOCOL sections 1-6)."""
import base64
import struct
import zlib

import anthropic
import pytest

from serve_support import CLIENT_KEY, NEBIUS_KEY, running_proxy


@pytest.fixture(scope="module")
def proxy():
    with running_proxy() as running:
        yield running


@pytest.fixture
def client(proxy):
    url, upstream, _ = proxy
    upstream.reset()
    return anthropic.Anthropic(base_url=url, api_key=CLIENT_KEY, max_retries=0)


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
    assert last_upstream_request(proxy)["body"]["model"] == "Qwen/Qwen3-Coder-480B-A35B-Instruct"


def test_stream_text_and_final_message(client):
    with client.messages.stream(model="claude-haiku-4-5", max_tokens=64,
                                messages=[{"role": "user", "content": '[[script:text text="one two three four" chunks=4]]'}]) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == "one two three four"
    assert len(pieces) >= 2, "text arrives in several deltas"
    assert final.content[0].text == "one two three four"
    assert final.usage.output_tokens > 0


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


def test_authentication_error(proxy):
    bad = anthropic.Anthropic(base_url=proxy[0], api_key="wrong-key", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="claude-sonnet-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}])


def test_upstream_key_refused_is_401(client):
    with pytest.raises(anthropic.AuthenticationError) as info:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                               messages=[{"role": "user", "content": "[[script:error status=401]]"}])
    assert "Nebius API key" in str(info.value)


def test_mid_stream_failure_is_an_error_event(client):
    with pytest.raises(anthropic.APIError):
        with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content":
                '[[script:text text="a b c d e f" chunks=6 fault={"kind":"reset","after":2}]]'}]) as stream:
            for _ in stream:
                pass


def test_keys_never_logged(proxy):
    _, _, log_path = proxy
    text = open(log_path).read()
    assert "POST /v1/messages" in text
    assert NEBIUS_KEY not in text
    assert CLIENT_KEY not in text
