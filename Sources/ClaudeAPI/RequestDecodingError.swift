/// Describes a `DecodingError` in words a client can act on: which field, and why.
///
/// ```swift
/// // "messages[2].content[0].source.type: image source type must be ..."
/// let message = describe(decodingError)
/// ```
public func describe(_ error: DecodingError) -> String {
    func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out.isEmpty ? "body" : out
    }
    switch error {
    case .keyNotFound(let key, let context):
        let parent = path(context.codingPath)
        let field = parent == "body" ? key.stringValue : "\(parent).\(key.stringValue)"
        return "\(field): field required"
    case .typeMismatch(let type, let context):
        return "\(path(context.codingPath)): expected \(jsonTypeName(type))"
    case .valueNotFound(let type, let context):
        return "\(path(context.codingPath)): expected \(jsonTypeName(type)), got null"
    case .dataCorrupted(let context):
        if context.codingPath.isEmpty {
            return "body: not valid JSON"
        }
        return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "body: could not be decoded"
    }
}

private func jsonTypeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "a boolean"
    case is Int.Type, is Double.Type: return "a number"
    default:
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "an object"
    }
}
