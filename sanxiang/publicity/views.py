"""The internal pages of 公示: the obligations list with deadlines (临期/超期), a publication's page —
the redaction preview with its highlighted spans (add or remove a span with a reason), the versions,
and the forms of the acts the user may take now (submit, send back, approve, publish, correct,
withdraw, take down; 不予公开 and 暂缓公开 on the obligation).

Every form posts to one URL per act, which calls one `do_*` action. A refusal renders the page again
with what was typed and the message beside its field (status 400/403/409); success redirects.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q as DQ
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, RuleViolation, SanxiangError
from sanxiang.workflow import available

from . import actions as P
from . import queries as Q
from . import withdrawals as W
from .models import Ground, ObligationStatus, PublicationStatus
from .policy import MASK_KINDS
from .workflows import WITHDRAWAL_GROUNDS

FIELDS = {
    "prepare": ("disclosure", "ground", "serious", "full_text"),
    "add-span": ("fragment", "kind", "reason"),
    "edit-field": ("name", "value", "reason"),
    "dismiss-span": ("start", "end", "reason"),
    "submit": (),
    "send-back": ("reason",),
    "approve": (),
    "publish": ("on",),
    "correct": ("reason", "text"),
    "withdraw": ("ground", "reason", "on"),
    "take-down": ("reason", "on"),
    "propose": ("proposal", "ground", "note", "approver", "until"),
    "approve-proposal": ("on",),
    "refuse-proposal": ("reason",),
    "propose-withdrawal": ("ground", "reason", "approver", "on"),
    "approve-withdrawal": ("on",),
    "refuse-withdrawal": ("reason",),
}
# the obligation's table actions → the page's forms
OBLIGATION_ACTS = {"propose": "propose", "withhold": "approve-proposal", "defer": "approve-proposal",
                   "refuse": "refuse-proposal"}
ACT_OF_ACTION = {"prepare": "prepare", "submit": "submit", "send_back": "send-back", "approve": "approve",
                 "publish": "publish", "publish_correction": "publish", "correct": "correct", "withdraw": "withdraw",
                 "take_down": "take-down"}


class PostedForm(forms.Form):
    """A publicity page's form bound with what was posted; errors come from the action."""

    def __init__(self, act: str, data=None):
        super().__init__(data)
        self.act = act
        for name in FIELDS[act]:
            self.fields[name] = forms.CharField(required=False)


@login_required
def obligations(request):
    """公示义务: the agency's obligations by due date, 临期 and 超期 marked, with their publications."""
    status = request.GET.get("status") or ""
    if status and status not in ObligationStatus.values:
        status = ""
    mine = request.GET.get("pending") == "mine"
    today = timezone.localdate()
    rows = []
    found = Q.obligations(request.user, status=status or None)
    # a proposal left pending on a publication no longer on show (made before decision 0097 closed them) is not asked
    asked = set(W.WithdrawalProposal.objects.filter(proposed_to=request.user, status="pending",
                                                    publication__status__in=W.SHOWN)
                .values_list("publication__obligation_id", flat=True))
    if mine:
        found = found.filter(DQ(proposed_to=request.user) | DQ(pk__in=asked))
    for ob in found[:500]:
        pub = getattr(ob, "publication", None)
        rows.append({"ob": ob, "pub": pub, "level": Q.level(ob, today),
                     "prompt": bool(pub and pub.takedown_prompt_on and pub.takedown_prompt_on <= today
                                    and pub.status in (PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED)),
                     "revoked": bool(pub and pub.revoked and pub.status not in (PublicationStatus.WITHDRAWN,
                                                                               PublicationStatus.EXPIRED)),
                     "withdrawal": W.pending(pub) if pub and pub.status in W.SHOWN else None,
                     "full_text_late": P.full_text_late(pub) if pub else ""})
    return render(request, "publicity/obligations.html", {
        "rows": rows, "status": status, "statuses": ObligationStatus.choices, "mine": mine,
        "waiting": Q.obligations(request.user).filter(DQ(proposed_to=request.user) | DQ(pk__in=asked)).count(),
        "counts": {"yellow": sum(r["level"] == "yellow" for r in rows), "red": sum(r["level"] == "red" for r in rows)}})


def _segments(version) -> list[dict]:
    """The original text cut at the spans: plain pieces and masked ones (with replacement and reason)."""
    return segments_of(version.original, version.spans)


def segments_of(text: str, spans) -> list[dict]:
    """`text` cut at `spans` (dicts with start, end): plain pieces and masked ones — the 原文 and the 决定书's full
    text alike (decision 0094)."""
    out, at = [], 0
    for span in sorted(spans or [], key=lambda s: s["start"]):
        if span["start"] < at:
            continue
        if span["start"] > at:
            out.append({"text": text[at:span["start"]]})
        out.append({"text": text[span["start"]:span["end"]], "span": span})
        at = span["end"]
    if at < len(text):
        out.append({"text": text[at:]})
    return out


def _approvers(agency):
    from django.contrib.auth import get_user_model

    from sanxiang.orgs.models import Role, RoleAssignment

    ids = RoleAssignment.objects.filter(agency=agency, active=True, role__in=(Role.UNIT_HEAD, Role.AGENCY_LEADER)) \
        .values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))


def _publication_or_404(user, pk):
    pub = Q.publication(user, pk)
    if pub is None:
        raise Http404("没有找到该公示信息。")
    return pub


def _render(request, pub, bound=None, status=200):
    bound = bound or {}
    version = pub.current()
    options = available(pub, request.user)
    offered = {ACT_OF_ACTION[o.action] for o in options if o.allowed and o.action in ACT_OF_ACTION}
    if "prepare" in offered:
        offered |= {"add-span", "dismiss-span", "edit-field"}
    ob = pub.obligation
    if ob.status == ObligationStatus.OPEN:
        offered |= {OBLIGATION_ACTS[o.action] for o in available(ob, request.user)
                    if o.allowed and o.action in OBLIGATION_ACTS}
    proposal = W.pending(pub) if pub.status in W.SHOWN else None
    if pub.status in W.SHOWN and not pub.revoked and proposal is None and can(request.user, "withdraw", pub):
        offered.add("propose-withdrawal")
    if proposal is not None and proposal.proposed_to_id == request.user.pk:
        offered |= {"approve-withdrawal", "refuse-withdrawal"}
    alerts = [e for act, form in bound.items() if act not in offered for errs in form.errors.values() for e in errs]
    return render(request, "publicity/publication.html", {
        "pub": pub, "ob": ob, "case": ob.case, "version": version, "shown": pub.shown(),
        "withdrawal_proposal": proposal, "withdrawal_proposals": list(pub.withdrawal_proposals.exclude(
            status="pending").select_related("proposed_to", "decided_by")),
        "versions": list(pub.versions.order_by("-number")), "segments": _segments(version),
        "full_segments": segments_of(version.full_text_original, version.full_text_spans)
        if version.full_text_original else [],
        "offered": offered, "refusals": {ACT_OF_ACTION[o.action]: o.reason for o in options
                                           if not o.allowed and o.action in ACT_OF_ACTION},
        "b": {act.replace("-", "_"): form for act, form in bound.items()}, "alerts": alerts, "kinds": [*MASK_KINDS.items(), ("other", "其他应隐去的信息")],
        "grounds": Ground.choices, "withdrawal_grounds": list(WITHDRAWAL_GROUNDS.items()), "approvers": _approvers(pub.agency), "level": Q.level(ob),
        "publish_problem": P.publish_problem(pub), "changes": original_changes(pub, version),
        "stale": stale_fields(pub, version), "warnings": P.summary_warnings(version),
        "serious_after": serious_after(ob), "full_text_rule": P.full_text_rule(ob),
        "takedown_label": Q.takedown_label(pub) if "take-down" in offered else "",
        "field_edits": {(e["part"], e["name"]): e for e in version.field_edits}}, status=status)


def serious_after(ob) -> str:
    """The profile's take-down period for a penalty that concerns 严重失信行为, as words ("" where none)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    if not ob.penalty_information:
        return ""
    value = get_profile(profile_key_of(ob.agency)).value("publicity.takedown.serious_dishonesty_after", on=ob.decided_on)
    if not value:
        return ""
    count, unit = int(value["count"]), value["unit"]
    if unit == "months" and count % 12 == 0:
        return f"{count // 12}年"
    units = {"months": "个月", "days": "日", "workdays": "个工作日"}
    return f"{count}{units.get(unit, unit)}"


def original_changes(pub, version) -> list[str]:
    """The changed lines of the decision text against the previous version (a correction's new text),
    for the approving head: "- old" / "+ new" lines; [] when unchanged."""
    import difflib

    if version.number <= 1:
        return []
    before = pub.versions.filter(number=version.number - 1).first()
    if before is None or before.original == version.original:
        return []
    return [line for line in difflib.ndiff(before.original.splitlines(), version.original.splitlines())
            if line[:2] in ("- ", "+ ")]


def stale_fields(pub, version) -> list[dict]:
    """The fields and summary entries a correction left behind (decision 0080): a value generated from the
    case that the previous version's text held but the corrected text no longer does (罚款5,000.00元 in
    执法结论 while the text now says 4,000.00), and that the editor has not changed — shown to the editor
    and the approving head, who edit the field or confirm it. [] when none."""
    if version.number <= 1:
        return []
    before = pub.versions.filter(number=version.number - 1).first()
    if before is None or before.original == version.original:
        return []
    edited = {(e["part"], e["name"]) for e in version.field_edits or []}
    out = []
    for part, values in (("summary", version.summary or {}), ("fields", version.fields or {})):
        for name, value in values.items():
            if (value and (part, name) not in edited and value in (before.text or "")
                    and value not in (version.text or "")):
                out.append({"part": part, "name": name, "value": value})
    return out


@login_required
def publication(request, pk):
    """公示信息: the preview (原文 with highlighted spans, the text to publish), the versions, the acts."""
    return _render(request, _publication_or_404(request.user, pk))


def _edits_plus(version, edit) -> list[dict]:
    return [*version.edits, edit]


def _int(value, field):
    return inputs.integer(value, label="片段位置", field=field, invalid="片段位置不对。", empty="片段位置不对。")


def _run(act, pub, post, user) -> str:
    version = pub.current()
    if act == "prepare":
        P.do_prepare_publication(pub, edits=version.edits, disclosure=post.get("disclosure") or "full",
                                 ground=post.get("ground", ""), actor=user,
                                 serious_dishonesty=(post.get("serious") == "on") if pub.obligation.penalty_information
                                 else None,
                                 full_text=(post.get("full_text") == "on") if P.full_text_rule(pub.obligation) == "encouraged"
                                 else None)
        return "公示信息已保存，脱敏预览已更新。"
    if act == "add-span":
        fragment = (post.get("fragment") or "").strip()
        if not fragment:
            raise RuleViolation("请填写要隐去的文字（须与原文一致）。", field="fragment")
        start = version.original.find(fragment)  # not in the 原文: the service looks in the full text, fields
        edit = {"op": "add", "start": start if start >= 0 else None, "end": start + len(fragment) if start >= 0 else None,
                "kind": post.get("kind") or "other", "reason": post.get("reason", ""), "text": fragment}
        P.do_prepare_publication(pub, edits=_edits_plus(version, edit), disclosure=version.disclosure,
                                 ground=version.ground, actor=user)
        return "已增加隐去片段（原文、各公开字段和摘要中的每一处）。"
    if act == "edit-field":
        part, _, name = (post.get("name") or "").partition(":")
        edit = {"part": part, "name": name, "value": post.get("value", ""), "reason": post.get("reason", "")}
        P.do_prepare_publication(pub, edits=version.edits, field_edits=[edit],
                                 disclosure=version.disclosure, ground=version.ground, actor=user)
        return "已修改该公开字段。"
    if act == "dismiss-span":
        edit = {"op": "dismiss", "start": _int(post.get("start"), "start"), "end": _int(post.get("end"), "end"),
                "reason": post.get("reason", "")}
        if post.get("in") == "full_text":  # a span of the 决定书's full text, at its place there (decision 0094)
            edit["in"] = "full_text"
        P.do_prepare_publication(pub, edits=_edits_plus(version, edit), disclosure=version.disclosure,
                                 ground=version.ground, actor=user)
        return "已取消隐去该片段。"
    if act == "submit":
        P.do_submit_publication(pub, actor=user)
        return "已提交发布部门负责人审核。"
    if act == "send-back":
        P.do_send_back_publication(pub, reason=post.get("reason", ""), actor=user)
        return "已退回修改。"
    if act == "approve":
        P.do_approve_publication(pub, actor=user)
        return "已审核同意发布。"
    if act == "publish":
        P.do_publish_publication(pub, on=post.get("on") or None, actor=user)
        return "已发布。"
    if act == "correct":
        P.do_correct_publication(pub, reason=post.get("reason", ""), text=post.get("text") or None, actor=user)
        return "已生成更正版本，审核同意并发布后替换公示内容。"
    if act == "withdraw":
        P.do_withdraw_publication(pub, reason=post.get("reason", ""), on=post.get("on") or None,
                                  ground=post.get("ground", ""), actor=user)
        return "已撤下，公示载体上保留撤下说明。"
    if act == "take-down":
        P.do_take_down_publication(pub, reason=post.get("reason", ""), on=post.get("on") or None, actor=user)
        return "已撤下。"
    if act == "propose-withdrawal":
        W.do_propose_withdrawal(pub, ground=post.get("ground", ""), reason=post.get("reason", ""),
                                approver=_approver(pub.agency, post.get("approver")), on=post.get("on") or None,
                                actor=user)
        return "已提交撤下申请，待所请负责人批准。"
    if act in ("approve-withdrawal", "refuse-withdrawal"):
        proposal = W.pending(pub)
        if proposal is None:
            raise Conflict("没有待批准的撤下申请。", field="status")
        if act == "approve-withdrawal":
            W.do_approve_withdrawal(proposal, on=post.get("on") or None, actor=user)
            return "已批准撤下申请，公示载体上保留撤下说明。"
        W.do_refuse_withdrawal(proposal, reason=post.get("reason", ""), actor=user)
        return "已不批准撤下申请，该信息继续公示。"
    if act == "propose":
        P.do_propose_withholding(pub.obligation, proposal=post.get("proposal", ""), ground=post.get("ground", ""),
                                 note=post.get("note", ""), approver=_approver(pub.agency, post.get("approver")),
                                 until=post.get("until") or None, actor=user)
        return "已提交申请，待所请负责人批准。"
    if act == "approve-proposal":
        done = P.do_approve_withholding(pub.obligation, on=post.get("on") or None, actor=user)
        return "已批准不予公开，公示义务已终结。" if done.status == ObligationStatus.WITHHELD else \
            "已批准暂缓公开，公示期限已顺延。"
    P.do_refuse_withholding(pub.obligation, reason=post.get("reason", ""), actor=user)
    return "已不予批准，该信息仍应按期公示。"


@login_required
def publication_act(request, pk, act):
    """One POST per act; a refusal renders the page again with the input kept."""
    pub = _publication_or_404(request.user, pk)
    if act not in FIELDS:
        raise Http404("没有这项操作。")
    if request.method != "POST":
        return redirect(reverse("publicity:publication", args=[pub.pk]))
    form = PostedForm(act, request.POST)
    form.is_valid()
    try:
        done = _run(act, pub, request.POST, request.user)
    except SanxiangError as exc:
        exc.show_on(form)
        return _render(request, _publication_or_404(request.user, pk), {act: form}, exc.status)
    messages.success(request, done)
    return redirect(reverse("publicity:publication", args=[pub.pk]))


def may_see_obligations(user) -> bool:
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.models import Role

    return bool(getattr(user, "is_authenticated", False)) and current_roles(user).filter(
        role__in=(Role.PUBLICITY_EDITOR, Role.UNIT_HEAD, Role.AGENCY_LEADER)).exists()



def _approver(agency, username):
    return next((u for u in _approvers(agency) if u.username == username), None)
