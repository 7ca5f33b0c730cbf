import Testing
@testable import Translation

@Suite("ThinkTagSplitter")
struct ThinkTagSplitterTests {
    /// Feeds `pieces`, flushes, and merges adjacent pieces of the same kind.
    func split(_ pieces: [String]) -> [ThinkTagSplitter.Piece] {
        var s = ThinkTagSplitter()
        var out: [ThinkTagSplitter.Piece] = []
        for p in pieces { out += s.feed(p) }
        out += s.flush()
        var merged: [ThinkTagSplitter.Piece] = []
        for piece in out {
            switch (merged.last, piece) {
            case (.reasoning(let a)?, .reasoning(let b)): merged[merged.count - 1] = .reasoning(a + b)
            case (.text(let a)?, .text(let b)): merged[merged.count - 1] = .text(a + b)
            default: merged.append(piece)
            }
        }
        return merged
    }

    @Test("3 every split point of the content gives the same pieces", arguments: [
        ("<think>plan</think>\n\nAnswer", [ThinkTagSplitter.Piece.reasoning("plan"), .text("Answer")]),
        ("  \n<think>a<b</think>c", [.reasoning("a<b"), .text("c")]),
        ("plain <think>x</think>", [.text("plain <think>x</think>")]),
        ("<thinking is not a tag", [.text("<thinking is not a tag")]),
        ("<think>unclosed", [.reasoning("unclosed")]),
        ("<think>r</think>", [.reasoning("r")]),
        ("<th", [.text("<th")]),
        ("<think>é日本😀</think>ü", [.reasoning("é日本😀"), .text("ü")]),
    ])
    func everySplit(content: String, expected: [ThinkTagSplitter.Piece]) {
        let characters = Array(content)
        #expect(split([content]) == expected)
        for i in 0...characters.count {
            for j in i...characters.count {
                let parts = [String(characters[..<i]), String(characters[i..<j]), String(characters[j...])]
                #expect(split(parts) == expected, "split at \(i), \(j)")
            }
        }
    }

    @Test("3 one character at a time")
    func oneByOne() {
        #expect(split("<think>abc</think>def".map(String.init)) == [.reasoning("abc"), .text("def")])
    }
}
