"""The case page's 证据与音像记录 section and its acts, and the page 我的音像记录 (recordings made before
their case exists, waiting to be linked)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can, restrict
from sanxiang.cases import pages as case_pages
from sanxiang.core.errors import NotFound, SanxiangError
from sanxiang.deadlines.queries import profile_key_of, profile_value
from sanxiang.orgs.marks import Confidentiality

from . import catalogue, naming, queries, upload_pages
from . import evidence as E
from .models import EvidenceKind, Upload


class RecordNotFound(NotFound, Http404):
    code = "record_not_found"
    default_message = "未找到该记录，或您无权查看。"


DATETIME = {"type": "datetime-local"}
DATE = {"type": "date"}


def upload_label(upload: Upload) -> str:
    size = f"{upload.length / 1024:.0f} KB" if upload.length < 1 << 20 else f"{upload.length / (1 << 20):.1f} MB"
    return f"{upload.filename or '未命名文件'}（{timezone.localtime(upload.completed_at):%Y-%m-%d %H:%M} 上传，{size}）"


def _uploads(user, agency, *, optional: str = "") -> list[tuple[str, str]]:
    choices = [(str(u.pk), upload_label(u)) for u in queries.usable_uploads(user, agency)[:50]]
    return ([("", optional)] if optional else []) + choices


class EvidenceForm(forms.Form):
    upload = forms.ChoiceField(label="文件（本人已上传完成的）")
    kind = forms.ChoiceField(label="证据种类", choices=EvidenceKind.choices)
    supplement_reason = forms.CharField(label="归档后补充原因（仅已归档的案件填写）", max_length=300, required=False)
    title = forms.CharField(label="证据名称", max_length=200)
    content = forms.CharField(label="内容说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    occurred_at = forms.CharField(label="形成或拍摄时间", required=False, widget=forms.DateTimeInput(attrs=DATETIME))
    place = forms.CharField(label="地点", required=False)
    officers = forms.CharField(label="执法人员", required=False)
    recorder = forms.CharField(label="记录人", required=False)
    purpose = forms.CharField(label="证明对象", required=False)
    source = forms.CharField(label="证据来源", help_text="例如：当事人提供、现场拍摄、执法人员提取")
    collected_on = forms.CharField(label="收集日期", widget=forms.DateInput(attrs=DATE))
    collected_by = forms.CharField(label="收集人")
    transcript = forms.CharField(label="文字记录", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="录音整理成文、照片的文字说明")
    confidentiality = forms.ChoiceField(label="保密标识", choices=Confidentiality.choices)
    extraction_method = forms.CharField(label="提取方法（电子数据）", required=False)
    extraction_medium = forms.CharField(label="原始存储介质或设备（电子数据）", required=False)
    extraction_extracted_at = forms.CharField(label="提取时间（电子数据）", required=False,
                                              widget=forms.DateTimeInput(attrs=DATETIME))
    extraction_digest = forms.CharField(label="提取时计算的 SHA-256 或 SM3（电子数据）", required=False)
    extraction_officers = forms.CharField(label="提取人员（电子数据）", required=False)


def evidence_form(user, case, data=None, *, correction=None, uploads=None, withheld=False):
    """The form to register (or, with `correction`, correct) an item; `uploads`: the choices, read once
    for a whole page. `withheld`: the item's text is read only with a purpose and 查阅留痕
    (retrieval/content.py), so the correction form does not carry it pre-filled."""
    form = EvidenceForm(data, prefix=f"correct-{correction.pk}" if correction else "evidence",
                        initial={"confidentiality": case.confidentiality, "collected_on": timezone.localdate()})
    if uploads is None:
        uploads = _uploads(user, case.agency)
    if correction is not None:
        form.fields["upload"].choices = [("", "沿用原文件")] + uploads
        form.fields["upload"].required = False
        form.fields["upload"].label = "更正后的文件"
        form.fields["correction_reason"] = forms.CharField(label="更正原因（必填）", max_length=300,
                                                           widget=forms.Textarea(attrs={"rows": 2}),
                                                           help_text="哪里有误、如何更正")
        from sanxiang.retrieval.content import EVIDENCE_FIELDS

        for name in ("kind", "title", "content", "place", "officers", "recorder", "purpose", "source",
                     "collected_by", "transcript", "confidentiality"):
            if not (withheld and name in EVIDENCE_FIELDS):
                form.initial[name] = getattr(correction, name)
        if withheld:
            form.fields["transcript"].help_text = "涉密内容未预填：请先在“案件记录”中留痕查看内容，再填写更正后的内容"
        form.initial["collected_on"] = correction.collected_on
    else:
        form.fields["upload"].choices = uploads
    return form


def _evidence_fields(form) -> dict:
    data = form.cleaned_data
    fields = {k: data.get(k) for k in ("kind", "title", "content", "occurred_at", "place", "officers", "recorder",
                                       "purpose", "source", "collected_on", "collected_by", "transcript",
                                       "confidentiality")}
    if data.get("supplement_reason"):
        fields["supplement_reason"] = data["supplement_reason"]
    if "correction_reason" in data:
        fields["correction_reason"] = data["correction_reason"]
    if data.get("kind") == EvidenceKind.ELECTRONIC:
        fields["extraction"] = {k: data.get(f"extraction_{k}") for k in ("method", "medium", "extracted_at",
                                                                          "digest", "officers")}
    return fields


class RecordingForm(forms.Form):
    upload = forms.ChoiceField(label="文件（本人已上传完成的）", required=False)
    act = forms.ChoiceField(label="记录的执法活动", required=False)
    title = forms.CharField(label="名称", max_length=200)
    content = forms.CharField(label="记录内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    party = forms.CharField(label="当事人", required=False)
    officers = forms.CharField(label="执法人员（承办人）")
    recorder = forms.CharField(label="记录人")
    started_at = forms.CharField(label="开始时间", widget=forms.DateTimeInput(attrs=DATETIME))
    ended_at = forms.CharField(label="结束时间", widget=forms.DateTimeInput(attrs=DATETIME))
    place = forms.CharField(label="地点")
    device = forms.CharField(label="记录设备", help_text="例如：执法记录仪 DSJ-01")
    purpose = forms.CharField(label="证明对象", required=False)
    opening_statement = forms.CharField(label="开始时的语音说明", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    party_informed = forms.BooleanField(label="已告知当事人正在音像记录", required=False)
    interruptions = forms.CharField(label="中断情况及理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    remote_work = forms.BooleanField(label="异地执法或连续工作", required=False)
    returned_at = forms.CharField(label="返回单位时间", required=False, widget=forms.DateTimeInput(attrs=DATETIME),
                                  help_text="异地执法、连续工作的，存储时限按本机关规定自返回起算")
    return_reason = forms.CharField(label="返回单位较晚的理由", required=False, max_length=500,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="记录结束后超过本机关规定的期限（平台默认 7 日）才返回单位的，须说明理由")
    transcript = forms.CharField(label="文字记录", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confidentiality = forms.ChoiceField(label="保密标识", choices=Confidentiality.choices)
    late_reason = forms.CharField(label="逾期存储的理由", required=False, max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="选择的文件超过存储时限才上传完成的，须说明逾期的理由")


def recording_form(user, agency, data=None, *, case=None):
    form = RecordingForm(data, prefix="recording",
                         initial={"confidentiality": case.confidentiality if case else Confidentiality.INTERNAL})
    form.fields["upload"].choices = _uploads(user, agency, optional="稍后存储（存储时限自记录结束起算）")
    form.fields["act"].choices = [("", "（未列入清单的活动）")] + catalogue.act_choices(agency)
    wanted = profile_value(profile_key_of(agency), "records.av_metadata_fields", timezone.localdate()) or []
    form.fields["title"].help_text = f"本机关要求标明：{'、'.join(wanted)}" if wanted else ""
    return form


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(forms.Form):
    # The 移交人 is the one who records it (decision 0085): the page has no field for another name.
    received_by = forms.CharField(label="接收人", max_length=100,
                                  help_text="本机关档案管理人员或承办本案的执法人员的姓名；移交人为您本人（原件现由您持有）")
    handed_at = forms.CharField(label="移交时间", widget=forms.DateTimeInput(attrs=DATETIME))
    medium = forms.CharField(label="载体", help_text="例如：执法记录仪存储卡、光盘")
    place = forms.CharField(label="地点")
    note = forms.CharField(label="备注", required=False)


class ChoiceOnly(forms.Form):
    choice = forms.ChoiceField(label="")


def choice_form(label, choices, data=None, prefix=None):
    form = ChoiceOnly(data, prefix=prefix)
    form.fields["choice"].label, form.fields["choice"].choices = label, choices
    return form


def section(request, case) -> dict:
    """What the case page's 证据与音像记录 section shows to this user."""
    user = request.user
    items = list(queries.evidence_of(user, case))
    recordings = list(queries.recordings_of(user, case))
    may_record = can(user, "record_evidence", case)
    may_approve = can(user, "approve_recording_exception", case)
    missing = catalogue.missing_recordings(case)
    print_and_sign = bool(profile_value(profile_key_of(case.agency), "records.av_print_and_sign", timezone.localdate()))
    uploads = _uploads(user, case.agency) if may_record else []
    from sanxiang.retrieval.content import withholder

    withheld = withholder(user, case)  # the text of a guarded record: read with purpose and 查阅留痕 only
    reasons = queries.supplement_reasons(items)
    rows = [{"item": i, "withheld": withheld(i), "corrected": bool(i.corrections.all()),
             "file_caption": naming.file_caption(i), "supplement_reason": reasons.get(i.pk, ""),
             "correction_form": evidence_form(user, case, correction=i, uploads=uploads, withheld=withheld(i))
             if may_record and not i.corrections.all() else None,
             "needs_confirmation": print_and_sign and not i.party_confirmed_on and not i.corrections.all()
             and (i.transcript or i.upload.media_type.startswith("image/"))} for i in items]
    duties = E.upload_obligations(recordings)
    acts = catalogue.occurrences(case) if any(r.act for r in recordings) else []
    rec_rows = [{"rec": r, "withheld": withheld(r), "missing_metadata": E.missing_metadata(r),
                 "obligation": duties.get(r.pk),
                 "act_label": catalogue.ACTS.get(r.act, ""), "uncovered": catalogue.uncovered_act(r, acts),
                 # 株洲: the transcript of a recording is confirmed by the party too (the confirm page, the API)
                 "needs_confirmation": print_and_sign and not r.party_confirmed_on and bool(r.transcript)}
                for r in recordings]
    unattached = []
    if may_record:
        unattached = [(str(r.pk), f"{r.title}（{timezone.localtime(r.started_at):%Y-%m-%d %H:%M}，{r.place}）")
                      for r in queries.unattached_recordings(user).filter(agency=case.agency)]
    return {
        "items": rows, "recordings": rec_rows, "missing": missing, "may_record": may_record,
        "may_approve": may_approve, "print_and_sign": print_and_sign,
        "evidence_form": evidence_form(user, case, uploads=uploads) if may_record else None,
        "recording_form": recording_form(user, case.agency, case=case) if may_record else None,
        "link_form": choice_form("待关联的音像记录", unattached, prefix="link") if unattached else None,
        "reason_form": ReasonForm(),
        "has_uploads": bool(uploads),
        "upload_widget": upload_pages.widget_context(agency=case.agency.code) if may_record else None,
    }


def _back(case) -> str:
    return f"{reverse('cases:detail', args=[case.pk])}#case-evidence"


def _refused(request, what: str, exc: SanxiangError):
    messages.error(request, f"未能{what}：{exc.message}")


def _upload_of(user, value):
    if not value:
        return None
    found = queries.upload_for(user, value)
    if found is None:
        raise RecordNotFound("未找到该上传，或您无权查看。")
    return found


def _form_errors(form) -> str:
    from sanxiang.core.errors import join_reasons

    return join_reasons(f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
                        for f, errs in form.errors.items() for e in errs)


@login_required
def register_evidence(request, pk):
    case = case_pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect(_back(case))
    form = evidence_form(request.user, case, request.POST)
    if not form.is_valid():
        messages.error(request, f"未能登记证据：{_form_errors(form)}")
        return redirect(_back(case))
    try:
        item = E.do_register_evidence(case, _upload_of(request.user, form.cleaned_data["upload"]), actor=request.user,
                                      **_evidence_fields(form))
    except SanxiangError as exc:
        _refused(request, "登记证据", exc)
    else:
        messages.success(request, f"已登记{item}。")
    return redirect(_back(case))


@login_required
def correct_evidence(request, pk):
    item = queries.evidence_for(request.user, pk)
    if item is None:
        raise RecordNotFound("未找到该证据，或您无权查看。")
    if request.method != "POST":
        return redirect(_back(item.case))
    form = evidence_form(request.user, item.case, request.POST, correction=item)
    if not form.is_valid():
        messages.error(request, f"未能更正证据：{_form_errors(form)}")
        return redirect(_back(item.case))
    try:
        new = E.do_correct_evidence(item, _upload_of(request.user, form.cleaned_data["upload"]), actor=request.user,
                                    **_evidence_fields(form))
    except SanxiangError as exc:
        _refused(request, "更正证据", exc)
    else:
        messages.success(request, f"已登记更正后的{new}，原证据保留并标为已更正。")
    return redirect(_back(item.case))


def _confirmable(request, kind, pk):
    record = (queries.evidence_for if kind == "evidence" else queries.recording_for)(request.user, pk)
    if record is None or record.case is None:
        raise RecordNotFound()
    return record


@login_required
def confirm(request, kind, pk):
    """当事人签名确认 (株洲: the party confirms the printed photos or the transcript): the party signs on the pad the
    笔录 use (documents/signature.js), or the officer notes the party's refusal and its reason (decision 0089)."""
    from sanxiang.documents.views import png_from_data_url

    record = _confirmable(request, kind, pk)
    refused = request.method == "POST" and request.POST.get("refused") == "1"
    values, status = {"on": timezone.localdate().isoformat(), "party_name": getattr(record.case.case_parties.select_related("party").order_by("id").first(), "party", None)}, 200
    values["party_name"] = values["party_name"].name if values["party_name"] else ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("on", "party_name", "note", "refusal_reason")}
        try:
            E.do_confirm_by_party(record, on=values["on"] or timezone.localdate(), party_name=values["party_name"],
                                  party_png=None if refused else png_from_data_url(request.POST.get("party_png")),
                                  refusal_reason=values["refusal_reason"] if refused else "", note=values["note"],
                                  actor=request.user)
        except SanxiangError as exc:
            _refused(request, "登记当事人拒绝签名" if refused else "登记当事人签名确认", exc)
            status = exc.status
        else:
            messages.success(request, f"已登记当事人对{record}的{'拒绝签名' if refused else '签名确认'}。")
            return redirect(_back(record.case))
    return render(request, "records/confirm.html", {"record": record, "kind": kind, "values": values,
                                                    "refusal_open": refused}, status=status)


@login_required
def party_signature(request, kind, pk):
    """The party's signature image of a confirmation, to whoever sees the record — not where the record's text is
    withheld from them (`retrieval.content.withholder`, as the case page decides): the signature is the party's
    personal information."""
    from django.http import HttpResponse

    from sanxiang import storage
    from sanxiang.retrieval.content import withholder

    record = _confirmable(request, kind, pk)
    if not record.party_signature_path or withholder(request.user, record.case)(record):
        raise RecordNotFound("未找到当事人的签名。")
    with storage.open_file(record.party_signature_path) as fh:
        response = HttpResponse(fh.read(), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _declare(request, agency, case=None):
    form = recording_form(request.user, agency, request.POST, case=case)
    if not form.is_valid():
        messages.error(request, f"未能登记音像记录：{_form_errors(form)}")
        return None
    data = dict(form.cleaned_data)
    upload = _upload_of(request.user, data.pop("upload"))
    try:
        rec = E.do_declare_recording(agency, case=case, upload=upload, actor=request.user, **data)
    except SanxiangError as exc:
        _refused(request, "登记音像记录", exc)
        return None
    ob = E.upload_obligation(rec)
    if rec.upload_id:
        messages.success(request, f"已登记并存储{rec}{'（逾期存储）' if rec.stored_late else ''}。")
    elif ob is not None:
        due = timezone.localtime(ob.due_at).strftime("%Y-%m-%d %H:%M") if ob.due_at else f"{ob.due:%Y-%m-%d}"
        messages.success(request, f"已登记{rec}，请于 {due} 前存储其文件。")
    else:
        messages.success(request, f"已登记{rec}，请及时存储其文件。")
    _warn_uncovered(request, rec)
    return rec


def _warn_uncovered(request, rec) -> None:
    note = catalogue.uncovered_act(rec)
    if note:
        messages.warning(request, note)


@login_required
def declare_for_case(request, pk):
    case = case_pages.case_for(request.user, pk)
    if request.method == "POST":
        _declare(request, case.agency, case)
    return redirect(_back(case))


def _recording(request, pk):
    rec = queries.recording_for(request.user, pk)
    if rec is None:
        raise RecordNotFound("未找到该音像记录，或您无权查看。")
    return rec


def _after(request, rec) -> str:
    if request.POST.get("next") == "mine" or rec.case_id is None:
        return reverse("records:mine")
    return _back(rec.case)


@login_required
def attach(request, pk):
    rec = _recording(request, pk)
    if request.method == "POST":
        try:
            rec = E.do_attach_recording_upload(rec, _upload_of(request.user, request.POST.get("upload")),
                                               late_reason=request.POST.get("late_reason", ""), actor=request.user)
        except SanxiangError as exc:
            _refused(request, "存储音像记录", exc)
        else:
            messages.success(request, f"已存储{rec}{'（逾期存储）' if rec.stored_late else ''}。")
    return redirect(_after(request, rec))


@login_required
def link(request, pk):
    """From the case page (`case` given, the recording chosen) or from 我的音像记录 (the case chosen)."""
    rec = _recording(request, pk) if pk else _recording(request, request.POST.get("link-choice"))
    case_id = request.POST.get("case") or request.POST.get("case-choice")
    case = case_pages.case_for(request.user, case_id) if case_id and str(case_id).isdigit() else None
    if request.method == "POST":
        if case is None:
            messages.error(request, "未能关联：请选择案件。")
        else:
            try:
                rec = E.do_link_recording(rec, case, actor=request.user)
            except SanxiangError as exc:
                _refused(request, "关联案件", exc)
            else:
                messages.success(request, f"{rec}已关联案件{case.title}。")
                _warn_uncovered(request, rec)
                return redirect(_back(case))
    return redirect(_after(request, rec))


@login_required
def hand_over(request, pk):
    rec = _recording(request, pk)
    if request.method == "POST":
        form = HandoverForm(request.POST, prefix=f"handover-{rec.pk}")
        if not form.is_valid():
            messages.error(request, f"未能登记原件移交：{_form_errors(form)}")
        else:
            try:
                E.do_hand_over_recording(rec, actor=request.user, **form.cleaned_data)
            except SanxiangError as exc:
                _refused(request, "登记原件移交", exc)
            else:
                messages.success(request, f"已登记{rec}原件的移交。")
    return redirect(_after(request, rec))


@login_required
def waive(request, pk, kind):
    case = case_pages.case_for(request.user, pk)
    if request.method == "POST":
        act = E.do_approve_recording_exception if kind == "exception" else E.do_explain_missing_recording
        try:
            act(case, request.POST.get("occurrence", ""), reason=request.POST.get("reason", ""), actor=request.user)
        except SanxiangError as exc:
            _refused(request, "批准例外" if kind == "exception" else "说明理由", exc)
        else:
            messages.success(request, "已批准例外。" if kind == "exception" else "已登记未音像记录的理由。")
    return redirect(_back(case))


@login_required
def mine(request):
    """我的音像记录: recordings declared before their case exists, waiting to be stored and linked."""
    from sanxiang.cases.models import Case

    from .actions import upload_agencies

    agencies = upload_agencies(request.user)
    if not agencies:
        raise RecordNotFound("只有在职的执法人员有音像记录。")
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), agencies[0])
    if request.method == "POST":
        if _declare(request, agency) is not None:
            return redirect("records:mine")
    cases = restrict(Case.objects.filter(agency=agency).exclude(status="closed"), request.user, "record_evidence")
    case_choices = [("", "请选择案件")] + [(str(c.pk), c.title) for c in cases.order_by("-created_at")[:100]]
    recordings = list(queries.unattached_recordings(request.user).filter(agency=agency))
    duties = E.upload_obligations(recordings)
    rows = [{"rec": r, "obligation": duties.get(r.pk), "act_label": catalogue.ACTS.get(r.act, ""),
             "handover_form": HandoverForm(prefix=f"handover-{r.pk}")} for r in recordings]
    return render(request, "records/mine.html", {
        "agency": agency, "agencies": agencies, "rows": rows,
        "uploads": _uploads(request.user, agency),
        "case_form": choice_form("关联到案件", case_choices, prefix="case"),
        "form": recording_form(request.user, agency, request.POST or None) if request.method == "POST"
        else recording_form(request.user, agency),
        "catalogue": catalogue.catalogue(agency),
    })
