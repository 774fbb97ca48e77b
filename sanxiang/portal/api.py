"""The public search as JSON (issue 10 §7, §9): GET /api/v1/public/decisions/search — no login; a
query the search cannot run (empty, too long, too many terms, operators only, one character) is
refused in the API's error shape with the same Chinese sentence the portal shows."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.public import public_url
from sanxiang.search.tokens import SearchQueryError

from . import decisions as D
from . import queries

router = Router(tags=["portal"])


class DecisionHitOut(Schema):
    agency: str  # the agency's code
    agency_name: str
    number: int  # the decision's public number within its agency (decision 0070)
    title: str
    kind: str  # 行政处罚 …
    published_on: dt.date
    url: str  # the decision's portal page
    excerpt: str  # a withdrawn decision: its public withdrawal notice, never its text
    withdrawn: bool = False  # 已撤下 (decision 0078)


class DecisionSearchOut(Schema):
    results: list[DecisionHitOut]
    page: int
    more: bool  # another page follows (the search never counts every match)


@router.get("/search", response={200: DecisionSearchOut, **error_responses(400, 404, 422)}, auth=None)
def search_decisions(request, q: str = "", agency: str = "", kind: str = "", page: int = 1,
                     since: dt.date | None = Query(None, alias="from"), until: dt.date | None = Query(None, alias="to")):
    """执法决定检索: published decisions matching every term of `q` (two characters at least, such as
    罚款 or 张某), newest first, 20 a page; by agency code, kind (penalty, licence, coercion, inspection,
    confirmation, adjudication, labour_inspection) and publication date (`from`, `to`: YYYY-MM-DD)."""
    if kind and kind not in D.KIND_NAMES:
        raise RuleViolation("没有这一执法类别。", field="kind", code="bad_kind")
    if since and until and since > until:
        raise RuleViolation("起始日期不能晚于截止日期。", field="from", code="bad_dates")
    at = D.stamp()  # one date and ledger-size read for the kept values (decision 0094)
    chosen = None
    if agency.strip():
        code = agency.strip()
        chosen = D.kept(("agency", code), lambda: queries.agency(code), at)
        if chosen is None:
            raise NotFound("未找到该机关。", field="agency")
    f = {"kind": kind, "from": since, "to": until, "page": max(1, min(page, 10_000))}
    # the results kept until the next ledger entry, as the search page's (a refused query raises: never kept)
    key = ("search-api", chosen.code if chosen else "", q, kind, str(since or ""), str(until or ""), f["page"])
    try:
        rows, more = D.kept(key, lambda: D.search(q, agency=chosen, f=f, at=at), at)
    except SearchQueryError as exc:
        raise RuleViolation(str(exc), field="q", code="bad_query") from exc
    return {"results": [{**row, "url": public_url(row["url"])} for row in rows], "page": f["page"], "more": more}
