/// One entry of `messages`. Content given as a plain string decodes to one text block.
public struct Message: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case user, assistant
        /// Current Claude Code sends its environment block as a `role: "system"` message.
        case system
    }

    public var role: Role
    public var content: [ContentBlock]

    public init(role: Role, content: [ContentBlock]) {
        self.role = role
        self.content = content
    }

    public init(role: Role, text: String) {
        self.init(role: role, content: [.text(TextBlock(text: text))])
    }

    enum CodingKeys: String, CodingKey { case role, content }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(Role.self, forKey: .role)
        content = try container.decodeBlocksOrString(forKey: .content)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
    }
}

extension KeyedDecodingContainer {
    /// Content that may be a plain string (one text block) or a list of blocks.
    func decodeBlocksOrString(forKey key: Key) throws -> [ContentBlock] {
        do {
            return [.text(TextBlock(text: try decode(String.self, forKey: key)))]
        } catch DecodingError.typeMismatch {
            guard (try? decodeNil(forKey: key)) == false, (try? nestedUnkeyedContainer(forKey: key)) != nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: self, debugDescription: "expected a string or an array of content blocks")
            }
            return try decode([ContentBlock].self, forKey: key)
        }
        // Any other failure (a string that is not valid UTF-8, say) is the string's own error,
        // not "expected an array".
    }
}
