"""Steps the publicity tests share: a publication walked from draft to published, and all it shows."""

from sanxiang.publicity import actions as P


def published_blob(version) -> str:
    return version.text + "".join(version.fields.values()) + "".join(version.summary.values())


def walk(pub, editor, head, on="2026-03-10"):
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on=on)
    return P.do_publish_publication(pub, actor=head, on=on)


def issued_decision(case, paragraphs, number="乌人社罚〔2026〕1号"):
    """An issued 行政处罚决定书 of `case` whose DOCX holds `paragraphs` (the row as the documents app leaves it)."""
    import io

    from django.utils import timezone
    from docx import Document as Docx

    from sanxiang import storage
    from sanxiang.documents.models import Document, DocumentTemplate

    word = Docx()
    for line in paragraphs:
        word.add_paragraph(line)
    buf = io.BytesIO()
    word.save(buf)
    buf.seek(0)
    stored = storage.put(buf)
    template = DocumentTemplate.objects.create(kind="penalty_decision", version=1, file_path=stored.path,
                                               sha256=stored.sha256, sm3=stored.sm3, size=stored.size,
                                               uploaded_at=timezone.now(), reason="测试")
    return Document.objects.create(case=case, agency=case.agency, kind="penalty_decision", status="issued",
                                   template=template, number=number, number_year=2026, number_seq=1,
                                   docx_path=stored.path, docx_sha256=stored.sha256, docx_sm3=stored.sm3,
                                   docx_size=stored.size, created_at=timezone.now(), issued_at=timezone.now())


DECISION_PARAGRAPHS = ["乌鲁木齐高新区人力资源和社会保障局", "行政处罚决定书", "乌人社罚〔2026〕1号",
                       "当事人：张三丰，身份证号码110105198001010011，联系电话13800138000。",
                       "经查，当事人销售过期食品。依据《劳动保障监察条例》第二十六条，决定罚款1,000.00元。",
                       "当事人如不服本决定，可在六十日内申请行政复议。"]


def env_with_printed_code(code):
    """A case environment whose issued 行政处罚决定书 printed the 公示查询码 `code` (so any text may be checked for it)."""
    from cases_cast import make_env, new_case

    from sanxiang.access.actors import OPERATOR
    from sanxiang.deadlines.actions import seed_calendar

    seed_calendar(actor=OPERATOR, years=[2025, 2026])
    env = make_env()
    doc = issued_decision(new_case(env), ["行政处罚决定书"])
    doc.fields = {**(doc.fields or {}), "context": {"query_code": code, "query_url": "http://x/gk/x/jiuzheng/"}}
    doc.save(update_fields=["fields"])
    return env
