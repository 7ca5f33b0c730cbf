import ClaudeAPI
import MCP
import Testing
@testable import ToolUse

@Suite struct MCPValuesTests {
    @Test func inputsBecomeArgumentsWithoutLoss() {
        let input: JSONValue = .object(["a": .int(2), "b": .double(0.5), "s": .string("x"), "l": .array([.bool(true), .null]),
                                         "o": .object(["k": .int(9_007_199_254_740_993)])])
        let arguments = MCPValues.arguments(input)
        #expect(arguments?["a"] == .int(2))
        #expect(arguments?["b"] == .double(0.5))
        #expect(arguments?["o"] == .object(["k": .int(9_007_199_254_740_993)]))
        #expect(MCPValues.json(.object(arguments ?? [:])) == input)
        #expect(MCPValues.arguments(.string("not an object")) == nil)
    }

    @Test func schemasAreAlwaysObjectSchemas() {
        #expect(MCPValues.inputSchema(.null) == .object(["type": .string("object"), "properties": .object([:])]))
        let schema = MCPValues.inputSchema(.object(["properties": .object(["a": .object(["type": .string("integer")])])]))
        #expect(schema.objectValue?["type"] == .string("object"))
        #expect(schema.objectValue?["properties"]?.objectValue?["a"] != nil)
    }

    @Test func textAndImagesPassOnOtherContentIsDescribed() {
        let blocks = MCPValues.blocks([
            .text(text: "42", annotations: nil, _meta: nil),
            .image(data: "iVBORw0KGgo=", mimeType: "image/png", annotations: nil, _meta: nil),
            .audio(data: "AAAA", mimeType: "audio/wav", annotations: nil, _meta: nil),
            .resource(resource: .text("file body", uri: "file:///a.txt")),
            .resourceLink(uri: "file:///b", name: "b", title: nil, description: nil, mimeType: "text/plain", annotations: nil),
        ])
        #expect(blocks == [
            .text(TextBlock(text: "42")),
            .image(ImageBlock(source: .base64(mediaType: "image/png", data: "iVBORw0KGgo="))),
            .text(TextBlock(text: "[audio (audio/wav) that this chat cannot pass on]")),
            .text(TextBlock(text: "file body")),
            .text(TextBlock(text: "[resource link: b file:///b (text/plain)]")),
        ])
    }

    @Test func hugeTextIsCut() {
        let blocks = MCPValues.blocks([.text(text: String(repeating: "x", count: MCPValues.maxTextCharacters + 10), annotations: nil, _meta: nil),
                                       .text(text: "more", annotations: nil, _meta: nil)])
        #expect(blocks.count == 1)
        guard case .text(let block) = blocks.first else { Issue.record("no text"); return }
        #expect(block.text.hasSuffix("[… the rest of the tool's answer was cut]"))
        #expect(block.text.count < MCPValues.maxTextCharacters + 100)
    }
}
