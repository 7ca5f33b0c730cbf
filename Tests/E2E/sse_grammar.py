"""A strict checker of the Claude Messages stream grammar, for the SSE bodies serve sends.

    events = check_sse(body)                  # a complete stream; raises AssertionError
    events = check_sse(body, partial=True)    # a body cut off on purpose: a valid prefix
    for name, data in events: ...

The grammar (PROTOCOL section 4):

    message_start  (exactly once, first; `message.usage` present)
    ( content_block_start(i) content_block_delta(i)* content_block_stop(i) )   i = 0, 1, 2, ...
    message_delta  (`delta.stop_reason`, `usage`)
    message_stop   (last)

`ping` may come anywhere after `message_start` (before the end). Instead of the end, an `error`
event may end the stream at any point after `message_start`, with a block still open; nothing
follows it. Every frame is `event: NAME` and `data: JSON` lines, NAME equal to the JSON `type`.
Deltas must fit the open block: `text` takes `text_delta` and `citations_delta`, `thinking`
takes `thinking_delta` and `signature_delta`, `tool_use` and `server_tool_use` take
`input_json_delta`; other blocks (`redacted_thinking`, `web_search_tool_result`, ...) take none.

`CheckingTransport` wraps an httpx transport (for `anthropic.Anthropic(http_client=...)`):
it tees every `text/event-stream` response body and checks it when the response is closed,
partially when the reader stopped before the end.
"""
import collections
import json
import zlib

SSEEvent = collections.namedtuple("SSEEvent", ["name", "data"])

KNOWN_EVENTS = {"message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop", "error"}

# The delta kinds each block kind takes (and the field each delta must carry as a string,
# or None for a delta checked otherwise). Block kinds not listed take no deltas.
DELTAS_OF_BLOCK = {
    "text": {"text_delta", "citations_delta"},
    "thinking": {"thinking_delta", "signature_delta"},
    "tool_use": {"input_json_delta"},
    "server_tool_use": {"input_json_delta"},
}
DELTA_STRING_FIELD = {
    "text_delta": "text",
    "thinking_delta": "thinking",
    "signature_delta": "signature",
    "input_json_delta": "partial_json",
}
STOP_REASONS = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal",
                "model_context_window_exceeded"}


class SSEGrammarError(AssertionError):
    """A violation; `index` is the frame's position (None for the stream as a whole)."""

    def __init__(self, message, index=None):
        super().__init__(message)
        self.index = index


def parse_frame(raw, index):
    """(event name, data JSON) of one raw frame; every frame needs one `event:` and a `data:` line,
    and the data's `type` must equal the event name."""
    event, data = None, []
    for line in raw.split("\n"):
        if line.startswith(":"):
            continue  # an SSE comment
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            if event is not None:
                raise SSEGrammarError(f"SSE frame {index}: two event: lines ({event!r}, {value!r})", index)
            event = value
        elif field == "data":
            data.append(value)
        else:
            raise SSEGrammarError(f"SSE frame {index}: unexpected line {line[:120]!r}", index)
    if event is None:
        raise SSEGrammarError(f"SSE frame {index}: no event: line in {raw[:200]!r}", index)
    if not data:
        raise SSEGrammarError(f"SSE frame {index} ({event}): no data: line", index)
    try:
        payload = json.loads("\n".join(data))
    except ValueError as error:
        raise SSEGrammarError(f"SSE frame {index} ({event}): data is not JSON ({error}): {raw[:200]!r}", index) from None
    if not isinstance(payload, dict):
        raise SSEGrammarError(f"SSE frame {index} ({event}): data is not a JSON object", index)
    if payload.get("type") != event:
        raise SSEGrammarError(
            f"SSE frame {index}: event name {event!r} but data type {payload.get('type')!r}", index)
    return SSEEvent(event, payload)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class _Grammar:
    """The stream state machine; `feed` one event at a time, then `end`."""

    def __init__(self):
        self.names = []
        self.started = False
        self.ended = None  # "message_stop" or "error" once the stream is over
        self.message_delta = False
        self.open = None  # (index, block kind) of the open block
        self.next_index = 0

    def fail(self, index, name, problem):
        seen = " ".join(self.names[-8:])
        raise SSEGrammarError(f"SSE frame {index} ({name}): {problem} [events before it: ...{seen}]", index)

    def feed(self, index, event):
        name, data = event
        if name not in KNOWN_EVENTS:
            self.fail(index, name, "unknown event type")
        if self.ended is not None:
            self.fail(index, name, f"an event after {self.ended}, which must end the stream")
        if name == "message_start":
            if self.started:
                self.fail(index, name, "a second message_start (it must come exactly once)")
            if index != 0:
                self.fail(index, name, "message_start is not the first event")
            self.check_message_start(index, data)
            self.started = True
        elif not self.started:
            self.fail(index, name, "before message_start (message_start must be first)")
        elif name == "ping":
            pass
        elif name == "error":
            error = data.get("error")
            if not isinstance(error, dict) or not isinstance(error.get("type"), str) \
                    or not isinstance(error.get("message"), str):
                self.fail(index, name, f"error without error.type and error.message: {data}")
            self.ended = "error"
        elif self.message_delta and name != "message_stop":
            self.fail(index, name, "after message_delta (only message_stop may follow it)")
        elif name == "content_block_start":
            self.block_start(index, data)
        elif name == "content_block_delta":
            self.block_delta(index, data)
        elif name == "content_block_stop":
            at = data.get("index")
            if self.open is None:
                self.fail(index, name, f"stop of block {at} but no block is open")
            if at != self.open[0]:
                self.fail(index, name, f"stop of block {at} but block {self.open[0]} is open")
            self.open = None
            self.next_index += 1
        elif name == "message_delta":
            if self.open is not None:
                self.fail(index, name, f"block {self.open[0]} ({self.open[1]}) is still open")
            delta, usage = data.get("delta"), data.get("usage")
            if not isinstance(delta, dict) or "stop_reason" not in delta:
                self.fail(index, name, f"no delta.stop_reason: {data}")
            if delta["stop_reason"] not in STOP_REASONS:
                self.fail(index, name, f"stop_reason {delta['stop_reason']!r} is not one of {sorted(STOP_REASONS)}")
            if not isinstance(usage, dict) or not _is_int(usage.get("output_tokens")):
                self.fail(index, name, f"no usage with output_tokens: {data}")
            self.message_delta = True
        elif name == "message_stop":
            if not self.message_delta:
                self.fail(index, name, "message_stop without a message_delta before it")
            self.ended = "message_stop"
        self.names.append(name)

    def check_message_start(self, index, data):
        message = data.get("message")
        if not isinstance(message, dict):
            self.fail(index, "message_start", "no message object")
        usage = message.get("usage")
        if not isinstance(usage, dict):
            self.fail(index, "message_start", f"message has no usage: {message}")
        for key in ("input_tokens", "output_tokens"):
            if not _is_int(usage.get(key)):
                self.fail(index, "message_start", f"message.usage.{key} is not an integer: {usage}")
        if message.get("type") != "message" or message.get("role") != "assistant":
            self.fail(index, "message_start", f"message is not an assistant message: {message}")
        if message.get("content") != []:
            self.fail(index, "message_start", f"message.content is not empty: {message.get('content')!r}")

    def block_start(self, index, data):
        at, block = data.get("index"), data.get("content_block")
        if self.open is not None:
            self.fail(index, "content_block_start",
                      f"block {at} starts while block {self.open[0]} ({self.open[1]}) is still open")
        if at != self.next_index:
            self.fail(index, "content_block_start", f"block index {at!r}, expected {self.next_index}")
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            self.fail(index, "content_block_start", f"content_block without a type: {data}")
        kind = block["type"]
        if kind in ("tool_use", "server_tool_use"):
            if not isinstance(block.get("id"), str) or not isinstance(block.get("name"), str):
                self.fail(index, "content_block_start", f"{kind} block without id and name: {block}")
        self.open = (at, kind)

    def block_delta(self, index, data):
        at, delta = data.get("index"), data.get("delta")
        if self.open is None:
            self.fail(index, "content_block_delta", f"delta for block {at} but no block is open")
        if at != self.open[0]:
            self.fail(index, "content_block_delta", f"delta for block {at} but block {self.open[0]} is open")
        if not isinstance(delta, dict):
            self.fail(index, "content_block_delta", f"no delta object: {data}")
        kind, allowed = self.open[1], DELTAS_OF_BLOCK.get(self.open[1], set())
        if delta.get("type") not in allowed:
            takes = ", ".join(sorted(allowed)) if allowed else "no deltas"
            self.fail(index, "content_block_delta",
                      f"{delta.get('type')!r} delta in a {kind} block (which takes {takes})")
        field = DELTA_STRING_FIELD.get(delta["type"])
        if field is not None and not isinstance(delta.get(field), str):
            self.fail(index, "content_block_delta", f"{delta['type']} without a string {field}: {delta}")
        if delta["type"] == "citations_delta" and not isinstance(delta.get("citation"), dict):
            self.fail(index, "content_block_delta", f"citations_delta without a citation: {delta}")

    def end(self, count, partial):
        if partial:
            return
        if not self.started:
            raise SSEGrammarError("SSE stream: no events (message_start must come first)", count)
        if self.ended is None:
            last = self.names[-1] if self.names else "nothing"
            raise SSEGrammarError(
                f"SSE frame {count}: the stream ended after {last} without message_stop or an error event"
                + (f" (block {self.open[0]} still open)" if self.open else ""), count)


class SSEChecker:
    """Checks an SSE body as it arrives: `feed(chunk)` returns the events completed by it (and
    raises on a violation), `finish()` checks the end. With `keep=False` the events are not
    kept (for bodies of many megabytes).

        checker = SSEChecker()
        for chunk in response: checker.feed(chunk)
        events = checker.finish()            # or finish(partial=True) for a cut-off body
    """

    def __init__(self, keep=True):
        self.keep = keep
        self.events = []
        self.count = 0  # frames so far
        self._buffer = b""
        self._grammar = _Grammar()

    def feed(self, chunk):
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        data = self._buffer + bytes(chunk)
        hold = b""
        if data.endswith(b"\r"):  # maybe the first half of a CRLF
            data, hold = data[:-1], b"\r"
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *pieces, rest = data.split(b"\n\n")
        self._buffer = rest + hold
        new = []
        for piece in pieces:
            # Extra blank lines and comment-only blocks dispatch nothing: they are not frames.
            lines = [line for line in piece.split(b"\n") if line]
            if not lines or all(line.startswith(b":") for line in lines):
                continue
            index = self.count
            try:
                raw = b"\n".join(lines).decode("utf-8")
            except UnicodeDecodeError as error:
                raise SSEGrammarError(f"SSE frame {index}: not UTF-8 ({error})", index) from None
            event = parse_frame(raw, index)
            self._grammar.feed(index, event)
            self.count += 1
            new.append(event)
        if self.keep:
            self.events.extend(new)
        return new

    @property
    def names(self):
        """The event names so far (kept even with `keep=False`)."""
        return list(self._grammar.names)

    def finish(self, partial=False):
        """Checks the end of the body: a complete stream must end with message_stop or an error
        event, after a blank line. With `partial`, an unterminated tail is ignored and no end is
        required. Returns the events (if kept)."""
        tail = self._buffer.replace(b"\r", b"\n")
        if tail.strip() and not partial:
            raise SSEGrammarError(
                f"SSE frame {self.count}: the body ended inside a frame (no blank line after {tail[:120]!r})",
                self.count)
        self._grammar.end(self.count, partial)
        return self.events


def check_sse(body, partial=False):
    """Checks a whole SSE body (str or bytes) against the stream grammar and returns its events
    as [SSEEvent(name, data)]; raises SSEGrammarError (an AssertionError) naming the frame on
    the first violation. With `partial`, the body may stop anywhere (a deliberately cut-off
    stream): what arrived must be a valid prefix, no end is required, and an unterminated last
    frame is ignored."""
    if not isinstance(body, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"check_sse wants str or bytes, not {type(body).__name__}")
    checker = SSEChecker()
    checker.feed(body)
    return checker.finish(partial=partial)


def check_partial(body):
    """`check_sse(body, partial=True)`: a cut-off body must be a valid prefix."""
    return check_sse(body, partial=True)


def count(events, name):
    return sum(1 for e in events if e.name == name)


# ---------------------------------------------------------------------------------------------
# Teeing the event streams an httpx client receives (the anthropic SDK's transport)


try:
    import httpx2 as _httpx  # what the anthropic SDK of the venv is built on
except ImportError:
    try:
        import httpx as _httpx
    except ImportError:  # the checker itself needs neither
        _httpx = None

_BaseTransport = _httpx.BaseTransport if _httpx else object
_SyncByteStream = _httpx.SyncByteStream if _httpx else object


class _TeeStream(_SyncByteStream):
    """A response byte stream that records what it yields and reports on close."""

    def __init__(self, inner, on_close):
        self._inner = inner
        self._on_close = on_close
        self._chunks = []
        self._exhausted = False
        self._closed = False

    def __iter__(self):
        for chunk in self._inner:
            self._chunks.append(bytes(chunk))
            yield chunk
        self._exhausted = True

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close(self)

    @property
    def body(self):
        return b"".join(self._chunks)


class CheckingTransport(_BaseTransport):
    """An httpx BaseTransport that checks every `text/event-stream` body it delivers.

        transport = CheckingTransport()
        client = anthropic.Anthropic(..., http_client=anthropic.DefaultHttpxClient(transport=transport))
        ...
        transport.assert_clean()   # raises on any violation seen so far

    A body read to its end is checked as a whole stream; one the reader closed early (the SDK
    stops at an `error` event, or the caller broke out of the loop) is checked as a prefix.
    `streams` holds (url, events) of every checked stream, `failures` the violations."""

    def __init__(self, inner=None):
        if inner is None and _httpx is None:
            raise RuntimeError("CheckingTransport needs httpx2 or httpx")
        self._inner = inner or _httpx.HTTPTransport()
        self.streams = []
        self.failures = []
        self._pending = []

    def handle_request(self, request):
        response = self._inner.handle_request(request)
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" in content_type:
            url = str(request.url)
            encoding = response.headers.get("content-encoding", "identity").lower()
            tee = _TeeStream(response.stream, lambda t: self._check(url, encoding, t))
            tee.url, tee.encoding = url, encoding
            self._pending.append(tee)
            response.stream = tee
        return response

    def _check(self, url, encoding, tee):
        if tee not in self._pending:
            return  # checked already
        self._pending.remove(tee)
        body = tee.body
        try:
            if encoding == "gzip":
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            elif encoding != "identity":
                raise SSEGrammarError(f"{url}: event stream with content-encoding {encoding!r} cannot be checked")
            events = check_sse(body, partial=not tee._exhausted)
            self.streams.append((url, events))
        except (AssertionError, zlib.error) as error:
            self.failures.append(f"{url}: {error}\n--- body ---\n{body[:4000].decode('utf-8', 'replace')}")

    def close(self):
        for tee in list(self._pending):
            tee.close()
        self._inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def assert_clean(self):
        """Checks the streams still open (as prefixes) and raises on any violation seen."""
        for tee in list(self._pending):
            self._check(tee.url + " (still open)", tee.encoding, tee)
        if self.failures:
            raise SSEGrammarError("SSE grammar violations:\n" + "\n\n".join(self.failures))


def checked_anthropic(base_url, api_key, transport, **options):
    """An `anthropic.Anthropic` client whose event streams `transport` (a CheckingTransport)
    checks; `options` go to the client (max_retries, timeout, ...)."""
    import anthropic
    return anthropic.Anthropic(base_url=base_url, api_key=api_key,
                               http_client=anthropic.DefaultHttpxClient(transport=transport), **options)
