"""Reads of 查阅与调阅, filtered in SQL by the access policy."""

from __future__ import annotations

from typing import NamedTuple

from sanxiang.access.policy import can, restrict
from sanxiang.orgs.marks import Confidentiality

from . import kinds
from .models import AccessRequest, AccessRequestKind, AccessRequestStatus, RecordAccess


def records_of(user, case, grant=None) -> list[dict]:
    """The case's records `user` reads, each with its files, for the case page and the API. With a
    调阅 grant in force (`grant`), all the case's records the grant covers, as the serving layer
    serves them: a view-only grant lists only the files the browser shows."""
    from sanxiang.access.policy import current_roles

    rows = []
    view_only = grant is not None and grant.kind != AccessRequestKind.COPY
    # a supervisor's look is guarded as a confidential one: purpose asked, copies watermarked (serving.supervises)
    supervising = grant is None and not current_roles(user).filter(agency_id=case.agency_id).exists()
    from .content import fields_of

    for kind in kinds.all_kinds():
        found = kind.model.objects.filter(**{kind.case_path: case})
        if grant is None:
            found = restrict(found, user, "view")
        found = list(found.order_by("pk"))
        shared = kinds.shared_marks_of(found, case)  # a copy's file is guarded as its strictest holder's (0076)
        for record in found:
            mark = kinds.confidentiality(record, case, shared)
            files = kind.files(record)
            if view_only:
                files = {name: ref for name, ref in files.items() if ref.is_viewable}
            guarded = kinds.is_confidential(mark) or supervising
            rows.append({"kind": kind, "record": record, "name": kind.name(record), "mark": mark,
                         "mark_label": Confidentiality(mark).label, "confidential": guarded,
                         "files": files, "grant": grant, "download": not view_only,
                         # its text is read through the purpose and 查阅留痕 where its files are (content.py)
                         "content": (guarded or grant is not None) and bool(fields_of(kind.key, record))})
    return rows


def granted_case(user, case_id):
    """(case, grant): the case `user` holds an approved 调阅 grant in force on, or (None, None)."""
    from .actions import active_grant

    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        return None, None
    grant = active_grant(user, case_id)
    if grant is None:
        return None, None
    return grant.case, grant


SECRET_NAME = "国家秘密记录（题名不予显示）"


def log_record_name(user, row) -> str:
    """A 访问日志 row's record name as `user` may read it: a 国家秘密 record's title may itself be secret, so a
    reader who cannot see the record (the head, the supervisor, the keeper outside its 知悉范围) reads
    「国家秘密记录」 (s23 tester8 #6); the looker and those who see the record read its name."""
    if row.confidentiality != Confidentiality.STATE_SECRET or row.user_id == getattr(user, "pk", None):
        return row.record_name
    kind = kinds.get(row.record_kind)
    if kind is not None and restrict(kind.model.objects.filter(pk=row.record_id), user, "view").exists():
        return row.record_name
    return SECRET_NAME


class AccessLog(NamedTuple):
    rows: object  # RecordAccess queryset, newest first
    whole: bool  # the case's whole 访问日志 (heads, leaders, supervisors) — else the user's own looks


def access_log(user, case) -> AccessLog:
    """The 查阅留痕 of `case` that `user` reads — the one query the page and the API answer from (s19
    tester8 #24): the whole log for the unit's heads, the agency's leaders and supervisors
    (`view_access_log`); each other reader of the case their own looks (the policy's SELF: OWN)."""
    rows = restrict(RecordAccess.objects.filter(case=case), user).select_related("user", "grant")
    return AccessLog(rows, can(user, "view_access_log", case))


def my_requests(user):
    return restrict(AccessRequest.objects.filter(requester=user), user).select_related("case", "case__agency",
                                                                                       "decided_by")


def waiting_for(user):
    rows = restrict(AccessRequest.objects.filter(status=AccessRequestStatus.PENDING), user, "decide")
    return rows.exclude(requester=user).select_related("case", "case__agency", "requester")


def request_for(user, pk, action="view"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return restrict(AccessRequest.objects.select_related("case", "case__agency", "requester"), user,
                    action).filter(pk=pk).first()


def party_copies(user, case):
    """The party copy requests of `case` that `user` sees, newest first."""
    from .models import PartyCopyRequest

    return list(PartyCopyRequest.objects.restrict(user).filter(case=case).select_related("party")
                .order_by("-registered_at", "-id"))


def party_copy_for(user, pk):
    """One party copy request within `user`'s reach (None: not found, or another agency's)."""
    from .models import PartyCopyRequest

    try:
        return (PartyCopyRequest.objects.restrict(user).select_related("party", "case", "case__agency")
                .filter(pk=int(pk)).first())
    except (TypeError, ValueError):
        return None


def open_party_copies(user):
    """The party copy requests `user` may approve or answer that still wait, earliest deadline first."""
    from django.db.models import Q

    from .actions import keeps_archived
    from .models import PartyCopyRequest, PartyCopyStatus

    waiting = PartyCopyRequest.objects.filter(status__in=(PartyCopyStatus.PENDING_APPROVAL, PartyCopyStatus.TO_ANSWER))
    mine = Q(pk__in=restrict(waiting, user, "answer").values("pk")) | Q(pk__in=restrict(waiting, user, "decide").values("pk"))
    rows = list(waiting.filter(mine).select_related("case", "party").order_by("due_on", "id"))
    # the 档案管理人员's: those of archived cases she reads (the same rule as answering them)
    seen = {row.pk for row in rows}
    archived = (restrict(waiting, user).filter(status=PartyCopyStatus.TO_ANSWER, case__archived_file__isnull=False)
                .exclude(pk__in=seen).select_related("case", "party"))
    rows += [row for row in archived if keeps_archived(user, row.case)]
    return sorted(rows, key=lambda row: (row.due_on, row.pk))


def _supplements(case) -> set:
    """Of an archived case, the records added after archiving (归档后补充), which a copy marks as such."""
    from sanxiang.archive import actions as archive
    from sanxiang.archive.models import ArchivedCaseFile

    archived = ArchivedCaseFile.objects.filter(case=case).first()
    return {(r.object_type, r.object_id) for r in archive.supplements_of(archived)} if archived else set()


def party_copy_records(user, row, *, now=None) -> list[dict]:
    """What may be handed to the party on request `row` (see `party_copy_offer`)."""
    return party_copy_offer(user, row, now=now)[0]


def party_copy_left_out(item, files: dict) -> str:
    """Why a record's files are not offered as a party's copy (s19 tester8 #15: the page said nothing)."""
    refs = list(files.values())
    if any(ref.download_only for ref in refs):
        return "涉密电子数据原件：为保持原始格式和校验值不能加注水印，不在线提供复制件"
    if any(ref.is_player_media for ref in refs):
        return "涉密音像记录：只能在线播放，不提供复制件"
    return "无法加注水印的文件，不在线提供复制件"


def party_copy_offer(user, row, *, now=None) -> tuple[list[dict], list[dict]]:
    """What may be handed to the party on request `row`, for `user` who answers it: only while the
    request waits for its answer (once answered — provided or refused — the links go) and until the
    links expire (`actions.party_copy_links_until`, the profile's `records.party_copy_link_days`). Of the case's
    records: 执法文书 only once issued (签发), and only their sealed PDF (never a draft or the editable
    Word original); only the 正卷 — the 副卷 (调查终结报告, 审核意见, 结案审批表 and other internal
    deliberation; SAMR 卷宗 practice keeps the 副卷 internal, legal-rules §3a) is internal; not the
    volume's own forms (卷宗封面, 卷内文件目录, 卷内备考表). Of an archived case, what was added after
    archiving is marked `supplement` (归档后补充: not the archived file). Confidential audio
    and video stay play-only (the serving layer never downloads them). Only the records the party
    asked for (`asked`), less those the head withheld on approving (`withheld`)."""
    from django.utils import timezone

    from .actions import may_answer_party_copy, party_copy_links_until
    from .models import PartyCopyStatus

    if row.status != PartyCopyStatus.TO_ANSWER or not may_answer_party_copy(user, row):
        return [], []
    until = party_copy_links_until(row)
    if until is None or (now or timezone.now()) >= until:
        return [], []
    # only the records the party asked for, less those the head withheld (s22 tester8 #6)
    approved = party_copy_approved(row)
    out, left_out = party_copy_candidates(user, row.case)
    return ([item for item in out if item["key"] in approved],
            [item for item in left_out if item["key"] in approved])


def party_copy_purpose_text(row) -> str:
    """A party's copy's purpose, named by its request (the access log shows it)."""
    from django.utils import timezone

    return f"当事人{row.party.name}申请复制（{timezone.localtime(row.registered_at):%Y-%m-%d}登记）"


def party_copy_key(item) -> str:
    """A record's key in a party copy request (`asked`, `withheld`): its kind and id, "evidence:27"."""
    return f"{item['kind'].key}:{item['record'].pk}"


def party_copy_approved(row) -> set:
    """The keys of the records `row` covers: those the party asked for, less those the head withheld."""
    withheld = {w.get("record") for w in (row.withheld or [])}
    return {key for key in (row.asked or []) if key not in withheld}


def party_copy_candidates(user, case, *, asking: bool = False) -> tuple[list[dict], list[dict]]:
    """The case's records whose copies may be handed to a party (see `party_copy_offer`): those with files
    offered online, and those whose files cannot be (with the reason), each with its `key`. `asking`: every
    record of the 正卷 a party may name in a request (a document not issued yet too: only its issued PDF
    is ever offered). Never a 国家秘密 record (its own mark or its file's, decisions 0081/0088): 国家秘密
    只在涉密信息系统中处理, and a copy for the party would carry it out."""
    from sanxiang.archive import casefile, sources
    from sanxiang.documents.models import DocumentStatus

    internal = set()
    for record in sources.records_of(case):
        if casefile.is_frame(record) or casefile.placement(record)[0] == casefile.SECONDARY:
            internal.add((record.object_type, record.object_id))
    later = _supplements(case)
    out, left_out = [], []
    for item in records_of(user, case):
        record = item["record"]
        key = (record.ledger_type(), str(record.pk))
        if key in internal or item["mark"] == Confidentiality.STATE_SECRET:
            continue  # a 国家秘密 record never leaves this system, not as a party's copy either (s23 tester8 #6)
        item = {**item, "supplement": key in later, "key": party_copy_key(item)}
        if asking:
            out.append(item)
            continue
        files = item["files"]
        if item["kind"].key == "document":
            if record.status != DocumentStatus.ISSUED:
                continue
            files = {name: ref for name, ref in files.items() if name == "pdf"}
        if item["confidential"]:  # only what carries the watermark (s18 tester defect 11)
            kept = {name: ref for name, ref in files.items() if ref.is_watermarkable}
            if not kept and files:  # said on the page, so that 不予提供/提供纸质 is a conscious answer
                left_out.append({**item, "reason": party_copy_left_out(item, files)})
            files = kept
        if files:
            out.append({**item, "files": files})
    return out, left_out
