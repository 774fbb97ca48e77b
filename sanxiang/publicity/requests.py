"""The party and its publication (issue 10 §3, §5; decision 0072): the code printed on the written notice,
the correction request (更正申请) and the application to stop publication early (提前停止公示).

Identity without an account: the case number (案号) or the decision's 文号 plus the code of the
publication's 公示告知书 (`PartyCode`, stored hashed). A wrong pair gets one message that does not say
which part was wrong; attempts are counted by the login throttle (per case number and per address).

Each `do_*` checks, writes and appends its ledger entry in one transaction. An accepted correction opens
a correction of the publication through `actions.do_correct_publication` (a new version the head approves
before it is published); an approved early stop takes the publication down with the transition
`stop_early` (workflows.py), its reason shown publicly.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from sanxiang.access.actors import Visitor
from sanxiang.access.policy import can, grant
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Role
from sanxiang.workflow import apply

from .models import Publication, PublicationStatus
from .party_models import (
    Channel,
    CorrectionRequest,
    EarlyStopRequest,
    EarlyStopStatus,
    PartyCode,
    RequestStatus,
)
from .workflows import PUBLICATION

register_actions({
    "issue_party_code": "生成公示查询码（公示告知书）",
    "request_correction": "当事人申请更正公示信息",
    "answer_correction": "答复更正申请",
    "apply_early_stop": "当事人申请提前停止公示",
    "check_early_stop": "核实提前停止公示条件",
    "decide_early_stop": "审批提前停止公示申请",
})

# Staff who issue the code and record a paper application (the publication's editors and heads).
STAFF = {Role.PUBLICITY_EDITOR: "agency", Role.UNIT_HEAD: "agency", Role.AGENCY_LEADER: "agency"}
grant(Publication, "issue_code", STAFF)
grant(Publication, "record_request", STAFF)

# 公示查询码: 8 characters without 0/O, 1/I/L (read aloud and typed from paper), shown as ABCD-EFGH.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PARTY = Visitor("party:portal", "当事人（公开门户，凭案号和公示查询码）")
WRONG_PAIR = "案号（或决定书文号）与公示查询码不匹配，请核对公示告知书后重新输入。"
CORRECTION_DEADLINE = "答复更正申请"
EARLY_STOP_DEADLINE = "答复提前停止公示申请"
REMEDIES_DEFAULT = ("对本答复不服的，可以自收到之日起六十日内依法申请行政复议，或者自知道之日起六个月内依法提起行政诉讼"
                    "（行政复议法第二十条，行政诉讼法第四十六条）。")


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_code(value: str) -> str:
    """What the party typed: upper case, spaces and dashes dropped (ABCD-EFGH, abcd efgh)."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -－\u3000\t")


def _now():
    return timezone.now()


def _name(actor) -> str:
    full = getattr(actor, "get_full_name", None)
    return ((full() if full else "") or getattr(actor, "label", "") or str(actor))[:150]


_user = acting_user


def _profile(agency):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(agency))


# ---- 公示查询码 -------------------------------------------------------------------------------------

@transaction.atomic
def issue_party_code(pub, *, actor) -> str:
    """A new code for `pub` (the previous one stops working): returns it once, to be printed on the
    公示告知书 (`notices.do_make_publicity_notice`, by whoever makes the case's documents); only its hash
    is kept. Ledgered without the code. Here: the agency's publicity editors and heads."""
    if not can(actor, "issue_code", pub):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以生成公示查询码。")
    return new_code(pub, actor=actor)


def new_code(pub, *, actor, code: str = "") -> str:
    """The code itself, for a caller that checked who may act (the notice, a decision document: the case's
    document makers); `code`: one drawn by the caller (the same across its retries)."""
    pub = Publication.objects.select_for_update().select_related("obligation__case", "agency").get(pk=pub.pk)
    code = code or "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = PartyCode.objects.filter(publication=pub).first() or PartyCode(publication=pub, agency=pub.agency)
    replaced = row.pk is not None
    row.code_hash, row.issued_at, row.issued_by_name = make_password(code), _now(), _name(actor)
    row.save()
    append_entry(action="issue_party_code", actor=actor, obj=row,
                 payload={"case": pub.obligation.case.number, "replaced": replaced})
    return code


def _publications_of(agency, number: str):
    """The publications of the case named by its 案号 or its decision's 文号 in `agency`."""
    from sanxiang.cases.models import Case
    from sanxiang.documents.models import Document

    number = (number or "").strip()
    if not number or len(number) > 80:
        return Publication.objects.none()
    case_ids = set(Case.objects.filter(agency=agency, number=number).values_list("pk", flat=True))
    case_ids |= set(Document.objects.filter(case__agency=agency, number=number).values_list("case_id", flat=True))
    return Publication.objects.filter(agency=agency, obligation__case_id__in=case_ids).select_related(
        "obligation__case", "party_code")


class Throttled(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Hash checks made for every well-formed code, whatever the number names: the time of an answer does not
# tell whether a case exists or has a code (decision 0080). A case with more coded publications than this
# (several decisions of one case, all with a notice) costs one check more for each.
LOOKUP_CHECKS = 2
_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random code made by the installation's first hasher (kept per hasher for the process)."""
    from django.conf import settings

    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _dummy:
        _dummy[hasher] = make_password(secrets.token_urlsafe(12))
    return _dummy[hasher]


def identify(agency, number: str, code: str, *, address: str = "") -> Publication | None:
    """The publication the pair names, or None (one answer for a wrong number and a wrong code, in the
    same time: every candidate's hash is checked without stopping at a match, and dummy hashes make up
    `LOOKUP_CHECKS` when the number names fewer). Counted like logins (accounts.throttle) per client:
    per (agency, number, address) and per address — someone else's wrong codes for a public case number
    do not lock its party out (decision 0080) — in the portal's own counters, never a staff login's
    (decision 0086). `address`: accounts.throttle.client_address. Throttled when over."""
    from sanxiang.accounts import throttle

    client = address or "?"
    key = f"{agency.code}:{(number or '').strip()[:80]}@{client}"[:140]
    if not throttle.begin_attempt(key, client, scope=throttle.PORTAL):
        raise Throttled(throttle.message().replace("登录失败", "核验失败"))
    clean = normalize_code(code)
    found = None
    if len(clean) == CODE_LENGTH and all(ch in ALPHABET for ch in clean):
        hashes = [(pub, pub.party_code.code_hash) for pub in _publications_of(agency, number)
                  if getattr(pub, "party_code", None) is not None]
        hashes += [(None, _dummy_hash())] * max(0, LOOKUP_CHECKS - len(hashes))
        for pub, encoded in hashes:
            if check_password(clean, encoded) and pub is not None and found is None:
                found = pub
    if found is not None:
        throttle.give_back(key, client, succeeded=True, scope=throttle.PORTAL)
    return found


def _next_number(model, agency, prefix: str, on: dt.date) -> str:
    """受理编号 per agency and year: 更〔2026〕3号 (the unique constraint on agency and number catches a race)."""
    head = f"{prefix}〔{on.year}〕"
    return f"{head}{model.objects.filter(agency=agency, number__startswith=head).count() + 1}号"


def _deadline(obj, agency, *, kind, value_name, on, note, actor):
    """The answer's deadline from the profile value `value_name`: (the deadline, its due day), or
    (None, `on`) where the profile sets none."""
    from sanxiang.deadlines.actions import do_open_obligation

    period = _profile(agency).value(value_name, on=on)
    if period is None:
        return None, on
    ob = do_open_obligation(object_type=obj.ledger_type(), object_id=obj.pk, agency=agency, kind=kind, start=on,
                            count=period["count"], unit=period["unit"], duty="withdrawal", note=note[:300],
                            actor=actor)
    return ob, ob.due


def _citation(profile, name, on) -> str:
    return profile.cite(profile.entry(name, on=on))


# ---- 更正申请 -----------------------------------------------------------------------------------------

def correction_problem(pub, content: str, contact: str) -> tuple[str, str] | None:
    if not (content or "").strip():
        return "content", "请写明公示信息哪里不准确、应当如何更正。"
    if len(content.strip()) > 2000:
        return "content", "更正内容最多 2000 字。"
    if not (contact or "").strip():
        return "contact", "请留下联系方式（电话或地址），以便答复。"
    if len(contact.strip()) > 200:
        return "contact", "联系方式最多 200 字。"
    if pub.public_version is None:
        return "number", "该决定信息尚未公示，暂无可更正的公示内容。"
    return None


@transaction.atomic
def do_request_correction(pub, *, content: str, contact: str, actor=PARTY, channel: str = Channel.PORTAL,
                          on=None) -> CorrectionRequest:
    """更正申请 (总局令第45号第12条): from the portal (the party, identified by the pair) or recorded by
    staff from a paper application; opens the answer's deadline (`publicity.correction_answer`)."""
    pub = Publication.objects.select_for_update().select_related("obligation__case", "agency").get(pk=pub.pk)
    if channel == Channel.PAPER and not can(actor, "record_request", pub):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以登记书面更正申请。")
    problem = correction_problem(pub, content, contact)
    if problem:
        raise RuleViolation(problem[1], field=problem[0])
    day = on or timezone.localdate()
    profile = _profile(pub.agency)
    req = CorrectionRequest(agency=pub.agency, publication=pub, channel=channel, content=content.strip(),
                            contact=contact.strip(), received_on=day, due=day,
                            rule="publicity.correction_answer",
                            citation=_citation(profile, "publicity.correction_answer", day),
                            recorded_by=_user(actor) if channel == Channel.PAPER else None, created_at=_now(),
                            number=_next_number(CorrectionRequest, pub.agency, "更", day))
    req.save()
    ob, due = _deadline(req, pub.agency, kind=CORRECTION_DEADLINE, value_name="publicity.correction_answer",
                           on=day, note=f"{pub.obligation.case.number} 更正申请 {req.number}", actor=actor)
    req.obligation, req.due = ob, due
    req.save(update_fields=["obligation", "due"])
    append_entry(action="request_correction", actor=actor, obj=req,
                 payload={"case": pub.obligation.case.number, "number": req.number, "channel": channel,
                          "due": req.due})
    return req


def answer_problem(req, *, accept: bool, answer: str, remedies: str) -> tuple[str, str] | None:
    if req.status != RequestStatus.PENDING:
        return "status", f"该更正申请已{req.get_status_display()}。"
    if not (answer or "").strip():
        return "answer", "答复须写明理由（更正或不予更正的理由）。"
    if not accept and not (remedies or "").strip():
        return "remedies", "不予更正的，须告知救济途径。"
    if accept and req.publication.status not in (PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED):
        return "status", (f"该公示信息现为“{req.publication.get_status_display()}”，不能开启更正："
                          "请先处理正在进行的更正或审核。")
    return None


@transaction.atomic
def do_answer_correction(req, *, accept: bool, answer: str, remedies: str = "", text: str | None = None,
                         actor, on=None) -> CorrectionRequest:
    """答复更正申请 (公示编辑 or a head): accepted → a correction of the publication is opened with the
    reasons (`do_correct_publication`, a new version the head approves before it is published);
    refused → the reasons and the remedies (救济途径). The deadline is met either way."""
    from sanxiang.deadlines.actions import meet_obligations_of

    from .actions import do_correct_publication

    req = CorrectionRequest.objects.select_for_update().select_related("publication").get(pk=req.pk)
    if not can(actor, "answer_correction", req):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以答复更正申请。")
    problem = answer_problem(req, accept=accept, answer=answer, remedies=remedies)
    if problem:
        raise (Conflict if problem[0] == "status" else RuleViolation)(problem[1], field=problem[0])
    if accept:  # the answer becomes the public 更正原因: one guard (decision 0097); the party still reads it whole
        from .public_text import public_text

        public = public_text(answer, req.publication, what="答复（公开的更正原因）", field="answer")
        version = do_correct_publication(req.publication, reason=f"当事人申请更正（{req.number}）：{public}"[:500],
                                         text=text, actor=actor)
        req.correction_version = version.number
    req.status = RequestStatus.ACCEPTED if accept else RequestStatus.REFUSED
    req.answer = answer.strip()
    req.remedies = (remedies or "").strip() or ("" if accept else REMEDIES_DEFAULT)
    req.answered_on, req.answered_by = on or timezone.localdate(), _user(actor)
    req.save()
    meet_obligations_of(object_type=req.ledger_type(), object_id=req.pk, kinds=[CORRECTION_DEADLINE], actor=actor)
    append_entry(action="answer_correction", actor=actor, obj=req,
                 payload={"number": req.number, "accepted": accept, "answer": req.answer, "remedies": req.remedies,
                          "correction_version": req.correction_version})
    return req


# ---- 提前停止公示 ---------------------------------------------------------------------------------------

def early_stop_rules(pub, on=None) -> dict:
    """The profile's conditions for `pub` on `on`: the minimum period and the day it is reached, the
    conditions to confirm, the penalties that exclude an early stop, and what already fails. `offered`: False
    for a 不予行政处罚决定 (decision 0098), which never may be stopped early — no form, no day to wait for
    (s25 defects10c #3)."""
    from sanxiang.cases.models import PenaltyType
    from sanxiang.deadlines.engine import compute_due
    from sanxiang.deadlines.queries import get_calendar

    on = on or timezone.localdate()
    profile = _profile(pub.agency)
    case = pub.obligation.case
    special = profile.value("publicity.early_stop.special_categories", on=on) or []
    is_special = any(word in (case.category or "") for word in special)
    period = profile.value("publicity.early_stop.after_special" if is_special else "publicity.early_stop.after", on=on)
    conditions = list(profile.value("publicity.early_stop.conditions", on=on) or [])
    excluded = set(profile.value("publicity.early_stop.excluded_penalties", on=on) or [])
    labels = dict(PenaltyType.choices)
    penalties = [labels.get(p, p) for p in (case.decided_penalties or [])]
    blocking = [p for p in penalties if p in excluded]
    failures = []
    if period is None or not conditions:
        failures.append("本机关规则配置未规定提前停止公示（仅市场监管部门依总局令第45号第十四条办理）。")
    if not pub.obligation.penalty_information:  # a 不予行政处罚决定 is none (decision 0098)
        failures.append("只有行政处罚信息可以申请提前停止公示。")
    if pub.status not in (PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED):
        failures.append(f"该信息现为“{pub.get_status_display()}”，不在公示中。")
    if blocking:
        failures.append(f"受到{'、'.join(blocking)}处罚的，不得提前停止公示。")
    reached = None
    offered = bool(pub.obligation.penalty_information)  # a 不予行政处罚决定 never may (no period to wait for)
    if offered and period is not None and pub.published_on is not None:
        count, unit = period["count"], period["unit"]
        reached = compute_due(pub.published_on, count, unit, calendar=get_calendar()).due
        if on < reached:
            failures.append(f"公示满{count}{'个月' if unit == 'months' else '日'}后（{reached:%Y年%-m月%-d日}起）方可申请提前停止公示。")
    return {"period": period, "reached": reached, "special": is_special, "conditions": conditions,
            "excluded": sorted(excluded), "failures": failures, "offered": offered,
            "citation": _citation(profile, "publicity.early_stop.conditions", on)}


def early_stop_problem(pub, statement: str, contact: str, on=None) -> tuple[str, str] | None:
    if not (statement or "").strip():
        return "statement", "请逐项说明符合提前停止公示的条件（履行义务、消除影响、未再受同类处罚、未列入严重违法失信名单）。"
    if len(statement.strip()) > 2000:
        return "statement", "说明最多 2000 字。"
    if not (contact or "").strip() or len(contact.strip()) > 200:
        return "contact", "请留下联系方式（最多 200 字）。"
    rules = early_stop_rules(pub, on)
    if rules["failures"]:
        return "number", rules["failures"][0]
    if pub.early_stop_requests.filter(status=EarlyStopStatus.PENDING).exists():
        return "number", "该信息已有待审批的提前停止公示申请。"
    return None


@transaction.atomic
def do_apply_early_stop(pub, *, statement: str, contact: str, actor=PARTY, channel: str = Channel.PORTAL,
                        on=None) -> EarlyStopRequest:
    """提前停止公示申请: refused at once when the profile's conditions that the platform can check fail
    (period not reached, an excluded penalty, not a penalty, not shown); the others are confirmed by
    the staff (`do_check_early_stop`) and a head decides."""
    pub = Publication.objects.select_for_update().select_related("obligation__case", "agency").get(pk=pub.pk)
    if channel == Channel.PAPER and not can(actor, "record_request", pub):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以登记书面申请。")
    day = on or timezone.localdate()
    problem = early_stop_problem(pub, statement, contact, day)
    if problem:
        raise RuleViolation(problem[1], field=problem[0])
    rules = early_stop_rules(pub, day)
    req = EarlyStopRequest(agency=pub.agency, publication=pub, channel=channel, statement=statement.strip(),
                           contact=contact.strip(), received_on=day, due=day,
                           checks=[{"code": f"c{i}", "label": label, "met": None, "note": ""}
                                   for i, label in enumerate(rules["conditions"], 1)],
                           recorded_by=_user(actor) if channel == Channel.PAPER else None, created_at=_now(),
                           number=_next_number(EarlyStopRequest, pub.agency, "停", day))
    req.save()
    ob, due = _deadline(req, pub.agency, kind=EARLY_STOP_DEADLINE, value_name="publicity.early_stop.answer",
                           on=day, note=f"{pub.obligation.case.number} 提前停止公示申请 {req.number}", actor=actor)
    req.obligation, req.due = ob, due
    req.save(update_fields=["obligation", "due"])
    append_entry(action="apply_early_stop", actor=actor, obj=req,
                 payload={"case": pub.obligation.case.number, "number": req.number, "channel": channel,
                          "due": req.due, "conditions": rules["conditions"]})
    return req


@transaction.atomic
def do_check_early_stop(req, *, checks: dict, actor) -> EarlyStopRequest:
    """核实条件 (editor or head): each condition met or not, with a note (`{"c1": (True, "已缴清罚款")}`)."""
    req = EarlyStopRequest.objects.select_for_update().get(pk=req.pk)
    if not can(actor, "check_early_stop", req):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以核实提前停止公示的条件。")
    if req.status != EarlyStopStatus.PENDING:
        raise Conflict(f"该申请已{req.get_status_display()}。", field="status")
    rows = []
    for row in req.checks:
        met, note = checks.get(row["code"], (row["met"], row["note"]))
        if met is not None and not isinstance(met, bool):
            raise RuleViolation(f"条件“{row['label']}”的核实结果应为符合或不符合。", field=row["code"])
        note = (note or "").strip()
        if met is not None and not note:
            raise RuleViolation(f"请写明条件“{row['label']}”的核实情况。", field=row["code"])
        rows.append({**row, "met": met, "note": note[:300]})
    req.checks = rows
    req.save(update_fields=["checks"])
    append_entry(action="check_early_stop", actor=actor, obj=req, payload={"number": req.number, "checks": rows})
    return req


def decision_problem(req, *, approve: bool, reasons: str, on=None) -> tuple[str, str] | None:
    if req.status != EarlyStopStatus.PENDING:
        return "status", f"该申请已{req.get_status_display()}。"
    if not (reasons or "").strip():
        return "reasons", ("批准的，须写明提前停止公示的说明（公开）。" if approve else "不予批准的，须写明理由。")
    if approve:
        unchecked = [c["label"] for c in req.checks if c["met"] is not True]
        if unchecked:
            return "checks", f"尚有条件未核实为符合：{'；'.join(unchecked)}。"
        failures = early_stop_rules(req.publication, on)["failures"]
        if failures:
            return "status", failures[0]
    return None


@transaction.atomic
def do_decide_early_stop(req, *, approve: bool, reasons: str, actor, on=None) -> EarlyStopRequest:
    """审批 (发布部门负责人): approved — every condition confirmed and the profile's checks still hold —
    the publication is taken down now (`stop_early`, the reasons are its public notice); refused — the
    reasons and the remedies. The answer's deadline is met."""
    from sanxiang.deadlines.actions import meet_obligations_of

    req = EarlyStopRequest.objects.select_for_update().select_related("publication").get(pk=req.pk)
    if not can(actor, "decide_early_stop", req):
        raise NotPermitted("提前停止公示须由本机关的发布部门负责人（科室负责人或单位领导）审批。")
    day = on or timezone.localdate()
    problem = decision_problem(req, approve=approve, reasons=reasons, on=day)
    if problem:
        raise (Conflict if problem[0] == "status" else RuleViolation)(problem[1], field=problem[0])
    if approve:  # the reasons are the public notice: one guard (decision 0097)
        from .public_text import public_text

        reasons = public_text(reasons, req.publication, what="提前停止公示的说明", field="reasons")
    req.status = EarlyStopStatus.APPROVED if approve else EarlyStopStatus.REFUSED
    req.reasons = reasons.strip() if approve else f"{reasons.strip()}\n{REMEDIES_DEFAULT}"
    req.decided_on, req.decided_by = day, _user(actor)
    req.save()
    if approve:
        pub = Publication.objects.select_for_update().get(pk=req.publication_id)
        apply(pub, "stop_early", actor=actor, table=PUBLICATION, locked=pub,
              reason=f"经当事人申请提前停止公示（{req.number}）：{reasons.strip()}"[:500], request=req, on=day)
    meet_obligations_of(object_type=req.ledger_type(), object_id=req.pk, kinds=[EARLY_STOP_DEADLINE], actor=actor)
    append_entry(action="decide_early_stop", actor=actor, obj=req,
                 payload={"number": req.number, "approved": approve, "reasons": req.reasons})
    return req


# ---- what the party sees -----------------------------------------------------------------------------

def party_view(pub) -> dict:
    """What the party sees on the portal after identifying: the publication's state and its requests,
    with the answers — never the internal original or the staff's names."""
    ob = pub.obligation
    return {
        "case": ob.case.number, "subject": ob.subject, "decision": ob.decision_label, "status": public_status(pub),
        "published_on": pub.published_on, "version": pub.public_version,
        "corrections": [{"number": r.number, "received_on": r.received_on, "due": r.due,
                         "status": r.get_status_display(), "pending": r.status == RequestStatus.PENDING,
                         "content": r.content, "answer": r.answer, "remedies": r.remedies,
                         "answered_on": r.answered_on, "correction_version": r.correction_version,
                         "corrected_public": bool(r.correction_version and pub.public_version
                                                  and pub.public_version >= r.correction_version)}
                        for r in pub.correction_requests.order_by("-id")],
        "early_stops": [{"number": r.number, "received_on": r.received_on, "due": r.due,
                         "status": r.get_status_display(), "pending": r.status == EarlyStopStatus.PENDING,
                         "reasons": r.reasons, "decided_on": r.decided_on}
                        for r in pub.early_stop_requests.order_by("-id")],
    }


def public_status(pub) -> str:
    """The publication's state in the party's words — never the staff's workflow states (草稿、待审核、
    已审核待发布 read as "the decision is a draft"; s23 defects10 #10)."""
    from .models import ObligationStatus, PublicationStatus

    ob = pub.obligation
    if pub.public_version is None:
        if ob.status == ObligationStatus.WITHHELD:
            return "依法不予公开"
        if ob.status == ObligationStatus.VOIDED:
            return ob.get_status_display()
        return f"尚未公示（应于 {ob.due:%Y年%-m月%-d日} 前公示）"
    if pub.status in (PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED):
        from .queries import status_label

        return status_label(pub)  # 公示期满, 提前停止 and a head's take-down each in its own words (decision 0094)
    return "已更正" if (pub.public_version or 0) > 1 else "已公示"  # a correction being prepared: the shown one


def find(model, agency, number) -> object:
    row = model.objects.filter(agency=agency, number=number).first()
    if row is None:
        raise NotFound("未找到该申请。")
    return row
