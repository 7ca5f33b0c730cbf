extension JSONValue {
    /// Parses JSON text; `nil` when it is not valid JSON (see ``JSONValue/parse(_:)``).
    public init?(parsing text: String) {
        guard let value = JSONValue.parse(text.utf8) else { return nil }
        self = value
    }

    /// Compact JSON text with sorted keys, so equal values always give equal text.
    public var compactText: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }
}
