#!/usr/bin/env python3
"""Writes the PDF fixtures of Tests/Fixtures/documents (run once; the files are committed).

text.pdf and scan.pdf are written by hand here (a few objects and a correct xref table);
encrypted.pdf is text.pdf with a user password, written with pypdf (pip install pypdf).
"""
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent


def pdf(pages):
    """A PDF of pages, each a content stream (bytes); Helvetica is resource F1."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    number = 4
    for stream in pages:
        page, content = number, number + 1
        number += 2
        kids.append(page)
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                         b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        objects[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objects[n])
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for n in range(1, count):
        out += b"%010d 00000 n \n" % offsets[n]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


def text_page(lines):
    ops = [b"BT /F1 14 Tf 72 720 Td 18 TL"]
    for line in lines:
        ops.append(b"(%s) Tj T*" % line.encode())
    ops.append(b"ET")
    return b"\n".join(ops)


TEXT = [
    ["Quarterly report of the Lighthouse Cooperative.", "Revenue rose by 12 percent."],
    ["Second page: the keeper is Ada Lovelace.", "Lamp oil stock: 340 litres."],
]
# No text at all: two pages with drawn shapes, like a scan.
SCAN = [b"0.2 0.4 0.8 rg 100 400 300 200 re f", b"0.8 0.2 0.2 rg 200 300 150 150 re f"]


def main():
    (here / "text.pdf").write_bytes(pdf([text_page(lines) for lines in TEXT]))
    (here / "scan.pdf").write_bytes(pdf(SCAN))
    try:
        import pypdf
    except ImportError:
        print("pypdf is not installed: encrypted.pdf not written", file=sys.stderr)
        return
    reader = pypdf.PdfReader(here / "text.pdf")
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="lighthouse", owner_password="keeper", algorithm="RC4-128")
    with open(here / "encrypted.pdf", "wb") as f:
        writer.write(f)


if __name__ == "__main__":
    main()
