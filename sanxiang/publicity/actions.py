"""Writes of 公示 (issue 10 §3, §5): obligations opened by decisions, publications prepared, approved,
published, corrected, withdrawn, taken down, expired, and 不予公开/暂缓公开 decided.

Each `do_*` has its check beside it (`*_problem`, used by the pages to explain a refusal before the
act) and acts through the transition tables of `workflows.py` (permission, state, guards, the ledger
entry) in one transaction. Nothing unapproved is published: `publish_problem` is asked here, and the
table's guard `version_approved` again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.workflow import apply
from sanxiang.workflow.engine import apply_consequence

from .models import (
    SUMMARY_LABELS,
    Disclosure,
    Ground,
    ObligationStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
    PublicationVersion,
)
from .proofs import attest_publication, content_digest
from .workflows import PUBLICATION, PUBLICATION_OBLIGATION

register_actions({
    "open_publicationobligation": "开启公示义务",
    "fulfil_publicationobligation": "公示义务已履行",
    "withhold_publicationobligation": "决定不予公开",
    "defer_publicationobligation": "决定暂缓公开",
    "create_publication": "生成公示信息草稿",
    "prepare_publicationversion": "编辑公示信息版本（脱敏预览）",
    "prepare_publication": "编辑公示信息",
    "submit_publication": "提交公示信息审核",
    "send_back_publication": "退回公示信息修改",
    "approve_publication": "审核同意发布公示信息",
    "publish_publication": "发布公示信息",
    "publish_correction_publication": "发布更正后的公示信息",
    "correct_publication": "更正公示信息",
    "withdraw_publication": "撤下公示信息",
    "take_down_publication": "公示满期撤下",
    "expire_publication": "公示期满停止公示",
    "mark_publication_revoked": "决定被撤销，公示信息待撤下",
})

DEADLINE_KIND = "公开执法决定"  # the deadlines app's obligation kind (时限种类)
WITHDRAWAL = "撤下已公开决定"  # opened by the cases app when a decision is revoked (cases/actions.py)
EDITOR_REPLACEMENT = "［已隐去］"


def _user(actor):
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "get_username") else None


def _name(actor) -> str:
    user = _user(actor)
    if user is None:
        return getattr(actor, "get_username", lambda: "系统")()
    return user.get_full_name() or user.get_username()


def _day(value, field="on") -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleViolation("日期格式应为 YYYY-MM-DD。", field=field) from None


# ---- what the case knows: the party context, the decision's text and fields ----------------------

def case_context(case) -> dict:
    """PARTY.json data of the case (docs/publicity.md): its parties, their representatives and the
    participants — the persons the case knows, masked first."""
    from .scope import parties_of

    parties = parties_of(case)
    kinds = {p.kind for p in parties}
    kind = "org" if kinds == {"org"} else ("individual_business" if "individual_business" in kinds else
                                           ("person" if "person" in kinds or not parties else "org"))
    org = next((p for p in parties if p.kind in ("org", "individual_business")), None)
    persons = []

    def person(role, name, **more):
        name = "".join((name or "").split())
        if len(name) >= 2:
            persons.append({"role": role, "name": name, **{k: v for k, v in more.items() if v}})

    for p in parties:
        if p.kind == "person":
            person("party", p.name, id_number=p.id_number or None, address=p.address or None,
                   phone=p.phone or None)
        elif p.kind == "individual_business":
            person("operator", p.operator, id_number=p.id_number or None)
        elif p.legal_representative:
            person("legal_representative", p.legal_representative)
    roles = {"agent": "agent", "witness": "witness"}
    for part in case.participants.all():
        person(roles.get(part.role, "other"), part.name, id_number=part.id_number or None, phone=part.phone or None)
    organization = None
    if kind != "person" and org is not None:
        organization = {"name": org.name, **({"uscc": org.credit_code} if org.credit_code else {})}
    return {"kind": kind, "organization": organization, "persons": persons}


def _conclusion(case, kind: str) -> str:
    from sanxiang.cases.models import PenaltyType

    if kind == "penalty":
        labels = dict(PenaltyType.choices)
        parts = [labels.get(p, p) for p in case.decided_penalties or []]
        if case.decided_fine:
            parts = [f"罚款{case.decided_fine:,.2f}元" if p == "罚款" else p for p in parts]
        if case.decided_confiscation:
            parts = [f"没收非法财物（价值{case.decided_confiscation:,.2f}元）" if p == "没收非法财物" else p for p in parts]
        return "、".join(parts) or "已作出行政处罚决定"
    if kind == "inspection":
        inspection = getattr(case, "inspection", None)
        if inspection is not None:
            return f"{inspection.get_result_display()}" + (f"：{inspection.conclusion}" if inspection.conclusion else "")
    return case.get_status_display() if hasattr(case, "get_status_display") else case.status


def decision_text(case, obligation) -> str:
    """The decision as recorded, in prose — the original the editor starts from (internal)."""
    lines = [f"{case.agency.name}{obligation.decision_label}",
             f"案号：{case.number or '（未编号）'}",
             f"当事人：{obligation.subject}",
             f"案由：{case.cause}"]
    if case.facts:
        lines.append(f"违法事实：{case.facts}")
    lines.append(f"决定内容：{_conclusion(case, case.kind if obligation.kind_label != '强制' else 'coercion')}")
    lines.append(f"决定日期：{obligation.decided_on:%Y年%-m月%-d日}")
    return "\n".join(lines)


def _redacted(text: str, context: dict, policy) -> str:
    from .redaction import redact

    return redact(text, context, policy).text if text else text


def _fields(case, obligation, context, policy) -> dict:
    """The fields the profile publishes (publicity.decision_fields), each redacted."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    names = get_profile(profile_key_of(case.agency)).value("publicity.decision_fields", on=obligation.decided_on)
    values = {
        "执法机关": case.agency.name,
        "执法对象": _redacted(obligation.subject, context, policy),
        "执法类别": f"行政{obligation.kind_label}" + (f"（{case.category}）" if case.category else ""),
        "执法结论": _redacted(_conclusion(case, case.kind if obligation.kind_label != "强制" else "coercion"),
                          context, policy),
        "案件事实": _redacted(case.facts or "", context, policy),
    }
    return {name: values.get(name, "") for name in names}


def _summary(case, obligation, context, policy) -> dict:
    """行政处罚信息摘要 (总局令第45号第4条), in front of the decision — for SAMR-scope penalties only."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(case.agency))
    if obligation.kind_label != "处罚" or profile.value("publicity.penalty_scope", on=obligation.decided_on) \
            != "samr_general_procedure":
        return {}
    number = _decision_number(case) or case.number
    return dict(zip(SUMMARY_LABELS, (
        number,
        _redacted(obligation.subject, context, policy),
        case.cause,
        _redacted(_conclusion(case, "penalty"), context, policy),
        f"{case.agency.name}，{obligation.decided_on:%Y年%-m月%-d日}")))


def _decision_number(case) -> str:
    """The 文号 of the case's 行政处罚决定书 once generated (the editor's next edit picks it up)."""
    from sanxiang.documents.models import Document

    doc = (Document.objects.filter(case=case, kind__in=("penalty_decision", "onsite_decision")).exclude(number="")
           .order_by("-id").first())
    return doc.number if doc is not None else ""


def _policy(obligation):
    from sanxiang.deadlines.queries import profile_key_of

    from .policy import policy_for

    return policy_for(profile_key_of(obligation.agency), on=obligation.decided_on)


def _clean_edits(edits) -> list[dict]:
    """The editor's changes to the automatic spans: add a span (kind, reason) or dismiss one (reason)."""
    from .policy import MASK_KINDS

    if edits in (None, ""):
        return []
    if not isinstance(edits, list):
        raise RuleViolation("脱敏调整应为列表。", field="edits")
    clean = []
    for i, edit in enumerate(edits, 1):
        if not isinstance(edit, dict) or set(edit) - {"op", "start", "end", "kind", "reason"}:
            raise RuleViolation(f"第{i}项脱敏调整格式不对（op、start、end、kind、reason）。", field="edits")
        op, reason = edit.get("op"), str(edit.get("reason") or "").strip()
        if op not in ("add", "dismiss"):
            raise RuleViolation(f"第{i}项脱敏调整：操作应为增加隐去（add）或取消隐去（dismiss）。", field="edits")
        if not reason:
            raise RuleViolation(f"第{i}项脱敏调整须写明理由。", field="edits")
        if len(reason) > 300:
            raise RuleViolation(f"第{i}项脱敏调整的理由过长（最多 300 字）。", field="edits")
        start, end = edit.get("start"), edit.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or start >= end:
            raise RuleViolation(f"第{i}项脱敏调整的起止位置不对。", field="edits")
        kind = edit.get("kind") or ("other" if op == "add" else "")
        if op == "add" and kind not in (*MASK_KINDS, "other"):
            raise RuleViolation(f"第{i}项脱敏调整：未知的隐去类别“{kind}”。", field="edits")
        clean.append({"op": op, "start": start, "end": end, "kind": kind, "reason": reason})
    return clean


def redaction_of(original: str, context: dict, policy, edits: list[dict]):
    """The redaction of `original` with the editor's edits applied in order (ValueError → RuleViolation)."""
    from .redaction import REPLACEMENTS, Span, redact

    result = redact(original, context, policy)
    for i, edit in enumerate(edits, 1):
        try:
            if edit["op"] == "add":
                kind = edit["kind"]
                replacement = (REPLACEMENTS.get(kind) or EDITOR_REPLACEMENT) if kind != "person" else \
                    original[edit["start"]] + policy.name_mark
                result = result.add(Span(edit["start"], edit["end"], kind, replacement, edit["reason"],
                                         origin="editor"))
            else:
                result = result.dismiss(edit["start"], edit["end"], edit["reason"])
        except ValueError as exc:
            raise RuleViolation(f"第{i}项脱敏调整：{exc}", field="edits") from None
    return result


def _fill_version(row: PublicationVersion, ob: PublicationObligation, *, original: str, edits: list[dict]):
    case = ob.case
    context = case_context(case)
    policy = _policy(ob)
    result = redaction_of(original, context, policy, edits)
    data = result.as_dict()
    row.original, row.text, row.context, row.edits = original, result.text, context, edits
    row.spans, row.kept, row.dismissed = data["spans"], data["kept"], data.get("dismissed", [])
    row.fields, row.summary = _fields(case, ob, context, policy), _summary(case, ob, context, policy)


def _version_entry(row, actor, what: str):
    append_entry(action="prepare_publicationversion", actor=actor, obj=row,
                 payload={"version": row.number, "what": what, "spans": len(row.spans),
                          "edits": [{k: e[k] for k in ("op", "start", "end", "kind", "reason")} for e in row.edits],
                          "disclosure": row.disclosure, "ground": row.ground,
                          "correction_reason": row.correction_reason, "content_sha256": content_digest(row)})


# ---- 开启公示义务 (a decision was made) ------------------------------------------------------------

def open_for_decision(decision, *, actor) -> PublicationObligation | None:
    """公示义务: opened inside the deciding move's transaction when the profile puts the decision in
    scope (scope.py), with its deadline (deadlines app) and a draft publication generated from the
    case (the editor's starting point). Idempotent per decision."""
    from sanxiang.deadlines.actions import do_open_obligation

    from .scope import scope_of

    scope = scope_of(decision)
    if scope is None:
        return None
    found = PublicationObligation.objects.filter(decision_key=decision.key).first()
    if found is not None:
        return found
    case = decision.case
    ob = PublicationObligation(
        agency=case.agency, case=case, decision=f"{decision.table}.{decision.action}", decision_key=decision.key,
        kind_label=_kind_label(decision), decision_label=decision.label, decided_on=decision.on,
        subject=scope.subject[:200], rule=scope.rule, citation=scope.citation, count=scope.count, unit=scope.unit,
        due=scope.start, scope_note=scope.note[:300], low_display=scope.low_display, created_at=timezone.now())
    ob.save()
    deadline = do_open_obligation(object_type=ob.ledger_type(), object_id=ob.pk, agency=case.agency,
                                  kind=DEADLINE_KIND, start=scope.start, count=scope.count, unit=scope.unit,
                                  duty="publish_decisions", note=f"{case.number} {decision.label}"[:300], actor=actor)
    ob.obligation, ob.due = deadline, deadline.due
    ob.save(update_fields=["obligation", "due"])
    append_entry(action="open_publicationobligation", actor=actor, obj=ob,
                 payload={"case": case.number, "decision": ob.decision, "rule": ob.rule, "count": ob.count,
                          "unit": ob.unit, "due": ob.due, "low_display": ob.low_display})
    pub = Publication.objects.create(obligation=ob, agency=case.agency, created_at=timezone.now())
    append_entry(action="create_publication", actor=actor, obj=pub, payload={"case": case.number})
    # generated by the system from the case (the decider prepared nothing: they may still approve it)
    row = PublicationVersion(publication=pub, number=1, made_by=None, made_by_name="系统（作出决定时生成）",
                             made_at=timezone.now())
    _fill_version(row, ob, original=decision_text(case, ob), edits=[])
    row.save()
    _version_entry(row, actor, "生成草稿")
    return ob


def _kind_label(decision) -> str:
    from .scope import KIND_LABELS

    return KIND_LABELS.get(decision.kind, decision.kind)


def on_decision(decision, *, actor):
    open_for_decision(decision, actor=actor)


# ---- 编辑、提交、审核、发布 ------------------------------------------------------------------------

def _lock(pub) -> Publication:
    found = Publication.objects.select_for_update().filter(pk=getattr(pub, "pk", pub)).first()
    if found is None:
        raise NotFound("该公示信息不存在。", code="publication_not_found")
    return found


def _seen(pub, locked):
    """The caller's copy may be stale: the engine compares its state with the locked row's."""
    return pub if isinstance(pub, Publication) else locked


def prepare_problem(pub, *, disclosure: str, ground: str) -> str | None:
    if disclosure not in Disclosure.values:
        return f"未知的公开方式“{disclosure}”（公开或部分公开）。"
    if disclosure == Disclosure.PARTIAL and ground not in Ground.values:
        return "部分公开须写明法定事由：涉及国家秘密、商业秘密、个人隐私，或法律、行政法规另有规定。"
    return None


@transaction.atomic
def do_prepare_publication(pub, *, text: str | None = None, edits=None, disclosure: str = Disclosure.FULL,
                           ground: str = "", actor) -> PublicationVersion:
    """编辑公示信息 (公示编辑): the draft version's text (the original, internal), the editor's
    changes to the spans (each with a reason) and the way of disclosure; the redacted text follows."""
    locked = _lock(pub)
    disclosure = disclosure or Disclosure.FULL
    ground = ground or ""
    clean = _clean_edits(edits)
    problem = prepare_problem(locked, disclosure=disclosure, ground=ground)
    params = {"edits": clean, "disclosure": disclosure, "ground": ground}
    if text is not None:
        params["text"] = text
    seen = _seen(pub, locked)
    if problem:  # permission first: the engine says who may not act before the input's fault
        if not can(actor, "prepare", locked):
            raise NotPermitted("只有本机关的公示编辑可以编辑公示信息。")
        raise RuleViolation(problem, field="ground" if disclosure == Disclosure.PARTIAL else "disclosure")
    row = locked.current()
    original = row.original if text in (None, "") else text.strip()
    if not original:
        raise RuleViolation("公示文本不能为空。", field="text")
    apply(seen, "prepare", actor=actor, table=PUBLICATION, locked=locked,
          **{k: v for k, v in params.items() if k != "text"})
    _fill_version(row, locked.obligation, original=original, edits=clean)
    row.disclosure, row.ground = disclosure, (ground if disclosure == Disclosure.PARTIAL else "")
    row.made_by, row.made_by_name, row.made_at = _user(actor), _name(actor)[:150], timezone.now()
    row.save()
    _version_entry(row, actor, "编辑")
    return row


@transaction.atomic
def do_submit_publication(pub, *, actor) -> Publication:
    """提交审核 (公示编辑): the draft goes to the responsible head."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "submit", actor=actor, table=PUBLICATION, locked=locked)


@transaction.atomic
def do_send_back_publication(pub, *, reason: str, actor) -> Publication:
    """退回修改 (发布部门负责人), with the reason."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "send_back", actor=actor, table=PUBLICATION, locked=locked, reason=reason)


@transaction.atomic
def do_approve_publication(pub, *, actor) -> Publication:
    """审核同意发布 (发布部门负责人 — 科室负责人或单位领导, not the editor who prepared or submitted it)."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "approve", actor=actor, table=PUBLICATION, locked=locked)


def publish_problem(pub) -> str | None:
    """Why `pub` may not be published now (None: it may): only the version the head approved."""
    if pub.status != PublicationStatus.APPROVED or pub.approved_version != pub.version:
        return "未经审核的公示信息不能发布：请先提交发布部门负责人审核同意。"
    if pub.obligation.status == ObligationStatus.WITHHELD:
        return "已决定不予公开，不能发布。"
    return None


@transaction.atomic
def do_publish_publication(pub, *, actor, on=None) -> Publication:
    """发布: the approved version becomes public (a correction: 发布更正); the first publication meets
    the obligation and its deadline, and starts the display period."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = _lock(pub)
    day = _day(on)
    if not can(actor, "publish", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以发布公示信息。")
    problem = publish_problem(locked)
    if problem:
        raise RuleViolation(problem, field="status", code="not_approved")
    first = locked.public_version is None
    action = "publish" if first else "publish_correction"
    done = apply(_seen(pub, locked), action, actor=actor, table=PUBLICATION, locked=locked, on=day)
    attest_publication(done, on=day)  # the public attestation the portal's proof rests on (proofs.py)
    ob = PublicationObligation.objects.select_for_update().get(pk=locked.obligation_id)
    if ob.status == ObligationStatus.OPEN:
        apply_consequence(ob, "fulfil", actor=actor, table=PUBLICATION_OBLIGATION, locked=ob, on=day)
        meet_obligations_of(object_type=ob.ledger_type(), object_id=ob.pk, kinds=[DEADLINE_KIND], actor=actor)
    return done


@transaction.atomic
def do_correct_publication(pub, *, reason: str, text: str | None = None, actor) -> PublicationVersion:
    """更正 (公示编辑): a new version (the published one stays shown until the correction, approved
    again, is published); the history of versions is kept."""
    locked = _lock(pub)
    reason = (reason or "").strip()
    if not reason and can(actor, "correct", locked):
        raise RuleViolation("更正须写明理由。", field="reason")
    previous = locked.current()
    params = {"reason": reason}
    apply(_seen(pub, locked), "correct", actor=actor, table=PUBLICATION, locked=locked, **params)
    original = previous.original if text in (None, "") else text.strip()
    row = PublicationVersion(publication=locked, number=locked.version, made_by=_user(actor),
                             made_by_name=_name(actor)[:150], made_at=timezone.now(),
                             disclosure=previous.disclosure, ground=previous.ground, correction_reason=reason[:500])
    _fill_version(row, locked.obligation, original=original, edits=previous.edits if text in (None, "") else [])
    row.save()
    _version_entry(row, actor, "更正")
    return row


def withdrawal_problem(pub, reason: str) -> str | None:
    if not (reason or "").strip():
        return "撤下须写明理由（公开说明）。"
    if pub.public_version is None:
        return "该信息尚未公示，无需撤下。"
    return None


@transaction.atomic
def do_withdraw_publication(pub, *, reason: str, actor, on=None) -> Publication:
    """撤下 (决定被撤销、确认违法、确认无效或重新作出; 行政处罚法第四十八条): with the reason, shown publicly
    as the withdrawal notice; meets the case's 撤下已公开决定 deadline."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = _lock(pub)
    if not can(actor, "withdraw", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以撤下公示信息。")
    problem = withdrawal_problem(locked, reason)
    if problem:
        raise RuleViolation(problem, field="reason")
    done = apply(_seen(pub, locked), "withdraw", actor=actor, table=PUBLICATION, locked=locked,
                 reason=reason.strip(), on=_day(on))
    case = locked.obligation.case
    meet_obligations_of(object_type=case.ledger_type(), object_id=case.pk, kinds=[WITHDRAWAL], actor=actor)
    return done


@transaction.atomic
def do_take_down_publication(pub, *, reason: str, actor, on=None) -> Publication:
    """公示满期撤下 (the profile's "may take down after", e.g. Urumqi's 1 year): by a responsible head."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "take_down", actor=actor, table=PUBLICATION, locked=locked,
                 reason=reason, on=_day(on))


@transaction.atomic
def do_expire_publication(pub, *, actor, on=None) -> Publication:
    """公示期满停止公示 (总局令第45号第13条): by the job runner."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "expire", actor=actor, table=PUBLICATION, locked=locked, on=_day(on))


def mark_revoked(case, appeal, *, actor) -> None:
    """The decision was revoked, confirmed illegal, void or remade (cases/revocation.py): each public
    publication of the case is marked to be withdrawn (the case's deadline 撤下已公开决定 runs)."""
    for pub in Publication.objects.select_for_update().filter(obligation__case=case, public_version__isnull=False,
                                                              revoked=False).exclude(
            status__in=(PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED)):
        pub.revoked = True
        pub.save(update_fields=["revoked"])
        append_entry(action="mark_publication_revoked", actor=actor, obj=pub,
                     payload={"case": case.number, "outcome": appeal.get_outcome_display()})


# ---- 不予公开、暂缓公开 -------------------------------------------------------------------------------

def _lock_obligation(ob) -> PublicationObligation:
    found = PublicationObligation.objects.select_for_update().filter(pk=getattr(ob, "pk", ob)).first()
    if found is None:
        raise NotFound("该公示义务不存在。", code="obligation_not_found")
    return found


def withholding_problem(ob, *, ground: str, note: str, approver) -> str | None:
    """Why 不予公开/暂缓公开 may not be decided so (None: it may): a legal ground, the facts, an approver
    who is a responsible head of the agency."""
    if ground not in Ground.values:
        return "不予公开或暂缓公开须有法定事由：涉及国家秘密、商业秘密、个人隐私，或法律、行政法规另有规定。"
    if not (note or "").strip():
        return "请说明适用该法定事由的具体情况。"
    if approver is None or not can(approver, "approve_withholding", ob):
        return "须由本机关的发布部门负责人（科室负责人或单位领导）批准。"
    return None


def _check_withholding(locked, action, *, ground, note, approver, actor):
    if not can(actor, action, locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以决定不予公开或暂缓公开。")
    if locked.status != ObligationStatus.OPEN:
        raise Conflict(f"该公示义务已{locked.get_status_display()}。", field="status")
    problem = withholding_problem(locked, ground=ground, note=note, approver=approver)
    if problem:
        field = "ground" if ground not in Ground.values else ("note" if not (note or "").strip() else "approver")
        raise RuleViolation(problem, field=field, code="ground_required" if field == "ground" else "invalid")


@transaction.atomic
def do_withhold_obligation(ob, *, ground: str, note: str, approver, actor, on=None) -> PublicationObligation:
    """不予公开: closes the obligation without publication — only with a legal ground, the facts and a
    responsible head's approval; the deadline is waived with the ground as its reason."""
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.workflows import OBLIGATION

    locked = _lock_obligation(ob)
    _check_withholding(locked, "withhold", ground=ground, note=note, approver=approver, actor=actor)
    done = apply(ob if isinstance(ob, PublicationObligation) else locked, "withhold", actor=actor,
                 table=PUBLICATION_OBLIGATION, locked=locked, ground=ground, note=note.strip(), approver=approver,
                 on=_day(on))
    if locked.obligation_id:
        deadline = Obligation.objects.get(pk=locked.obligation_id)
        if deadline.status in (Obligation.OPEN, Obligation.OVERDUE):
            # a consequence of the approved decision not to publish (the deadline's own table checked)
            apply_consequence(deadline, "waive", actor=actor, table=OBLIGATION, reason=f"不予公开：{Ground(ground).label}")
    return done


@transaction.atomic
def do_defer_obligation(ob, *, ground: str, note: str, approver, until, actor, on=None) -> PublicationObligation:
    """暂缓公开: the obligation stays open, due on `until` (the deadline extended with the approver)."""
    from sanxiang.deadlines.actions import do_extend_obligation
    from sanxiang.deadlines.models import Obligation

    locked = _lock_obligation(ob)
    _check_withholding(locked, "defer", ground=ground, note=note, approver=approver, actor=actor)
    from .deferral import check_until

    # not before the act's day, after the due date, a working day (deferral.py)
    until = check_until(_day(until, "until"), locked.due, today=_day(on))
    extra = (until - locked.due).days
    done = apply(ob if isinstance(ob, PublicationObligation) else locked, "defer", actor=actor,
                 table=PUBLICATION_OBLIGATION, locked=locked, ground=ground, note=note.strip(), approver=approver,
                 until=until, on=_day(on))
    if locked.obligation_id:
        deadline = Obligation.objects.get(pk=locked.obligation_id)
        if deadline.status in (Obligation.OPEN, Obligation.OVERDUE):
            do_extend_obligation(deadline, count=extra, unit="days", approver=approver,
                                 reason=f"暂缓公开：{Ground(ground).label}", actor=actor)
    return done
