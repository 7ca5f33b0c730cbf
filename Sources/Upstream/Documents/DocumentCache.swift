import Documents
import Synchronization

/// The last few PDFs converted, so that a conversation that sends the same PDF with every turn
/// (the chat, `ask` follow-ups, Claude Code) has poppler read it once.
///
/// Keys are the base64 strings themselves: they share storage with the requests that hold
/// them, so keeping them costs no copy, and equal strings can never be confused.
final class DocumentCache: Sendable {
    private struct Entry {
        let base64: String
        let imagesAllowed: Bool
        let content: PDFContent
    }

    private let entries = Mutex<[Entry]>([])
    let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = capacity
    }

    func content(for base64: String, imagesAllowed: Bool) -> PDFContent? {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.base64.utf8.count == base64.utf8.count && $0.base64 == base64 && $0.imagesAllowed == imagesAllowed })
            else { return nil }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.content
        }
    }

    func store(_ content: PDFContent, for base64: String, imagesAllowed: Bool) {
        entries.withLock { entries in
            entries.removeAll { $0.base64 == base64 && $0.imagesAllowed == imagesAllowed }
            entries.append(Entry(base64: base64, imagesAllowed: imagesAllowed, content: content))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}
