/// Ctrl-R: an incremental search backwards through the prompt history, as shells have it.
///
/// Typing narrows the search (the match stays put while it still contains the query), Ctrl-R
/// again goes to the next older entry that contains it. Matching ignores case. This is the
/// state alone; ``HistorySearchKey`` reads the keys and draws it.
///
/// ```swift
/// var search = HistorySearch(entries: ["ls", "hello world", "help"])
/// search.type("hel")      // match: "help"
/// search.older()          // match: "hello world"
/// search.status(columns: 80)  // "(history search)'hel': hello world"
/// ```
struct HistorySearch: Sendable, Equatable {
    static let label = "(history search)"
    static let failingLabel = "(history search, no match)"
    static let exhaustedLabel = "(history search, no older match)"

    /// Oldest first, as the history keeps them, each text once (where it was last used).
    let entries: [String]
    private(set) var query = ""
    /// Index into ``entries`` of what the query found.
    private(set) var matchIndex: Int?
    /// The last step found nothing (the previous match, if any, stays).
    private(set) var failing = false

    init(entries: [String]) {
        var seen = Set<String>()
        var newestFirst: [String] = []
        for entry in entries.reversed() where seen.insert(entry).inserted {
            newestFirst.append(entry)
        }
        self.entries = newestFirst.reversed()
    }

    var match: String? {
        guard let matchIndex, entries.indices.contains(matchIndex) else { return nil }
        return entries[matchIndex]
    }

    /// Adds typed text to the query; the current match stays if it still contains it.
    mutating func type(_ text: String) {
        query += text
        research(from: matchIndex ?? entries.count - 1)
    }

    /// Backspace: drops the query's last character and searches again from the newest entry.
    mutating func deleteBackward() {
        guard !query.isEmpty else { return }
        query.removeLast()
        matchIndex = nil
        research(from: entries.count - 1)
    }

    /// Ctrl-U: the query starts over.
    mutating func clearQuery() {
        query = ""
        matchIndex = nil
        failing = false
    }

    /// Ctrl-R again: the next older entry containing the query.
    mutating func older() {
        guard !query.isEmpty else { return }
        guard let found = search(from: (matchIndex ?? entries.count) - 1) else {
            failing = true
            return
        }
        matchIndex = found
        failing = false
    }

    private mutating func research(from start: Int) {
        guard !query.isEmpty else {
            matchIndex = nil
            failing = false
            return
        }
        if let found = search(from: start) {
            matchIndex = found
            failing = false
        } else {
            failing = true
        }
    }

    private func search(from start: Int) -> Int? {
        let needle = query.lowercased()
        var index = min(start, entries.count - 1)
        while index >= 0 {
            if entries[index].lowercased().contains(needle) { return index }
            index -= 1
        }
        return nil
    }

    /// The one-row status line, `(history search)'query': match`, no wider than `columns - 1`
    /// (so the terminal never wraps it). Newlines of a pasted entry show as `↵`; a long match
    /// is cut around the query, with `…` where text is left out.
    func status(columns: Int) -> String {
        let label = !failing ? Self.label : match == nil ? Self.failingLabel : Self.exhaustedLabel
        let head = label + "'" + Self.flattened(query) + "': "
        let room = max(0, columns - 1 - head.count)
        guard let match else { return String(head.prefix(max(0, columns - 1))) }
        let text = Array(Self.flattened(match))
        guard text.count > room else { return head + String(text) }
        guard room > 2 else { return String(head.prefix(max(0, columns - 1))) }
        // Where the query sits in the match, so that the part that matched is in view.
        let found = Self.offset(of: query.lowercased(), in: match.lowercased()) ?? 0
        var start = max(0, found - room / 3)
        if start + room > text.count { start = max(0, text.count - room) }
        var window = Array(text[start..<min(text.count, start + room)])
        if start > 0, !window.isEmpty { window[0] = "…" }
        if start + room < text.count, let last = window.indices.last { window[last] = "…" }
        return head + String(window)
    }

    static func flattened(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r\n" ? "↵" : $0 == "\t" ? " " : $0 })
    }

    /// The character offset of `needle` in `haystack`.
    static func offset(of needle: String, in haystack: String) -> Int? {
        guard !needle.isEmpty, let range = haystack.firstRange(of: needle) else { return nil }
        return haystack.distance(from: haystack.startIndex, to: range.lowerBound)
    }
}
