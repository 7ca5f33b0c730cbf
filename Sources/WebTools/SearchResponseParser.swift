#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a search backend's answer could not be read.
public struct SearchResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads the JSON answers of the search backends into ``SearchHit``s. Pure: no I/O.
///
/// ```swift
/// let hits = try SearchResponseParser.parse(Array(body), provider: .brave)
/// ```
///
/// Hits without a URL are skipped; a missing title becomes the URL. A body that is not JSON,
/// or JSON of another shape, throws ``SearchResponseError``.
public enum SearchResponseParser {
    public static func parse(_ body: [UInt8], provider: SearchProvider) throws -> [SearchHit] {
        let decoder = JSONDecoder()
        do {
            switch provider {
            case .tavily:
                let answer = try decoder.decode(TavilyAnswer.self, from: Data(body))
                return (answer.results ?? []).compactMap { r in
                    hit(url: r.url, title: r.title, snippet: r.content, pageAge: r.publishedDate)
                }
            case .brave:
                let answer = try decoder.decode(BraveAnswer.self, from: Data(body))
                return (answer.web?.results ?? []).compactMap { r in
                    hit(url: r.url, title: r.title, snippet: r.description.map(stripTags), pageAge: r.pageAge ?? r.age)
                }
            case .searxng:
                let answer = try decoder.decode(SearXNGAnswer.self, from: Data(body))
                return (answer.results ?? []).compactMap { r in
                    hit(url: r.url, title: r.title, snippet: r.content, pageAge: r.publishedDate)
                }
            }
        } catch let error as SearchResponseError {
            throw error
        } catch {
            throw SearchResponseError("the \(provider.rawValue) answer is not the JSON it should be (\(Self.summary(body)))")
        }
    }

    private static func hit(url: String?, title: String?, snippet: String?, pageAge: String?) -> SearchHit? {
        guard let url, !url.isEmpty else { return nil }
        let title = title.flatMap { $0.isEmpty ? nil : $0 } ?? url
        return SearchHit(url: url, title: title, snippet: snippet ?? "", pageAge: pageAge.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Brave marks query words with `<strong>`; the model wants plain text.
    static func stripTags(_ text: String) -> String {
        HTMLText.readable(text)
    }

    /// The first bytes of a body that did not parse, for the error message.
    static func summary(_ body: [UInt8]) -> String {
        if body.isEmpty { return "empty body" }
        let head = String(decoding: body.prefix(80), as: UTF8.self)
        return "\(body.count) bytes starting \"\(head.replacing("\n", with: " "))\""
    }
}

// The answer shapes, each only as far as it is read. Every field is optional: backends omit
// fields freely and a missing one must not lose the other results.

struct TavilyAnswer: Decodable {
    struct Result: Decodable {
        var url: String?
        var title: String?
        var content: String?
        var publishedDate: String?
        enum CodingKeys: String, CodingKey {
            case url, title, content
            case publishedDate = "published_date"
        }
    }
    var results: [Result]?
}

struct BraveAnswer: Decodable {
    struct Web: Decodable { var results: [Result]? }
    struct Result: Decodable {
        var url: String?
        var title: String?
        var description: String?
        var age: String?
        var pageAge: String?
        enum CodingKeys: String, CodingKey {
            case url, title, description, age
            case pageAge = "page_age"
        }
    }
    var web: Web?
}

struct SearXNGAnswer: Decodable {
    struct Result: Decodable {
        var url: String?
        var title: String?
        var content: String?
        var publishedDate: String?
    }
    var results: [Result]?
}
