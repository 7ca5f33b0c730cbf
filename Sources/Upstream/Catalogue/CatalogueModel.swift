import OpenAIAPI

/// One model of the live upstream catalogue, as every face sees it (serve, the REPL, `ask`,
/// `models`). Built from `GET /v1/models?verbose=true`; a field the catalogue does not give is
/// `nil`, which the faces show as unknown.
public struct CatalogueModel: Sendable, Hashable, Codable {
    public var id: String
    /// The context window in tokens (prompt and answer together).
    public var contextLength: Int?
    /// Whether the model takes images (`architecture.modality` such as `text+image->text`);
    /// `nil` when the catalogue gives no modality.
    public var acceptsImages: Bool?
    /// US dollars per million tokens; `nil` unless the catalogue prices both directions.
    public var price: Price?
    /// `active`, `deprecated`, ... as the catalogue says; `nil` when it says nothing.
    public var status: String?
    /// Unix seconds, for the Anthropic list shape.
    public var created: Int?

    public struct Price: Sendable, Hashable, Codable {
        public var inputPerMillion: Double
        public var outputPerMillion: Double

        public init(inputPerMillion: Double, outputPerMillion: Double) {
            self.inputPerMillion = inputPerMillion
            self.outputPerMillion = outputPerMillion
        }

        /// The cost of `input` and `output` tokens, in dollars.
        public func cost(input: Int, output: Int) -> Double {
            (Double(input) * inputPerMillion + Double(output) * outputPerMillion) / 1_000_000
        }
    }

    public init(
        id: String, contextLength: Int? = nil, acceptsImages: Bool? = nil, price: Price? = nil,
        status: String? = nil, created: Int? = nil
    ) {
        self.id = id
        self.contextLength = contextLength
        self.acceptsImages = acceptsImages
        self.price = price
        self.status = status
        self.created = created
    }

    /// Whether the catalogue marks the model as on its way out.
    public var isDeprecated: Bool {
        guard let status = status?.lowercased() else { return false }
        return status.contains("deprecat") || status.contains("retir") || status == "inactive"
    }

    enum CodingKeys: String, CodingKey {
        case id, price, status, created
        case contextLength = "context_length"
        case acceptsImages = "accepts_images"
    }
}

extension CatalogueModel {
    /// The domain value of a wire entry. Prices on the wire are USD per token as decimal strings.
    init(_ wire: UpstreamModel) {
        let prompt = wire.pricing?.prompt.flatMap(Double.init)
        let completion = wire.pricing?.completion.flatMap(Double.init)
        var price: Price?
        if let prompt, let completion, prompt >= 0, completion >= 0 {
            price = Price(inputPerMillion: prompt * 1_000_000, outputPerMillion: completion * 1_000_000)
        }
        self.init(
            id: wire.id,
            contextLength: wire.contextLength.flatMap { $0 > 0 ? $0 : nil },
            acceptsImages: wire.architecture?.modality.map { _ in wire.acceptsImages },
            price: price,
            status: wire.status,
            created: wire.created)
    }
}
