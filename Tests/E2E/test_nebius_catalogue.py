"""`nebius-chat serve` on today's Nebius catalogue (PROTOCOL 8): retired defaults replaced and
said in the start-up summary, the catalogue cache used offline, an unreachable catalogue never
failing a request, FALLBACK_MODEL, `/v1/models` windows, structured output and GLM's bare
`</think>`. Each test runs the anthropic SDK against a serve with a scripted upstream of its own
(see conftest.scripted_upstream_process / serve_process)."""
import json
import os
import re
import shutil
import tempfile
import urllib.request

import anthropic
import pytest

from conftest import (BIG_MODEL, CATALOGUE_IDS, MIDDLE_MODEL, SERVE_CLIENT_KEY, SMALL_MODEL,
                      scripted_upstream_process, serve_process, wait_until)


def client_for(serve):
    return anthropic.Anthropic(base_url=serve.url, api_key=SERVE_CLIENT_KEY, max_retries=0)


def ask(client, text, model="claude-opus-4-1", **kwargs):
    return client.messages.create(model=model, max_tokens=256, messages=[{"role": "user", "content": text}], **kwargs)


def chat_models(upstream):
    return [r["body"]["model"] for r in upstream.chat_requests()]


@pytest.fixture(scope="module")
def default_serve():
    """A serve on the default catalogue (today's defaults all listed)."""
    with scripted_upstream_process() as upstream:
        with serve_process(upstream) as serve:
            yield serve, upstream


@pytest.fixture
def proxy(default_serve):
    serve, upstream = default_serve
    upstream.reset()
    return serve, upstream, client_for(serve)


# ---------------------------------------------------------------------------------------------
# The catalogue


def test_defaults_are_listed_and_used_as_they_are(proxy):
    serve, upstream, client = proxy
    assert not any("note:" in line for line in serve.summary), serve.summary
    assert any(f"opus/other -> {BIG_MODEL}, sonnet -> {MIDDLE_MODEL}, haiku -> {SMALL_MODEL}" in line
               for line in serve.summary), serve.summary
    for model, expected in [("claude-opus-4-1", BIG_MODEL), ("claude-sonnet-4-5", MIDDLE_MODEL),
                            ("claude-haiku-4-5", SMALL_MODEL)]:
        message = ask(client, "[[script:text text=ok]]", model=model)
        assert message.model == model
        assert upstream.chat_requests()[-1]["body"]["model"] == expected


def test_models_endpoint_lists_windows_and_answer_budgets(proxy):
    serve, _, _ = proxy
    request = urllib.request.Request(serve.url + "/v1/models", headers={"x-api-key": SERVE_CLIENT_KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        listing = json.loads(response.read())
    entries = {entry["id"]: entry for entry in listing["data"]}
    for model_id in CATALOGUE_IDS:
        assert model_id in entries, sorted(entries)
        assert entries[model_id]["max_input_tokens"] > 0
        assert 0 < entries[model_id]["max_tokens"] <= entries[model_id]["max_input_tokens"]
    assert entries["zai-org/GLM-5.2"]["max_input_tokens"] == 432000
    assert entries["moonshotai/Kimi-K3"]["max_input_tokens"] == 1000000
    assert entries["google/gemma-3-27b-it"]["max_input_tokens"] == 110000
    assert entries["google/gemma-3-27b-it"]["max_tokens"] == 27500, "a quarter of the window"


def test_retired_defaults_are_replaced_said_in_the_summary_and_used():
    with scripted_upstream_process() as upstream:
        retired = {BIG_MODEL, MIDDLE_MODEL}
        upstream.set_catalogue([entry for entry in upstream.catalogue() if entry["id"] not in retired])
        with serve_process(upstream) as serve:
            summary = "\n".join(serve.summary)
            assert (f"  note:     BIG_MODEL {BIG_MODEL} is not in the Nebius catalogue; "
                    f"using deepseek-ai/DeepSeek-V4-Pro") in summary, summary
            assert (f"  note:     MIDDLE_MODEL {MIDDLE_MODEL} is not in the Nebius catalogue; "
                    f"using Qwen/Qwen3.5-397B-A17B") in summary, summary
            assert "SMALL_MODEL" not in summary and "VISION_MODEL" not in summary
            client = client_for(serve)
            assert ask(client, "hello", model="claude-opus-4-1").model == "claude-opus-4-1"
            assert ask(client, "hello", model="claude-sonnet-4-5").content[0].text.startswith("You said")
            assert chat_models(upstream) == ["deepseek-ai/DeepSeek-V4-Pro", "Qwen/Qwen3.5-397B-A17B"]


def test_fallback_model_is_the_first_replacement():
    with scripted_upstream_process() as upstream:
        upstream.set_catalogue([entry for entry in upstream.catalogue() if entry["id"] != BIG_MODEL])
        env = {"FALLBACK_MODEL": "retired/not-listed,openai/gpt-oss-20b"}
        with serve_process(upstream, extra_env=env) as serve:
            summary = "\n".join(serve.summary)
            assert f"BIG_MODEL {BIG_MODEL} is not in the Nebius catalogue; using openai/gpt-oss-20b" in summary
            assert "  fallback: retired/not-listed, openai/gpt-oss-20b" in summary
            ask(client_for(serve), "hi")
            assert chat_models(upstream) == ["openai/gpt-oss-20b"]


def test_offline_from_the_cache():
    small_catalogue = [
        {"id": "openai/gpt-oss-120b", "context_length": 131072, "architecture": {"modality": "text->text"},
         "pricing": {"prompt": "0.00000015", "completion": "0.0000006"}},
        {"id": "Qwen/Qwen2.5-VL-72B-Instruct", "context_length": 131072,
         "architecture": {"modality": "text+image->text"}},
    ]
    with scripted_upstream_process(catalogue=small_catalogue) as upstream:
        # A first run fetches the catalogue and keeps it in XDG_CACHE_HOME.
        home = tempfile.mkdtemp(prefix="nebius-e2e-offline-")
        with serve_process(upstream, home=home) as first:
            wait_until(lambda: os.path.exists(first.cache_file), message="the catalogue cache file")
            with open(first.cache_file) as f:
                cached = json.load(f)
            assert cached["base_url"] == upstream.base_url
            assert [m["id"] for m in cached["models"]] == ["openai/gpt-oss-120b", "Qwen/Qwen2.5-VL-72B-Instruct"]
        # The next run cannot reach /v1/models: it resolves the roles from the cache.
        upstream.set_models_failure({"kind": "close"})
        with serve_process(upstream, home=home) as second:
            summary = "\n".join(second.summary)
            assert f"BIG_MODEL {BIG_MODEL} is not in the Nebius catalogue; using openai/gpt-oss-120b" in summary, summary
            assert f"MIDDLE_MODEL {MIDDLE_MODEL} is not in the Nebius catalogue; using openai/gpt-oss-120b" in summary
            message = ask(client_for(second), "hi", model="claude-sonnet-4-5")
            assert message.model == "claude-sonnet-4-5"
            assert upstream.chat_requests()[-1]["body"]["model"] == "openai/gpt-oss-120b"
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("failure", [{"kind": "close"}, {"status": 503}, {"kind": "stall", "seconds": 30}],
                         ids=["closed", "503", "stalled"])
def test_unreachable_catalogue_never_fails_a_request(failure):
    with scripted_upstream_process() as upstream:
        upstream.set_models_failure(failure)
        with serve_process(upstream, extra_env={"BIG_MODEL": "custom/unlisted-model"}) as serve:
            assert not any("note:" in line for line in serve.summary), "no catalogue: nothing to replace"
            assert any("opus/other -> custom/unlisted-model" in line for line in serve.summary)
            upstream.set_options(strict_models=False)
            client = client_for(serve)
            for _ in range(2):
                message = ask(client, "[[script:text text=fine]]")
                assert message.content[0].text == "fine"
            assert chat_models(upstream) == ["custom/unlisted-model"] * 2, "the configured name as it is"


# ---------------------------------------------------------------------------------------------
# FALLBACK_MODEL


def test_retired_model_falls_back_and_the_log_line_says_so():
    with scripted_upstream_process() as upstream:
        with serve_process(upstream, extra_env={"FALLBACK_MODEL": "openai/gpt-oss-120b"}) as serve:
            # Retired while serve runs: serve's catalogue still lists it, Nebius answers 404.
            upstream.set_catalogue([entry for entry in upstream.catalogue() if entry["id"] != BIG_MODEL])
            client = client_for(serve)
            message = ask(client, "[[script:text text=\"from the fallback\"]]")
            assert message.model == "claude-opus-4-1", "the client sees the name it asked for"
            assert message.content[0].text == "from the fallback"
            assert chat_models(upstream) == [BIG_MODEL, "openai/gpt-oss-120b"], "a 404 is not retried"
            log = serve.wait_for_log(f"claude-opus-4-1 -> openai/gpt-oss-120b (fallback from {BIG_MODEL}) 200")
            assert re.search(r"POST /v1/messages\S* claude-opus-4-1 -> openai/gpt-oss-120b \(fallback from "
                             + re.escape(BIG_MODEL) + r"\) 200 ", log), log

            # Streamed too.
            with client.messages.stream(model="claude-opus-4-1", max_tokens=64,
                                        messages=[{"role": "user", "content": "[[script:text text=streamed]]"}]) as stream:
                final = stream.get_final_message()
            assert final.model == "claude-opus-4-1"
            assert final.content[0].text == "streamed"
            assert chat_models(upstream)[-2:] == [BIG_MODEL, "openai/gpt-oss-120b"]


def test_overloaded_after_the_retries_falls_back():
    with scripted_upstream_process() as upstream:
        env = {"FALLBACK_MODEL": "openai/gpt-oss-120b", "MAX_RETRIES": "1"}
        with serve_process(upstream, extra_env=env) as serve:
            upstream.enqueue({"type": "error", "status": 503}, {"type": "error", "status": 503},
                             {"type": "text", "text": "second model"})
            message = ask(client_for(serve), "hi", model="claude-sonnet-4-5")
            assert message.content[0].text == "second model"
            assert message.model == "claude-sonnet-4-5"
            assert chat_models(upstream) == [MIDDLE_MODEL, MIDDLE_MODEL, "openai/gpt-oss-120b"]
            serve.wait_for_log(f"claude-sonnet-4-5 -> openai/gpt-oss-120b (fallback from {MIDDLE_MODEL}) 200")


def test_every_model_failing_is_one_error_and_no_loop():
    with scripted_upstream_process() as upstream:
        env = {"FALLBACK_MODEL": f"openai/gpt-oss-120b,{BIG_MODEL},deepseek-ai/DeepSeek-V4-Pro", "MAX_RETRIES": "0"}
        with serve_process(upstream, extra_env=env) as serve:
            upstream.enqueue(*[{"type": "error", "status": 503}] * 12)
            with pytest.raises(anthropic.APIStatusError) as raised:
                ask(client_for(serve), "hi")
            assert raised.value.status_code >= 500
            tried = chat_models(upstream)
            assert tried[:3] == [BIG_MODEL, "openai/gpt-oss-120b", "deepseek-ai/DeepSeek-V4-Pro"]
            assert len(tried) == len(set(tried)), f"each model once: {tried}"
            assert len(tried) <= 4
            # Serve is still fine afterwards, and the queue was not drained by a loop.
            upstream.reset()
            assert ask(client_for(serve), "[[script:text text=alive]]").content[0].text == "alive"


def test_no_fallback_after_the_first_byte():
    with scripted_upstream_process() as upstream:
        with serve_process(upstream, extra_env={"FALLBACK_MODEL": "openai/gpt-oss-120b"}) as serve:
            upstream.enqueue({"type": "text", "text": "one two three four", "delay": 0.05, "fault": "reset", "after": 3},
                             {"type": "text", "text": "must not be used"})
            received = []
            with pytest.raises(anthropic.APIError):
                with client_for(serve).messages.stream(model="claude-opus-4-1", max_tokens=64,
                                                       messages=[{"role": "user", "content": "hi"}]) as stream:
                    for text in stream.text_stream:
                        received.append(text)
            assert "must not be used" not in "".join(received)
            assert chat_models(upstream) == [BIG_MODEL]


# ---------------------------------------------------------------------------------------------
# Structured output and GLM's bare </think>


SCHEMA = {"type": "object", "title": "session_title", "properties": {"title": {"type": "string"}},
          "required": ["title"], "additionalProperties": False}


def test_structured_output_becomes_response_format(proxy):
    _, upstream, client = proxy
    ask(client, '[[script:text text="{\\"title\\":\\"x\\"}"]]', model="claude-haiku-4-5",
        extra_body={"output_config": {"format": {"type": "json_schema", "schema": SCHEMA}}})
    body = upstream.chat_requests()[-1]["body"]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert body["response_format"]["json_schema"]["name"] == "session_title"
    assert body["response_format"]["json_schema"]["strict"] is True


LEAK = '[[script:think_leak reasoning="reasoning words" text="The answer"]]'


def test_glm_bare_think_close_non_streamed(proxy):
    _, upstream, client = proxy
    message = ask(client, LEAK, model="claude-opus-4-1")
    assert upstream.chat_requests()[-1]["body"]["model"] == "zai-org/GLM-5.2"
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "reasoning words"
    assert message.content[1].text == "The answer"


def test_glm_bare_think_close_streamed(proxy):
    _, _, client = proxy
    with client.messages.stream(model="claude-opus-4-1", max_tokens=256,
                                messages=[{"role": "user", "content": LEAK}]) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(texts) == "The answer"
    assert [block.type for block in final.content] == ["thinking", "text"]
    assert final.content[0].thinking == "reasoning words"
    assert "</think>" not in final.content[1].text


def test_other_models_keep_a_bare_close_tag_as_text(proxy):
    _, upstream, client = proxy
    message = ask(client, LEAK, model="claude-haiku-4-5")
    assert upstream.chat_requests()[-1]["body"]["model"] == SMALL_MODEL
    assert "".join(block.text for block in message.content if block.type == "text") == "reasoning words</think>The answer"


def test_nebius_usage_quirks_are_read(proxy):
    _, upstream, client = proxy
    upstream.enqueue({"type": "reasoning", "reasoning": "let me think it over", "text": "4",
                      "usage": "always", "usage_style": "nebius"})
    message = ask(client, "2+2?", model="claude-haiku-4-5")
    assert message.content[-1].text == "4"
    assert message.usage.input_tokens > 0
    assert message.usage.output_tokens > 0
