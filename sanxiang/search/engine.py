"""The public search (公开检索): index what is published, find it by Chinese words, on SQLite and PostgreSQL.

`index()` and `remove()` are called by the actions that publish, withdraw or take down, inside
their transaction: the index never shows what the portal does not. `search()` answers newest
first, a page at a time, filtered by agency, kind and date; it never counts every match (a
two-character word such as 罚款 is in most decisions), it says whether there are more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from .models import SearchEntry
from .tokens import SearchQueryError, normalize, query_phrases, tokens

PAGE_MAX = 50


def _filter_tokens(agency_id: int | None, kind: str | None) -> list[str]:
    """Tokens every entry carries for its agency and kind, so the index filters as it searches."""
    found = []
    if agency_id is not None:
        found.append(f"agency{agency_id}x")
    if kind:
        found.append(f"kind{normalize(kind)}x")
    return found


def _entry_tokens(agency_id: int, kind: str, title: str, summary: str) -> str:
    return " ".join(_filter_tokens(agency_id, kind) + tokens(title) + tokens(summary))


def index(*, agency, kind: str, published_on: dt.date, ref: str, title: str, summary: str) -> SearchEntry:
    """Add the item `ref` to the index, or replace what it said (a corrected version)."""
    remove(ref)
    entry = SearchEntry.objects.create(
        agency=agency, kind=kind, published_on=published_on, ref=ref, title=title, summary=summary,
        tokens=_entry_tokens(agency.pk, kind, title, summary))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(rowid, tokens) VALUES (%s, %s)", [entry.pk, entry.tokens])
    return entry


def remove(ref: str) -> bool:
    """Take the item `ref` out of the index (withdrawn, taken down); False if it was not there."""
    entry = SearchEntry.objects.filter(ref=ref).first()
    if entry is None:
        return False
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', %s, %s)",
                           [entry.pk, entry.tokens])
    entry.delete()
    return True


@dataclass
class Page:
    entries: list[SearchEntry]
    more: bool


def search(query: str, *, agency_id: int | None = None, kind: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None,
           limit: int = 20, offset: int = 0) -> Page:
    """Entries matching every term of `query`, newest first; SearchQueryError for a query it cannot run."""
    phrases = query_phrases(query)
    if not 1 <= limit <= PAGE_MAX or offset < 0:
        raise SearchQueryError(f"每页 1 至 {PAGE_MAX} 条。")
    filters = _filter_tokens(agency_id, kind)
    dates, params = _date_clause(since, until)
    if connection.vendor == "sqlite":
        ids = _sqlite_ids(phrases, filters, dates, params, limit + 1, offset)
    else:
        ids = _postgresql_ids(phrases, filters, dates, params, limit + 1, offset)
    by_id = SearchEntry.objects.select_related("agency").in_bulk(ids[:limit])
    return Page([by_id[i] for i in ids[:limit] if i in by_id], more=len(ids) > limit)


def _date_clause(since, until) -> tuple[str, list]:
    clause, params = "", []
    if since is not None:
        clause += " AND e.published_on >= %s"
        params.append(since)
    if until is not None:
        clause += " AND e.published_on <= %s"
        params.append(until)
    return clause, params


def _sqlite_ids(phrases, filters, dates, params, limit, offset) -> list[int]:
    # Tokens are letters and digits only (tokens.py), so quoting them makes every FTS5 operator literal.
    match = " AND ".join([f'"{" ".join(phrase)}"' for phrase in phrases] + [f'"{t}"' for t in filters])
    sql = ("SELECT f.rowid FROM search_fts f"
           + (" JOIN search_searchentry e ON e.id = f.rowid" if dates else "")
           + " WHERE search_fts MATCH %s" + dates + " ORDER BY f.rowid DESC LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _postgresql_ids(phrases, filters, dates, params, limit, offset) -> list[int]:
    # The GIN index finds entries holding every token (the tsquery is read as written, as the
    # tsvector was: no parser between them); the words' order is checked on the tokens themselves
    # (a phrase is its tokens side by side, between spaces).
    every = sorted({t for phrase in phrases for t in phrase} | set(filters))
    query = " & ".join("'" + t + "'" for t in every)
    order = "".join(" AND (' ' || e.tokens || ' ') LIKE %s" for _ in phrases)
    likes = ["% " + " ".join(phrase) + " %" for phrase in phrases]
    sql = ("SELECT e.id FROM search_searchentry e WHERE e.tsv @@ %s::tsquery" + order + dates
           + " ORDER BY e.id DESC LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, *likes, *params, limit, offset])
        return [row[0] for row in cursor.fetchall()]
