#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The catalogue on disk (`$XDG_CACHE_HOME/nebius-chat/catalogue.json`), so that start-up and
/// offline use need no request. The file names the base URL it came from: a catalogue of one
/// upstream is never used for another.
struct CatalogueDiskCache: Sendable {
    let path: String

    struct Contents: Codable, Sendable {
        var baseURL: String
        /// Unix seconds.
        var fetchedAt: Double
        var models: [CatalogueModel]

        enum CodingKeys: String, CodingKey {
            case models
            case baseURL = "base_url"
            case fetchedAt = "fetched_at"
        }
    }

    /// The cached catalogue of `baseURL`; `nil` when there is none, it is of another upstream,
    /// or it does not parse (it is then simply fetched again).
    func load(baseURL: String) -> Contents? {
        guard let data = FileManager.default.contents(atPath: path),
              let contents = try? JSONDecoder().decode(Contents.self, from: data),
              contents.baseURL == baseURL
        else { return nil }
        return contents
    }

    /// Writes the file whole (a temporary file renamed over the old one), creating its folder.
    func save(_ contents: Contents) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(contents).write(to: url, options: .atomic)
    }
}
