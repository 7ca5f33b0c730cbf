"""A context overflow in any upstream's words reaches the client as Anthropic's own: 400
invalid_request_error `prompt is too long: N tokens > M maximum` (PROTOCOL 8.1), streamed or
not, before the first byte or in an error frame; and serve lowers `max_tokens` to fit the
model's catalogue window (8.2), against an upstream that counts prompt + max_tokens itself."""
import re

import anthropic
import pytest

from conftest import SERVE_CLIENT_KEY, scripted_upstream_process, serve_process

STYLES = ["vllm", "nebius", "sglang", "llamacpp", "llamacpp_server", "tgi", "detail"]
# Styles whose words name the completion part (llama-server's names the prompt only).
WITH_COMPLETION = [s for s in STYLES if s != "llamacpp_server"]


@pytest.fixture(scope="module")
def default_serve():
    with scripted_upstream_process() as upstream:
        with serve_process(upstream, extra_env={"MAX_RETRIES": "0"}) as serve:
            yield serve, upstream


@pytest.fixture
def proxy(default_serve):
    serve, upstream = default_serve
    upstream.reset()
    return serve, upstream, anthropic.Anthropic(base_url=serve.url, api_key=SERVE_CLIENT_KEY, max_retries=0)


def send(client, text, stream, model="claude-sonnet-4-5", max_tokens=1000):
    messages = [{"role": "user", "content": text}]
    if stream:
        with client.messages.stream(model=model, max_tokens=max_tokens, messages=messages) as s:
            for _ in s:
                pass
            return s.get_final_message()
    return client.messages.create(model=model, max_tokens=max_tokens, messages=messages)


def assert_prompt_too_long(error, expected):
    assert error.status_code == 400, error
    body = error.body if isinstance(error.body, dict) else {}
    assert body.get("type") == "error", body
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["message"] == expected


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
@pytest.mark.parametrize("style", STYLES)
def test_prompt_over_the_window(proxy, style, stream):
    _, upstream, client = proxy
    directive = f"[[script:overflow style={style} window=131072 prompt=139000 completion=1000]]"
    with pytest.raises(anthropic.BadRequestError) as raised:
        send(client, directive, stream)
    assert_prompt_too_long(raised.value, "prompt is too long: 139000 tokens > 131072 maximum")
    assert len(upstream.chat_requests()) == 1, "an overflow is not retried nor sent to a fallback"


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
@pytest.mark.parametrize("style", WITH_COMPLETION)
def test_prompt_and_max_tokens_over_the_window(proxy, style, stream):
    # vLLM counts prompt + max_tokens: the whole request is what overflowed.
    _, _, client = proxy
    directive = f"[[script:overflow style={style} window=131072 prompt=130000 completion=5000]]"
    with pytest.raises(anthropic.BadRequestError) as raised:
        send(client, directive, stream)
    assert_prompt_too_long(raised.value, "prompt is too long: 135000 tokens > 131072 maximum")


def test_llamacpp_recorded_wording(proxy):
    _, _, client = proxy
    directive = "[[script:overflow style=llamacpp window=4096 prompt=6031 completion=16]]"
    with pytest.raises(anthropic.BadRequestError) as raised:
        send(client, directive, stream=False)
    assert_prompt_too_long(raised.value, "prompt is too long: 6031 tokens > 4096 maximum")


@pytest.mark.parametrize("style", ["vllm", "sglang", "llamacpp"])
def test_error_frame_mid_stream(proxy, style):
    _, _, client = proxy
    directive = (f"[[script:overflow style={style} stream_frame=true after=2 window=131072 prompt=139000 "
                 f"completion=1000 text=\"partial answer\"]]")
    with pytest.raises(anthropic.APIStatusError) as raised:
        send(client, directive, stream=True)
    error = raised.value
    body = error.body if isinstance(error.body, dict) else {}
    inner = body.get("error", body)
    assert inner.get("type") == "invalid_request_error", body
    assert inner.get("message") == "prompt is too long: 139000 tokens > 131072 maximum"


def test_error_frame_before_any_text_non_streamed(proxy):
    _, _, client = proxy
    directive = "[[script:overflow style=vllm stream_frame=true after=1 window=131072 prompt=139000 completion=1000]]"
    with pytest.raises(anthropic.BadRequestError) as raised:
        send(client, directive, stream=False)
    assert_prompt_too_long(raised.value, "prompt is too long: 139000 tokens > 131072 maximum")


# ---------------------------------------------------------------------------------------------
# Window fit, end to end

WINDOW = 16384
SMALL_WINDOW_MODEL = {"id": "test/small-window", "context_length": WINDOW, "architecture": {"modality": "text->text"},
                      "pricing": {"prompt": "0.0000001", "completion": "0.0000002"}}


@pytest.fixture(scope="module")
def window_serve():
    """BIG_MODEL has a 16384-token window, and the upstream refuses (vLLM's words) any request
    whose prompt (characters / 4) plus max_tokens is over it."""
    with scripted_upstream_process(args=["--enforce-window", "vllm"]) as upstream:
        upstream.set_catalogue(upstream.catalogue() + [SMALL_WINDOW_MODEL])
        with serve_process(upstream, extra_env={"BIG_MODEL": "test/small-window", "MAX_RETRIES": "0"}) as serve:
            assert not any("note:" in line for line in serve.summary), serve.summary
            yield serve, upstream


def upstream_prompt_tokens(body):
    """What the scripted upstream counts: the characters of the messages' text / 4."""
    chars = 0
    for message in body["messages"]:
        content = message.get("content")
        if isinstance(content, str):
            chars += len(content.encode())
        elif isinstance(content, list):
            chars += len("\n".join(p.get("text", "") for p in content if p.get("type") == "text").encode())
    return max(1, chars // 4)


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_max_tokens_is_lowered_to_fit(window_serve, stream):
    serve, upstream = window_serve
    upstream.set_options(enforce_window="vllm")
    client = anthropic.Anthropic(base_url=serve.url, api_key=SERVE_CLIENT_KEY, max_retries=0)
    prompt = "[[script:text text=fits]] " + "abcd " * 6400  # about 8000 tokens
    message = send(client, prompt, stream, model="claude-opus-4-1", max_tokens=12000)
    assert message.content[0].text == "fits"
    body = upstream.chat_requests()[-1]["body"]
    assert body["model"] == "test/small-window"
    assert body["max_tokens"] < 12000, "lowered"
    assert upstream_prompt_tokens(body) + body["max_tokens"] <= WINDOW
    assert body["max_tokens"] > 4000, "not lowered more than needed"


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_prompt_alone_over_the_window(window_serve, stream):
    serve, upstream = window_serve
    client = anthropic.Anthropic(base_url=serve.url, api_key=SERVE_CLIENT_KEY, max_retries=0)
    prompt = "abcd " * 16000  # about 20000 tokens
    with pytest.raises(anthropic.BadRequestError) as raised:
        send(client, prompt, stream, model="claude-opus-4-1", max_tokens=2000)
    message = raised.value.body["error"]["message"]
    match = re.fullmatch(r"prompt is too long: (\d+) tokens > 16384 maximum", message)
    assert match, message
    assert raised.value.body["error"]["type"] == "invalid_request_error"
    requests = upstream.chat_requests()
    if requests and requests[-1]["behavior"] == "overflow":
        assert int(match.group(1)) == upstream_prompt_tokens(requests[-1]["body"]), "the upstream's own count"
    else:
        assert int(match.group(1)) > WINDOW
