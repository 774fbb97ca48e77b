"""年报数字 — the figures of one agency (or one of its units) for one year, computed from the case
rows by one function (`compute`), and the report's dates and recipients from the agency's profile.

Rows are the kinds the profile lists (`publicity.annual_report.kinds`, 国办发〔2018〕118号's 许可、处罚、
强制、检查、征收、征用 by default); a kind the agency holds no power for (`…no_duty`) shows 无相关职责,
one it holds but did not use shows 0. 征收 and 征用 are not handled on the platform: their counts are
the numbers the legal office records with a source (`RecordedFigure`), as are 复议 and 诉讼 cases the
platform does not hold (added to the counts it does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sanxiang.profiles.registry import get_profile

NO_DUTY = "无相关职责"
# The case kinds each report row counts (行政检查 includes 劳动保障监察, the HRSS's inspection).
ROW_CASE_KINDS = {
    "许可": ("licence",), "处罚": ("penalty",), "强制": ("coercion",), "检查": ("inspection", "labour_inspection"),
    "确认": ("confirmation",), "裁决": ("adjudication",), "征收": (), "征用": (),
}
ROW_LABELS = {"许可": "行政许可", "处罚": "行政处罚", "强制": "行政强制", "检查": "行政检查", "征收": "行政征收",
              "征用": "行政征用", "确认": "行政确认", "裁决": "行政裁决"}
# The measures the 行政强制 row counts (行政强制法 第九条: 查封、扣押; 先行登记保存 is 行政处罚法 第五十六条's).
COERCIVE_MEASURE_KINDS = ("seal", "seize")
RECORDED_ROWS = {"征收": "expropriation", "征用": "requisition"}
COLUMNS = [("count", "件数"), ("fine", "罚款金额（元）"), ("confiscation", "没收金额（元）"), ("reviews", "法制审核"),
           ("hearings", "听证"), ("reconsideration", "行政复议"), ("litigation", "行政诉讼")]
COLUMN_LABELS = dict(COLUMNS)


@dataclass(frozen=True)
class Dates:
    """The report's dates for one year, from the profile (with citations); None where it names none."""

    unit_submission_due: dt.date | None
    unit_submission_citation: str
    due: dt.date | None
    due_citation: str
    recipients: list
    recipients_citation: str
    channel: str | None
    delivery_due: dt.date | None = None  # the report to the recipients (decision 0098)
    delivery_citation: str = ""


def _annual_date(value: str | None, year: int) -> dt.date | None:
    if not value:
        return None
    return dt.date(year + 1, int(value[:2]), int(value[3:]))


def profile_of(agency):
    return get_profile(agency.profile_key or "national")


def dates(agency, year: int) -> Dates:
    """The dates of the report on `year` (in year + 1), read as in force on 1 January of year + 1."""
    profile, on = profile_of(agency), dt.date(year + 1, 1, 1)
    sub, due, rec, deliver = (profile.entry(f"publicity.annual_report.{n}", on=on)
                              for n in ("unit_submission_due", "due", "recipients", "delivery_due"))
    return Dates(_annual_date(sub.value, year), profile.cite(sub), _annual_date(due.value, year), profile.cite(due),
                 list(rec.value or []), profile.cite(rec), profile.value("publicity.annual_report.channel", on=on),
                 _annual_date(deliver.value, year), profile.cite(deliver))


def undelivered(report, d: Dates | None = None) -> list[str]:
    """The recipients the profile names that a published report has not been reported to yet ([] before
    publication: the report is delivered once published)."""
    if report.status != "published":
        return []
    d = d or dates(report.agency, report.year)
    done = {row.recipient for row in report.deliveries.all()}
    return [r for r in d.recipients if r not in done]


def kinds(agency, year: int) -> tuple[list[str], set[str], str]:
    """The rows the report lists, the kinds the agency holds no power for, and the citation of the latter."""
    profile, on = profile_of(agency), dt.date(year + 1, 1, 1)
    listed = list(profile.value("publicity.annual_report.kinds", on=on))
    entry = profile.entry("publicity.annual_report.no_duty", on=on)
    return listed, set(entry.value or []), profile.cite(entry)


def _year(field: str, year: int) -> dict:
    return {f"{field}__gte": dt.date(year, 1, 1), f"{field}__lte": dt.date(year, 12, 31)}


def _empty() -> dict:
    return {"count": 0, "fine": Decimal("0"), "confiscation": Decimal("0"), "reviews": 0, "hearings": 0,
            "reconsideration": 0, "litigation": 0}


def compute(agency, year: int, *, unit=None, recorded=None) -> dict:
    """统计: the agency's (or `unit`'s) figures of `year` from its case rows, as plain JSON-able data.

    - 件数: decisions made in the year (`decided_on`) for 许可、处罚、确认、裁决 (处罚: penalties imposed; the
      不予行政处罚决定 are `no_penalty`, apart — decision 0098); measures implemented
      (`implemented_on`) for 强制 — every 查封、扣押 of the agency's (or unit's) cases, a penalty case's
      included; inspections carried out (`started_on`) for 检查; recorded for 征收、征用.
    - 罚款/没收: the decided amounts of the penalties decided in the year.
    - 法制审核: legal reviews whose first round was submitted in the year; 听证: hearings held in the year;
      复议/诉讼: applications made in the year against the kind's decisions (plus recorded numbers).
    `recorded`: {item: count} the legal office entered (agency level only).
    """
    from django.db.models import Count, Min, Sum

    from sanxiang.cases.models import Case, CaseAppeal, CoerciveMeasure, Inspection
    from sanxiang.review.models import LegalReview

    listed, no_duty, _ = kinds(agency, year)
    cases = Case._base_manager.filter(agency=agency)  # the service counts all; readers are checked by the caller
    if unit is not None:
        cases = cases.filter(unit=unit)
    rows, no_penalty = {}, 0
    for label in listed:
        if label in no_duty:
            rows[label] = NO_DUTY
            continue
        row, case_kinds = _empty(), ROW_CASE_KINDS.get(label, ())
        of_kind = cases.filter(kind__in=case_kinds)
        if label == "强制":
            # Every 查封、扣押 implemented in the year, in whichever case it was taken (most are taken
            # while a penalty case is investigated, 行政强制法 第九条、第二十二条); 先行登记保存 is the
            # penalty procedure's evidence measure (行政处罚法 第五十六条), not a 行政强制措施.
            row["count"] = CoerciveMeasure._base_manager.filter(
                case__in=cases, kind__in=COERCIVE_MEASURE_KINDS, **_year("implemented_on", year)).count()
        elif label == "检查":
            # Inspections carried out in the year, whatever case holds them (today only kind inspection).
            row["count"] = (Inspection._base_manager.filter(case__in=cases, **_year("started_on", year)).count()
                            + of_kind.filter(kind="labour_inspection", **_year("decided_on", year)).count())
        elif case_kinds:
            decided = of_kind.filter(**_year("decided_on", year))
            if label == "处罚":
                # a 不予行政处罚决定 imposed no penalty (行政处罚法第二条): not a 行政处罚; counted apart (decision 0098)
                no_penalty = decided.exclude(no_penalty_ground="").count()
                decided = decided.filter(no_penalty_ground="")
            sums = decided.aggregate(n=Count("id"), fine=Sum("decided_fine"), conf=Sum("decided_confiscation"))
            row["count"] = sums["n"]
            row["fine"] = sums["fine"] or Decimal("0")
            row["confiscation"] = sums["conf"] or Decimal("0")
        if label in RECORDED_ROWS and unit is None:
            row["count"] = (recorded or {}).get(RECORDED_ROWS[label], 0)
        if case_kinds:
            first = (LegalReview._base_manager.filter(case__in=of_kind).annotate(first=Min("rounds__submitted_on"))
                     .filter(**_year("first", year)))
            row["reviews"] = first.count()
            row["hearings"] = of_kind.filter(**_year("hearing_held_on", year)).count()
            appeals = CaseAppeal._base_manager.filter(case__in=of_kind, **_year("applied_on", year))
            row["reconsideration"] = appeals.filter(kind="reconsideration").count()
            row["litigation"] = appeals.filter(kind="litigation").count()
        rows[label] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
    totals = _empty()
    for row in rows.values():
        if isinstance(row, dict):
            for k in totals:
                totals[k] += Decimal(row[k]) if k in ("fine", "confiscation") else row[k]
    if unit is None:
        totals["reconsideration"] += (recorded or {}).get("reconsideration", 0)
        totals["litigation"] += (recorded or {}).get("litigation", 0)
    return {"year": year, "rows": rows, "order": listed, "no_penalty": no_penalty,
            "recorded": dict(recorded or {}) if unit is None else {},
            "totals": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in totals.items()}}


def table(figures: dict) -> list[dict]:
    """The figures as display rows: label, then each column's value (无相关职责 across a row without power)."""
    out = []
    for label in figures.get("order", []):
        row = figures["rows"].get(label)
        if row == NO_DUTY or row is None:
            out.append({"kind": label, "label": ROW_LABELS.get(label, label), "no_duty": True,
                        "cells": [NO_DUTY] * len(COLUMNS)})
        else:
            out.append({"kind": label, "label": ROW_LABELS.get(label, label), "no_duty": False,
                        "cells": [_money(row[c]) if c in ("fine", "confiscation") else row[c] for c, _ in COLUMNS]})
    return out


def _money(value) -> str:
    d = Decimal(str(value))
    return f"{d:,.2f}"


# The mark an export of a report not yet published carries (finding 13): its figures may still change.
DRAFT_MARKS = {"compiling": "草稿：汇总中，未审核，数字尚未确定，不得作为正式年报使用",
               "approved": "待公开：已审核，尚未公开"}


def draft_mark(report) -> str:
    """The visible status mark of an export ("" once published)."""
    return DRAFT_MARKS.get(report.status, "")


def report_figures(report) -> dict:
    """A report's figures: fixed at approval; computed now (with the recorded numbers) while compiled."""
    if report.status == "compiling":
        return compute(report.agency, report.year, recorded={r.item: r.count for r in report.recorded.all()})
    return report.figures
