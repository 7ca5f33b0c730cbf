"""The SSE grammar checker itself (sse_grammar.py): valid streams pass, each rule broken once
fails with a message naming the frame. No serve needed."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sse_grammar import CheckingTransport, SSEChecker, SSEGrammarError, check_partial, check_sse, count


def frame(data, name=None):
    return f"event: {name or data['type']}\ndata: {json.dumps(data)}\n\n"


def message_start(usage=True):
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
               "content": [], "stop_reason": None, "stop_sequence": None}
    if usage:
        message["usage"] = {"input_tokens": 3, "output_tokens": 0}
    return {"type": "message_start", "message": message}


PING = {"type": "ping"}


def block_start(index, block):
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index, body):
    return {"type": "content_block_delta", "index": index, "delta": body}


def block_stop(index):
    return {"type": "content_block_stop", "index": index}


def text(index, *pieces):
    return ([block_start(index, {"type": "text", "text": ""})]
            + [delta(index, {"type": "text_delta", "text": p}) for p in pieces] + [block_stop(index)])


def message_delta(stop_reason="end_turn", usage=True):
    body = {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None}}
    if usage:
        body["usage"] = {"output_tokens": 5, "input_tokens": 3}
    return body


STOP = {"type": "message_stop"}
ERROR = {"type": "error", "error": {"type": "api_error", "message": "upstream reset"}}


def body_of(*events):
    return "".join(frame(e) for e in events)


def valid_events():
    """Thinking, text, a tool call, a server tool and its result: every block kind in one stream."""
    return [
        message_start(), PING,
        block_start(0, {"type": "thinking", "thinking": "", "signature": ""}),
        delta(0, {"type": "thinking_delta", "thinking": "hmm"}),
        delta(0, {"type": "signature_delta", "signature": "sig"}),
        block_stop(0),
        *text(1, "Hello", " there"),
        PING,
        block_start(2, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}),
        delta(2, {"type": "input_json_delta", "partial_json": '{"query":"x"}'}),
        block_stop(2),
        block_start(3, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []}),
        block_stop(3),
        block_start(4, {"type": "text", "text": ""}),
        delta(4, {"type": "citations_delta", "citation": {"type": "web_search_result_location", "url": "u"}}),
        delta(4, {"type": "text_delta", "text": "cited"}),
        block_stop(4),
        block_start(5, {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}),
        delta(5, {"type": "input_json_delta", "partial_json": '{"city":'}),
        delta(5, {"type": "input_json_delta", "partial_json": '"Paris"}'}),
        block_stop(5),
        message_delta("tool_use"), PING, STOP,
    ]


def violation(body, *needles, partial=False):
    with pytest.raises(SSEGrammarError) as info:
        check_sse(body, partial=partial)
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    return info.value


def test_a_valid_stream_passes():
    events = check_sse(body_of(*valid_events()))
    assert [e.name for e in events][:2] == ["message_start", "ping"]
    assert events[-1].name == "message_stop"
    assert count(events, "message_start") == 1
    name, data = events[2]
    assert name == "content_block_start" and data["content_block"]["type"] == "thinking"


def test_bytes_crlf_and_comments_pass():
    body = body_of(message_start(), *text(0, "hi"), message_delta(), STOP).replace("\n", "\r\n")
    assert len(check_sse((": keep-alive\r\n\r\n" + body).encode())) == 6


def test_fed_byte_by_byte_the_checker_sees_the_same_events():
    body = body_of(*valid_events()).replace("\n", "\r\n").encode()
    checker = SSEChecker()
    for i in range(len(body)):
        checker.feed(body[i:i + 1])
    assert checker.finish() == check_sse(body)
    lean = SSEChecker(keep=False)
    lean.feed(body)
    assert lean.finish() == [] and lean.names == [e.name for e in check_sse(body)]


def test_an_error_event_ends_a_stream_with_a_block_open():
    events = check_sse(body_of(message_start(), PING, block_start(0, {"type": "text", "text": ""}),
                               delta(0, {"type": "text_delta", "text": "a"}), ERROR))
    assert events[-1].name == "error"


def test_the_smallest_stream_passes():
    check_sse(body_of(message_start(), block_start(0, {"type": "text", "text": ""}), block_stop(0),
                      message_delta(), STOP))


def test_double_message_start():
    error = violation(body_of(message_start(), PING, message_start(), *text(0, "a"), message_delta(), STOP),
                      "SSE frame 2", "second message_start")
    assert error.index == 2


def test_message_start_not_first():
    violation(body_of(PING, message_start(), *text(0, "a"), message_delta(), STOP),
              "SSE frame 0 (ping)", "message_start must be first")


def test_missing_event_line():
    body = body_of(message_start()) + f"data: {json.dumps(PING)}\n\n" + body_of(*text(0, "a"), message_delta(), STOP)
    violation(body, "SSE frame 1", "no event: line")


def test_missing_data_line():
    violation(body_of(message_start()) + "event: ping\n\n", "SSE frame 1 (ping)", "no data: line", partial=True)


def test_event_name_and_type_differ():
    violation(body_of(message_start(), *text(0, "a")) + frame(message_delta(), name="message_stop") + body_of(STOP),
              "SSE frame 4", "event name 'message_stop' but data type 'message_delta'")


def test_data_not_json():
    violation(body_of(message_start()) + "event: ping\ndata: {oops\n\n", "SSE frame 1 (ping)", "not JSON",
              partial=True)


def test_index_gap():
    violation(body_of(message_start(), *text(0, "a"), *text(2, "b"), message_delta(), STOP),
              "SSE frame 4 (content_block_start)", "block index 2, expected 1")


def test_first_index_not_zero():
    violation(body_of(message_start(), *text(1, "a"), message_delta(), STOP),
              "SSE frame 1", "block index 1, expected 0")


def test_two_blocks_open():
    violation(body_of(message_start(), block_start(0, {"type": "text", "text": ""}),
                      block_start(1, {"type": "text", "text": ""}), block_stop(1), block_stop(0), message_delta(), STOP),
              "SSE frame 2 (content_block_start)", "block 0 (text) is still open")


def test_delta_for_a_block_not_open():
    violation(body_of(message_start(), *text(0, "a"), delta(0, {"type": "text_delta", "text": "late"}),
                      message_delta(), STOP),
              "SSE frame 4 (content_block_delta)", "no block is open")


def test_stop_of_another_block():
    violation(body_of(message_start(), block_start(0, {"type": "text", "text": ""}), block_stop(1)),
              "SSE frame 2 (content_block_stop)", "stop of block 1 but block 0 is open", partial=True)


@pytest.mark.parametrize("block,body", [
    ({"type": "text", "text": ""}, {"type": "input_json_delta", "partial_json": "{}"}),
    ({"type": "thinking", "thinking": "", "signature": ""}, {"type": "text_delta", "text": "x"}),
    ({"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}, {"type": "thinking_delta", "thinking": "x"}),
    ({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []}, {"type": "text_delta", "text": "x"}),
], ids=["json-in-text", "text-in-thinking", "thinking-in-tool_use", "text-in-web_search_tool_result"])
def test_wrong_delta_kind(block, body):
    violation(body_of(message_start(), block_start(0, block), delta(0, body), block_stop(0), message_delta(), STOP),
              "SSE frame 2 (content_block_delta)", f"{body['type']!r} delta in a {block['type']} block")


def test_delta_without_its_field():
    violation(body_of(message_start(), block_start(0, {"type": "text", "text": ""}), delta(0, {"type": "text_delta"})),
              "SSE frame 2", "text_delta without a string text", partial=True)


def test_missing_usage_in_message_start():
    violation(body_of(message_start(usage=False), *text(0, "a"), message_delta(), STOP),
              "SSE frame 0 (message_start)", "message has no usage")


def test_missing_usage_in_message_delta():
    violation(body_of(message_start(), *text(0, "a"), message_delta(usage=False), STOP),
              "SSE frame 4 (message_delta)", "no usage")


def test_missing_stop_reason():
    bad = message_delta()
    del bad["delta"]["stop_reason"]
    violation(body_of(message_start(), *text(0, "a"), bad, STOP), "SSE frame 4 (message_delta)", "stop_reason")


def test_invented_stop_reason_error():
    violation(body_of(message_start(), *text(0, "a"), message_delta("error"), STOP),
              "SSE frame 4 (message_delta)", "stop_reason 'error'")


def test_message_delta_with_a_block_open():
    violation(body_of(message_start(), block_start(0, {"type": "text", "text": ""}), message_delta(), STOP),
              "SSE frame 2 (message_delta)", "block 0 (text) is still open")


def test_message_stop_without_message_delta():
    violation(body_of(message_start(), *text(0, "a"), STOP), "SSE frame 4 (message_stop)", "without a message_delta")


def test_block_after_message_delta():
    violation(body_of(message_start(), *text(0, "a"), message_delta(), *text(1, "b"), STOP),
              "SSE frame 5 (content_block_start)", "after message_delta")


def test_events_after_message_stop():
    violation(body_of(message_start(), *text(0, "a"), message_delta(), STOP, PING),
              "SSE frame 6 (ping)", "after message_stop")


def test_events_after_an_error():
    violation(body_of(message_start(), ERROR, message_delta(), STOP), "SSE frame 2 (message_delta)", "after error")


def test_no_end():
    violation(body_of(message_start(), PING, *text(0, "a")), "SSE frame 5", "without message_stop or an error event")


def test_no_end_with_a_block_open():
    violation(body_of(message_start(), block_start(0, {"type": "text", "text": ""})), "block 0 still open")


def test_empty_body():
    violation("", "no events")


def test_body_ends_inside_a_frame():
    violation(body_of(message_start(), *text(0, "a"), message_delta()) + "event: message_stop\ndata: {",
              "SSE frame 5", "ended inside a frame")


def test_unknown_event():
    violation(body_of(message_start()) + frame({"type": "message_pause"}), "SSE frame 1 (message_pause)",
              "unknown event", partial=True)


def test_partial_accepts_a_valid_prefix_and_a_cut_frame():
    body = body_of(message_start(), PING, block_start(0, {"type": "text", "text": ""}),
                   delta(0, {"type": "text_delta", "text": "a"})) + "event: content_block_delta\ndata: {\"ty"
    assert [e.name for e in check_partial(body)] == ["message_start", "ping", "content_block_start", "content_block_delta"]
    assert check_partial("") == []


def test_partial_still_rejects_violations():
    with pytest.raises(SSEGrammarError, match="second message_start"):
        check_partial(body_of(message_start(), message_start()))
    with pytest.raises(SSEGrammarError, match="message_start must be first"):
        check_partial(body_of(PING))


# ---------------------------------------------------------------------------------------------
# The transport wrapper, against a tiny local HTTP server


class _Handler(BaseHTTPRequestHandler):
    bodies = {}

    def do_GET(self):
        body = self.bodies[self.path].encode()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def sse_server():
    _Handler.bodies = {
        "/good": body_of(message_start(), *text(0, "a", "b"), message_delta(), STOP),
        "/twice": body_of(message_start(), message_start(), *text(0, "a"), message_delta(), STOP),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_transport_checks_every_event_stream(sse_server):
    import sse_grammar
    if sse_grammar._httpx is None:
        pytest.skip("no httpx")
    with CheckingTransport() as transport:
        client = sse_grammar._httpx.Client(transport=transport)
        with client.stream("GET", sse_server + "/good") as response:
            assert b"message_stop" in response.read()
        transport.assert_clean()
        assert [e.name for e in transport.streams[-1][1]][-1] == "message_stop"
        with client.stream("GET", sse_server + "/twice") as response:
            response.read()
        with pytest.raises(SSEGrammarError, match="SSE frame 1 .*second message_start"):
            transport.assert_clean()
