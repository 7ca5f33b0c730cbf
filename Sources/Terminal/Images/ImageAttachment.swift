import ClaudeAPI
import Foundation

/// An image file checked and ready to send: a png, jpeg, gif or webp (judged by its first bytes,
/// not its name) within the size limit.
///
/// ```swift
/// let image = try ImageAttachment.load(path: "~/shot.png")
/// let block = image.contentBlock   // .image(base64 png)
/// ```
public struct ImageAttachment: Sendable, Hashable {
    /// The path as the user gave it (for messages).
    public var path: String
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    public var mediaType: String
    public var data: Data

    /// Anthropic's own limit for one image is 5 MB; the upstream gets it base64-encoded.
    public static let defaultMaxBytes = 5 * 1024 * 1024

    public init(path: String, mediaType: String, data: Data) {
        self.path = path
        self.mediaType = mediaType
        self.data = data
    }

    /// Reads and checks an image file. `~` at the start of `path` means the home directory.
    public static func load(
        path: String, maxBytes: Int = defaultMaxBytes, homeDirectory: String = NSHomeDirectory()
    ) throws(ImageAttachmentError) -> ImageAttachment {
        let resolved = expandingTilde(path, homeDirectory: homeDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw .missing(path)
        }
        if isDirectory.boolValue { throw .notAFile(path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.size] as? Int, size > maxBytes {
            throw .tooLarge(path, bytes: size, limit: maxBytes)
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw .unreadable(path) }
        if data.count > maxBytes { throw .tooLarge(path, bytes: data.count, limit: maxBytes) }
        guard let mediaType = mediaType(of: data) else { throw .notAnImage(path) }
        return ImageAttachment(path: path, mediaType: mediaType, data: data)
    }

    /// The media type from the file's magic bytes, or `nil` for anything but png/jpeg/gif/webp.
    public static func mediaType(of data: Data) -> String? {
        let bytes = [UInt8](data.prefix(12))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        return nil
    }

    /// The Claude content block for this image (inline base64).
    public var contentBlock: ContentBlock {
        .image(ImageBlock(source: .base64(mediaType: mediaType, data: data.base64EncodedString())))
    }

    /// `cat.png (image/png, 12 KB)`.
    public var summary: String {
        "\((path as NSString).lastPathComponent) (\(mediaType), \(Self.size(data.count)))"
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        return "\(UsageLedger.fixed(Double(bytes) / 1_048_576, digits: 1)) MB"
    }

    static func expandingTilde(_ path: String, homeDirectory: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + path.dropFirst(1) }
        return path
    }
}

/// Why an image could not be attached; the description is the message for the user.
public enum ImageAttachmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    case notAFile(String)
    case unreadable(String)
    case notAnImage(String)
    case tooLarge(String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such file"
        case .notAFile(let path): return "\(path): is a directory, not an image file"
        case .unreadable(let path): return "\(path): cannot be read (permissions?)"
        case .notAnImage(let path): return "\(path): not a png, jpeg, gif or webp image (judged by its content)"
        case .tooLarge(let path, let bytes, let limit):
            return "\(path): \(ImageAttachment.size(bytes)) is over the \(ImageAttachment.size(limit)) limit for one image"
        }
    }
}
