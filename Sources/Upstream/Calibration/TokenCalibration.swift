/// How far the token estimate is off for each upstream model, learned from the `prompt_tokens`
/// the upstream reports: a bounded moving average of upstream count over estimate (pure value,
/// no I/O; ``TokenCalibrationStore`` keeps it on disk).
///
/// ```swift
/// var calibration = TokenCalibration()
/// calibration.record(model: "zai-org/GLM-5.2", estimate: 1000, upstream: 1180)
/// calibration.scaled(2000, model: "zai-org/GLM-5.2")   // 2360
/// ```
///
/// The ratio is the sum of the upstream counts over the sum of the estimates of the last
/// ``window`` requests to that model, so a long request (Claude Code's, with its tools) weighs
/// more than a two-word one whose count is mostly the chat template. A sample whose ratio is
/// outside ``plausible`` (a cached count, a broken usage object) is ignored, and at most
/// ``maxModels`` models are kept (the least recently seen goes).
public struct TokenCalibration: Sendable, Hashable, Codable {
    /// One request: the estimate and what the upstream counted.
    public struct Sample: Sendable, Hashable, Codable {
        public var estimate: Int
        public var upstream: Int
        public init(estimate: Int, upstream: Int) {
            self.estimate = estimate
            self.upstream = upstream
        }

        /// Worth learning from: both counts positive, their ratio within ``TokenCalibration/plausible``.
        var isPlausible: Bool {
            estimate > 0 && upstream > 0 && TokenCalibration.plausible.contains(Double(upstream) / Double(estimate))
        }
    }

    /// Requests remembered per model.
    public static let window = 12
    /// Models remembered.
    public static let maxModels = 64
    /// Ratios a sample may have; the rest are ignored.
    public static let plausible: ClosedRange<Double> = 0.25...4

    /// The samples of each model, oldest first.
    public private(set) var samples: [String: [Sample]]
    /// Models in the order they were last recorded, oldest first.
    public private(set) var recent: [String]

    public init() {
        samples = [:]
        recent = []
    }

    /// Remembers one request; returns whether the sample was kept.
    @discardableResult
    public mutating func record(model: String, estimate: Int, upstream: Int) -> Bool {
        let sample = Sample(estimate: estimate, upstream: upstream)
        guard !model.isEmpty, sample.isPlausible else { return false }
        var list = samples[model] ?? []
        list.append(sample)
        if list.count > Self.window { list.removeFirst(list.count - Self.window) }
        samples[model] = list
        recent.removeAll { $0 == model }
        recent.append(model)
        while recent.count > Self.maxModels {
            samples[recent.removeFirst()] = nil
        }
        return true
    }

    /// Upstream tokens per estimated token for `model`; `nil` before any sample.
    public func ratio(model: String) -> Double? {
        guard let list = samples[model], !list.isEmpty else { return nil }
        let estimated = list.reduce(0.0) { $0 + Double($1.estimate) }
        let counted = list.reduce(0.0) { $0 + Double($1.upstream) }
        guard estimated > 0 else { return nil }
        return counted / estimated
    }

    /// `estimate` scaled by the model's ratio (unchanged before any sample).
    public func scaled(_ estimate: Int, model: String) -> Int {
        guard let ratio = ratio(model: model) else { return estimate }
        return max(0, Int((Double(estimate) * ratio).rounded()))
    }

    /// Drops what does not hold together (a file edited by hand): bad samples, long lists,
    /// models missing from ``recent`` or from ``samples``.
    mutating func sanitize() {
        var clean: [String: [Sample]] = [:]
        for (model, list) in samples {
            let kept = list.filter(\.isPlausible).suffix(Self.window)
            if !kept.isEmpty { clean[model] = Array(kept) }
        }
        var order: [String] = []
        for model in recent where clean[model] != nil && !order.contains(model) { order.append(model) }
        for model in clean.keys.sorted() where !order.contains(model) { order.insert(model, at: 0) }
        while order.count > Self.maxModels { clean[order.removeFirst()] = nil }
        samples = clean
        recent = order
    }
}
