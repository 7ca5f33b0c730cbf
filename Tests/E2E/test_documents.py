"""PDF documents and token counts that learn, through `nebius-chat serve` and the anthropic SDK.

The PDFs are the fixtures of Tests/Fixtures/documents (a two-page text PDF, a two-page scan
without text, the text PDF behind a password). The scripted upstream records what it was sent."""
import base64
import json
import os

import anthropic
import pytest

from serve_support import CLIENT_KEY, MIDDLE_MODEL, running_proxy
from sse_grammar import CheckingTransport, checked_anthropic

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "documents")
VISION_MODEL = "Qwen/Qwen2.5-VL-72B-Instruct"


def pdf(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def document(data, title="report.pdf"):
    return {"type": "document", "title": title,
            "source": {"type": "base64", "media_type": "application/pdf", "data": base64.b64encode(data).decode()}}


@pytest.fixture(scope="module")
def proxy():
    with running_proxy() as running:
        yield running


@pytest.fixture
def client(proxy):
    url, upstream, _ = proxy
    upstream.reset()
    with CheckingTransport() as transport:
        yield checked_anthropic(url, CLIENT_KEY, transport, max_retries=0)
        transport.assert_clean()


def upstream_text(body):
    out = []
    for message in body["messages"]:
        content = message.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out += [p.get("text", "") for p in content if p.get("type") == "text"]
    return "\n".join(out)


def test_pdf_text_reaches_the_upstream(client, proxy):
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": [
        document(pdf("text.pdf")), {"type": "text", "text": '[[script:text text="A quarterly report."]] Summarise.'}]}])
    assert msg.content[0].text == "A quarterly report."
    body = proxy[1].requests()[-1]["body"]
    assert body["model"] == MIDDLE_MODEL
    text = upstream_text(body)
    assert "report.pdf\n\n--- page 1 of 2 ---\nQuarterly report of the Lighthouse Cooperative." in text
    assert "--- page 2 of 2 ---\nSecond page: the keeper is Ada Lovelace." in text


def test_streamed_pdf_request_too(client, proxy):
    with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": [
            document(pdf("text.pdf")), {"type": "text", "text": '[[script:text text="Streamed." chunks=3]]'}]}]) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == "Streamed."
    assert "Lamp oil stock: 340 litres." in upstream_text(proxy[1].requests()[-1]["body"])


def test_scan_goes_as_page_images_to_the_vision_model(client, proxy):
    msg = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": [
        document(pdf("scan.pdf"), title="scan.pdf"), {"type": "text", "text": "[[script:image_count]] what is it?"}]}])
    assert "2 image" in msg.content[0].text
    body = proxy[1].requests()[-1]["body"]
    assert body["model"] == VISION_MODEL
    parts = [p for m in body["messages"] if isinstance(m.get("content"), list) for p in m["content"]]
    images = [p["image_url"]["url"] for p in parts if p.get("type") == "image_url"]
    assert len(images) == 2 and all(u.startswith("data:image/png;base64,iVBOR") for u in images)
    assert "2 pages without a text layer" in upstream_text(body)


@pytest.mark.parametrize("data,words", [
    (pdf("encrypted.pdf"), "encrypted"),
    (pdf("text.pdf")[:300], "damaged"),
    (b"this is not a pdf", "not a PDF"),
])
def test_unreadable_pdfs_are_clear_400s_and_serve_stays_clean(client, proxy, data, words):
    before = len(proxy[1].requests())
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": [
            document(data), {"type": "text", "text": "read it"}]}])
    assert raised.value.status_code == 400
    message = raised.value.body["error"]["message"]
    assert words in message and message.startswith("messages.0.content.0: PDF document"), message
    assert len(proxy[1].requests()) == before  # nothing was sent upstream
    log = open(proxy[2]).read()
    # poppler's own complaints about broken files stay out of serve's log.
    assert "Syntax Error" not in log and "Poppler" not in log and "Internal Error" not in log


def test_count_tokens_counts_the_pdf_text(client):
    question = {"type": "text", "text": "Summarise."}
    plain = client.messages.count_tokens(model="claude-sonnet-4-5", messages=[{"role": "user", "content": [question]}])
    with_pdf = client.messages.count_tokens(model="claude-sonnet-4-5", messages=[{"role": "user", "content": [
        document(pdf("text.pdf")), question]}])
    # The text of four lines and two markers (about 60 tokens before calibration), not the base64 size.
    assert 25 < with_pdf.input_tokens - plain.input_tokens < 120
    with pytest.raises(anthropic.BadRequestError):
        client.messages.count_tokens(model="claude-sonnet-4-5", messages=[{"role": "user", "content": [
            document(pdf("encrypted.pdf")), question]}])


def test_token_counts_learn_the_upstream_count():
    """The upstream counts 1.6 times the estimate: after five answers, count_tokens and
    message_start are within 5% of what it reports, and the ratio is kept on disk."""
    paragraph = "The keeper logs the weather, the ships that pass and the oil burnt each night. "
    with running_proxy() as (url, upstream, log_path):
        with CheckingTransport() as transport:
            client = checked_anthropic(url, CLIENT_KEY, transport, max_retries=0)

            def ask(n):
                text = f"[[script:text text=ok usage=always prompt_token_scale=1.6]] entry {n}: " + paragraph * (8 + 3 * n)
                messages = [{"role": "user", "content": text}]
                counted = client.messages.count_tokens(model="claude-sonnet-4-5", messages=messages).input_tokens
                with client.messages.stream(model="claude-sonnet-4-5", max_tokens=16, messages=messages) as stream:
                    for event in stream:
                        if event.type == "message_start":
                            started = event.message.usage.input_tokens
                    final = stream.get_final_message()
                return counted, started, final.usage.input_tokens

            first = ask(0)
            assert abs(first[0] / first[2] - 1) > 0.2, first
            for n in range(1, 5):
                ask(n)
            counted, started, reported = ask(5)
            assert abs(counted / reported - 1) < 0.05, (counted, reported)
            assert abs(started / reported - 1) < 0.05, (started, reported)
            transport.assert_clean()
        saved = os.path.join(os.path.dirname(log_path), ".cache", "nebius-chat", "token-calibration.json")
        contents = json.load(open(saved))
        assert MIDDLE_MODEL in contents["calibration"]["samples"]
