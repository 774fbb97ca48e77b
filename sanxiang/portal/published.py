"""Portal pages of what the agency publishes besides its 事前公开 lists (issue 10 §1, §6):

- 年度抽查计划 `/gk/<a>/jihua/`: the adopted 双随机 plans by year (主体、依据、对象、内容、比例、方式、
  频次), each with its adoption date and, where the profile sets one, the date it was due (株洲: 3月份前);
  and the per-enterprise yearly inspection cap where the profile sets one (国办发〔2024〕54号).
- 统计年报 `/gk/<a>/nianbao/`, `…/nianbao/<year>/` (+ `xlsx/`, `pdf/`): the published reports only, with
  the figures fixed at approval, the charts as static SVG and the downloads.

Session-less like every portal page (`views._page`): nothing here reads the request's user.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils import timezone

from .views import _agency, _page


def _plan_rows(agency) -> list[dict]:
    from sanxiang.cases.kinds.inspection_plan import PLAN_FIELDS, plan_due
    from sanxiang.cases.models import CaseStatus as S
    from sanxiang.cases.models import InspectionPlan

    plans = (InspectionPlan._base_manager.filter(case__agency=agency, case__status=S.PLAN_ADOPTED)
             .select_related("case__unit").order_by("-year", "case__unit__name", "id"))
    rows = []
    for plan in plans:
        due = plan_due(agency, plan.year)
        rows.append({
            "title": plan.title, "year": plan.year, "unit": plan.case.unit.name if plan.case.unit_id else "",
            "adopted_on": plan.adopted_on, "due": due, "late": bool(due and plan.adopted_on and plan.adopted_on >= due),
            "items": [[{"label": label, "value": item.get(key, "")} for key, label, _ in PLAN_FIELDS]
                      for item in plan.items],
        })
    return rows


def _cap(agency, on: dt.date) -> dict:
    """The yearly inspection cap per enterprise with its citation (value None: the profile sets none)."""
    from sanxiang.cases.kinds.inspection import CAP, CAP_EXEMPT
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(agency) or "national")
    entry = profile.entry(CAP, on=on)
    exempt = profile.value(CAP_EXEMPT, on=on) if entry.value else None
    return {"value": entry.value, "citation": profile.cite(entry), "exempt": list(exempt or [])}


def plans(request, agency):
    from sanxiang.cases.kinds.inspection_plan import DUE
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    agency = _agency(agency)
    today = timezone.localdate()
    profile = get_profile(profile_key_of(agency) or "national")
    due_entry = profile.entry(DUE, on=dt.date(today.year, 1, 1))
    return _page(request, "portal/plans.html", agency, f"年度抽查计划 · {agency.name}",
                 f"{agency.name}“双随机、一公开”年度抽查计划（抽查主体、依据、对象、内容、比例、方式、频次）及对同一企业的年度检查次数上限。",
                 {"plans": _plan_rows(agency), "cap": _cap(agency, today),
                  "due_rule": ({"text": "每年{}月{}日前".format(*(int(x) for x in str(due_entry.value).split("-"))),
                                "citation": profile.cite(due_entry)} if due_entry.value else None)})


def _report(agency, year):
    from sanxiang.annual.public import published_year

    report = published_year(agency, year)
    if report is None:
        raise Http404("该年度的统计年报尚未公开。")
    return report


def annual_list(request, agency):
    from sanxiang.annual.public import published

    agency = _agency(agency)
    return _page(request, "portal/annual_list.html", agency, f"行政执法统计年报 · {agency.name}",
                 f"{agency.name}历年公开的行政执法统计年报。", {"reports": list(published(agency))})


def annual_year(request, agency, year):
    from sanxiang.annual.figures import COLUMNS, dates, table
    from sanxiang.annual.public import charts

    agency = _agency(agency)
    report = _report(agency, year)
    figures = report.figures  # fixed at approval: the published numbers, never today's
    return _page(request, "portal/annual.html", agency, f"{year}年度行政执法统计年报 · {agency.name}",
                 f"{agency.name}{year}年度行政执法统计年报：各类执法行为件数、罚没金额、法制审核、听证、复议和诉讼。",
                 {"report": report, "totals": figures.get("totals", {}),
                  "rows": [{**r, "pairs": list(zip((label for _, label in COLUMNS), r["cells"], strict=True))}
                           for r in table(figures)],
                  "columns": [label for _, label in COLUMNS], "charts": charts(figures),
                  "dates": dates(agency, year), "recorded": list(report.recorded.all()),
                  "no_penalty": figures.get("no_penalty", 0)})


def annual_xlsx(request, agency, year):
    from sanxiang.annual.public import report_name
    from sanxiang.annual.xlsx import XLSX_TYPE, workbook
    from sanxiang.core.public import download_disposition

    agency = _agency(agency)
    report = _report(agency, year)
    response = HttpResponse(workbook(report, report.figures, list(report.recorded.all())), content_type=XLSX_TYPE)
    response["Content-Disposition"] = download_disposition(f"annual-{agency.code}-{year}.xlsx",
                                                           report_name(report, "xlsx"))
    response["Cache-Control"] = "public, max-age=60"
    return response


def annual_pdf(request, agency, year):
    from sanxiang.annual.public import pdf_response

    agency = _agency(agency)
    response = pdf_response(_report(agency, year), f"annual-{agency.code}-{year}.pdf")
    response["Cache-Control"] = "public, max-age=60"
    return response
