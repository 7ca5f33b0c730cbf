import ClaudeAPI
import OpenAIAPI

/// Structured output (PROTOCOL 8.4): `output_config.format` (or the deprecated top-level
/// `output_format`) `{type: "json_schema", schema}` becomes `response_format`
/// `{type: "json_schema", json_schema: {name, schema, strict: true}}`.
///
/// Anthropic defines no other format type; another one, or a `json_schema` without an object
/// schema, is left out with a note rather than refused: the answer is then free text, which the
/// client can still read.
enum StructuredOutput {
    /// The name given upstream when the schema has no usable `title`.
    static let defaultName = "output"

    /// The `response_format` for `request`, or `nil` when it asks for none (or one that cannot be sent).
    static func responseFormat(for request: MessagesRequest, notes: inout [String]) -> ResponseFormat? {
        // The current spelling wins when a client sends both.
        guard let format = request.outputConfig?.format ?? request.outputFormat else { return nil }
        guard format.type == "json_schema" else {
            notes.append("output format type \(format.type) is not supported upstream; the answer is not constrained")
            return nil
        }
        guard let schema = format.schema, case .object = schema else {
            notes.append("output format json_schema without an object schema; the answer is not constrained")
            return nil
        }
        return .jsonSchema(name: name(of: schema), schema: schema, strict: true)
    }

    /// The schema's `title` when it is a valid name (`[A-Za-z0-9_-]{1,64}`), else ``defaultName``.
    static func name(of schema: JSONValue) -> String {
        guard let title = schema["title"]?.stringValue, isValidName(title) else { return defaultName }
        return title
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
