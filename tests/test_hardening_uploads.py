"""Hardening of uploads (issue #17, kinds 7-9): DOCX tables, PDF page citations, partly scanned PDFs."""

from __future__ import annotations

import io


def make_pdf(pages: list[list[str] | str]) -> bytes:
    """A small valid PDF: a page is a list of text lines (Helvetica), ``"image"`` (a scanned page: one
    image, no text layer) or ``"blank"`` (no content at all)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream",
    ]
    kids = []
    for page in pages:
        if page == "image":
            stream = "q 612 0 0 792 0 0 cm /Im1 Do Q"
        elif page == "blank":
            stream = ""
        else:
            assert isinstance(page, list)
            stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) Tj T*" for line in page) + " ET"
        kids.append(len(objects) + 1)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
            f"/XObject << /Im1 4 0 R >> >> /Contents {len(objects) + 2} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream".encode())
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_docx_with_table() -> bytes:
    """The issue's example: a paragraph, a table holding the rules, a paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph("Vendor Model Rules")
    document.add_paragraph("1. Scope. These rules cover every vendor model we deploy.")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        [
            ("Model family", "Rule"),
            ("Llama", "Requires the Built with Llama notice in the product documentation"),
            ("Gemma", "Requires a copy of the Gemma prohibited use policy for every recipient"),
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("2. Review. Legal reviews these rules every quarter.")
    return _docx_bytes(document)
