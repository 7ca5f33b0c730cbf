import Testing
@testable import Terminal

/// The markdown renderer as a value: fed in pieces, it must print what it prints for the whole text.
@Suite struct MarkdownRendererTests {
    static let document = """
        # Release notes

        Some **bold words**, some *italic* and _more italic_, `inline code` and ~~gone~~.
        A [link to docs](https://example.com/docs) and <https://example.org>.

        ## Steps
        - first item with **bold**
        - second item
          - nested item
        1. one
        2. two
        - [ ] open task
        - [x] done task

        > A quoted line with *style*.

        ---

        ```swift
        let x = 1 // a comment
        print(x)
        ```

        | Name | Count | Note |
        |:-----|------:|:----:|
        | apples | 3 | `fresh` |
        | kiwis | 12 | **ripe** |

        Done: 5 * 3 = 15 and snake_case_name stay as they are.
        """

    /// The harder corners: nested styles, links holding styles, escapes, wide characters, long words.
    static let corners = """
        ### Corners ##
        ***both*** and **bold *inner* bold** and ``a ` b`` and \\*not\\* and [**styled** link](http://a.b/c "title").
        ![a picture](http://a.b/p.png) then 日本語のテキスト and a supercalifragilisticexpialidociouswordthatislong.
        > > nested quote
        >
        > - quoted item
        1) first
        10. tenth
        | a \\| b | `c|d` |
        | --- | --- |
        | 1 | 2 |
        |just a pipe
        ~~~
        tilde fence
        ~~~
        * star item
        + plus item
        ___
        trailing **open
        """

    static func render(_ text: String, width: Int = 60, hyperlinks: Bool = false, chunks: [Int]) -> [String] {
        var renderer = MarkdownRenderer(width: width, hyperlinks: hyperlinks)
        var pieces: [String] = []
        var rest = Substring(text)
        var i = 0
        while !rest.isEmpty {
            let n = chunks[i % chunks.count]
            pieces.append(renderer.feed(rest.prefix(n)))
            rest = rest.dropFirst(n)
            i += 1
        }
        pieces.append(renderer.finish())
        return pieces
    }

    /// What a terminal shows: the text with escape sequences removed.
    static func visible(_ text: String) -> String {
        var out = ""
        var state = 0
        for ch in text {
            switch state {
            case 1: state = ch == "[" ? 2 : ch == "]" ? 3 : 0
            case 2: if let a = ch.asciiValue, (0x40...0x7E).contains(a) { state = 0 }
            case 3: if ch == "\u{1B}" { state = 4 }
            case 4: state = ch == "\\" ? 0 : 3
            default: if ch == "\u{1B}" { state = 1 } else { out.append(ch) }
            }
        }
        return out
    }

    static let rawMarkers = ["**", "`", "~~", "](", "# ", "|--", "|:-", "- [", "<https", "\n- ", "\n> "]

    static func assertNoRawMarkers(_ rendered: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = visible(rendered)
        for marker in rawMarkers {
            #expect(!shown.contains(marker), "raw \(marker.debugDescription) in:\n\(shown)", sourceLocation: sourceLocation)
        }
    }

    @Test func everySplitPrintsTheWholeDocumentRendering() {
        let text = Self.document
        let whole = MarkdownRenderer.render(text, width: 60)
        Self.assertNoRawMarkers(whole)
        let characters = Array(text)
        for cut in 0...characters.count {
            var renderer = MarkdownRenderer(width: 60, hyperlinks: false)
            let first = renderer.feed(Substring(String(characters[..<cut])))
            Self.assertNoRawMarkers(first)
            let printed = first + renderer.feed(Substring(String(characters[cut...]))) + renderer.finish()
            #expect(printed == whole, "split at \(cut)")
            if printed != whole { break }
        }
    }

    @Test(arguments: [1, 4, 7])
    func smallChunksPrintTheWholeDocumentRendering(size: Int) {
        for hyperlinks in [false, true] {
            let whole = MarkdownRenderer.render(Self.document, width: 60, hyperlinks: hyperlinks)
            let pieces = Self.render(Self.document, width: 60, hyperlinks: hyperlinks, chunks: [size])
            #expect(pieces.joined() == whole)
            for piece in pieces { Self.assertNoRawMarkers(piece) }
        }
    }

    @Test(arguments: [60, 20])
    func everySplitOfTheCornersToo(width: Int) {
        let whole = MarkdownRenderer.render(Self.corners, width: width)
        let characters = Array(Self.corners)
        for cut in 0...characters.count {
            var renderer = MarkdownRenderer(width: width, hyperlinks: true)
            var wholeLinked = MarkdownRenderer(width: width, hyperlinks: true)
            let expected = wholeLinked.feed(Substring(Self.corners)) + wholeLinked.finish()
            let printed = renderer.feed(Substring(String(characters[..<cut]))) + renderer.feed(Substring(String(characters[cut...])))
                + renderer.finish()
            #expect(printed == expected, "split at \(cut)")
            if printed != expected { break }
        }
        for size in [1, 4, 7] { #expect(Self.render(Self.corners, width: width, chunks: [size]).joined() == whole) }
    }

    @Test func theCornersRender() {
        let out = Self.visible(MarkdownRenderer.render(Self.corners, width: 200))
        #expect(out.hasPrefix("Corners\nboth and bold inner bold and a ` b and *not* and styled link (http://a.b/c).\n"))
        #expect(out.contains("a picture (http://a.b/p.png) then 日本語のテキスト"))
        #expect(out.contains("│ │ nested quote\n│ \n│ • quoted item\n1) first\n10. tenth\n"))
        #expect(out.contains(" a | b       │ c|d\n─────────────┼────\n 1           │ 2  \n just a pipe │    \n"))
        #expect(out.contains("\n───\ntilde fence\n───\n"))
        #expect(out.hasSuffix("• star item\n• plus item\n" + String(repeating: "─", count: 200) + "\ntrailing open\n"))
    }

    @Test func unevenChunksToo() {
        let whole = MarkdownRenderer.render(Self.document, width: 33)
        #expect(Self.render(Self.document, width: 33, chunks: [3, 1, 8, 2, 13, 5]).joined() == whole)
    }

    @Test func boldIsDrawnWithEscapesAndWithoutMarkers() {
        let out = MarkdownRenderer.render("Some **bold** text", width: 80)
        #expect(out.contains("\u{1B}[1mbold\u{1B}[0m"))
        #expect(Self.visible(out) == "Some bold text\n")
    }

    @Test func aMarkerSplitAcrossChunksIsHeldBack() {
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        let first = renderer.feed("Some *")
        #expect(Self.visible(first) == "Some")
        let second = renderer.feed("*bol")
        #expect(!Self.visible(second).contains("*"))
        let rest = renderer.feed("d** and more ") + renderer.finish()
        #expect(Self.visible(first + second + rest) == "Some bold and more\n")
    }

    @Test func plainTextStreamsWordByWord() {
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        #expect(renderer.feed("Hello there ") == "Hello there")
        #expect(renderer.feed("friend, how") == " friend,")
    }

    @Test func headingsListsQuotesAndRules() {
        let out = Self.visible(MarkdownRenderer.render(
            "# Title\n- one\n  - two\n3. three\n- [x] done\n> quoted\n***\n", width: 10))
        #expect(out == "Title\n• one\n  ◦ two\n3. three\n☑ done\n│ quoted\n──────────\n")
    }

    @Test func aCodeFenceShowsItsLanguageAndNoMarkers() {
        let out = MarkdownRenderer.render("Before\n```python\nx = '**'  \n```\nAfter\n", width: 80)
        #expect(Self.visible(out) == "Before\n─── python\nx = '**'  \n───\nAfter\n")
        #expect(out.contains("\u{1B}[32m'**'\u{1B}[0m"), "a Python string is coloured")
        let unknown = MarkdownRenderer.render("```brainfuck\n+[-->]\n```\n", width: 80)
        #expect(unknown.contains("\u{1B}[36m+[-->]\u{1B}[0m\n"), "other languages are drawn in one colour")
    }

    @Test func codeGetsLightSyntaxColours() {
        let line = CodeHighlighter.highlight(#"let name = "hi" // greet 42"#, language: "swift")
        #expect(line == "\u{1B}[35mlet\u{1B}[0m name = \u{1B}[32m\"hi\"\u{1B}[0m \u{1B}[2m// greet 42\u{1B}[0m")
        #expect(CodeHighlighter.highlight("x = 3.5  # note", language: "py") == "x = \u{1B}[33m3.5\u{1B}[0m  \u{1B}[2m# note\u{1B}[0m")
        #expect(CodeHighlighter.highlight("anything", language: "") == nil)
        // An unterminated string ends with the line.
        #expect(CodeHighlighter.highlight(#"echo "open"#, language: "sh") == "\u{1B}[35mecho\u{1B}[0m \u{1B}[32m\"open\u{1B}[0m")
    }

    @Test func aFenceSplitAcrossChunksNeverShowsBackticks() {
        let text = "Run:\n```sh\nmake test\n```\nok\n"
        for size in 1...6 {
            let pieces = Self.render(text, width: 80, chunks: [size])
            for piece in pieces { #expect(!Self.visible(piece).contains("`")) }
            #expect(Self.visible(pieces.joined()) == "Run:\n─── sh\nmake test\n───\nok\n")
        }
    }

    @Test func aTableIsHeldUntilCompleteThenAligned() {
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        #expect(Self.visible(renderer.feed("Fruit:\n| Name | Count |\n|---|--:|\n| apples | 3 |\n")) == "Fruit:\n")
        #expect(renderer.feed("| kiwis | 12 |\n") == "")
        let table = Self.visible(renderer.feed("\nafter") + renderer.finish())
        #expect(table == """
             Name   │ Count
            ────────┼──────
             apples │     3
             kiwis  │    12

            after

            """)
    }

    @Test func aTableWiderThanTheTerminalWrapsItsWideCells() {
        let text = """
            | id | description | state |
            |---|---|---|
            | 1 | a rather long description that cannot fit in forty columns at all | **open** |
            | 2 | short | done |
            """
        let out = Self.visible(MarkdownRenderer.render(text, width: 40))
        let lines = out.split(separator: "\n")
        for line in lines { #expect(line.count <= 40, "\(line)") }
        // The narrow columns keep their width; the wide one wraps over several lines.
        let bars = Set(lines.filter { $0.contains("│") }.map { $0.prefix { $0 != "│" }.count })
        #expect(bars.count == 1)
        #expect(lines.count > 5)
        let words = "a rather long description that cannot fit in forty columns at all".split(separator: " ")
        let shown = lines.joined(separator: " ")
        for word in words { #expect(shown.contains(word)) }
        #expect(lines[0].hasPrefix(" id │ description"))
        #expect(lines.contains { $0.hasPrefix(" 2  │ short") && $0.contains("│ done") })
    }

    @Test func pipesWithoutADelimiterRowAreText() {
        let out = Self.visible(MarkdownRenderer.render("| not | a table\nnext line\n", width: 80))
        #expect(out == "| not | a table\nnext line\n")
    }

    @Test func linksAreHyperlinksOrTextWithTheAddress() {
        let plain = Self.visible(MarkdownRenderer.render("See [the docs](https://x.io/a).", width: 80))
        #expect(plain == "See the docs (https://x.io/a).\n")
        let linked = MarkdownRenderer.render("See [the docs](https://x.io/a).", width: 80, hyperlinks: true)
        #expect(linked.contains("\u{1B}]8;;https://x.io/a\u{1B}\\"))
        #expect(linked.contains("\u{1B}]8;;\u{1B}\\"))
        #expect(Self.visible(linked) == "See the docs.\n")
    }

    @Test func literalAsterisksAndUnderscoresStay() {
        let out = Self.visible(MarkdownRenderer.render("2 * 3 and snake_case_name and \\*escaped\\*", width: 80))
        #expect(out == "2 * 3 and snake_case_name and *escaped*\n")
    }

    @Test func wrapsToTheWidthWithHangingIndents() {
        let text = "- " + Array(repeating: "word", count: 30).joined(separator: " ") + "\nplain " + String(repeating: "x", count: 50)
        let lines = Self.visible(MarkdownRenderer.render(text, width: 24)).split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { #expect(line.count <= 24, "\(line)") }
        #expect(lines[0].hasPrefix("• word"))
        #expect(lines[1].hasPrefix("  word"))
        #expect(lines.contains { $0 == Substring(String(repeating: "x", count: 24)) })
    }

    @Test func wideTextWrapsBetweenCharactersAndStreamsAsItComes() {
        let out = Self.visible(MarkdownRenderer.render("日本語のテキストです", width: 8))
        #expect(out == "日本語の\nテキスト\nです\n")
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        #expect(Self.visible(renderer.feed("日本")) == "日本")
    }

    @Test func anAddressIsNeverBrokenInTwo() {
        let url = "https://example.com/" + String(repeating: "a", count: 40)
        let out = Self.visible(MarkdownRenderer.render("see [docs](\(url)) now", width: 30))
        #expect(out.contains("(\(url))"))
        #expect(out == "see docs\n(\(url))\nnow\n")
    }

    @Test func aNewWidthAppliesToTheLinesThatFollow() {
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        let first = renderer.feed("aaa bbb ccc ddd\n")
        renderer.width = 8
        let second = renderer.feed("aaa bbb ccc ddd\n") + renderer.finish()
        #expect(Self.visible(first) == "aaa bbb ccc ddd\n")
        #expect(Self.visible(second) == "aaa bbb\nccc ddd\n")
    }

    @Test func interruptResetsAndPrintsWhatWasHeldRaw() {
        var renderer = MarkdownRenderer(width: 80, hyperlinks: false)
        let shown = renderer.feed("Text **bold\n| a | b |\n| -")
        let rest = renderer.interrupt()
        #expect(Self.visible(shown) == "Text bold\n")
        #expect(rest == "\u{1B}[0m| a | b |\n| -")
    }

    @Test func finishClosesAnOpenFenceAndStyles() {
        let out = MarkdownRenderer.render("**open\n```\ncode", width: 80)
        #expect(Self.visible(out) == "open\n───\ncode\n───\n")
        #expect(out.hasSuffix("\u{1B}[0m\n" + MarkdownStyle.dim("───") + "\n"))
    }

    @Test func wideCharactersCountTwoColumns() {
        #expect(DisplayWidth.visible("日本\u{1B}[1ma\u{1B}[0m") == 5)
        #expect(DisplayWidth.visible("e\u{301}") == 1)
    }
}
