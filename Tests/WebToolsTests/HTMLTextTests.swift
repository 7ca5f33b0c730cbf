import Testing
@testable import WebTools

@Suite struct HTMLTextTests {
    @Test func headingsParagraphsAndLinks() {
        let html = """
            <!doctype html><html><head><title>T</title><style>p{color:red}</style><script>alert("x<p>")</script></head>
            <body><h1>Title</h1><p>Hello <a href="/x">world</a>!</p><h2>Sub</h2><ul><li>one</li><li>two</li></ul>
            <!-- hidden --><p>a &amp; b &lt; c &#233; &#x41;&nbsp;z</p></body></html>
            """
        #expect(HTMLText.readable(html) == "# Title\n\nHello world!\n\n## Sub\n\n- one\n- two\n\na & b < c é A z")
    }

    @Test func scriptAndStyleNeverShow() {
        let out = HTMLText.readable("<p>a</p><SCRIPT type='x'>var s = '</p>'; secret()</SCRIPT><style>.x{}</style><noscript>n</noscript><p>b</p>")
        #expect(!out.contains("secret"))
        #expect(!out.contains(".x"))
        #expect(out == "a\n\nb")
    }

    @Test func preKeepsWhitespaceAndBreaksLines() {
        #expect(HTMLText.readable("<pre>a  b\n  c</pre>x<br>y") == "a  b\n  c\n\nx\ny")
    }

    @Test func malformedMarkupDegradesToText() {
        #expect(HTMLText.readable("a < b and c > d") == "a < b and c > d")
        #expect(HTMLText.readable("<p unclosed=\"x") == "")
        #expect(HTMLText.readable("&unknown; &amp") == "&unknown; &")
        #expect(HTMLText.readable("<script>never closed") == "")
        #expect(HTMLText.readable("&#0; &#xFFFFFFFF;") == "&#0; &#xFFFFFFFF;")
    }

    @Test func titleIsRead() {
        #expect(HTMLText.title("<html><head><TITLE>My &amp; Page</TITLE></head>") == "My & Page")
        #expect(HTMLText.title("<p>none</p>") == nil)
    }

    @Test func tableCellsAreSeparated() {
        #expect(HTMLText.readable("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>") == "a | b\n1 | 2")
    }
}

@Suite struct PageContentTests {
    @Test func kinds() {
        #expect(PageContent.kind(contentType: "text/html; charset=utf-8", body: []) == .html)
        #expect(PageContent.kind(contentType: "application/json", body: []) == .text)
        #expect(PageContent.kind(contentType: "application/vnd.api+json", body: []) == .text)
        #expect(PageContent.kind(contentType: "text/plain", body: []) == .text)
        #expect(PageContent.kind(contentType: "application/pdf", body: []) == .pdf)
        #expect(PageContent.kind(contentType: "image/png", body: []) == .unsupported("image/png"))
        #expect(PageContent.kind(contentType: "", body: Array("%PDF-1.7".utf8)) == .pdf)
        #expect(PageContent.kind(contentType: "application/octet-stream", body: Array("<!DOCTYPE html><p>".utf8)) == .html)
        #expect(PageContent.kind(contentType: "", body: [0, 1, 2]) == .unsupported("application/octet-stream"))
    }

    @Test func latin1AndInvalidUTF8() {
        #expect(PageContent.decode([0x63, 0x61, 0x66, 0xE9], contentType: "text/plain; charset=ISO-8859-1") == "café")
        #expect(PageContent.decode([0xEF, 0xBB, 0xBF, 0x61, 0xFF], contentType: "text/plain") == "a\u{FFFD}")
    }
}
