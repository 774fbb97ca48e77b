"""Builders of the retrieval tests: a case with a document whose PDF the render job stored (the PDF
made here with fpdf2 instead of LibreOffice: these tests are about serving, not rendering)."""

import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, new_case, step  # noqa: E402

from sanxiang.documents import actions as DA  # noqa: E402
from sanxiang.documents import render  # noqa: E402
from sanxiang.documents.models import DocumentKind  # noqa: E402
from sanxiang.retrieval.watermark import SC_IN_COLLECTION, font_path  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")
BODY_TEXT = "立案审批表原件正文"


def pdf_bytes(text=BODY_TEXT, padding=0) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(595, 842))
    pdf.add_page()
    pdf.add_font("cjk", fname=font_path(), collection_font_number=SC_IN_COLLECTION)
    pdf.set_font("cjk", size=14)
    pdf.text(72, 120, text)
    data = bytes(pdf.output())
    # Bytes after %%EOF, as some scanners write: a file large enough to stream in several chunks.
    return data + (b"\n%" + os.urandom(padding) if padding else b"")


def case_with_pdf(env, monkeypatch, *, mark="internal", padding=0):
    """A case under verification (核查中) with its 立案审批表 rendered, marked `mark`."""
    from sanxiang.cases import actions as C

    case = new_case(env)
    case = step(env, GENERAL, case, "verify", case.clue_on)
    if mark != "internal":
        case = C.do_update_case(case, version=case.version, confidentiality=mark, actor=env.officer)
    document = DA.do_generate_document(case, DocumentKind.FILING_APPROVAL, actor=env.officer)
    data = pdf_bytes(padding=padding)
    monkeypatch.setattr(render, "to_pdf", lambda docx: data)
    document = DA.do_render_document(document)
    return case, document, data


__all__ = ["make_env", "case_with_pdf", "pdf_bytes", "io"]


def asked_all(actor, case) -> list[str]:
    """Every record of `case` a party may ask to copy, as the registration names them ("evidence:27")."""
    from sanxiang.retrieval.queries import party_copy_candidates

    out, left_out = party_copy_candidates(actor, case, asking=True)
    return [item["key"] for item in out + left_out]
