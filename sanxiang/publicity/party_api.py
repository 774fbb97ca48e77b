"""当事人申请 API (`/api/v1/party-requests/`, decision 0072): the staff's queue and acts (答复更正申请, 核实条件,
审批提前停止公示, 制作公示告知书, 登记书面申请) and the party's three public calls (申请更正, 申请提前停止公示,
查询办理结果) with the identity pair — the same actions as the pages (`publicity/requests.py`). Ids are
resolved within the caller's reach (another agency: 404); bodies are strict (422); errors in the one
shape. A wrong pair: 400 `identity_mismatch` with one message; throttled: 429 `throttled`."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from sanxiang.accounts.throttle import client_address
from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound, RuleViolation, SanxiangError
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user

from . import notices
from . import requests as R
from .models import Publication
from .party_models import CorrectionRequest, EarlyStopRequest

router = Router(tags=["party-requests"])
ERRORS = error_responses(400, 401, 403, 404, 409, 422)
READ = error_responses(401, 404)
PUBLIC = error_responses(400, 404, 422, 429)


class Throttled(SanxiangError):
    status = 429
    code = "throttled"
    default_message = "核验失败次数过多，请稍后再试。"


_user = request_user


def _row(request, model, row_id, what):
    found = row_by_id(model.objects.restrict(_user(request)).select_related("publication__obligation__case"), row_id)
    if found is None:
        raise NotFound(f"未找到该{what}。", code="request_not_found")
    return found


class PartyRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")


class CorrectionOut(Schema):
    id: int
    number: str
    case: str
    publication_id: int
    channel: str
    content: str
    contact: str
    received_on: dt.date
    due: dt.date
    rule: str
    citation: str
    status: str
    status_label: str
    answer: str
    remedies: str
    answered_on: dt.date | None
    correction_version: int | None


class CheckOut(Schema):
    code: str
    label: str
    met: bool | None
    note: str


class EarlyStopOut(Schema):
    id: int
    number: str
    case: str
    publication_id: int
    channel: str
    statement: str
    contact: str
    received_on: dt.date
    due: dt.date
    checks: list[CheckOut]
    status: str
    status_label: str
    reasons: str
    decided_on: dt.date | None


def correction_out(r: CorrectionRequest) -> dict:
    return {"id": r.pk, "number": r.number, "case": r.publication.obligation.case.number,
            "publication_id": r.publication_id, "channel": r.channel, "content": r.content, "contact": r.contact,
            "received_on": r.received_on, "due": r.due, "rule": r.rule, "citation": r.citation, "status": r.status,
            "status_label": r.get_status_display(), "answer": r.answer, "remedies": r.remedies,
            "answered_on": r.answered_on, "correction_version": r.correction_version}


def early_stop_out(r: EarlyStopRequest) -> dict:
    return {"id": r.pk, "number": r.number, "case": r.publication.obligation.case.number,
            "publication_id": r.publication_id, "channel": r.channel, "statement": r.statement, "contact": r.contact,
            "received_on": r.received_on, "due": r.due, "checks": r.checks, "status": r.status,
            "status_label": r.get_status_display(), "reasons": r.reasons, "decided_on": r.decided_on}


@router.get("/corrections", response={200: list[CorrectionOut], **READ}, summary="更正申请（本人可见的，按答复期限）")
def list_corrections(request, status: str | None = None):
    rows = CorrectionRequest.objects.restrict(_user(request)).select_related("publication__obligation__case")
    return [correction_out(r) for r in (rows.filter(status=status) if status else rows).order_by("due", "id")[:500]]


@router.get("/corrections/{request_id}", response={200: CorrectionOut, **READ}, summary="一项更正申请")
def get_correction(request, request_id: str):
    return correction_out(_row(request, CorrectionRequest, request_id, "更正申请"))


class CorrectionAnswerIn(PartyRequestIn):
    accept: bool
    answer: str = Field(max_length=2000)
    remedies: str = Field("", max_length=1000)
    text: str | None = Field(None, max_length=50000)


@router.post("/corrections/{request_id}/answer", response={200: CorrectionOut, **ERRORS},
             summary="答复更正申请（予以更正：开启更正；不予更正：理由和救济途径）")
def answer(request, request_id: str, data: CorrectionAnswerIn):
    req = _row(request, CorrectionRequest, request_id, "更正申请")
    done = R.do_answer_correction(req, accept=data.accept, answer=data.answer, remedies=data.remedies,
                                  text=data.text, actor=request.user)
    return Status(200, correction_out(done))


@router.get("/early-stops", response={200: list[EarlyStopOut], **READ}, summary="提前停止公示申请")
def list_early_stops(request, status: str | None = None):
    rows = EarlyStopRequest.objects.restrict(_user(request)).select_related("publication__obligation__case")
    return [early_stop_out(r) for r in (rows.filter(status=status) if status else rows).order_by("due", "id")[:500]]


@router.get("/early-stops/{request_id}", response={200: EarlyStopOut, **READ}, summary="一项提前停止公示申请")
def get_early_stop(request, request_id: str):
    return early_stop_out(_row(request, EarlyStopRequest, request_id, "提前停止公示申请"))


class CheckIn(PartyRequestIn):
    met: bool | None
    note: str = Field("", max_length=300)


class ChecksIn(PartyRequestIn):
    checks: dict[str, CheckIn]


@router.post("/early-stops/{request_id}/check", response={200: EarlyStopOut, **ERRORS}, summary="核实提前停止公示的条件")
def check(request, request_id: str, data: ChecksIn):
    req = _row(request, EarlyStopRequest, request_id, "提前停止公示申请")
    unknown = sorted(set(data.checks) - {c["code"] for c in req.checks})
    if unknown:
        raise RuleViolation(f"没有编号为“{unknown[0]}”的条件。", field="checks")
    done = R.do_check_early_stop(req, checks={k: (v.met, v.note) for k, v in data.checks.items()},
                                 actor=request.user)
    return Status(200, early_stop_out(done))


class DecideIn(PartyRequestIn):
    approve: bool
    reasons: str = Field(max_length=500)


@router.post("/early-stops/{request_id}/decide", response={200: EarlyStopOut, **ERRORS},
             summary="审批提前停止公示（发布部门负责人；批准即停止公示）")
def decide(request, request_id: str, data: DecideIn):
    req = _row(request, EarlyStopRequest, request_id, "提前停止公示申请")
    return Status(200, early_stop_out(R.do_decide_early_stop(req, approve=data.approve, reasons=data.reasons,
                                                             actor=request.user)))


class NoticeOut(Schema):
    document_id: int
    number: str
    status: str


class NoticeIn(PartyRequestIn):
    supplement_reason: str = Field(default="", max_length=300,
                                   description="归档后补充原因：案件已归档时必填（告知书作为归档后补充材料）")


def _publication(request, publication_id):
    found = row_by_id(Publication.objects.restrict(_user(request)).select_related("obligation__case", "agency"),
                      publication_id)
    if found is None:
        raise NotFound("未找到该公示信息。", code="publication_not_found")
    return found


@router.post("/publications/{publication_id}/notice", response={200: NoticeOut, **ERRORS},
             summary="制作执法决定信息公示告知书（新的公示查询码印在告知书上）")
def make_notice(request, publication_id: str, data: NoticeIn):
    doc = notices.do_make_publicity_notice(_publication(request, publication_id), actor=request.user,
                                           supplement_reason=data.supplement_reason)
    return Status(200, {"document_id": doc.pk, "number": doc.number, "status": doc.status})


class PaperCorrectionIn(PartyRequestIn):
    content: str = Field(max_length=2000)
    contact: str = Field(max_length=200)


@router.post("/publications/{publication_id}/corrections", response={200: CorrectionOut, **ERRORS},
             summary="登记书面更正申请")
def record_correction(request, publication_id: str, data: PaperCorrectionIn):
    req = R.do_request_correction(_publication(request, publication_id), content=data.content, contact=data.contact,
                                  actor=request.user, channel="paper")
    return Status(200, correction_out(req))


class PaperEarlyStopIn(PartyRequestIn):
    statement: str = Field(max_length=2000)
    contact: str = Field(max_length=200)


@router.post("/publications/{publication_id}/early-stops", response={200: EarlyStopOut, **ERRORS},
             summary="登记书面提前停止公示申请")
def record_early_stop(request, publication_id: str, data: PaperEarlyStopIn):
    req = R.do_apply_early_stop(_publication(request, publication_id), statement=data.statement,
                                contact=data.contact, actor=request.user, channel="paper")
    return Status(200, early_stop_out(req))


# ---- the party (no login) ------------------------------------------------------------------------------

class PairIn(PartyRequestIn):
    number: str = Field(min_length=1, max_length=80)
    code: str = Field(min_length=1, max_length=20)


class PublicCorrectionIn(PairIn):
    content: str = Field(max_length=2000)
    contact: str = Field(max_length=200)


class PublicEarlyStopIn(PairIn):
    statement: str = Field(max_length=2000)
    contact: str = Field(max_length=200)


class PartyRequestOut(Schema):
    number: str
    received_on: dt.date
    due: dt.date
    status: str
    pending: bool
    answer: str = ""
    remedies: str = ""
    reasons: str = ""


class PartyViewOut(Schema):
    case: str
    decision: str
    status: str
    published_on: dt.date | None
    version: int | None
    corrections: list[PartyRequestOut]
    early_stops: list[PartyRequestOut]
    message: str = ""


def _identified(request, agency_code, data):
    from sanxiang.orgs.models import Agency

    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound("未找到该机关。", code="agency_not_found")
    try:
        pub = R.identify(agency, data.number, data.code, address=client_address(request))
    except R.Throttled as exc:
        raise Throttled(exc.message) from None
    if pub is None:
        raise RuleViolation(R.WRONG_PAIR, code="identity_mismatch", field="code")
    return pub


def _view(pub, message=""):
    view = R.party_view(pub)
    return {**{k: view[k] for k in ("case", "decision", "status", "published_on", "version")},
            "corrections": view["corrections"], "early_stops": view["early_stops"], "message": message}


@router.post("/public/{agency_code}/corrections", response={200: PartyViewOut, **PUBLIC}, auth=None,
             summary="当事人申请更正（凭案号或决定书文号和公示查询码，无需登录）")
def public_correction(request, agency_code: str, data: PublicCorrectionIn):
    pub = _identified(request, agency_code, data)
    req = R.do_request_correction(pub, content=data.content, contact=data.contact)
    return Status(200, _view(pub, f"已收到更正申请 {req.number}，答复期限 {req.due:%Y-%m-%d}。"))


@router.post("/public/{agency_code}/early-stops", response={200: PartyViewOut, **PUBLIC}, auth=None,
             summary="当事人申请提前停止公示（无需登录）")
def public_early_stop(request, agency_code: str, data: PublicEarlyStopIn):
    pub = _identified(request, agency_code, data)
    req = R.do_apply_early_stop(pub, statement=data.statement, contact=data.contact)
    return Status(200, _view(pub, f"已收到提前停止公示申请 {req.number}，答复期限 {req.due:%Y-%m-%d}。"))


@router.post("/public/{agency_code}/lookup", response={200: PartyViewOut, **PUBLIC}, auth=None,
             summary="当事人查询办理结果（无需登录）")
def public_lookup(request, agency_code: str, data: PairIn):
    return Status(200, _view(_identified(request, agency_code, data)))
