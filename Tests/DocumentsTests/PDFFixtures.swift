import Foundation

/// The PDFs of `Tests/Fixtures/documents` (see `make_fixtures.py` there).
enum PDFFixtures {
    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["FIXTURES_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent("documents")
        }
        // Tests/DocumentsTests/PDFFixtures.swift -> Tests/Fixtures/documents
        var tests = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { tests.deleteLastPathComponent() }
        return tests.appendingPathComponent("Fixtures/documents")
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Two pages of text.
    static func text() throws -> [UInt8] { try bytes("text.pdf") }
    /// Two pages of drawn shapes and no text, like a scan.
    static func scan() throws -> [UInt8] { try bytes("scan.pdf") }
    /// `text.pdf` behind a user password.
    static func encrypted() throws -> [UInt8] { try bytes("encrypted.pdf") }
}

/// Width and height of a PNG, from its IHDR chunk.
func pngSize(_ png: [UInt8]) -> (Int, Int)? {
    guard png.count >= 24, png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
    func be32(_ i: Int) -> Int { png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}
