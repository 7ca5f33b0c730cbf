import Foundation
import Testing
@testable import Terminal

/// The first bytes of each accepted image format.
enum ImageBytes {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]
    static let gif: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0]
    static let webp: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)
}

@Suite struct ImageAttachmentTests {
    @Test func mediaTypeByMagicBytes() {
        #expect(ImageAttachment.mediaType(of: Data(ImageBytes.png)) == "image/png")
        #expect(ImageAttachment.mediaType(of: Data(ImageBytes.jpeg)) == "image/jpeg")
        #expect(ImageAttachment.mediaType(of: Data(ImageBytes.gif)) == "image/gif")
        #expect(ImageAttachment.mediaType(of: Data(Array("GIF87a".utf8))) == "image/gif")
        #expect(ImageAttachment.mediaType(of: Data(ImageBytes.webp)) == "image/webp")
    }

    @Test func notAnImage() {
        #expect(ImageAttachment.mediaType(of: Data("%PDF-1.7".utf8)) == nil)
        #expect(ImageAttachment.mediaType(of: Data(Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8))) == nil)
        #expect(ImageAttachment.mediaType(of: Data()) == nil)
    }

    @Test func loadsAndEncodesAFile() throws {
        let dir = try TemporaryDirectory()
        // Named .jpg but holding a png: the content decides.
        let path = dir.write("shot.jpg", bytes: ImageBytes.png)
        let image = try ImageAttachment.load(path: path)
        #expect(image.mediaType == "image/png")
        guard case .image(let block) = image.contentBlock, case .base64(let media, let data) = block.source else {
            Issue.record("expected a base64 image block")
            return
        }
        #expect(media == "image/png")
        #expect(Data(base64Encoded: data) == Data(ImageBytes.png))
        #expect(image.summary == "shot.jpg (image/png, 12 B)")
    }

    @Test func tildeMeansHome() throws {
        let dir = try TemporaryDirectory()
        _ = dir.write("cat.gif", bytes: ImageBytes.gif)
        let image = try ImageAttachment.load(path: "~/cat.gif", homeDirectory: dir.path)
        #expect(image.mediaType == "image/gif")
    }

    @Test func missingFile() {
        #expect(throws: ImageAttachmentError.missing("/nonexistent/x.png")) {
            try ImageAttachment.load(path: "/nonexistent/x.png")
        }
    }

    @Test func directoryIsNotAFile() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: ImageAttachmentError.notAFile(dir.path)) { try ImageAttachment.load(path: dir.path) }
    }

    @Test func wrongContent() throws {
        let dir = try TemporaryDirectory()
        let path = dir.write("notes.png", bytes: Array("just text".utf8))
        #expect(throws: ImageAttachmentError.notAnImage(path)) { try ImageAttachment.load(path: path) }
    }

    @Test func sizeLimit() throws {
        let dir = try TemporaryDirectory()
        let path = dir.write("big.png", bytes: ImageBytes.png + Array(repeating: 0, count: 2000))
        #expect(throws: ImageAttachmentError.tooLarge(path, bytes: 2012, limit: 1024)) {
            try ImageAttachment.load(path: path, maxBytes: 1024)
        }
        #expect(try ImageAttachment.load(path: path, maxBytes: 2012).data.count == 2012)
        let message = ImageAttachmentError.tooLarge(path, bytes: 6_000_000, limit: 5 * 1024 * 1024).description
        #expect(message.contains("5.7 MB is over the 5.0 MB limit"))
    }
}

/// A directory that is removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/terminal-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    @discardableResult
    func write(_ name: String, text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
