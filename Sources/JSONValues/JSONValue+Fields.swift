/// Field access with `Decodable` semantics, for the hand-written fast decoders of the wire types.
///
/// Each accessor mirrors what a synthesized `init(from:)` does with `JSONDecoder`: a required
/// field that is missing or `null`, or any field of the wrong type, throws ``JSONFieldMismatch``
/// (the fast decoder then falls back to `JSONDecoder`, which reports the error in full); an
/// optional field that is missing or `null` is `nil`.
public struct JSONFieldMismatch: Error, Sendable {
    public init() {}
}

extension JSONValue {
    @inlinable
    public func asObject() throws(JSONFieldMismatch) -> [String: JSONValue] {
        guard case .object(let members) = self else { throw JSONFieldMismatch() }
        return members
    }

    @inlinable
    public func asArray() throws(JSONFieldMismatch) -> [JSONValue] {
        guard case .array(let items) = self else { throw JSONFieldMismatch() }
        return items
    }

    @inlinable
    public func asString() throws(JSONFieldMismatch) -> String {
        guard case .string(let s) = self else { throw JSONFieldMismatch() }
        return s
    }

    /// An integer; the parser already turned exact numbers such as `3.0` into `.int`.
    @inlinable
    public func asInt() throws(JSONFieldMismatch) -> Int {
        guard case .int(let i) = self else { throw JSONFieldMismatch() }
        return i
    }

    @inlinable
    public func asDouble() throws(JSONFieldMismatch) -> Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw JSONFieldMismatch()
        }
    }

    @inlinable
    public func asBool() throws(JSONFieldMismatch) -> Bool {
        guard case .bool(let b) = self else { throw JSONFieldMismatch() }
        return b
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// A required field: missing or `null` is a mismatch.
    @inlinable
    public func required<T>(_ key: String, _ convert: (JSONValue) throws(JSONFieldMismatch) -> T) throws(JSONFieldMismatch) -> T {
        guard let value = self[key], value != .null else { throw JSONFieldMismatch() }
        return try convert(value)
    }

    /// An optional field: missing or `null` is `nil`.
    @inlinable
    public func optional<T>(_ key: String, _ convert: (JSONValue) throws(JSONFieldMismatch) -> T) throws(JSONFieldMismatch) -> T? {
        guard let value = self[key], value != .null else { return nil }
        return try convert(value)
    }
}
