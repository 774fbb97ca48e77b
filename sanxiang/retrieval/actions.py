"""Writes of 查阅与调阅: every look at a record ledgered, 调阅 requests and their grants, the party's
copy requests. Permission and the law here, never only in views; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.access.actors import is_system_actor
from sanxiang.access.policy import can, current_roles, is_person
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.text import check_reason_text
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Agency, Role

from .models import (
    AccessMode,
    AccessRequest,
    AccessRequestKind,
    AccessRequestStatus,
    PartyCopyRequest,
    PartyCopyStatus,
    RecordAccess,
)

register_actions({
    "view_record": "查看记录",
    "download_record": "下载记录",
    "request_access": "申请调阅",
    "approve_access_request": "批准调阅",
    "refuse_access_request": "不予批准调阅",
    "expire_access_grant": "调阅期限届满",
    "register_party_copy": "登记当事人复制申请",
    "approve_party_copy": "同意当事人复制",
    "refuse_party_copy": "负责人不同意当事人复制",
    "answer_party_copy": "答复当事人复制申请",
})

# Marked defaults when a profile holds no value (the national profile has both, with citations).
DEFAULT_GRANT_DAYS = 7
DEFAULT_GRANT_MAX_DAYS = 30
DEFAULT_PARTY_COPY_ANSWER_DAYS = 7
DEFAULT_PARTY_COPY_LINK_DAYS = 30
PARTY_COPY_DEADLINE = "party_copy_answer"


def _profile_value(agency, key, default):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    try:
        value = get_profile(profile_key_of(agency)).value(key)
    except KeyError:
        return default
    return default if value is None else value


def _text(value, field, *, required=True, limit=500, label="原因") -> str:
    return inputs.text(value, label=label, field=field, max_length=limit, required=required)


# ---- 查阅留痕 -----------------------------------------------------------------------------------------

@transaction.atomic
def do_record_access(*, record, kind, case, file_key: str, file_sha256: str, served_sha256: str, mode: str,
                     purpose: str, grant, mark: str, watermarked: bool, byte_range: str, actor) -> RecordAccess:
    """查看/下载: one row and one ledger entry for a look at a record's file, in the serving request."""
    if not is_person(actor):
        raise NotPermitted("只有登录的用户可以查看记录。")
    access = RecordAccess.objects.create(
        case=case, record_kind=kind.key, record_id=record.pk, record_name=kind.name(record)[:200], file=file_key,
        file_sha256=file_sha256, served_sha256=served_sha256, watermarked=watermarked, mode=mode,
        purpose=purpose[:300], grant=grant, confidentiality=mark, byte_range=byte_range[:100], user=actor,
        at=timezone.now())
    payload = {"case": case.number or str(case.pk), "record_kind": kind.key, "record_id": record.pk,
               "record": access.record_name, "file": file_key, "file_sha256": file_sha256, "mode": mode,
               "purpose": access.purpose, "grant": grant.pk if grant else None, "confidentiality": mark}
    if watermarked:
        payload["watermarked_sha256"] = served_sha256
    if byte_range:
        payload["range"] = access.byte_range
    append_entry(action="download_record" if mode == AccessMode.DOWNLOAD else "view_record", actor=actor,
                 obj=access, payload=payload)
    return access


def record_package_access(*, case, export, purpose: str, mark: str, actor) -> RecordAccess:
    """查阅留痕 of a downloaded 归档信息包 (s19 tester8 #27): every record of the case at once, so it
    stands in the case's 访问日志 beside single looks — who, when, the package and its SHA-256, why.
    Called inside the download's transaction (archive.exports.do_record_download), with its own entry."""
    if not is_person(actor):
        raise NotPermitted("只有登录的用户可以下载归档信息包。")
    return _package_access(case, export.pk, f"归档信息包（{export.records} 件记录）", export.sha256, purpose, mark,
                           actor)


def record_operator_export(*, case, sha256: str, records: int, purpose: str, mark: str, actor) -> RecordAccess:
    """查阅留痕 of `sanxiang archive export` (s21 tester8 #12, decision 0079): the operator's command writes
    every record of the case, unwatermarked, so it stands in the case's 访问日志 with why — the system actor
    named (运维命令行), the package's SHA-256. Called inside the export's transaction (archive/package.py)."""
    if not is_system_actor(actor):
        raise NotPermitted("命令行导出只记录运维命令行的查阅留痕。")
    return _package_access(case, 0, f"归档信息包（命令行导出，{records} 件记录）", sha256, purpose, mark, actor)


def _package_access(case, record_id, name, sha256, purpose, mark, actor) -> RecordAccess:
    person = is_person(actor)
    access = RecordAccess.objects.create(
        case=case, record_kind=PACKAGE_KIND, record_id=record_id, record_name=name[:200], file=PACKAGE_FILE,
        file_sha256=sha256, served_sha256=sha256, watermarked=False, mode=AccessMode.DOWNLOAD, purpose=purpose[:300],
        grant=None, confidentiality=mark, byte_range="", user=actor if person else None,
        actor_name="" if person else actor.label[:100], at=timezone.now())
    append_entry(action="download_record", actor=actor, obj=access, payload={
        "case": case.number or str(case.pk), "record_kind": PACKAGE_KIND, "record_id": record_id,
        "record": access.record_name, "file": PACKAGE_FILE, "file_sha256": sha256, "mode": AccessMode.DOWNLOAD,
        "purpose": access.purpose, "grant": None, "confidentiality": mark})
    return access


PACKAGE_KIND = "archive_export"
PACKAGE_FILE = "package"


# ---- 调阅 -------------------------------------------------------------------------------------------

def requestable_agencies(user):
    """Agencies whose cases `user` may ask to see: where they hold a role in force, and those their
    supervisory body supervises (执法监督条例 Art.22)."""
    roles = current_roles(user)
    own = set(roles.values_list("agency_id", flat=True))
    bodies = roles.filter(role=Role.SUPERVISOR).values("agency_id")
    supervised = set(Agency.objects.filter(supervised_by__in=bodies).values_list("pk", flat=True))
    return own | supervised


def requestable_case(user, case_id):
    """The case `user` may ask 调阅 of, or None (another agency: as if it did not exist)."""
    from sanxiang.cases.models import Case

    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        return None
    if not is_person(user):
        return None
    return Case.objects.filter(pk=case_id, agency__in=requestable_agencies(user)).select_related("agency").first()


@transaction.atomic
def do_request_access(case, *, reason: str, kind: str = AccessRequestKind.INSPECT, actor) -> AccessRequest:
    """申请调阅: someone without standing access asks for a case's records, with a reason."""
    if requestable_case(actor, case.pk) is None:
        raise NotFound("未找到该案件，或您无权申请调阅。", code="case_not_found")
    if kind not in AccessRequestKind.values:
        raise RuleViolation("调阅方式应为“调阅”或“调阅并复制”。", field="kind")
    if kind == AccessRequestKind.COPY and not current_roles(actor).filter(role=Role.SUPERVISOR).exists():
        raise NotPermitted("调阅并复制只适用于执法监督（《行政执法监督条例》第二十二条）。", field="kind")
    reason = _text(reason, "reason", label="调阅事由")
    from sanxiang.core.text import check_purpose_text

    check_purpose_text(reason, label="调阅事由", field="reason")  # the purpose's one rule (s21 tester8 #9)
    if can(actor, "view", case):
        raise Conflict("您已可以查阅该案件的记录，无需申请调阅。", code="access_already_held")
    held = active_grant(actor, case.pk)
    if held is not None:
        raise Conflict(f"您对该案件的调阅在有效期内（至 {timezone.localtime(held.until):%Y-%m-%d %H:%M}），"
                       "到期后方可再次申请。", code="access_already_held")
    if AccessRequest.objects.filter(case=case, requester=actor, status=AccessRequestStatus.PENDING).exists():
        raise Conflict("您对该案件的调阅申请尚在审批中。", code="access_request_pending")
    row = AccessRequest.objects.create(case=case, requester=actor, kind=kind, reason=reason,
                                       requested_at=timezone.now())
    append_entry(action="request_access", actor=actor, obj=row,
                 payload={"case": case.number or str(case.pk), "kind": kind, "reason": reason})
    return row


def grant_days(agency) -> int:
    return min(int(_profile_value(agency, "records.access_grant_days", DEFAULT_GRANT_DAYS)), grant_max_days(agency))


def grant_max_days(agency) -> int:
    """The longest a 调阅 grant may run (`records.access_grant_max_days`), from its approval."""
    return int(_profile_value(agency, "records.access_grant_max_days", DEFAULT_GRANT_MAX_DAYS))


def _aware(moment) -> dt.datetime:
    """A time without a zone is the agency's local time (Asia/Shanghai, settings.TIME_ZONE), as the pages'
    date inputs are read (s21 tester8 #8: comparing it with an aware time answered 500); a date alone is
    the end of that day."""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment.strip())
        except ValueError:
            raise RuleViolation("调阅期限应为日期时间，如 2026-11-30 18:00。", field="until") from None
    if not isinstance(moment, dt.datetime) and isinstance(moment, dt.date):
        moment = dt.datetime.combine(moment, dt.time(23, 59))
    if not isinstance(moment, dt.datetime):
        raise RuleViolation("调阅期限应为日期时间，如 2026-11-30 18:00。", field="until")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@transaction.atomic
def do_decide_access_request(request: AccessRequest, *, approve: bool, reason: str = "", until=None,
                             actor) -> AccessRequest:
    """批准/不予批准调阅: the entitled head decides; an approval grants access until a time (by
    default `records.access_grant_days` after now, never more than `records.access_grant_max_days`);
    a refusal gives its reason."""
    locked = AccessRequest.objects.select_for_update().select_related("case", "case__agency").get(pk=request.pk)
    if not can(actor, "decide", locked):
        raise NotPermitted("只有承办机构负责人或单位领导可以审批调阅申请（国家秘密：仅限知悉范围内的负责人）。")
    if locked.status != AccessRequestStatus.PENDING:
        raise Conflict(f"该调阅申请已{locked.get_status_display()}，不能再次审批。", code="access_request_decided")
    if locked.requester_id == getattr(actor, "pk", None):
        raise NotPermitted("不能审批自己的调阅申请。")
    now = timezone.now()
    if approve:
        reason = check_reason_text(_text(reason, "reason", required=False, label="审批意见"),
                                   label="审批意见")  # s23 tester8 #8
        if until is None:
            until = now + dt.timedelta(days=grant_days(locked.case.agency))
        until = _aware(until)
        if until <= now:
            raise RuleViolation("调阅期限应晚于现在。", field="until")
        longest = grant_max_days(locked.case.agency)
        if until > now + dt.timedelta(days=longest):
            raise RuleViolation(f"调阅期限不能超过批准之日起 {longest} 日；需要更久的，请到期后重新申请。",
                                field="until")
        locked.status, locked.until = AccessRequestStatus.APPROVED, until
    else:
        reason = check_reason_text(_text(reason, "reason", label="不予批准的理由"), label="不予批准的理由")
        locked.status = AccessRequestStatus.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_reason = actor, now, reason
    locked.save()
    append_entry(action="approve_access_request" if approve else "refuse_access_request", actor=actor, obj=locked,
                 payload={"reason": reason, "until": locked.until.isoformat() if locked.until else None})
    return locked


@transaction.atomic
def do_expire_access_grant(request: AccessRequest, *, actor, now=None) -> bool:
    """调阅期限届满 (the job runner): an approved grant past its time ends. False when nothing to do."""
    now = now or timezone.now()
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != AccessRequestStatus.APPROVED or locked.until is None or locked.until > now:
        return False
    locked.status, locked.expired_at = AccessRequestStatus.EXPIRED, now
    locked.save(update_fields=["status", "expired_at"])
    append_entry(action="expire_access_grant", actor=actor, obj=locked, payload={"until": locked.until.isoformat()})
    return True


def active_grant(user, case_id, now=None):
    """The user's approved 调阅 grant on the case still in force (until after now), or None."""
    if not is_person(user):
        return None
    return (AccessRequest.objects.filter(requester=user, case_id=case_id, status=AccessRequestStatus.APPROVED,
                                         until__gt=now or timezone.now())
            .select_related("case", "case__agency").order_by("-until").first())


# ---- 当事人申请复制 ------------------------------------------------------------------------------------

def _party_copy_subject(row):
    return {"object_type": row.ledger_type(), "object_id": row.pk, "kinds": [PARTY_COPY_DEADLINE]}


def keeps_archived(actor, case) -> bool:
    """The agency's 档案管理人员 on an archived case: the archive keeps the file now and answers the
    requests for it — the plans hand archived case files to the 档案管理部门 for custody and use
    (株洲 plan 二（二）3.2)–4): 集中保管, 规范执法案卷归档、保管、使用、调阅; 乌鲁木齐高新区 plan 二（二）10(4):
    the party's copy with the head's consent; 泉州鲤城 plan 17: 行政相对人的执法信息调阅权限). No
    article of 档案法 or 机关档案管理规定 is cited: their texts are not in legal-rules.md (unverified).
    The case's own officers may have moved on; they and the heads still may."""
    from sanxiang.archive.models import ArchivedCaseFile

    return (is_person(actor) and can(actor, "view", case)
            and current_roles(actor).filter(role=Role.RECORDS_KEEPER, agency=case.agency_id).exists()
            and ArchivedCaseFile.objects.filter(case=case).exists())


def may_register_party_copy(actor, case) -> bool:
    return can(actor, "register_party_copy", case) or keeps_archived(actor, case)


def may_answer_party_copy(actor, row) -> bool:
    return can(actor, "answer", row) or keeps_archived(actor, row.case)


def party_copy_links_until(row):
    """Until when the copies for the party may be downloaded on `row`: `records.party_copy_link_days`
    days from when it could first be answered (the head's consent where the profile asks for it, else
    its registration); None while it cannot be answered yet."""
    since = row.decided_at if row.needs_approval else row.registered_at
    if since is None or row.status == PartyCopyStatus.PENDING_APPROVAL:
        return None
    days = int(_profile_value(row.case.agency, "records.party_copy_link_days", DEFAULT_PARTY_COPY_LINK_DAYS))
    return since + dt.timedelta(days=days)


def party_copy_answers(actor, row) -> list[tuple[str, str]]:
    """The answers `actor` may give to `row` now (the page offers only these): the head's 同意/不同意
    while it waits for approval; 已提供/不予提供 once it may be answered."""
    if row.status == PartyCopyStatus.PENDING_APPROVAL:
        return [("approve", "同意复制"), ("refuse_approval", "不同意复制")] if can(actor, "decide", row) else []
    if row.status == PartyCopyStatus.TO_ANSWER and may_answer_party_copy(actor, row):
        return [("provide", "已提供"), ("refuse", "不予提供")]
    return []


def _asked_records(actor, case, asked) -> list[dict]:
    """The records named by `asked` (keys such as "evidence:27"), each one the party may ask to copy on
    `case` (`queries.party_copy_candidates`); at least one (s22 tester8 #6: the approval covered every record)."""
    from .queries import party_copy_candidates

    keys = list(dict.fromkeys(str(key).strip() for key in (asked or []) if str(key).strip()))
    if not keys:
        raise RuleViolation("请选择当事人申请复制的记录（至少一项）。", field="asked", code="party_copy_no_records")
    out, left_out = party_copy_candidates(actor, case, asking=True)
    known = {item["key"]: item for item in out + left_out}
    unknown = [key for key in keys if key not in known]
    secret = _state_secret_keys(actor, case) & set(unknown)
    if secret:  # s23 tester8 #6: a 国家秘密 record was handed to the party
        raise RuleViolation("国家秘密记录不得作为当事人的复制件提供（国家秘密只在涉密信息系统中处理，"
                            "查阅、复制按保密规定办理），请从申请中去掉。", field="asked", code="party_copy_state_secret")
    if unknown:
        raise RuleViolation(f"所选记录不是本案可申请复制的记录：{'、'.join(unknown)}。", field="asked",
                            code="party_copy_unknown_record")
    return [known[key] for key in keys]


def _state_secret_keys(actor, case) -> set:
    """The keys of the case's 国家秘密 records `actor` reads (their own mark or their file's)."""
    from sanxiang.orgs.marks import Confidentiality

    from .queries import party_copy_key, records_of

    return {party_copy_key(item) for item in records_of(actor, case) if item["mark"] == Confidentiality.STATE_SECRET}


UNREADABLE_NAME = "您无权查看的记录"


def party_copy_asked(actor, row) -> list[dict]:
    """The records `row` asks for, as `actor` reads them now (name, 保密标识, whether withheld and why),
    for the head to see before approving (others' personal privacy or business secrets are flagged). A
    record `actor` cannot read (or no longer offerable: a 国家秘密 one) is `unreadable`, named
    「您无权查看的记录」, never by its key (s23 tester8 #6)."""
    from .queries import party_copy_candidates

    out, left_out = party_copy_candidates(actor, row.case, asking=True)
    known = {item["key"]: item for item in out + left_out}
    withheld = {w.get("record"): w.get("reason", "") for w in (row.withheld or [])}
    return [{"key": key, "name": known[key]["name"] if key in known else UNREADABLE_NAME,
             "mark_label": known[key]["mark_label"] if key in known else "", "unreadable": key not in known,
             "confidential": bool(known.get(key, {}).get("confidential")),
             "withheld": key in withheld, "withheld_reason": withheld.get(key, "")}
            for key in (row.asked or [])]


@transaction.atomic
def do_register_party_copy(case, *, party, records: str, asked=None, reason: str = "",
                           actor) -> PartyCopyRequest:
    """登记当事人复制申请: staff register a party's request (parties have no login), naming the records
    asked for (`asked`: keys such as "evidence:27"; only these may then be handed out); the answer is due
    within `records.party_copy_answer_days` working days."""
    from sanxiang.deadlines.actions import do_open_obligation

    if not is_person(actor) or not may_register_party_copy(actor, case):
        raise NotPermitted("只有承办该案件的执法人员或负责人（已归档的案件：本机关档案管理人员）可以登记当事人的复制申请。")
    if not case.case_parties.filter(party=party).exists():
        raise RuleViolation("申请人不是本案当事人。", field="party")
    records = _text(records, "records", label="申请复制的记录")
    reason = _text(reason, "reason", required=False)
    chosen = _asked_records(actor, case, asked)
    needs = bool(_profile_value(case.agency, "records.party_copy_requires_approval", False))
    now = timezone.now()
    row = PartyCopyRequest.objects.create(
        case=case, party=party, records=records, asked=[item["key"] for item in chosen], reason=reason,
        needs_approval=needs,
        status=PartyCopyStatus.PENDING_APPROVAL if needs else PartyCopyStatus.TO_ANSWER,
        registered_by=actor, registered_at=now, due_on=timezone.localdate())
    days = int(_profile_value(case.agency, "records.party_copy_answer_days", DEFAULT_PARTY_COPY_ANSWER_DAYS))
    ob = do_open_obligation(object_type=row.ledger_type(), object_id=row.pk, agency=case.agency,
                            kind=PARTY_COPY_DEADLINE, start=timezone.localdate(), count=days, unit="workdays",
                            note="答复当事人复制申请", actor=actor)
    row.due_on = ob.due
    row.save(update_fields=["due_on"])
    append_entry(action="register_party_copy", actor=actor, obj=row,
                 payload={"party": party.name, "records": records, "needs_approval": needs,
                          "asked": [{"record": item["key"], "name": item["name"]} for item in chosen],
                          "due_on": row.due_on.isoformat()})
    return row


@transaction.atomic
def do_approve_party_copy(row: PartyCopyRequest, *, approve: bool = True, reason: str = "", withhold=None,
                          actor) -> PartyCopyRequest:
    """同意/不同意复制 (机关负责人): where the profile asks for it, before the copies are provided. The
    consent covers the records asked for, less those the head withholds (`withhold`: {key: reason},
    each with its reason, at least one record kept). A refusal needs its reason; it answers the request
    (不予提供, the reason kept as the answer's) and meets the answer deadline."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = PartyCopyRequest.objects.select_for_update().get(pk=row.pk)
    if not can(actor, "decide", locked):
        raise NotPermitted("只有承办机构负责人或单位领导可以审批当事人的复制申请。")
    if locked.status != PartyCopyStatus.PENDING_APPROVAL:
        raise Conflict(f"该申请{locked.get_status_display()}，无需审批。", code="party_copy_not_pending")
    reason = _text(reason, "reason", required=not approve, label="审批意见" if approve else "不同意复制的理由")
    # a refusal answers the party's request 不予提供; an opinion given says something (s23 tester8 #3)
    reason = check_reason_text(reason, label="审批意见" if approve else "不同意复制的理由")
    withheld = []
    asked = party_copy_asked(actor, locked)
    if approve and any(item["unreadable"] for item in asked):
        # the head consents to what she sees (s23 tester8 #6): a record she cannot read is not hers to approve
        raise NotPermitted("所申请的记录中有您无权查看的记录（如国家秘密记录），您不能同意复制：请由能查看全部记录的负责人审批，"
                           "或不同意复制并说明理由。", code="party_copy_unreadable")
    if approve and withhold:
        names = {item["key"]: item["name"] for item in asked}
        for key, why in dict(withhold).items():
            if key not in names:
                raise RuleViolation("所选记录不在当事人申请复制的记录之中。", field="withhold",
                                    code="party_copy_unknown_record")
            why = _text(why, "withhold", label=f"不同意复制“{names[key]}”的理由")
            why = check_reason_text(why, label=f"不同意复制“{names[key]}”的理由", field="withhold")
            withheld.append({"record": key, "name": names[key], "reason": why})
        if len(withheld) >= len(names):
            raise RuleViolation("所申请的记录均不同意复制的，请选择不同意复制并说明理由。", field="withhold",
                                code="party_copy_all_withheld")
    now = timezone.now()
    locked.decided_by, locked.decided_at, locked.decision_reason = actor, now, reason
    if approve:
        locked.status = PartyCopyStatus.TO_ANSWER
        locked.withheld = withheld
    else:
        locked.status = PartyCopyStatus.REFUSED
        locked.answered_by, locked.answered_at, locked.answer_reason = actor, now, reason
    locked.save()
    if not approve:
        meet_obligations_of(**_party_copy_subject(locked), actor=actor, at=now)
    append_entry(action="approve_party_copy" if approve else "refuse_party_copy", actor=actor, obj=locked,
                 payload={"approve": approve, "reason": reason, **({"withheld": withheld} if approve else {})})
    return locked


@transaction.atomic
def do_answer_party_copy(row: PartyCopyRequest, *, provided: bool, reason: str = "", actor) -> PartyCopyRequest:
    """答复: provided, or refused with a reason (a refusal before approval is the head's)."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = PartyCopyRequest.objects.select_for_update().get(pk=row.pk)
    if locked.status in (PartyCopyStatus.PROVIDED, PartyCopyStatus.REFUSED):
        raise Conflict(f"该申请已答复（{locked.get_status_display()}）。", code="party_copy_answered")
    if locked.status == PartyCopyStatus.PENDING_APPROVAL:
        if provided:
            raise RuleViolation("该机关规定当事人复制须经负责人同意，请先审批。", code="party_copy_needs_approval")
        if not can(actor, "decide", locked):
            raise NotPermitted("审批前不予提供，须由承办机构负责人或单位领导决定。")
    elif not may_answer_party_copy(actor, locked):
        raise NotPermitted("只有承办该案件的执法人员或负责人（已归档的案件：本机关档案管理人员）可以答复当事人的复制申请。")
    reason = check_reason_text(_text(reason, "reason", required=not provided, label="不予提供的理由"),
                               label="不予提供的理由")  # s23 tester8 #3
    now = timezone.now()
    locked.status = PartyCopyStatus.PROVIDED if provided else PartyCopyStatus.REFUSED
    locked.answered_by, locked.answered_at, locked.answer_reason = actor, now, reason
    locked.save()
    meet_obligations_of(**_party_copy_subject(locked), actor=actor, at=now)
    append_entry(action="answer_party_copy", actor=actor, obj=locked,
                 payload={"provided": provided, "reason": reason})
    return locked
