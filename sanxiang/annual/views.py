"""年报 pages (Chinese): the list, one report with its dates, submissions, figures (a table beside
each chart, so the page reads without JavaScript), the acts of who may act, and the xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.access.policy import can
from sanxiang.core.errors import SanxiangError
from sanxiang.core.public import download_disposition
from sanxiang.orgs.models import Agency
from sanxiang.workflow import available

from . import actions as AA
from . import queries
from .figures import COLUMNS, dates, report_figures, table, undelivered
from .public import report_name
from .workflows import REPORT, SUBMISSION
from .xlsx import XLSX_TYPE, workbook


@login_required
def index(request):
    if not queries.sees_annual(request.user):
        raise PermissionDenied("年度执法统计年报供单位领导、法制机构、科室负责人和执法监督人员查看。")
    reports = list(queries.reports(request.user).prefetch_related("deliveries"))
    for r in reports:
        r.undelivered = undelivered(r)  # published, not yet reported to each recipient (decision 0098)
    return render(request, "annual/index.html", {"reports": reports,
                                                 "agencies": queries.may_open(request.user),
                                                 "last_year": timezone.localdate().year - 1})


@login_required
@require_POST
def open_report(request):
    agency = Agency.objects.filter(pk=request.POST.get("agency") or 0).first()
    if agency is None:
        raise Http404("没有这个执法主体。")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "统计年度应为整数年份。")
        return redirect("annual:index")
    try:
        report = AA.do_open_annual_report(agency, year, actor=request.user)
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect("annual:index")
    messages.success(request, f"已开始汇总{year}年度行政执法统计年报。")
    return redirect("annual:report", pk=report.pk)


def chart_data(figures: dict) -> dict:
    """What the charts draw: counts per kind and amounts per kind (kinds without power left out)."""
    rows = [r for r in table(figures) if not r["no_duty"]]
    return {"kinds": [r["label"] for r in rows], "counts": [r["cells"][0] for r in rows],
            "fines": [float(str(figures["rows"][r["kind"]]["fine"])) for r in rows],
            "confiscations": [float(str(figures["rows"][r["kind"]]["confiscation"])) for r in rows]}


@login_required
def report_page(request, pk):
    report = queries.report_for(request.user, pk)
    figures = report_figures(report)
    subs = list(queries.submissions(request.user, report))
    sub_options = {s.pk: available(s, request.user, table=SUBMISSION) for s in subs}
    return render(request, "annual/report.html", {
        "report": report, "dates": dates(report.agency, report.year), "figures": figures,
        "rows": table(figures), "columns": [label for _, label in COLUMNS], "chart": chart_data(figures),
        "submissions": [(s, sub_options[s.pk]) for s in subs], "report_options": available(report, request.user,
                                                                                            table=REPORT),
        "recorded": list(report.recorded.all()), "items": AA.recordable_items(report),
        "deliveries": list(report.deliveries.all()), "undelivered": undelivered(report),
        "may_compile": can(request.user, "compile_annual_report", report.agency)})


@login_required
def act(request, pk, act):
    report = queries.report_for(request.user, pk)  # outsiders learn nothing (404), whatever the method
    if request.method != "POST":
        return redirect("annual:report", pk=report.pk)
    post, user, on = request.POST, request.user, request.POST.get("on") or None
    try:
        if act in ("submit", "return"):
            sub = queries.submissions(user, report).filter(pk=post.get("submission") or 0).first()
            if sub is None:
                raise Http404("没有这项报送。")
            if act == "submit":
                AA.do_submit_unit_figures(sub, actor=user, on=on)
                done = f"{sub.unit.name}已报送年度执法数据。"
            else:
                AA.do_return_unit_figures(sub, reason=post.get("reason", ""), actor=user, on=on)
                done = f"已退回{sub.unit.name}的年度执法数据。"
        elif act == "record":
            AA.do_record_figure(report, item=post.get("item", ""), count=post.get("count", ""),
                                source=post.get("source", ""), actor=user, on=on)
            done = "已录入。"
        elif act == "approve":
            AA.do_approve_annual_report(report, actor=user, on=on)
            done = "年报已审核通过，数字已固定。"
        elif act == "publish":
            AA.do_publish_annual_report(report, actor=user, on=on)
            done = "年报已公开。"
        elif act == "deliver":
            AA.do_deliver_annual_report(report, recipient=post.get("recipient", ""), actor=user, on=on)
            done = "已记录报送。"
        else:
            raise Http404("没有这项操作。")
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect("annual:report", pk=report.pk)
    messages.success(request, done)
    return redirect("annual:report", pk=report.pk)


@login_required
def report_xlsx(request, pk):
    report = queries.report_for(request.user, pk)
    data = workbook(report, report_figures(report), list(report.recorded.all()))
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = download_disposition(f"annual-{report.agency.code}-{report.year}.xlsx",
                                                           report_name(report, "xlsx"))
    return response


@login_required
def report_pdf(request, pk):
    """The PDF the job runner rendered at publication (404 until then)."""
    from .public import pdf_response

    report = queries.report_for(request.user, pk)
    return pdf_response(report, f"annual-{report.agency.code}-{report.year}.pdf")
