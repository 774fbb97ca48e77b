"""查阅与调阅 API (`/api/v1/retrieval/`): a case's records with their file URLs, its access log,
调阅 requests and decisions, party copy requests. The files themselves are served by the plain view
at `/api/v1/retrieval/files/<kind>/<id>/<file>` (files.py), which the URLs here point to."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.cases import queries as case_queries
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.inputs import request_user

from . import actions, queries, serving
from .models import PartyCopyRequest

router = Router(tags=["retrieval"])


_user = request_user


_case = case_api_case  # the shared resolver: a case within the caller's reach, or 404


class FileOut(Schema):
    file: str
    label: str
    content_type: str
    size: int
    sha256: str
    view_url: str
    download_url: str | None  # none under a view-only 调阅 grant


class RecordOut(Schema):
    kind: str
    kind_label: str
    id: int
    name: str
    confidentiality: str
    purpose_required: bool
    files: list[FileOut]
    content_url: str | None = None  # its text (文字记录、内容说明、文书填写内容), read with purpose and 查阅留痕


class AccessOut(Schema):
    at: dt.datetime
    user: str
    record_kind: str
    record_id: int
    record: str
    file: str
    mode: str
    purpose: str
    grant_id: int | None
    watermarked: bool
    served_sha256: str
    byte_range: str = ""  # a partial read (Range) is told apart from a whole one


class RequestIn(Schema):
    case_id: int
    reason: str
    kind: str = "inspect"


class DecisionIn(Schema):
    approve: bool
    reason: str = ""
    until: dt.datetime | None = None


class RequestOut(Schema):
    id: int
    case_id: int
    case: str
    agency: str
    requester: str
    kind: str
    reason: str
    status: str
    status_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str
    until: dt.datetime | None


class RequestsOut(Schema):
    mine: list[RequestOut]
    waiting: list[RequestOut]


class PartyCopyIn(Schema):
    case_id: int
    party_id: int
    records: str
    asked: list[str] = []  # the records asked for: "kind:id" ("evidence:27") of `GET cases/{id}/records`
    reason: str = ""


class AnswerIn(Schema):
    provided: bool
    reason: str = ""


class PartyCopyDecisionIn(Schema):
    approve: bool
    reason: str = ""
    withhold: dict[str, str] = {}  # records asked for that the head does not consent to copy: {key: reason}


class PartyCopyOut(Schema):
    id: int
    case_id: int
    party: str
    records: str
    asked: list[str] = []
    withheld: list[dict] = []
    status: str
    status_label: str
    needs_approval: bool
    due_on: dt.date
    decided_at: dt.datetime | None = None
    decision_reason: str = ""
    links_until: dt.datetime | None = None  # until when the copies for the party may be downloaded
    answered_at: dt.datetime | None
    answer_reason: str


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _request_out(row) -> dict:
    return {"id": row.pk, "case_id": row.case_id, "case": row.case.number or row.case.cause,
            "agency": row.case.agency.name, "requester": _name(row.requester), "kind": row.kind,
            "reason": row.reason, "status": row.status, "status_label": row.get_status_display(),
            "requested_at": row.requested_at, "decided_at": row.decided_at, "decision_reason": row.decision_reason,
            "until": row.until}


def _copy_out(row) -> dict:
    return {"id": row.pk, "case_id": row.case_id, "party": row.party.name, "records": row.records,
            "asked": row.asked or [], "withheld": row.withheld or [],
            "status": row.status, "status_label": row.get_status_display(), "needs_approval": row.needs_approval,
            "due_on": row.due_on, "decided_at": row.decided_at, "decision_reason": row.decision_reason,
            "answered_at": row.answered_at, "answer_reason": row.answer_reason,
            "links_until": actions.party_copy_links_until(row)}


@router.get("/cases/{case_id}/records", response={200: list[RecordOut], **error_responses(401, 404, 422)},
            summary="案件的记录及其文件（查看/下载地址经统一调取服务；调阅获批者在有效期内可列出）")
def case_records(request, case_id: str):
    user = _user(request)
    case, grant = case_queries.case_for(user, case_id), None
    if case is None:  # a 调阅 grant in force lists the records it covers
        case, grant = queries.granted_case(user, case_id)
    if case is None:
        raise NotFound("未找到该案件，或您无权查看。", code="case_not_found")
    out = []
    for row in queries.records_of(user, case, grant):
        key = row["kind"].key
        out.append({"kind": key, "kind_label": row["kind"].label, "id": row["record"].pk, "name": row["name"],
                    "confidentiality": row["mark"], "purpose_required": row["confidential"],
                    "files": [{"file": name, "label": ref.label, "content_type": ref.content_type, "size": ref.size,
                               "sha256": ref.sha256, "view_url": serving.file_url(key, row["record"].pk, name),
                               # null where a download is always refused: a view-only grant, play-only media
                               # (a guarded look at audio or video; s21 tester8 #13)
                               "download_url": serving.file_url(key, row["record"].pk, name, mode="download")
                               if row["download"] and not (row["confidential"] and ref.is_player_media) else None}
                              for name, ref in row["files"].items()],
                    "content_url": content_api_url(key, row["record"].pk) if row["content"] else None})
    return Status(200, out)


@router.get("/cases/{case_id}/log", response={200: list[AccessOut], **error_responses(401, 404, 422)},
            summary="案件记录的访问日志（负责人、单位领导、执法监督人员看全部；其他人员看本人的查阅留痕）")
def case_log(request, case_id: str):
    case = _case(request, case_id)
    log = queries.access_log(request.user, case)  # the whole log, or the caller's own looks (as the page)
    return Status(200, [{"at": a.at, "user": a.who, "record_kind": a.record_kind, "record_id": a.record_id,
                         "record": queries.log_record_name(request.user, a), "file": a.file, "mode": a.mode, "purpose": a.purpose,
                         "grant_id": a.grant_id, "watermarked": a.watermarked, "served_sha256": a.served_sha256,
                         "byte_range": a.byte_range}
                        for a in log.rows[:1000]])


def content_api_url(kind: str, pk: int) -> str:
    return f"/api/v1/retrieval/records/{kind}/{pk}/content"


class ContentFieldOut(Schema):
    name: str
    label: str
    value: str


class ContentOut(Schema):
    kind: str
    id: int
    name: str
    confidentiality: str
    fields: list[ContentFieldOut]
    access_id: int  # the 查阅留痕 row this read wrote


@router.get("/records/{kind}/{record_id}/content", response={200: ContentOut, **error_responses(400, 401, 403, 404)},
            summary="留痕查看记录的内容（文字记录、内容说明、文书填写内容；涉密记录及执法监督人员须填写用途 purpose）")
def record_content(request, kind: str, record_id: str, purpose: str = ""):
    from . import content

    _user(request)
    found, fields, access = content.read(request, kind, record_id, purpose)
    return Status(200, {"kind": found.kind.key, "id": found.record.pk, "name": found.kind.name(found.record),
                        "confidentiality": found.mark, "fields": fields, "access_id": access.pk})


@router.get("/requests", response={200: RequestsOut, **error_responses(401)}, summary="我的调阅申请与待我审批的申请")
def list_requests(request):
    user = _user(request)
    return Status(200, {"mine": [_request_out(r) for r in queries.my_requests(user)[:200]],
                        "waiting": [_request_out(r) for r in queries.waiting_for(user)[:200]]})


@router.post("/requests", response={201: RequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="申请调阅（调阅并复制：执法监督）")
def create_request(request, data: RequestIn):
    user = _user(request)
    case = actions.requestable_case(user, data.case_id)
    if case is None:
        raise NotFound("未找到该案件，或您无权申请调阅。", code="case_not_found")
    return Status(201, _request_out(actions.do_request_access(case, reason=data.reason, kind=data.kind, actor=user)))


@router.get("/requests/{request_id}/decision", response={200: RequestOut, **error_responses(401, 404)},
            summary="待审批的调阅申请（审批前查看）")
def request_to_decide(request, request_id: str):
    row = queries.request_for(_user(request), request_id, "decide")
    if row is None:
        raise NotFound("未找到该调阅申请，或您无权审批。", code="access_request_not_found")
    return Status(200, _request_out(row))


@router.post("/requests/{request_id}/decision", response={200: RequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="批准或不予批准调阅")
def decide_request(request, request_id: str, data: DecisionIn):
    user = _user(request)
    row = queries.request_for(user, request_id, "decide")
    if row is None:
        raise NotFound("未找到该调阅申请，或您无权审批。", code="access_request_not_found")
    return Status(200, _request_out(actions.do_decide_access_request(row, approve=data.approve, reason=data.reason,
                                                                     until=data.until, actor=user)))


def _party_copy(request, copy_id) -> PartyCopyRequest:
    user = _user(request)
    row = None
    if str(copy_id).isdigit():
        row = PartyCopyRequest.objects.restrict(user).select_related("party").filter(pk=int(copy_id)).first()
    if row is None:
        raise NotFound("未找到该复制申请，或您无权查看。", code="party_copy_not_found")
    return row


@router.get("/party-copies", response={200: list[PartyCopyOut], **error_responses(401, 404, 422)},
            summary="案件的当事人复制申请")
def list_party_copies(request, case_id: str = ""):
    case = _case(request, case_id)
    rows = PartyCopyRequest.objects.restrict(request.user).filter(case=case).select_related("party")
    return Status(200, [_copy_out(r) for r in rows])


@router.post("/party-copies", response={201: PartyCopyOut, **error_responses(400, 401, 403, 404, 422)},
             summary="登记当事人复制申请")
def register_party_copy(request, data: PartyCopyIn):
    case = _case(request, data.case_id)
    link = case.case_parties.select_related("party").filter(party_id=data.party_id).first()
    if link is None:
        raise RuleViolation("申请人不是本案当事人。", field="party_id")
    return Status(201, _copy_out(actions.do_register_party_copy(case, party=link.party, records=data.records,
                                                                asked=data.asked, reason=data.reason, actor=request.user)))


@router.get("/party-copies/{copy_id}/approve", response={200: PartyCopyOut, **error_responses(401, 404)},
            summary="当事人复制申请（审批前查看）")
def party_copy_to_approve(request, copy_id: str):
    return Status(200, _copy_out(_party_copy(request, copy_id)))


@router.get("/party-copies/{copy_id}/answer", response={200: PartyCopyOut, **error_responses(401, 404)},
            summary="当事人复制申请（答复前查看）")
def party_copy_to_answer(request, copy_id: str):
    return Status(200, _copy_out(_party_copy(request, copy_id)))


@router.post("/party-copies/{copy_id}/approve",
             response={200: PartyCopyOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="负责人同意或不同意当事人复制（不同意须说明理由）")
def approve_party_copy(request, copy_id: str, data: PartyCopyDecisionIn):
    row = _party_copy(request, copy_id)
    return Status(200, _copy_out(actions.do_approve_party_copy(row, approve=data.approve, reason=data.reason,
                                                               withhold=data.withhold, actor=request.user)))


@router.post("/party-copies/{copy_id}/answer",
             response={200: PartyCopyOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="答复当事人复制申请（已提供 / 不予提供并说明理由）")
def answer_party_copy(request, copy_id: str, data: AnswerIn):
    row = _party_copy(request, copy_id)
    return Status(200, _copy_out(actions.do_answer_party_copy(row, provided=data.provided, reason=data.reason,
                                                              actor=request.user)))
