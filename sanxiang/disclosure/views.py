"""事前公开 editing pages for the legal office (法制审核人员), the 公示编辑 and the leaders: each section's
current content and history, an item added, changed or removed — every save a new version with its
reason (the actions check the rights and the shape; these pages only ask)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from sanxiang.access.policy import can, restrict
from sanxiang.core.errors import SanxiangError

from . import queries
from .actions import (
    TRIGGER_CAUSES,
    do_attach_guide_file,
    do_detach_guide_file,
    do_publish_disclosure,
    do_record_disclosure_trigger,
    do_remove_disclosure_item,
    do_save_disclosure_item,
    update_period,
)
from .files import ALLOWED_TEXT, UNCHECKED_TEXT, max_bytes, size_label
from .models import ChangeCause, Section
from .schema import DUTY, DUTY_STATES, FILE_ROLES, MATERIALS, TEXT, UNITS, carry_files, fields_of, is_list, shown

READ = "read_disclosure"


def _agencies(user):
    from sanxiang.orgs.models import Agency, AgencyKind

    return list(restrict(Agency.objects.filter(kind=AgencyKind.ENFORCEMENT), user, READ).order_by("code"))


def _agency(user, code):
    from sanxiang.orgs.models import Agency

    agency = Agency.objects.filter(code=code).first()
    if agency is None or not can(user, READ, agency):
        raise Http404("没有这个执法主体，或您无权查看其事前公开信息。")
    return agency


def _section(section):
    try:
        return Section(section)
    except ValueError:
        raise Http404("未知的栏目。") from None


class ChangeForm(forms.Form):
    cause = forms.ChoiceField(label="调整原因类别", choices=ChangeCause.choices, initial=ChangeCause.ROUTINE)
    reason = forms.CharField(label="调整原因", max_length=300,
                             help_text="公开在门户的调整记录中，例如“依据新修订的……调整”")
    trigger = forms.ChoiceField(label="所答复的调整事由", required=False,
                                help_text="因登记的法律变化或职能变化而调整的，选择该事由：其调整期限随之履行")

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        open_ = list(queries.open_triggers(agency)) if agency is not None else []
        if open_:
            self.fields["trigger"].choices = [("", "—")] + [
                (str(t.pk), f"{t.get_cause_display()}：{t.description}（{t.occurred_on:%Y-%m-%d}）") for t in open_]
        else:
            del self.fields["trigger"]

    def trigger_value(self):
        value = self.cleaned_data.get("trigger")
        return int(value) if value else None


class TriggerForm(forms.Form):
    cause = forms.ChoiceField(label="变化类别", choices=[(c.value, c.label) for c in TRIGGER_CAUSES])
    description = forms.CharField(label="变化内容", max_length=300, help_text="例如“《某法》修订，自 2026-01-01 起施行”")
    occurred_on = forms.DateField(label="生效、废止或职能调整日期", widget=forms.DateInput(attrs={"type": "date"}))


def _lines(value, keys):
    return "\n".join("｜".join(row.get(k, "") for k in keys) for row in value or [])


def item_form(section, data=None, initial=None, agency=None):
    """A form with the section's fields, plus the change's cause and reason (and the 调整事由 answered)."""
    form = ChangeForm(data, agency=agency)
    fields = {}
    for f in fields_of(section):
        if f.kind == DUTY:
            field = forms.ChoiceField(label=f.label, choices=list(DUTY_STATES.items()))
        elif f.kind in (TEXT, MATERIALS, UNITS):
            field = forms.CharField(label=f.label, widget=forms.Textarea(attrs={"rows": 4}), required=f.required,
                                    help_text=f.help, strip=True)
        else:
            field = forms.CharField(label=f.label, required=f.required, max_length=200, help_text=f.help)
        fields[f.name] = field
    form.fields = {**fields, **form.fields}
    if initial:
        values = {}
        for f in fields_of(section):
            value = initial.get(f.name)
            if f.kind == MATERIALS:
                value = _lines(value, ("name", "sample", "common_errors"))
            elif f.kind == UNITS:
                value = _lines(value, ("name", "duties"))
            values[f.name] = value
        form.initial = values
    return form


@login_required
def index(request):
    agencies = _agencies(request.user)
    if len(agencies) == 1:
        return redirect("disclosure:agency", agencies[0].code)
    return render(request, "disclosure/index.html", {"agencies": agencies})


@login_required
def agency_page(request, code):
    agency = _agency(request.user, code)
    current = queries.public_all_current(agency)
    sections = [{"section": s, "label": s.label, "row": current.get(s.value)} for s in Section]
    can_manage = can(request.user, "manage_disclosure", agency)
    return render(request, "disclosure/agency.html", {
        "agency": agency, "sections": sections, "can_manage": can_manage,
        "portal": reverse("portal:home", args=[agency.code]), "triggers": queries.triggers(request.user, agency),
        "trigger_form": TriggerForm() if can_manage else None,
        "period": update_period(agency, None)})


@login_required
def record_trigger(request, code):
    """登记调整事由 (a law or function change): opens the update deadline where the profile sets one."""
    agency = _agency(request.user, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            row = do_record_disclosure_trigger(agency, actor=request.user, **form.cleaned_data)
        except SanxiangError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记调整事由“{row.description}”。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("disclosure:agency", agency.code)


@login_required
def section_page(request, code, section):
    agency = _agency(request.user, code)
    section = _section(section)
    row = queries.public_current(agency, section)
    items = []
    if row is not None and is_list(section):
        items = [{"code": i["code"], "rows": shown(section, i)} for i in row.content["items"]]
    return render(request, "disclosure/section.html", {
        "agency": agency, "section": section, "row": row, "items": items,
        "record": shown(section, row.content) if row is not None and not is_list(section) else None,
        "versions": queries.versions(request.user, agency, section),
        "can_manage": can(request.user, "manage_disclosure", agency), "remove_form": ChangeForm(agency=agency)})


@login_required
def edit(request, code, section, item=None):
    """增改一项 (a list section) or the agency record (机构职能): saved as a new version."""
    agency = _agency(request.user, code)
    section = _section(section)
    if not can(request.user, "manage_disclosure", agency):
        raise Http404("您无权调整该机关的事前公开信息。")
    row = queries.public_current(agency, section)
    if is_list(section):
        current = queries.public_item(agency, section, item) if item else None
        if item and current is None:
            raise Http404("清单中没有该事项。")
    else:
        current = row.content if row else None
    status = 200
    if request.method == "POST":
        form = item_form(section, request.POST, agency=agency)
        if form.is_valid():
            data = {f.name: form.cleaned_data[f.name] for f in fields_of(section)}
            if section == Section.GUIDES and current:  # the words edited, the files kept
                data["materials"] = carry_files(data["materials"], current.get("materials"))
            try:
                if is_list(section):
                    saved = do_save_disclosure_item(agency, section, data, code=item, reason=form.cleaned_data["reason"],
                                                    cause=form.cleaned_data["cause"], actor=request.user,
                                                    trigger=form.trigger_value())
                else:
                    saved = do_publish_disclosure(agency, section, data, reason=form.cleaned_data["reason"],
                                                  cause=form.cleaned_data["cause"], actor=request.user,
                                                  change={"kind": "edit"}, trigger=form.trigger_value())
            except SanxiangError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"已发布{section.label}第{saved.version}版。")
                return redirect("disclosure:section", agency.code, section.value)
        status = 400
    else:
        form = item_form(section, initial=current, agency=agency)
    return render(request, "disclosure/edit.html", {"agency": agency, "section": section, "form": form,
                                                    "item": item, "current": current, **_files_context(
                                                        agency, section, item, current)}, status=status)


class GuideFileForm(forms.Form):
    material = forms.ChoiceField(label="申请材料")
    role = forms.ChoiceField(label="作为", choices=list(FILE_ROLES.items()))
    file = forms.FileField(label="文件", help_text="")

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(str(i), m["name"]) for i, m in enumerate(materials, 1)]
        self.fields["file"].help_text = (f"{ALLOWED_TEXT}，最大 {size_label(max_bytes())}；按文件内容识别。Word 文档和"
                                         f"PDF 的文字及文件名中不能有身份证号、银行卡号或公示查询码；{UNCHECKED_TEXT}。")


def _files_context(agency, section, item, current, form=None):
    """The 示范文本 / 常见错误示例 files of a 服务指南's materials, on the item's editing page."""
    if section != Section.GUIDES or not item or not current:
        return {}
    rows = shown(section, {"materials": current.get("materials") or []})
    materials = [{"name": m["name"], "files": [{"key": k, "label": label, "file": m[k]}
                                               for k, label in FILE_ROLES.items() if m.get(k)]}
                 for m in (rows[0]["value"] if rows else [])]
    return {"materials": materials,
            "file_form": form or GuideFileForm(materials=current.get("materials") or []),
            "change_form": ChangeForm(agency=agency)}


def _guide_file_change(request, code):
    """The agency whose 服务指南 file changes, for a POST by who may manage its 事前公开 (else 405 / 404)."""
    agency = _agency(request.user, code)
    if request.method != "POST":
        return agency, HttpResponseNotAllowed(["POST"])
    if not can(request.user, "manage_disclosure", agency):
        raise Http404("您无权调整该机关的事前公开信息。")
    return agency, None


@login_required
def attach_file(request, code, item):
    """为申请材料上传示范文本或常见错误示例 (multipart form): the 服务指南 published again with the file."""
    agency, refused = _guide_file_change(request, code)
    if refused:
        return refused
    current = queries.public_item(agency, Section.GUIDES, item)
    if current is None:
        raise Http404("服务指南中没有该事项。")
    form = GuideFileForm(request.POST, request.FILES, materials=current.get("materials") or [])
    change = ChangeForm(request.POST, agency=agency)
    if form.is_valid() and change.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > max_bytes():
            form.add_error("file", f"文件过大：最大 {size_label(max_bytes())}。")
        else:
            try:
                saved = do_attach_guide_file(
                    agency, item, form.cleaned_data["material"], form.cleaned_data["role"], upload.read(),
                    upload.name, reason=change.cleaned_data["reason"], cause=change.cleaned_data["cause"],
                    trigger=change.trigger_value(), actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"已上传{FILE_ROLES[form.cleaned_data['role']]}文件，"
                                          f"发布{Section.GUIDES.label}第{saved.version}版。")
                return redirect("disclosure:edit", agency.code, Section.GUIDES.value, item)
    for errors in change.errors.values():
        for e in errors:
            form.add_error(None, f"调整原因：{e}")
    edit_form = item_form(Section.GUIDES, initial=current, agency=agency)
    return render(request, "disclosure/edit.html", {
        "agency": agency, "section": Section.GUIDES, "form": edit_form, "item": item, "current": current,
        **_files_context(agency, Section.GUIDES, item, current, form)}, status=400)


@login_required
def detach_file(request, code, item):
    agency, refused = _guide_file_change(request, code)
    if refused:
        return refused
    change = ChangeForm(request.POST, agency=agency)
    if not change.is_valid():
        messages.error(request, "删除文件须写明调整原因。")
        return redirect("disclosure:edit", agency.code, Section.GUIDES.value, item)
    try:
        saved = do_detach_guide_file(agency, item, request.POST.get("material"), request.POST.get("role"),
                                     reason=change.cleaned_data["reason"], cause=change.cleaned_data["cause"],
                                     trigger=change.trigger_value(), actor=request.user)
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除文件，发布{Section.GUIDES.label}第{saved.version}版。")
    return redirect("disclosure:edit", agency.code, Section.GUIDES.value, item)


@login_required
def remove(request, code, section, item):
    agency = _agency(request.user, code)
    section = _section(section)
    if request.method != "POST":  # after the agency: another agency's staff learn nothing (404)
        return HttpResponseNotAllowed(["POST"])
    form = ChangeForm(request.POST, agency=agency)
    if not form.is_valid():
        messages.error(request, "删除须写明调整原因。")
        return redirect("disclosure:section", agency.code, section.value)
    try:
        saved = do_remove_disclosure_item(agency, section, item, reason=form.cleaned_data["reason"],
                                          cause=form.cleaned_data["cause"], actor=request.user,
                                          trigger=form.trigger_value())
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{item}”，发布{section.label}第{saved.version}版。")
    return redirect("disclosure:section", agency.code, section.value)
