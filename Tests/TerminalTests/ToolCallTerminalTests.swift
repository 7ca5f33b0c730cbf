import ClaudeAPI
import Foundation
import Synchronization
import Testing
import ToolUse
@testable import Terminal

/// The terminal side of MCP tools without a server: the answers to the question, the dimmed
/// lines, what the session keeps.
@Suite struct ToolCallTerminalTests {
    @Test func answersToTheQuestion() {
        #expect(ToolPermissions.parse("y") == .yes)
        #expect(ToolPermissions.parse(" YES ") == .yes)
        #expect(ToolPermissions.parse("a") == .always)
        #expect(ToolPermissions.parse("always") == .always)
        #expect(ToolPermissions.parse("") == .no)
        #expect(ToolPermissions.parse("n") == .no)
        #expect(ToolPermissions.parse("maybe") == .no)
    }

    @Test func alwaysAllowsOneToolAutoAllowsAll() {
        let add = MCPToolName(server: "calc", tool: "add")
        let hang = MCPToolName(server: "calc", tool: "hang")
        let permissions = ToolPermissions()
        #expect(!permissions.allows(add))
        permissions.allowAlways(add)
        #expect(permissions.allows(add))
        #expect(!permissions.allows(hang))
        permissions.auto = true
        #expect(permissions.allows(hang))
        #expect(ToolPermissions(auto: true).allows(add))
    }

    @Test func theApproverAsksAndRemembersAlways() async {
        let add = MCPToolName(server: "calc", tool: "add")
        let output = TextOutput.capturing()
        let prompts = PromptLog()
        let approver = TerminalToolApprover(permissions: ToolPermissions(), question: { prompt in
            prompts.append(prompt)
            return .line("a")
        }, output: output, style: .plain)
        #expect(await approver.decide(add, summary: #"calc.add {"a":2,"b":40}"#) == .run(announced: true))
        #expect(await approver.decide(add, summary: #"calc.add {"a":1,"b":1}"#) == .run(announced: false))
        #expect(prompts.all == [#"Run calc.add {"a":2,"b":40}? [y/N/a] "#])
    }

    @Test func ctrlCAtTheQuestionStopsAndNoTerminalDeclines() async {
        let add = MCPToolName(server: "calc", tool: "add")
        let stopping = TerminalToolApprover(permissions: ToolPermissions(), question: { _ in .interrupted }, output: .capturing(), style: .plain)
        #expect(await stopping.decide(add, summary: "calc.add {}") == .stop)
        let output = TextOutput.capturing()
        let noTerminal = TerminalToolApprover(permissions: ToolPermissions(), question: nil, output: output, style: .plain)
        #expect(await noTerminal.decide(add, summary: "calc.add {}") == .decline)
        #expect(output.text.contains("no terminal to ask on; --yes or /tools auto runs tools"))
    }

    @Test func oneLineSummariesAndResults() {
        let add = MCPToolName(server: "calc", tool: "add")
        #expect(ToolCallLines.summary(add, input: .object(["a": .int(2)])) == #"calc.add {"a":2}"#)
        let long = ToolCallLines.summary(add, input: .object(["text": .string(String(repeating: "x", count: 500))]))
        #expect(long.count == ToolCallLines.width && long.hasSuffix("…"))
        #expect(ToolCallLines.result(MCPToolOutcome(content: [.text(TextBlock(text: "42"))], isError: false)) == "  ← 42")
        #expect(ToolCallLines.result(MCPToolOutcome(content: [.text(TextBlock(text: "line one\nline two"))], isError: false))
                == "  ← line one …")
        #expect(ToolCallLines.result(MCPToolOutcome(
            content: [.image(ImageBlock(source: .base64(mediaType: "image/png", data: "AA==")))], isError: false)) == "  ← [image image/png]")
        #expect(ToolCallLines.result(MCPToolOutcome(content: [.text(TextBlock(text: "bad"))], isError: true)) == "  ← error: bad")
        #expect(ToolCallLines.result(MCPToolbox.cancelledOutcome) == "  ← error: cancelled by the user")
    }

    @Test func theSessionKeepsToolRoundsAndUndoDropsTheWholeTurn() {
        var conversation = Conversation(session: Session(id: "t", model: "m"))
        let user = conversation.takeUserMessage(text: "add")
        let use = ToolUseBlock(id: "call_1", name: "mcp__calc__add", input: .object(["a": .int(2)]))
        let steps = [
            Message(role: .assistant, content: [.toolUse(use)]),
            Message(role: .user, content: [.toolResult(ToolResultBlock(toolUseID: "call_1", content: [.text(TextBlock(text: "42"))]))]),
        ]
        let answer = MessagesResponse(id: "m1", model: "m", content: [.text(TextBlock(text: "It is 42."))], stopReason: .endTurn, usage: Usage())
        conversation.commit(user: user, steps: steps, answer: answer, interrupted: false)
        #expect(conversation.session.messages.count == 4)
        #expect(conversation.session.messages[1] == steps[0])
        #expect(conversation.session.turns == 1)
        #expect(!Conversation.isPrompt(steps[1]))
        #expect(Conversation.isPrompt(user))
        // The tool result is no prompt: undo removes the prompt and everything after it.
        #expect(conversation.undo() == user)
        #expect(conversation.session.messages.isEmpty)
    }

    @Test func toolsCommandParses() {
        #expect(SlashCommand.parse("/tools") == .tools(nil))
        #expect(SlashCommand.parse("/tools auto") == .tools("auto"))
        #expect(SlashCommand.parse("/mcp ask") == .tools("ask"))
    }

    @Test func theListingShowsStatesAndTools() {
        let lines = ToolsListing.lines([
            MCPServerStatus(name: "calc", summary: "python3 calc.py", state: .ready, tools: ["add", "hang"], logPath: "/l/calc.log"),
            MCPServerStatus(name: "broken", summary: "x", state: .failed("it exited while starting (exit status 3)"), tools: [], logPath: "/l/broken.log"),
        ], permissions: ToolPermissions(), style: .plain)
        #expect(lines.contains("  calc  running  python3 calc.py"))
        #expect(lines.contains("    calc.add, calc.hang"))
        #expect(lines.contains("  broken  failed: it exited while starting (exit status 3)  x"))
        #expect(lines.contains("    its log: /l/broken.log"))
        #expect(!lines.contains("    its log: /l/calc.log"))
        #expect(ToolsListing.lines([], permissions: ToolPermissions(), style: .plain).first?.contains("No MCP servers are configured") == true)
    }
}

private final class PromptLog: Sendable {
    private let prompts = Mutex<[String]>([])
    func append(_ prompt: String) { prompts.withLock { $0.append(prompt) } }
    var all: [String] { prompts.withLock { $0 } }
}
