import OpenAIAPI

/// What a model costs, in US dollars per token, as the catalogue gives it.
public struct ModelPrice: Sendable, Hashable {
    public var inputPerToken: Double
    public var outputPerToken: Double

    public init(inputPerToken: Double, outputPerToken: Double) {
        self.inputPerToken = inputPerToken
        self.outputPerToken = outputPerToken
    }

    /// The price of a catalogue entry; `nil` unless both prices are given and are numbers.
    public init?(_ model: UpstreamModel) {
        guard let prompt = model.pricing?.prompt.flatMap(Double.init),
              let completion = model.pricing?.completion.flatMap(Double.init)
        else { return nil }
        self.init(inputPerToken: prompt, outputPerToken: completion)
    }

    /// Dollars per million input tokens (the unit the catalogue table shows).
    public var inputPerMillion: Double { inputPerToken * 1_000_000 }
    public var outputPerMillion: Double { outputPerToken * 1_000_000 }

    /// The cost of `input` and `output` tokens.
    public func cost(input: Int, output: Int) -> Double {
        Double(input) * inputPerToken + Double(output) * outputPerToken
    }
}
