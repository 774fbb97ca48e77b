"""Pages: a record's 查看/下载 (purpose form, the browser player), 调阅 (my requests, those waiting for
my decision, the request and decision forms) and the case's access log (访问日志) for heads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.errors import NotFound, SanxiangError

from . import actions, content, queries, serving
from .content import CONTENT_FILE
from .models import AccessMode, AccessRequestKind


class PageNotFound(NotFound, Http404):
    code = "not_found"


class PurposeForm(forms.Form):
    purpose = forms.CharField(label="查阅用途", max_length=300)


class RequestForm(forms.Form):
    reason = forms.CharField(label="调阅事由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label="方式", choices=AccessRequestKind.choices, initial=AccessRequestKind.INSPECT)


class NumberRequestForm(RequestForm):
    number = forms.CharField(label="案号", max_length=100)

    field_order = ["number", "kind", "reason"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批", choices=[("approve", "批准"), ("refuse", "不予批准")])
    reason = forms.CharField(label="意见或理由", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _found(request, kind, pk):
    try:
        return serving.find(request.user, kind, pk)
    except SanxiangError:
        raise PageNotFound("未找到该记录，或您无权查看。") from None


@login_required
def record(request, kind, pk, file):
    """查看/下载: asks the purpose where a look needs one (a confidential record, a supervisor's look), then hands
    the file over to the serving endpoint — or, for audio and video, plays it here."""
    found = _found(request, kind, pk)
    reading = file == CONTENT_FILE  # the record's text (retrieval/content.py), not a file
    ref = None if reading else found.kind.files(found.record).get(file)
    if ref is None and not reading:
        raise PageNotFound("该记录没有这个文件（可能尚未生成）。")
    mode = AccessMode.DOWNLOAD if request.GET.get("mode") == AccessMode.DOWNLOAD and not reading else AccessMode.VIEW
    asks_purpose = serving.purpose_asked(request.user, found)
    form = PurposeForm(request.POST or None)
    purpose = (request.GET.get("purpose") or "").strip()[:300]  # a page that names it
    copy = (request.GET.get("copy") or "").strip()[:20]  # a party's copy: only what its request covers
    if copy:
        try:
            purpose = serving.party_copy_purpose(request.user, found, copy, file)
        except SanxiangError as exc:
            from .files import error_page

            return error_page(request, exc)
    if asks_purpose and not purpose:
        if request.method != "POST" or not form.is_valid():
            return render(request, "retrieval/purpose.html", {
                "found": found, "ref": ref, "form": form, "mode": mode, "name": found.kind.name(found.record),
                "mark_label": serving._mark_label(found.mark), "reading": reading,
                "copy": ref.guarded_copy if ref is not None else ""},
                status=400 if request.method == "POST" else 200)
        purpose = form.cleaned_data["purpose"]
    if reading:
        try:
            found, fields, access = content.read(request, kind, pk, purpose)
        except SanxiangError as exc:
            from .files import error_page

            return error_page(request, exc)
        return render(request, "retrieval/content.html", {
            "found": found, "fields": fields, "access": access, "name": found.kind.name(found.record),
            "mark_label": serving._mark_label(found.mark),
            "case_url": reverse("cases:detail", args=[found.case.pk]) if found.grant is None else
            reverse("retrieval:granted", args=[found.case.pk])})
    problem = serving.keeper_problem(request.user, found)
    if problem is not None:
        from .files import error_page

        return error_page(request, problem)
    if ref.is_player_media and mode == AccessMode.VIEW:
        token = serving.open_player(request, found, file, purpose)
        return render(request, "retrieval/player.html", {
            "found": found, "ref": ref, "name": found.kind.name(found.record),
            "guarded": found.confidential or serving.supervises(request.user, found),
            "src": serving.file_url(kind, found.record.pk, file, token=token)})
    return redirect(serving.file_url(kind, found.record.pk, file, mode=mode, purpose=purpose, copy=copy))


@login_required
def requests_page(request):
    """调阅: my requests, those waiting for my decision, the party copy requests I may answer or approve
    (by deadline), and a request by 案号 (a case one cannot open)."""
    from sanxiang.cases.models import Case

    form = NumberRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(number=form.cleaned_data["number"].strip(),
                                   agency__in=actions.requestable_agencies(request.user)).first()
        try:
            if case is None:
                raise NotFound("未找到该案号的案件，或您无权申请调阅。", field="number")
            actions.do_request_access(case, reason=form.cleaned_data["reason"], kind=form.cleaned_data["kind"],
                                      actor=request.user)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, "调阅申请已提交，请等待负责人审批。")
            return redirect("retrieval:requests")
    elif request.method == "POST":
        status = 400
    return render(request, "retrieval/requests.html", {
        "mine": queries.my_requests(request.user)[:100], "waiting": queries.waiting_for(request.user)[:100],
        "copies": queries.open_party_copies(request.user)[:100],
        "decision_form": DecisionForm(), "form": form}, status=status)


@login_required
def request_access(request, pk):
    case = actions.requestable_case(request.user, pk)
    if case is None:
        raise PageNotFound("未找到该案件，或您无权申请调阅。")
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_request_access(case, reason=form.cleaned_data["reason"], kind=form.cleaned_data["kind"],
                                      actor=request.user)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, "调阅申请已提交，请等待负责人审批。")
            return redirect("retrieval:requests")
    elif request.method == "POST":
        status = 400
    return render(request, "retrieval/request_form.html", {"case": case, "form": form}, status=status)


@login_required
def decide(request, pk):
    row = queries.request_for(request.user, pk, "decide")
    if row is None:
        raise PageNotFound("未找到该调阅申请，或您无权审批。")
    if request.method != "POST":
        return redirect("retrieval:requests")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择批准或不予批准。")
        return redirect("retrieval:requests")
    try:
        actions.do_decide_access_request(row, approve=form.cleaned_data["decision"] == "approve",
                                         reason=form.cleaned_data["reason"], actor=request.user)
    except SanxiangError as exc:
        messages.error(request, f"未能审批：{exc.message}")
    else:
        messages.success(request, "已审批。")
    return redirect("retrieval:requests")


@login_required
def granted_records(request, pk):
    """调阅: the records of a case its approved grant in force covers (the grant holder cannot open the
    case page itself); each file through the serving layer, as the grant allows."""
    case, grant = queries.granted_case(request.user, pk)
    if case is None:
        raise PageNotFound("未找到该案件，或您的调阅已到期。")
    return render(request, "retrieval/granted.html", {"case": case, "grant": grant,
                                                      "rows": queries.records_of(request.user, case, grant)})


@login_required
def access_log(request, pk):
    from sanxiang.cases import pages as case_pages

    case = case_pages.case_for(request.user, pk)
    log = queries.access_log(request.user, case)
    rows = list(log.rows[:500])
    for a in rows:  # a 国家秘密 record's title only to those who see the record (s23 tester8 #6)
        a.shown_name = queries.log_record_name(request.user, a)
    return render(request, "retrieval/log.html", {"case": case, "rows": rows, "whole": log.whole,
                                                  "case_url": reverse("cases:detail", args=[case.pk])})


# ---- 当事人申请复制 ------------------------------------------------------------------------------------

class PartyCopyForm(forms.Form):
    party = forms.ChoiceField(label="申请人（本案当事人）")
    records = forms.CharField(label="申请复制的记录", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="按当事人的申请写明，如：现场笔录、询问笔录、执法记录仪录像")
    asked = forms.MultipleChoiceField(label="所申请的记录", widget=forms.CheckboxSelectMultiple,
                                      help_text="只有勾选的记录（经负责人同意的）可作为复制件交付当事人")
    reason = forms.CharField(label="申请理由", max_length=500, required=False)

    field_order = ["party", "records", "asked", "reason"]

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(cp.party_id, cp.party.name)
                                        for cp in case.case_parties.select_related("party").order_by("id")]
        out, left_out = queries.party_copy_candidates(user, case, asking=True)
        self.fields["asked"].choices = [(item["key"], f"{item['name']}（{item['kind'].label}，{item['mark_label']}）")
                                        for item in out + left_out]


class PartyCopyAnswerForm(forms.Form):
    answer = forms.ChoiceField(label="答复", choices=[("approve", "同意复制"), ("refuse_approval", "不同意复制"),
                                                      ("provide", "已提供"), ("refuse", "不予提供")])
    reason = forms.CharField(label="意见或理由", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    withhold = forms.MultipleChoiceField(label="其中不同意复制的记录", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    withhold_reason = forms.CharField(label="不同意复制这些记录的理由", max_length=500, required=False)

    def __init__(self, *args, answers=None, asked=None, **kwargs):
        super().__init__(*args, **kwargs)
        if answers:  # only what this user may answer now (a stale page's choice is still refused by the action)
            self.fields["answer"].choices = answers
        if asked and answers and answers[0][0] == "approve":  # the head may keep back some records asked for
            self.fields["withhold"].choices = [(a["key"], a["name"]) for a in asked]
        else:
            del self.fields["withhold"], self.fields["withhold_reason"]


def _copy_purpose(row) -> str:
    return queries.party_copy_purpose_text(row)


@login_required
def party_copies(request, pk):
    """当事人申请复制 of a case: its requests with their answer deadline, and the form that registers one."""
    from sanxiang.cases import pages as case_pages

    case = case_pages.case_for(request.user, pk)
    form = PartyCopyForm(request.POST or None, case=case, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        link = case.case_parties.select_related("party").filter(party_id=form.cleaned_data["party"]).first()
        try:
            row = actions.do_register_party_copy(case, party=link.party, records=form.cleaned_data["records"],
                                                 asked=form.cleaned_data["asked"], reason=form.cleaned_data["reason"],
                                                 actor=request.user)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, f"已登记当事人的复制申请，应于 {row.due_on:%Y-%m-%d} 前答复。")
            return redirect("retrieval:party-copy", row.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "retrieval/party_copies.html", {
        "case": case, "rows": queries.party_copies(request.user, case), "form": form,
        "may_register": actions.may_register_party_copy(request.user, case),
        "case_url": reverse("cases:detail", args=[case.pk])}, status=status)


@login_required
def party_copy(request, pk):
    """One request: the head's approval where the profile asks for it, the answer, and — once it may be
    provided — the case's records to download for the party (through the serving layer: ledgered, a
    confidential one watermarked, the request named as the purpose)."""
    from sanxiang.access.policy import can

    row = queries.party_copy_for(request.user, pk)
    if row is None:
        raise PageNotFound("未找到该复制申请，或您无权查看。")
    answers = actions.party_copy_answers(request.user, row)
    asked = actions.party_copy_asked(request.user, row)
    form = PartyCopyAnswerForm(request.POST or None, answers=answers or None, asked=asked)
    status = 200
    if request.method == "POST" and form.is_valid():
        answer, reason = form.cleaned_data["answer"], form.cleaned_data["reason"]
        try:
            if answer in ("approve", "refuse_approval"):
                withhold = {key: form.cleaned_data.get("withhold_reason", "")
                            for key in form.cleaned_data.get("withhold") or []}
                actions.do_approve_party_copy(row, approve=answer == "approve", reason=reason, withhold=withhold,
                                              actor=request.user)
            else:
                actions.do_answer_party_copy(row, provided=answer == "provide", reason=reason, actor=request.user)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            messages.success(request, "已处理该复制申请。")
            return redirect("retrieval:party-copy", row.pk)
    elif request.method == "POST":
        status = 400
    offered, left_out = queries.party_copy_offer(request.user, row)
    return render(request, "retrieval/party_copy.html", {
        "row": row, "case": row.case, "form": form, "purpose": _copy_purpose(row),
        "may_decide": row.status == "pending_approval" and can(request.user, "decide", row),
        "may_answer": bool(answers),
        "rows": offered, "left_out": left_out, "asked": asked, "links_until": actions.party_copy_links_until(row),
        "now": timezone.now()}, status=status)
