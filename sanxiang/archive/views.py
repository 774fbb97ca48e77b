"""The 案卷 section of the case page (catalogue, the four checks, the archive button) and the
archivist's page (待归档, 已归档, 移交清单)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can, current_roles
from sanxiang.cases import pages as case_pages
from sanxiang.core.errors import NotFound, SanxiangError
from sanxiang.orgs.models import Agency, Role

from . import actions, casefile, exports, queries


class ArchiveNotFound(NotFound, Http404):
    code = "archived_file_not_found"
    default_message = "未找到该归档案卷，或您无权查看。"


def _case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk]) + "#case-file"


def section(request, case) -> dict | None:
    """What the case page's 案卷 section shows: nothing before the case has ended."""
    view = queries.case_file_view(request.user, case)
    if not view.ended and view.archived is None:  # only a stored file found changed (s19, issue 8)
        return {"view": view, "flag_only": True} if view.modified_files else None
    volumes = [(casefile.VOLUME_LABELS[v], [i for i in view.catalogue if i["volume"] == v])
               for v in (casefile.MAIN, casefile.SECONDARY)]
    return {"view": view, "volumes": [(label, items) for label, items in volumes if items],
            "may_export": view.archived is not None and can(request.user, "export_archive", case),
            "exports": exports.exports_of(request.user, case) if view.archived is not None else []}


@login_required
def request_export(request, pk):
    """申请导出归档信息包: the job runner builds it; the 案卷 section shows it ready to download."""
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(_case_url(case))
    try:
        row = exports.do_request_export(case, actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能申请导出：{exc.message}")
    else:
        if getattr(row, "reused", False):
            messages.success(request, "案卷自上次导出后没有变化，已生成的归档信息包可以直接下载。")
        else:
            messages.success(request, "已申请导出归档信息包，正在后台生成；生成后可在本页下载。")
    return redirect(_case_url(case))


@login_required
def resolve_modified_files(request, pk):
    """登记存储文件不符已查明处理 (who, when, why — ledgered); the flag then leaves the case page."""
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(_case_url(case))
    try:
        actions.do_resolve_modified_files(case, reason=request.POST.get("reason", ""), actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能登记：{exc.message}")
    else:
        messages.success(request, "已登记存储文件不符已查明处理。")
    return redirect(_case_url(case))


class ExportNotFound(NotFound, Http404):
    code = "export_not_found"
    default_message = "未找到该归档信息包，或您无权查看。"


@login_required
def download_export(request, pk):
    row = exports.export_for(request.user, pk)
    if row is None:
        raise ExportNotFound()
    try:
        return exports.stream(request, row)
    except SanxiangError as exc:
        messages.error(request, exc.message)
        return redirect(_case_url(row.case))


@login_required
def check(request, pk):
    """四性检测 of the case's file, run on request (re-hashes every file), with the archive button."""
    case = case_pages.case_for(request.user, pk)
    view = queries.case_file_view(request.user, case)
    result = view.archived.checks if view.archived else actions.check_case_file(case)
    latest = actions.latest_recheck(view.archived) if view.archived else None
    return render(request, "archive/check.html", {
        "case": case, "view": view, "result": result, "latest": latest,
        "may_recheck": view.archived is not None and can(request.user, "recheck", view.archived)})


@login_required
def recheck(request, pk):
    """重新检测 an archived file: the result is recorded and shown beside the archiving one."""
    archived = queries.archived_for(request.user, pk)
    if archived is None:
        raise ArchiveNotFound()
    if request.method == "POST":
        try:
            result = actions.do_recheck_archived_file(archived, actor=request.user)
        except SanxiangError as exc:
            messages.error(request, f"未能重新检测：{exc.message}")
        else:
            if result["ok"]:
                messages.success(request, "已重新检测：全部通过。")
            else:
                messages.error(request, f"已重新检测：未通过 {len(result['failed'])} 项，见下方。")
    return redirect(reverse("archive:check", args=[archived.case_id]))


@login_required
def archive(request, pk):
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(_case_url(case))
    try:
        archived = actions.do_archive_case(case, actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能归档：{exc.message}")
        return redirect(reverse("archive:check", args=[case.pk]))
    messages.success(request, f"已归档，档号 {archived.archive_number}。")
    return redirect(_case_url(case))


@login_required
def prepare_forms(request, pk):
    """立卷: the 卷宗封面, 卷内文件目录 and 卷内备考表 of the 正卷, generated from the file as it stands."""
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(_case_url(case))
    try:
        made = actions.do_prepare_file_forms(case, actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能生成卷宗文书：{exc.message}")
    else:
        names = "、".join(f"{d.fields['context']['volume']}{d.get_kind_display()}{'（更正）' if d.replaces_id else ''}"
                         for d in made)
        messages.success(request, f"已生成{names}，PDF 正在后台生成。")
    return redirect(_case_url(case))


class HoldForm(forms.Form):
    reason = forms.CharField(label="理由", required=False)  # checked by do_set_legal_hold (refused, not cut)


@login_required
def hold(request, pk):
    archived = queries.archived_for(request.user, pk)
    if archived is None:
        raise ArchiveNotFound()
    if request.method == "POST":
        form = HoldForm(request.POST)
        form.is_valid()
        try:
            actions.do_set_legal_hold(archived, hold=not archived.legal_hold,
                                      reason=form.cleaned_data.get("reason", ""), actor=request.user)
        except SanxiangError as exc:
            messages.error(request, f"未能设置保全：{exc.message}")
        else:
            messages.success(request, "已解除保全。" if archived.legal_hold else "已设置保全。")
    return redirect(_case_url(archived.case))


def archivist_agencies(user) -> list[Agency]:
    """The agencies where the user keeps the records or leads (the 档案管理 page's agencies)."""
    codes = current_roles(user).filter(role__in=[Role.RECORDS_KEEPER, Role.AGENCY_LEADER, Role.UNIT_HEAD]) \
        .values_list("agency_id", flat=True)
    return list(Agency.objects.filter(pk__in=codes).order_by("name"))


class TransferForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000)
    received_by = forms.CharField(label="档案部门接收人", max_length=100)


@login_required
def index(request):
    agencies = archivist_agencies(request.user)
    if not agencies:
        raise ArchiveNotFound("您没有档案管理的权限。")
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), agencies[0])
    form = TransferForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            transfer = actions.do_make_transfer_list(agency, year=form.cleaned_data["year"],
                                                     received_by=form.cleaned_data["received_by"], actor=request.user)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, f"已制作{transfer}，共 {len(transfer.items)} 卷。")
            return redirect(f"{reverse('archive:index')}?agency={agency.code}")
    elif request.method == "POST":
        status = 400
    lists = queries.archivist_lists(request.user, agency)
    return render(request, "archive/index.html", {
        "agency": agency, "agencies": agencies, "lists": lists, "form": form,
        "may_transfer": lists.transfer_month is not None and can(request.user, "transfer_case_files", agency)},
        status=status)
