"""The 卷内文件目录 as printed (s17 #22c): each 文号 on one line, dates unbroken, and each entry dated by the
document's 成文日期 — the date it states — not the day it was generated. One LibreOffice render."""

import datetime as dt
import io
import re

import pypdf
import pytest
from django.db import transaction
from django.utils import timezone

from sanxiang.archive import casefile
from sanxiang.documents import actions as D
from sanxiang.documents import fill, kinds, render
from sanxiang.documents.dates import printed_date, written_on

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def quanzhou(django_db_setup, django_db_blocker):
    """泉州鲤城's numbers: 「泉鲤市监立审〔2026〕1号」 (profile `documents.agency_short`)."""
    from cases_cast import make_env

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="quanzhou-licheng-amr")
        transaction.set_rollback(True)


@pytest.mark.parametrize("text, day", [
    ("2026年8月28日", dt.date(2026, 8, 28)), ("2026年11月24日9时30分至10时45分", dt.date(2026, 11, 24)),
    ("2026-09-02", dt.date(2026, 9, 2)), ("", None), ("（未记载）", None), ("2026年2月30日", None),
])
def test_printed_dates_are_read_back(text, day):
    assert printed_date(text) == day


def test_the_catalogue_lists_each_number_on_one_line_with_its_documents_own_date(quanzhou):
    from documents_cast import REASONS, decided_case

    case = decided_case(quanzhou)
    filing = D.do_generate_document(case, "filing_approval", actor=quanzhou.officer)
    decision = D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=quanzhou.officer)
    today = timezone.localdate()
    assert case.filed_on != today and case.decided_on != today  # the case moved on past days (from 2026-09-01)
    assert (written_on(filing), written_on(decision)) == (case.filed_on, case.decided_on)
    assert filing.number == "泉鲤市监立审〔2026〕1号" and decision.number == "泉鲤市监处罚〔2026〕1号"

    entries = casefile.form_entries(case, casefile.assemble(case))  # the archive's 立卷 data source
    assert [(e["title"], e["date"]) for e in entries] == [("立案审批表", case.filed_on.isoformat()),
                                                         ("行政处罚决定书", case.decided_on.isoformat())]
    spec = kinds.SPECS["file_catalogue"]
    context = kinds.context(case, spec, {}, number="泉鲤市监卷目〔2026〕1号", on=today,
                            given=kinds.Given(entries=entries))
    pdf = render.to_pdf(fill.fill(D.packaged_template("file_catalogue"), context))
    lines = [line.strip() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines()]
    text = "\n".join(lines)
    for document, day in ((filing, case.filed_on), (decision, case.decided_on)):
        assert any(document.number in line for line in lines), text  # not wrapped inside the number
        assert kinds.chinese_date(day) in text, text  # 2026年9月2日, never 「2026-09- / 02」
    assert not re.search(r"\d{4}-\d{2}-$", text, re.M) and kinds.chinese_date(today) not in text
