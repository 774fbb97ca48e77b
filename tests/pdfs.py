"""One blank A4 page as a PDF — what LibreOffice would render — for the tests and benches that store, sign or seal a
document without rendering one."""

import io

from pypdf import PdfWriter


def blank_pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()
