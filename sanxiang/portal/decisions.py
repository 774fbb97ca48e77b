"""行政执法决定公开 on the portal (issue 10 §3, §7; decision 0070): the list, the decision page and the
public search — rendered without the request like every portal page (views._page), addressed by
the agency's code and the decision's public number, never a database id."""

from __future__ import annotations

import datetime as dt
import re

from django.http import Http404
from django.urls import reverse

from sanxiang.core import inputs
from sanxiang.core.errors import RuleViolation
from sanxiang.publicity import queries as PQ
from sanxiang.publicity.scope import KIND_LABELS, decision_name, kind_name
from sanxiang.search import engine
from sanxiang.search.tokens import SearchQueryError, normalize

from . import queries
from .indexing import NOTICE_MARK, parse_ref

PAGE = 20
KINDS = [(code, kind_name(label)) for code, label in KIND_LABELS.items()]
KIND_NAMES = dict(KINDS)


def agency_kinds(agency, at: tuple | None = None) -> list[tuple[str, str]]:
    """The kinds an agency's decision list and search offer (s23 tester10 #17): those among its 执法类别
    (`Agency.categories`: 行政处罚, 行政许可 …, 劳动保障监察), and any kind it has published decisions of (a
    category dropped later still finds its old decisions) — not 行政裁决 for a market regulator."""
    def compute():
        from sanxiang.publicity.models import Publication

        categories = set(agency.categories or [])
        published = set(Publication.objects.filter(agency=agency, public_version__isnull=False)
                        .values_list("obligation__kind_label", flat=True).distinct())
        return [(code, name) for code, name in KINDS
                if name in categories or KIND_LABELS[code] in published]

    return kept(("kinds", agency.code), compute, at) if agency is not None else KINDS


def _int(value, default=1) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return default


def _date(value: str, label: str, problems: list[str]) -> dt.date | None:
    try:
        return inputs.day(value, label=label, field="", empty=None, invalid="{label}应为日期（如 2026-03-02）。")
    except RuleViolation as exc:  # a filter of a public list: said beside the form, the rest still shown
        problems.append(exc.message)
        return None


def filters_of(request) -> tuple[dict, list[str]]:
    """The list's and the search's filters from the query string, with the problems said in Chinese."""
    problems: list[str] = []
    kind = request.GET.get("kind", "").strip()
    if kind and kind not in KIND_NAMES:
        problems.append("没有这一执法类别。")
        kind = ""
    since = _date(request.GET.get("from", ""), "起始日期", problems)
    until = _date(request.GET.get("to", ""), "截止日期", problems)
    if since and until and since > until:
        problems.append("起始日期不能晚于截止日期。")
    return {"kind": kind, "from": since, "to": until, "page": _int(request.GET.get("page"))}, problems


def decision_url(agency_code: str, number: int) -> str:
    return reverse("portal:decision", args=[agency_code, number])


def decision_rows(agency, f: dict, at: tuple | None = None) -> tuple[list[dict], bool]:
    """A page of the agency's list: (rows, more). The rows carry what the list shows — title, address, state,
    notice — not the decisions' text (`content=False`), in three queries whatever their number, and are kept
    like the decision page's until the next ledger entry (`kept`, decision 0094)."""
    def compute():
        offset = (f["page"] - 1) * PAGE
        rows = PQ.published_decisions(agency, kind=KIND_LABELS.get(f["kind"]) if f["kind"] else None,
                                      since=f["from"], until=f["to"], offset=offset, limit=PAGE + 1, content=False)
        for row in rows:
            row["url"] = decision_url(row["agency"], row["number"]) if row["number"] else ""
            row["title"] = _list_title(row)
        return rows[:PAGE], len(rows) > PAGE

    key = ("list", agency.code, f["kind"], str(f["from"] or ""), str(f["to"] or ""), f["page"])
    return kept(key, compute, at)


def _list_title(row) -> str:
    return decision_name(row["kind"], row.get("decision", "")) + (f" {row['case']}" if row["case"] else "")


def stamp() -> tuple:
    """What a kept value is kept under besides its key: today's date and the ledger's size — read once
    for a page that keeps several values (decision 0078)."""
    from django.utils import timezone

    from sanxiang.core import public_cache as PC

    return timezone.localdate(), PC.data_version()


def kept(key: tuple, compute, at: tuple | None = None):
    """`compute()`, kept in the public page cache's store (sanxiang.core.public_cache) until the next ledger
    entry, the next day or PUBLIC_CACHE_SECONDS, whichever comes first — for the reads a rendered page
    repeats (decision 0078: a logged-in visitor's page is still rendered, its rows not read again). Every
    change of what the portal shows is an action that appends a ledger entry; None is never kept. `at`:
    the page's `stamp()` when it keeps more than one value (one date and one ledger read per page)."""
    import time

    from django.conf import settings

    from sanxiang.core import public_cache as PC

    seconds = settings.PUBLIC_CACHE_SECONDS
    if not seconds:
        return compute()
    full = ("portal.read", *key, *(at or stamp()))
    now = time.monotonic()
    found = PC.cache.get(full, now)
    if found is not None:
        return found
    value = compute()
    if value is not None:
        PC.cache.put(full, value, now + seconds)
    return value


def decision(agency, number, at: tuple | None = None) -> dict:
    row = kept(("decision", agency.code, str(number)), lambda: PQ.published_decision(agency, number), at)
    if row is None:
        raise Http404("未找到该执法决定。")
    return row


def excerpt(text: str, query: str, width: int = 60) -> str:
    """A piece of `text` around the first term of `query` (the text as published), for a result."""
    flat = re.sub(r"\s+", " ", text or "")
    at = -1
    for term in normalize(query or "").split():
        at = normalize(flat).find(term)
        if at >= 0:
            break
    if at < 0:
        return flat[:width * 2] + ("…" if len(flat) > width * 2 else "")
    start = max(0, at - width // 2)
    return ("…" if start else "") + flat[start:start + width * 2] + ("…" if start + width * 2 < len(flat) else "")


def search(q: str, *, agency=None, f: dict, at: tuple | None = None) -> tuple[list[dict], bool]:
    """The public search over published decisions: results with their public address; SearchQueryError
    for a query the engine refuses (empty, too long, too many terms, operators only, one character). The
    agencies' names come from the kept agencies (no query per result's agency, decision 0094)."""
    offset = (f["page"] - 1) * PAGE
    at = at or stamp()
    page = engine.search(q, agency_id=agency.pk if agency else None, kind=f["kind"] or None, since=f["from"],
                         until=f["to"], limit=PAGE, offset=offset)
    names = {}
    out = []
    for entry in page.entries:
        parsed = parse_ref(entry.ref)
        if parsed is None:
            continue
        code, number = parsed
        if code not in names:
            found = kept(("agency", code), lambda code=code: queries.agency(code), at)
            names[code] = found.name if found else ""
        withdrawn = entry.summary.startswith(NOTICE_MARK)  # its withdrawal notice (decision 0078)
        out.append({"agency": code, "agency_name": names[code], "number": number, "title": entry.title,
                    "kind": KIND_NAMES.get(entry.kind, entry.kind), "published_on": entry.published_on.isoformat(),
                    "url": decision_url(code, number), "withdrawn": withdrawn,
                    "excerpt": entry.summary[len(NOTICE_MARK):] if withdrawn else excerpt(entry.summary, q)})
    return out, page.more


__all__ = ["SearchQueryError", "KINDS", "filters_of", "decision_rows", "decision", "search", "excerpt"]
