import ClaudeAPI
import Foundation

/// A file checked and ready to send as a Claude `document` block: a UTF-8 text file (sent as a
/// plain-text document titled with the file name) or a PDF (sent as base64 `application/pdf`),
/// judged by content, not by name.
///
/// ```swift
/// let file = try FileAttachment.load(path: "notes.md")
/// let block = file.contentBlock   // .document(text source, title "notes.md")
/// ```
public struct FileAttachment: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case text(String)
        case pdf(Data)
    }

    /// The path as the user gave it (for messages).
    public var path: String
    public var content: Content
    public var byteCount: Int

    /// 1 MiB of text is about 250k tokens, more than the largest windows hold with room to spare.
    public static let defaultMaxTextBytes = 1024 * 1024
    /// 32 MB is Anthropic's own limit for a request carrying a PDF.
    public static let defaultMaxPDFBytes = 32 * 1024 * 1024

    public init(path: String, content: Content, byteCount: Int) {
        self.path = path
        self.content = content
        self.byteCount = byteCount
    }

    /// Reads and checks a file. `~` at the start of `path` means the home directory; a relative
    /// path is taken from `currentDirectory`.
    public static func load(
        path: String, maxTextBytes: Int = defaultMaxTextBytes, maxPDFBytes: Int = defaultMaxPDFBytes,
        homeDirectory: String = NSHomeDirectory(), currentDirectory: String? = nil
    ) throws(FileAttachmentError) -> FileAttachment {
        var resolved = ImageAttachment.expandingTilde(path, homeDirectory: homeDirectory)
        if let currentDirectory, !resolved.hasPrefix("/") { resolved = currentDirectory + "/" + resolved }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw .missing(path)
        }
        if isDirectory.boolValue { throw .directory(path) }
        let limit = max(maxTextBytes, maxPDFBytes)
        if let size = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.size] as? Int, size > limit {
            throw .tooLarge(path, bytes: size, limit: limit, kind: "file")
        }
        guard FileManager.default.isReadableFile(atPath: resolved),
              let data = FileManager.default.contents(atPath: resolved)
        else { throw .unreadable(path) }
        return try check(data, path: path, maxTextBytes: maxTextBytes, maxPDFBytes: maxPDFBytes)
    }

    /// Decides what `data` is: a PDF (by its `%PDF-` signature), UTF-8 text (no NUL bytes, at
    /// most a few other control characters), or neither.
    public static func check(
        _ data: Data, path: String, maxTextBytes: Int = defaultMaxTextBytes, maxPDFBytes: Int = defaultMaxPDFBytes
    ) throws(FileAttachmentError) -> FileAttachment {
        if data.isEmpty { throw .empty(path) }
        if data.starts(with: Array("%PDF-".utf8)) {
            if data.count > maxPDFBytes { throw .tooLarge(path, bytes: data.count, limit: maxPDFBytes, kind: "PDF") }
            return FileAttachment(path: path, content: .pdf(data), byteCount: data.count)
        }
        if let image = ImageAttachment.mediaType(of: data) { throw .image(path, mediaType: image) }
        guard let text = text(of: data) else { throw .binary(path) }
        if data.count > maxTextBytes { throw .tooLarge(path, bytes: data.count, limit: maxTextBytes, kind: "text file") }
        return FileAttachment(path: path, content: .text(text), byteCount: data.count)
    }

    /// The text of `data` when it reads as text: valid UTF-8 (a byte-order mark is dropped), no
    /// NUL byte, and control characters other than tab, newline, carriage return and form feed
    /// in under 1 in 100 characters.
    static func text(of data: Data) -> String? {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var controls = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            if scalar.value < 0x20, ![0x09, 0x0A, 0x0D, 0x0C].contains(scalar.value) { controls += 1 }
        }
        return controls * 100 <= total ? text : nil
    }

    /// The file name, the document's title.
    public var name: String { (path as NSString).lastPathComponent }

    /// The Claude content block for this file.
    public var contentBlock: ContentBlock {
        switch content {
        case .text(let text):
            return .document(DocumentBlock(source: .text(text), title: name))
        case .pdf(let data):
            return .document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: data.base64EncodedString()), title: name))
        }
    }

    /// `notes.md (text, 12 KB)` or `paper.pdf (PDF, 1.2 MB)`.
    public var summary: String {
        let kind: String
        switch content {
        case .text: kind = "text"
        case .pdf: kind = "PDF"
        }
        return "\(name) (\(kind), \(ImageAttachment.size(byteCount)))"
    }
}

/// Why a file could not be attached; the description is the message for the user.
public enum FileAttachmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    case directory(String)
    case unreadable(String)
    case empty(String)
    case binary(String)
    case image(String, mediaType: String)
    case tooLarge(String, bytes: Int, limit: Int, kind: String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such file"
        case .directory(let path): return "\(path): is a directory; attach the files in it one by one"
        case .unreadable(let path): return "\(path): cannot be read (permissions?)"
        case .empty(let path): return "\(path): the file is empty; nothing to attach"
        case .binary(let path): return "\(path): not a text file or a PDF (judged by its content); only UTF-8 text and PDFs can be attached"
        case .image(let path, let mediaType): return "\(path): an image (\(mediaType)); attach it with /image (ask: --image)"
        case .tooLarge(let path, let bytes, let limit, let kind):
            return "\(path): \(ImageAttachment.size(bytes)) is over the \(ImageAttachment.size(limit)) limit for one \(kind)"
        }
    }
}
