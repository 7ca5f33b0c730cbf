import ClaudeAPI
import Foundation

/// The saved conversations in one directory, one JSON file each.
///
/// Every write is atomic (see ``AtomicFile``). A file that cannot be read is never overwritten:
/// it is renamed to `<id>.json.corrupt-<time>` and the caller is told where it went.
///
/// ```swift
/// let store = SessionStore(directory: dataHome + "/nebius-chat/sessions")
/// try store.save(session)
/// let latest = try store.load(id: store.mostRecentID()!)
/// ```
public struct SessionStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func path(for id: String) -> String { directory + "/" + id + ".json" }

    /// Writes the session (and creates the directory the first time).
    public func save(_ session: Session) throws(FileError) {
        try AtomicFile.makeDirectory(directory)
        let data: Data
        do {
            data = try Self.encoder.encode(session)
        } catch {
            throw FileError(operation: "encode the session", path: path(for: session.id), code: EINVAL)
        }
        try AtomicFile.write(data, to: path(for: session.id))
    }

    /// The session saved as `id`, or `nil` when there is none.
    public func load(id: String) throws(SessionLoadError) -> Session? {
        let file = path(for: id)
        guard let data = FileManager.default.contents(atPath: file) else {
            if FileManager.default.fileExists(atPath: file) {
                throw .unreadable(path: file)
            }
            return nil
        }
        do {
            var session = try Self.decoder.decode(Session.self, from: data)
            session.id = id
            return session
        } catch {
            let reason = (error as? DecodingError).map { describe($0) } ?? "not valid JSON"
            let aside = file + ".corrupt-" + Self.timestamp(Date())
            var keptAs = aside
            var n = 2
            while true {
                do {
                    try AtomicFile.moveWithoutReplacing(file, to: keptAs)
                    break
                } catch {
                    if error.code == EEXIST, n < 100 {
                        keptAs = aside + "-\(n)"
                        n += 1
                        continue
                    }
                    throw .corrupt(path: file, reason: reason, keptAs: nil)
                }
            }
            throw .corrupt(path: file, reason: reason, keptAs: keptAs)
        }
    }

    /// The model of the session saved as `id`, read without touching the file (a damaged one
    /// is left where it is for ``load(id:)`` to report); `nil` when there is none to read.
    public func model(ofSession id: String) -> String? {
        struct Head: Decodable { var model: String }
        guard let data = FileManager.default.contents(atPath: path(for: id)) else { return nil }
        return try? Self.decoder.decode(Head.self, from: data).model
    }

    /// Saved sessions, most recently written first.
    public func list() -> [SessionSummary] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var summaries: [SessionSummary] = []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let id = String(name.dropLast(5))
            let file = path(for: id)
            let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date ?? .distantPast
            if let data = FileManager.default.contents(atPath: file),
               let session = try? Self.decoder.decode(Session.self, from: data) {
                summaries.append(SessionSummary(id: id, updated: session.updated, turns: session.turns, model: session.model, title: session.title))
            } else {
                summaries.append(SessionSummary(id: id, updated: modified, turns: 0, model: "", title: "(unreadable)"))
            }
        }
        return summaries.sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }
    }

    /// The id of the most recently updated session, if any.
    public func mostRecentID() -> String? {
        list().first?.id
    }

    /// A fresh id from the time and a random suffix, `20250101-120000-3f2a`, so that two chats
    /// started in the same second never share a file.
    public func newID(now: Date = Date()) -> String {
        let base = Self.timestamp(now)
        while true {
            let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
            let id = base + "-" + String(repeating: "0", count: 4 - suffix.count) + suffix
            if !FileManager.default.fileExists(atPath: path(for: id)) { return id }
        }
    }

    /// Whether `name` can be a session id: letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "-_.".unicodeScalars.contains(scalar)
        }
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let s = String(n ?? 0); return s.count < 2 ? "0" + s : s }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// A line of `/sessions`.
public struct SessionSummary: Sendable, Hashable {
    public var id: String
    public var updated: Date
    public var turns: Int
    public var model: String
    public var title: String
}

/// Why a saved session could not be loaded; the description is the message for the user.
public enum SessionLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String)
    /// The file is damaged; it was moved to `keptAs` (nil if even that failed) and left alone.
    case corrupt(path: String, reason: String, keptAs: String?)

    public var description: String {
        switch self {
        case .unreadable(let path):
            return "cannot read \(path) (permissions?)"
        case .corrupt(let path, let reason, let keptAs):
            let name = (path as NSString).lastPathComponent
            if let keptAs {
                return "\(name) is damaged (\(reason)); kept unchanged as \(keptAs)"
            }
            return "\(path) is damaged (\(reason)) and could not be moved aside; it is left as it is, and this conversation is saved elsewhere"
        }
    }
}
