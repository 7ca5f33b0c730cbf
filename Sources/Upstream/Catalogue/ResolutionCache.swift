import Logging
import Synchronization
import Translation

/// The roles resolved once per catalogue change, not once per request. A replacement is logged
/// the first time it appears (a catalogue that arrives after start-up).
final class ResolutionCache: Sendable {
    private let configured: TranslationConfig
    private let fallbacks: [String]
    private let state: Mutex<(generation: Int, resolution: ModelResolution)?>

    init(configured: TranslationConfig, fallbacks: [String]) {
        self.configured = configured
        self.fallbacks = fallbacks
        self.state = Mutex(nil)
    }

    func resolution(catalogue: ModelCatalogue?, logger: Logger) -> ModelResolution {
        guard let catalogue else { return ModelResolution(config: configured, catalogue: nil) }
        let generation = catalogue.generation
        if let known = state.withLock({ $0 }), known.generation == generation { return known.resolution }
        let resolution = ModelResolution(config: configured, fallbacks: fallbacks, catalogue: catalogue.current)
        let previous = state.withLock { state in
            defer { state = (generation, resolution) }
            return state?.resolution.replacements
        }
        for replacement in resolution.replacements where previous?.contains(replacement) != true && previous != nil {
            logger.notice("\(replacement.notice)")
        }
        return resolution
    }
}
