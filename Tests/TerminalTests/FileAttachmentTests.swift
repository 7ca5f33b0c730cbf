import ClaudeAPI
import Foundation
import Testing
@testable import Terminal

@Suite struct FileAttachmentTests {
    @Test func aTextFileIsAPlainTextDocumentTitledWithItsName() throws {
        let dir = try TemporaryDirectory()
        let path = dir.write("notes.md", bytes: Array("# Plan\nship it\n".utf8))
        let file = try FileAttachment.load(path: path)
        #expect(file.contentBlock == .document(DocumentBlock(source: .text("# Plan\nship it\n"), title: "notes.md")))
        #expect(file.summary == "notes.md (text, 15 B)")
    }

    @Test func aPDFIsABase64Document() throws {
        let dir = try TemporaryDirectory()
        let bytes = Array("%PDF-1.4\n%\u{E2}\u{E3}\n1 0 obj\n".utf8) + [0x00, 0xFF, 0x10]
        let path = dir.write("paper.bin", bytes: bytes)
        let file = try FileAttachment.load(path: path)
        #expect(file.contentBlock == .document(DocumentBlock(
            source: .base64(mediaType: "application/pdf", data: Data(bytes).base64EncodedString()), title: "paper.bin")))
    }

    @Test func relativePathsAndTheHomeDirectory() throws {
        let dir = try TemporaryDirectory()
        dir.write("a.txt", bytes: Array("hello".utf8))
        #expect(try FileAttachment.load(path: "a.txt", currentDirectory: dir.path).content == .text("hello"))
        #expect(try FileAttachment.load(path: "~/a.txt", homeDirectory: dir.path).content == .text("hello"))
    }

    @Test func clearErrorsForWhatCannotBeAttached() throws {
        let dir = try TemporaryDirectory()
        func error(_ path: String, maxText: Int = FileAttachment.defaultMaxTextBytes) -> FileAttachmentError? {
            do {
                _ = try FileAttachment.load(path: path, maxTextBytes: maxText)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(dir.path + "/none.txt") == .missing(dir.path + "/none.txt"))
        #expect(error(dir.path) == .directory(dir.path))
        let empty = dir.write("empty.txt", bytes: [])
        #expect(error(empty) == .empty(empty))
        let binary = dir.write("a.out", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00])
        #expect(error(binary) == .binary(binary))
        let latin1 = dir.write("latin1.txt", bytes: [0x63, 0x61, 0x66, 0xE9])
        #expect(error(latin1) == .binary(latin1))
        let png = dir.write("shot.txt", bytes: ImageBytes.png)
        #expect(error(png) == .image(png, mediaType: "image/png"))
        let big = dir.write("big.txt", bytes: Array(repeating: 0x61, count: 2048))
        #expect(error(big, maxText: 1024) == .tooLarge(big, bytes: 2048, limit: 1024, kind: "text file"))
        #expect(error(big, maxText: 1024)?.description == "\(big): 2 KB is over the 1 KB limit for one text file")
        let locked = dir.write("locked.txt", bytes: Array("secret".utf8))
        chmod(locked, 0)
        if getuid() != 0 { #expect(error(locked) == .unreadable(locked)) }
    }

    @Test func textWithAFewControlCharactersIsStillText() {
        #expect(FileAttachment.text(of: Data("col1\tcol2\r\nform\u{0C}feed".utf8)) != nil)
        #expect(FileAttachment.text(of: Data(("ansi \u{1B}[1mbold\u{1B}[0m " + String(repeating: "ordinary text ", count: 20)).utf8)) != nil)
        #expect(FileAttachment.text(of: Data([0x1B, 0x1B, 0x41, 0x42])) == nil)
        #expect(FileAttachment.text(of: Data([0xEF, 0xBB, 0xBF] + Array("bom".utf8))) == "bom")
    }
}

@Suite struct FileReferencesTests {
    @Test func atWordsAreReferences() {
        let found = FileReferences.find(in: "summarise @notes.md and @docs/a\\ b.txt, mail me@example.com or @alice")
        #expect(found.map(\.path) == ["notes.md", "docs/a b.txt,", "alice"])
        #expect(found.map(\.word) == ["@notes.md", "@docs/a\\ b.txt,", "@alice"])
        #expect(found[1].candidates == ["docs/a b.txt,", "docs/a b.txt"])
        #expect(found.map(\.looksLikePath) == [true, true, false])
    }

    @Test func atTheStartInBracketsAndAlone() {
        #expect(FileReferences.find(in: "@a.txt").map(\.path) == ["a.txt"])
        #expect(FileReferences.find(in: "(see @a.txt)").map(\.candidates) == [["a.txt)", "a.txt"]])
        #expect(FileReferences.find(in: "an @ alone, @@ and a@b").map(\.path).isEmpty)
        #expect(FileReferences.find(in: "@~/x").first?.looksLikePath == true)
    }
}

@Suite struct FileCompletionTests {
    let completer = LineCompleter()

    @Test func pathsAfterAnAtInAPrompt() {
        // libedit breaks words at `@`: the word is the path after it.
        #expect(completer.complete(line: "summarise @no", word: "no") == .filenames)
        #expect(completer.complete(line: "@src/ma", word: "src/ma") == .filenames)
        #expect(completer.complete(line: "(see @", word: "") == .filenames)
        #expect(completer.complete(line: "mail me@exa", word: "exa") == .nothing)
    }

    @Test func pathsAfterFile() {
        #expect(completer.complete(line: "/file ./no", word: "./no") == .filenames)
        #expect(completer.complete(line: "/fi", word: "/fi") == .candidates(["/file"]))
    }
}
