/// An entry of the upstream catalogue, `GET /v1/models?verbose=true`.
public struct UpstreamModel: Sendable, Hashable, Codable {
    public var id: String
    public var created: Int?
    public var ownedBy: String?
    public var contextLength: Int?
    public var architecture: Architecture?
    public var pricing: Pricing?
    /// `active`, `deprecated`, ... (Nebius's verbose catalogue).
    public var status: String?

    public init(id: String, created: Int? = nil, contextLength: Int? = nil, modality: String? = nil, pricing: Pricing? = nil) {
        self.id = id
        self.created = created
        self.contextLength = contextLength
        self.architecture = modality.map { Architecture(modality: $0) }
        self.pricing = pricing
    }

    enum CodingKeys: String, CodingKey {
        case id, created, architecture, pricing, status
        case ownedBy = "owned_by"
        case contextLength = "context_length"
    }

    public struct Architecture: Sendable, Hashable, Codable {
        /// `text->text`, `text+image->text`, ...
        public var modality: String?
        public init(modality: String?) { self.modality = modality }
    }

    /// USD per token, as decimal strings.
    public struct Pricing: Sendable, Hashable, Codable {
        public var prompt: String?
        public var completion: String?
        public init(prompt: String?, completion: String?) {
            self.prompt = prompt
            self.completion = completion
        }
    }

    /// Whether the model takes images, judged from its modality.
    public var acceptsImages: Bool {
        guard let modality = architecture?.modality, let inputs = modality.split(separator: "->").first else { return false }
        return inputs.contains("image")
    }
}

public struct UpstreamModelList: Sendable, Hashable, Codable {
    public var data: [UpstreamModel]
    public init(data: [UpstreamModel]) { self.data = data }
}
