"""成文日期 — the date of a document as the 卷内文件目录 lists it.

It is the date the document itself states: the decision's 决定日期, the 立案审批表's 立案日期, the 送达回证's
送达日期, the 笔录's date of the act it records. A document that states no date of its own takes the day it
was issued (签发, 签名) — else the date printed under its seal (the day it was generated). Never simply the
day the platform generated it: a 立案审批表 made on 11-24 for a case filed on 08-28 is dated 08-28.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

# The kinds that state a date of their own, and the name of that date in their filled context
# (documents/kinds.py); the value is the date as printed (2026年8月28日, or a 询问起止时间 that begins with it).
STATED = {
    "filing_approval": "filed_on",
    "onsite_record": "onsite_on",
    "inquiry_record": "inquiry_time",
    "edata_record": "date",  # 提取日期
    "sampling_record": "date",  # 抽样日期
    "statement_record": "date",
    "hearing_record": "hearing_on",
    "hearing_report": "hearing_on",
    "penalty_decision": "decided_on",
    "onsite_decision": "decided_on",
    "licence_grant": "decided_on",
    "licence_refusal": "decided_on",
    "case_decision": "decided_on",
    "service_receipt": "served_on",
    "inspection_record": "started_on",
}
_PRINTED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def printed_date(text) -> dt.date | None:
    """The first date written in Chinese (2026年8月28日) or ISO (2026-08-28) in `text`, or None."""
    if not isinstance(text, str) or not text:
        return None
    found = _PRINTED.search(text)
    try:
        if found:
            return dt.date(*(int(part) for part in found.groups()))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def written_on(document) -> dt.date:
    """成文日期 of `document` (see the module's docstring)."""
    context = (document.fields or {}).get("context") or {}
    key = STATED.get(document.kind)
    stated = printed_date(context.get(key)) if key else None
    if stated is not None:
        return stated
    if document.issued_at is not None:
        return timezone.localdate(document.issued_at)
    return printed_date(context.get("date")) or timezone.localdate(document.created_at)
