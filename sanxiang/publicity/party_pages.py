"""The staff's side of the party's requests (decision 0072), under /publicity/requests/: the queue of
更正申请 and 提前停止公示申请 by answer deadline with 临期/超期, a request's page with its forms (答复: 更正 or
不予更正 with reasons and remedies; 核实条件 and 审批 for an early stop), and a publication's party page
(the 公示告知书 and its 公示查询码, paper applications recorded by staff). A refusal renders the page again
with what was typed and the message beside its field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import SanxiangError

from . import notices
from . import queries as Q
from . import requests as R
from .party_models import Channel, CorrectionRequest, EarlyStopRequest, EarlyStopStatus, RequestStatus


def level(req, today=None) -> str:
    """临期 (yellow) / 超期 (red) of a pending request from its answer deadline."""
    from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead, warning_level

    if req.status != "pending":
        return ""
    today = today or timezone.localdate()
    if today > req.due:
        return "red"
    if req.obligation is None:
        return ""
    return warning_level(req.obligation, today, lead=warning_lead(profile_key_of(req.agency), today),
                         calendar=get_calendar()) or ""


def pending(user, model, status="pending"):
    rows = model.objects.restrict(user).select_related("publication__obligation__case", "obligation", "agency")
    return rows.filter(status=status) if status else rows


@login_required
def queue(request):
    """当事人申请: the agency's correction requests and early-stop applications, pending first by deadline."""
    show_all = request.GET.get("all") == "1"
    today = timezone.localdate()
    rows = []
    for model, kind in ((CorrectionRequest, "correction"), (EarlyStopRequest, "early-stop")):
        for req in pending(request.user, model, None if show_all else "pending").order_by("due", "id")[:500]:
            rows.append({"req": req, "kind": kind, "level": level(req, today),
                         "label": "更正申请" if kind == "correction" else "提前停止公示申请"})
    rows.sort(key=lambda r: (r["req"].status != "pending", r["req"].due, r["req"].pk))
    return render(request, "publicity/requests.html", {
        "rows": rows, "all": show_all,
        "counts": {"yellow": sum(r["level"] == "yellow" for r in rows), "red": sum(r["level"] == "red" for r in rows)}})


class Posted(forms.Form):
    def __init__(self, names, data=None):
        super().__init__(data)
        for name in names:
            self.fields[name] = forms.CharField(required=False)


def _request_or_404(user, kind, pk):
    model = {"correction": CorrectionRequest, "early-stop": EarlyStopRequest}.get(kind)
    req = model.objects.restrict(user).select_related("publication__obligation__case").filter(pk=pk).first() \
        if model else None
    if req is None:
        raise Http404("没有找到该申请。")
    return req


def _render_request(request, kind, req, bound=None, status=200):
    pub = req.publication
    ctx = {"req": req, "kind": kind, "pub": pub, "level": level(req), "b": bound or {},
           "may_answer": can(request.user, "answer_correction", req) if kind == "correction" else False,
           "may_check": can(request.user, "check_early_stop", req) if kind == "early-stop" else False,
           "may_decide": can(request.user, "decide_early_stop", req) if kind == "early-stop" else False,
           "shown": pub.shown(), "remedies_default": R.REMEDIES_DEFAULT}
    if kind == "early-stop":
        ctx["rules"] = R.early_stop_rules(pub)
    return render(request, "publicity/request.html", ctx, status=status)


@login_required
def request_page(request, kind, pk):
    return _render_request(request, kind, _request_or_404(request.user, kind, pk))


@login_required
def request_act(request, kind, pk, act):
    """答复 (correction), 核实 / 审批 (early stop): one POST each; refused → the page with the input kept."""
    req = _request_or_404(request.user, kind, pk)
    if request.method != "POST":
        return redirect(reverse("publicity:party-request", args=[kind, pk]))
    post = request.POST
    names = {"answer": ("decision", "answer", "remedies", "text"), "check": tuple(c["code"] for c in
                                                                                  getattr(req, "checks", [])),
             "decide": ("decision", "reasons")}.get(act)
    if names is None or (kind == "correction") != (act == "answer"):
        raise Http404("没有这项操作。")
    form = Posted(names, post)
    form.is_valid()
    try:
        if act == "answer":
            R.do_answer_correction(req, accept=post.get("decision") == "accept", answer=post.get("answer", ""),
                                   remedies=post.get("remedies", ""), text=post.get("text") or None,
                                   actor=request.user)
            done = "已答复。" + ("已开启更正（新版本经发布部门负责人审核后发布）。" if post.get("decision") == "accept" else "")
        elif act == "check":
            checks = {}
            for c in req.checks:
                met = post.get(f"{c['code']}-met")
                checks[c["code"]] = ({"yes": True, "no": False}.get(met), post.get(f"{c['code']}-note", ""))
            R.do_check_early_stop(req, checks=checks, actor=request.user)
            done = "已记录核实情况。"
        else:
            R.do_decide_early_stop(req, approve=post.get("decision") == "approve", reasons=post.get("reasons", ""),
                                   actor=request.user)
            done = "已批准，已提前停止公示。" if post.get("decision") == "approve" else "已决定不予批准。"
    except SanxiangError as exc:
        exc.show_on(form)
        return _render_request(request, kind, _request_or_404(request.user, kind, pk), {act: form}, exc.status)
    messages.success(request, done)
    return redirect(reverse("publicity:party-request", args=[kind, pk]))


def _publication_or_404(user, pk):
    pub = Q.publication(user, pk)
    if pub is None:
        raise Http404("没有找到该公示信息。")
    return pub


def _render_party(request, pub, bound=None, status=200):
    return render(request, "publicity/party.html", {
        "pub": pub, "ob": pub.obligation, "notice": notices.notice_state(pub), "b": bound or {},
        "may_act": can(request.user, "record_request", pub),
        "may_notice": can(request.user, "generate_documents", pub.obligation.case),
        "corrections": list(pub.correction_requests.order_by("-id")),
        "early_stops": list(pub.early_stop_requests.order_by("-id")),
        "rules": R.early_stop_rules(pub)}, status=status)


@login_required
def party_page(request, pk):
    """A publication's party page: the notice (公示告知书) and the paper applications."""
    return _render_party(request, _publication_or_404(request.user, pk))


@login_required
def party_act(request, pk, act):
    pub = _publication_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(reverse("publicity:party", args=[pk]))
    names = {"notice": ("supplement_reason",), "correction": ("content", "contact"), "early-stop": ("statement", "contact")}.get(act)
    if names is None:
        raise Http404("没有这项操作。")
    form = Posted(names, request.POST)
    form.is_valid()
    post = request.POST
    try:
        if act == "notice":
            doc = notices.do_make_publicity_notice(pub, actor=request.user,
                                                   supplement_reason=post.get("supplement_reason", ""))
            done = f"已生成{doc.get_kind_display()}（{doc.number}），公示查询码已印在告知书上；请签发后随决定书送达当事人。"
        elif act == "correction":
            req = R.do_request_correction(pub, content=post.get("content", ""), contact=post.get("contact", ""),
                                          actor=request.user, channel=Channel.PAPER)
            done = f"已登记书面更正申请 {req.number}，答复期限 {req.due:%Y-%m-%d}。"
        else:
            req = R.do_apply_early_stop(pub, statement=post.get("statement", ""), contact=post.get("contact", ""),
                                        actor=request.user, channel=Channel.PAPER)
            done = f"已登记书面提前停止公示申请 {req.number}，答复期限 {req.due:%Y-%m-%d}。"
    except SanxiangError as exc:
        exc.show_on(form)
        return _render_party(request, _publication_or_404(request.user, pk), {act.replace("-", "_"): form},
                             exc.status)
    messages.success(request, done)
    return redirect(reverse("publicity:party", args=[pk]))


__all__ = ["queue", "request_page", "request_act", "party_page", "party_act", "RequestStatus", "EarlyStopStatus"]
