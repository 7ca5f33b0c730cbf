import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing

@Suite struct BehaviorTests {
    func decode(_ json: String) throws -> Behavior {
        try JSONDecoder().decode(Behavior.self, from: Data(json.utf8))
    }

    func roundTrip(_ behavior: Behavior) throws -> Behavior {
        try JSONDecoder().decode(Behavior.self, from: JSONEncoder().encode(behavior))
    }

    static let all: [Behavior] = [
        .echo,
        .respond(.text("Hello there", chunks: 3), Shape(delay: 0.01, usage: .always, done: false, finishReason: "length")),
        .respond(.reasoning("Let me see.", text: "4", field: .reasoning, chunks: 2)),
        .respond(.thinkTags("hmm", text: "Answer", chunks: 4)),
        .respond(
            .toolCalls(
                [ScriptedToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#), ScriptedToolCall(name: "x")],
                style: ToolCallStyle(repeatHeaders: true, omitIDs: false, interleave: true, pieceSize: 3), text: "Let me check.")),
        .respond(.bash(command: "ls -la")),
        .respond(.imageCount),
        .respond(.huge(bytes: 1000, chunkSize: 100)),
        .respond(.toolResultAck),
        .respond(.echo, Shape(fault: .stall(after: 2, seconds: nil))),
        .respond(.echo, Shape(fault: .stall(after: 1, seconds: 0.5))),
        .respond(.echo, Shape(fault: .reset(after: 3))),
        .respond(.echo, Shape(fault: .malformed(after: 1))),
        .respond(.echo, Shape(fault: .errorFrame(after: 2, message: "boom", type: "server_error", code: 503))),
        .httpError(HTTPErrorSpec(status: 429, shape: .openAI, message: "slow down", errorType: "rate_limit", code: "rl", retryAfter: "2")),
        .httpError(HTTPErrorSpec(status: 400, shape: .object)),
        .httpError(HTTPErrorSpec(status: 422, shape: .detail)),
        .httpError(HTTPErrorSpec(status: 404, shape: .detailString)),
        .httpError(HTTPErrorSpec(status: 502, shape: .text, message: "bad gateway")),
        .stall(seconds: nil),
        .stall(seconds: 1, then: .text("late")),
        .failThenSucceed(times: 2, failure: HTTPErrorSpec(status: 503), then: .text("ok")),
    ]

    @Test(arguments: all)
    func jsonRoundTrip(_ behavior: Behavior) throws {
        #expect(try roundTrip(behavior) == behavior)
    }

    @Test func flatJSONShapes() throws {
        #expect(try decode(#"{"type":"text","text":"hi","chunks":2}"#) == .respond(.text("hi", chunks: 2)))
        #expect(try decode(#"{}"#) == .echo)
        #expect(
            try decode(#"{"type":"error","status":429,"retry_after":1}"#)
                == .httpError(HTTPErrorSpec(status: 429, retryAfter: "1")))
        #expect(
            try decode(#"{"type":"text","text":"a b","fault":{"kind":"reset","after":2}}"#)
                == .respond(.text("a b"), Shape(fault: .reset(after: 2))))
        #expect(
            try decode(#"{"type":"fail_then_succeed","times":2,"status":503,"then":{"type":"text","text":"ok"}}"#)
                == .failThenSucceed(times: 2, failure: HTTPErrorSpec(status: 503), then: .text("ok")))
        #expect(try decode(#"{"type":"stall","seconds":null}"#) == .stall(seconds: nil))
        #expect(
            try decode(#"{"type":"tool_calls","calls":[{"name":"f","arguments":{"a":1}}],"style":"llamacpp"}"#)
                == .respond(.toolCalls([ScriptedToolCall(name: "f", arguments: #"{"a":1}"#)], style: .llamaCpp)))
    }

    @Test func shorthands() throws {
        #expect(try decode(#"{"type":"reset","after":1}"#) == .respond(.echo, Shape(fault: .reset(after: 1))))
        #expect(
            try decode(#"{"type":"stall_mid","after":2,"seconds":3}"#)
                == .respond(.echo, Shape(fault: .stall(after: 2, seconds: 3))))
        #expect(
            try decode(#"{"type":"text","text":"x","fault":"malformed","after":1}"#)
                == .respond(.text("x"), Shape(fault: .malformed(after: 1))))
        #expect(try decode(#"{"type":"flaky","times":1,"status":502}"#) == .failThenSucceed(times: 1, failure: HTTPErrorSpec(status: 502)))
        #expect(
            try decode(#"{"type":"tool","name":"f","count":2,"style":"interleaved"}"#)
                == .respond(
                    .toolCalls([ScriptedToolCall(name: "f"), ScriptedToolCall(name: "f")], style: ToolCallStyle(interleave: true))))
        #expect(try decode(#"{"type":"images"}"#) == .respond(.imageCount))
    }

    @Test func unknownTypeIsAnError() {
        #expect(throws: (any Error).self) { try decode(#"{"type":"dance"}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"type":"text","fault":"explode"}"#) }
    }
}

@Suite struct ScriptDirectiveTests {
    @Test func plainDirective() throws {
        let d = try #require(ScriptDirective.find(in: "please [[script:echo]] thanks"))
        #expect(d.name == "echo")
        #expect(d.arguments.isEmpty)
        #expect(d.source == "[[script:echo]]")
        #expect(try d.behavior() == .echo)
    }

    @Test func valuesAreJSONWhenTheyParse() throws {
        let d = try #require(
            ScriptDirective.find(in: #"[[script:text text="Hello there, friend" chunks=3 delay=0.5 done=false name=bare]]"#))
        #expect(d.arguments["text"] == "Hello there, friend")
        #expect(d.arguments["chunks"] == 3)
        #expect(d.arguments["delay"] == 0.5)
        #expect(d.arguments["done"] == false)
        #expect(d.arguments["name"] == "bare")
    }

    @Test func e2eDirectives() throws {
        func behavior(_ text: String) throws -> Behavior { try #require(ScriptDirective.find(in: text)).behavior() }
        #expect(try behavior(#"[[script:text text="pong from nebius"]] reply"#) == .text("pong from nebius"))
        #expect(
            try behavior(#"[[script:tool_calls name=get_weather arguments={"city":"Paris"} style=llamacpp]]"#)
                == .respond(.toolCalls([ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)], style: .llamaCpp)))
        #expect(try behavior("[[script:error status=429 retry_after=1]]") == .httpError(HTTPErrorSpec(status: 429, retryAfter: "1")))
        #expect(
            try behavior(#"[[script:fail_then_succeed times=1 status=502 then={"type":"text","text":"recovered"}]]"#)
                == .failThenSucceed(times: 1, failure: HTTPErrorSpec(status: 502), then: .text("recovered")))
        #expect(
            try behavior(#"[[script:text text="a b c d e f" chunks=6 fault={"kind":"reset","after":2}]]"#)
                == .respond(.text("a b c d e f", chunks: 6), Shape(fault: .reset(after: 2))))
        #expect(
            try behavior(#"[[script:bash command="echo nebius-tool-ok > marker.txt && cat marker.txt"]]"#)
                == .respond(.bash(command: "echo nebius-tool-ok > marker.txt && cat marker.txt")))
        #expect(
            try behavior(#"[[script:reasoning reasoning="Two plus two." text="4"]]"#)
                == .respond(.reasoning("Two plus two.", text: "4")))
        #expect(try behavior("[[script:stall]]") == .stall(seconds: nil))
        #expect(try behavior("[[script:reset after=3]]") == .respond(.echo, Shape(fault: .reset(after: 3))))
    }

    @Test func quotedValuesKeepEscapes() throws {
        let d = try #require(ScriptDirective.find(in: #"[[script:text text="say \"hi\" now"]]"#))
        #expect(d.arguments["text"] == #"say "hi" now"#)
    }

    @Test func lastDirectiveWins() throws {
        let d = try #require(ScriptDirective.find(in: "[[script:echo]] and then [[script:error status=500]]"))
        #expect(d.name == "error")
    }

    @Test func noDirective() {
        #expect(ScriptDirective.find(in: "nothing here") == nil)
        #expect(ScriptDirective.find(in: "[[script:text unterminated") == nil)
        #expect(ScriptDirective.find(in: "[[script:]]") == nil)
    }

    @Test func badDirectiveThrows() throws {
        let d = try #require(ScriptDirective.find(in: "[[script:nonsense]]"))
        #expect(throws: (any Error).self) { try d.behavior() }
    }
}
