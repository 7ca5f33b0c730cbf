import ClaudeAPI
import Foundation
import MCP

/// Conversions between the Claude types and the MCP SDK's, with no I/O.
enum MCPValues {
    /// A tool input (a JSON object) as MCP call arguments; anything but an object is no
    /// arguments.
    static func arguments(_ input: JSONValue) -> [String: Value]? {
        guard case .object(let members) = input else { return nil }
        return members.mapValues(value)
    }

    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(value))
        case .object(let members): return .object(members.mapValues(value))
        }
    }

    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .data(let mimeType, let data):
            return .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): return .array(items.map(json))
        case .object(let members): return .object(members.mapValues(json))
        }
    }

    /// A tool's input schema for the model: an object schema always (some servers send none).
    static func inputSchema(_ schema: Value) -> JSONValue {
        guard case .object(var members) = json(schema) else {
            return .object(["type": .string("object"), "properties": .object([:])])
        }
        if members["type"] == nil { members["type"] = .string("object") }
        return .object(members)
    }

    /// Images larger than this are replaced by a note (the upstream refuses huge images).
    static let maxImageBase64 = 8 * 1024 * 1024
    /// Text beyond this is cut, with a note, so one answer cannot fill the context window.
    static let maxTextCharacters = 100_000

    /// The content of an MCP tool result as Claude blocks: text and images as they are, audio
    /// and resource links as a line of text, embedded text resources as their text.
    static func blocks(_ content: [MCP.Tool.Content]) -> [ContentBlock] {
        var blocks: [ContentBlock] = []
        var textBudget = maxTextCharacters
        func text(_ s: String) {
            guard textBudget > 0 else { return }
            if s.count > textBudget {
                blocks.append(.text(TextBlock(text: String(s.prefix(textBudget)) + "\n[… the rest of the tool's answer was cut]")))
                textBudget = 0
            } else {
                blocks.append(.text(TextBlock(text: s)))
                textBudget -= s.count
            }
        }
        for item in content {
            switch item {
            case .text(let s, _, _):
                text(s)
            case .image(let data, let mimeType, _, _):
                if data.utf8.count > maxImageBase64 {
                    text("[an image (\(mimeType)) too large to pass on]")
                } else {
                    blocks.append(.image(ImageBlock(source: .base64(mediaType: mimeType, data: data))))
                }
            case .audio(_, let mimeType, _, _):
                text("[audio (\(mimeType)) that this chat cannot pass on]")
            case .resource(let resource, _, _):
                if let body = resource.text {
                    text(body)
                } else {
                    text("[a resource \(resource.uri) (\(resource.mimeType ?? "binary"))]")
                }
            case .resourceLink(let uri, let name, _, _, let mimeType, _):
                text("[resource link: \(name) \(uri)" + (mimeType.map { " (\($0))" } ?? "") + "]")
            }
        }
        return blocks
    }
}
