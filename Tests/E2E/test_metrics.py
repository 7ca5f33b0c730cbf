"""GET /metrics of the real `nebius-chat serve`: requests through it, then a scrape read with a
small parser of the Prometheus text format (what a scraper sees), behind the client key."""
import json
import re
import urllib.error
import urllib.request

from serve_support import CLIENT_KEY, MIDDLE_MODEL, NEBIUS_KEY, running_proxy

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def parse_metrics(text):
    """[(name, {label: value}, float)] of every sample line; a line that is neither a sample
    nor a comment fails the test."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = {k: v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
                  for k, v in LABEL.findall(m.group(2) or "")}
        samples.append((m.group(1), labels, float(m.group(3))))
    return samples


def value(samples, name, **labels):
    matching = [v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in labels.items())]
    assert len(matching) == 1, f"{name} {labels}: {matching}"
    return matching[0]


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("content-type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), e.read().decode()


def post_messages(url, stream):
    body = {"model": "claude-sonnet-4-5", "max_tokens": 50, "stream": stream,
            "messages": [{"role": "user", "content": "hello"}]}
    req = urllib.request.Request(url + "/v1/messages", data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json", "x-api-key": CLIENT_KEY})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return r.read().decode()


def test_a_scrape_after_requests_shows_them_and_needs_the_key():
    with running_proxy() as (url, upstream, _log):
        upstream.enqueue({"type": "fail_then_succeed", "times": 1, "status": 503,
                          "then": {"type": "text", "text": "one two three"}})
        streamed = post_messages(url, stream=True)
        assert "message_stop" in streamed
        post_messages(url, stream=False)

        status, _, body = get(url + "/metrics")
        assert status == 401 and "authentication_error" in body

        status, content_type, text = get(url + "/metrics", {"authorization": f"Bearer {CLIENT_KEY}"})
        assert status == 200
        assert content_type.startswith("text/plain; version=0.0.4")
        assert CLIENT_KEY not in text and NEBIUS_KEY not in text
        samples = parse_metrics(text)
        answered = dict(route="/v1/messages", status="200", model=MIDDLE_MODEL)
        assert value(samples, "nebius_chat_requests_total", **answered) == 2
        assert value(samples, "nebius_chat_requests_total", route="/metrics", status="401", model="none") == 1
        assert value(samples, "nebius_chat_upstream_retries_total", reason="503") == 1
        assert value(samples, "nebius_chat_tokens_total", kind="output", model=MIDDLE_MODEL) > 0
        assert value(samples, "nebius_chat_tokens_total", kind="input", model=MIDDLE_MODEL) > 0
        assert value(samples, "nebius_chat_upstream_latency_seconds_count", model=MIDDLE_MODEL) == 2
        assert value(samples, "nebius_chat_time_to_first_token_seconds_count", model=MIDDLE_MODEL) == 1
        assert value(samples, "nebius_chat_active_streams") == 0
        assert value(samples, "nebius_chat_upstream_connections_in_use") == 0


def test_metrics_off_has_no_route():
    with running_proxy(extra_env={"METRICS": "off"}) as (url, _upstream, _log):
        status, _, _ = get(url + "/metrics", {"x-api-key": CLIENT_KEY})
        assert status == 404
        assert "message_stop" in post_messages(url, stream=True)
