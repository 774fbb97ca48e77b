"""案件 API, the rest of what the case page does: 当场处罚, editing the case and its proposal, 案件参与人,
现场执法记录, 回避 and 法制审核 — the same actions (`cases.actions`), guards and errors as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from ninja.responses import Status
from pydantic import Field

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound
from sanxiang.core.ids import row_by_id

from . import actions as C
from .api import CaseDetailOut, _case, _detail, _user, router

ERRORS = error_responses(400, 401, 403, 404, 409, 422)


class CaseChanges(Schema):
    """修改案件信息: only the fields sent change; `version` (from the case) refuses a stale copy (409)."""

    version: int
    cause: str | None = Field(None, max_length=300)
    facts: str | None = Field(None, max_length=5000)
    discretion: str | None = Field(None, max_length=5000)
    confidentiality: str | None = None


@router.patch("/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="修改案由、违法事实、裁量理由、保密标识")
def update_case(request, case_id: str, data: CaseChanges):
    fields = data.model_dump(exclude_unset=True, exclude={"version"})
    case = C.do_update_case(_case(request, case_id), version=data.version, actor=_user(request), **fields)
    return Status(200, _detail(case))


class ProposalIn(Schema):
    """修改拟处罚内容 (e.g. after adopting the party's 陈述申辩); a heavier one than notified is refused at
    decision (行政处罚法第四十五条)."""

    version: int
    penalties: list[str] = []
    fine: str | None = None
    confiscation: str | None = None
    flags: list[str] = []
    no_penalty_ground: str = ""  # 拟不予行政处罚: the ground (NoPenaltyGround), with no penalties


class ProposalOut(Schema):
    version: int
    penalties: list[str]
    fine: Decimal | None
    confiscation: Decimal | None
    flags: list[str]
    no_penalty_ground: str
    notified_penalties: list[str]  # what the party was told (告知): a heavier decision is refused
    notified_fine: Decimal | None


def _proposal(case) -> dict:
    return {"version": case.version, "penalties": case.proposed_penalties, "fine": case.proposed_fine,
            "confiscation": case.proposed_confiscation, "flags": case.review_flags,
            "no_penalty_ground": case.no_penalty_ground, "notified_penalties": case.notified_penalties, "notified_fine": case.notified_fine}


@router.get("/{case_id}/proposal", response={200: ProposalOut, **error_responses(401, 404)}, summary="拟处罚内容")
def get_proposal(request, case_id: str):
    return Status(200, _proposal(_case(request, case_id)))


@router.post("/{case_id}/proposal", response={200: CaseDetailOut, **ERRORS}, summary="修改拟处罚内容")
def revise_proposal(request, case_id: str, data: ProposalIn):
    case = C.do_revise_case_proposal(_case(request, case_id), version=data.version, penalties=data.penalties,
                                     fine=data.fine, confiscation=data.confiscation, flags=data.flags,
                                     no_penalty_ground=data.no_penalty_ground, actor=_user(request))
    return Status(200, _detail(case))


class ParticipantOut(Schema):
    id: int
    role: str
    role_label: str
    name: str
    relation: str
    for_party: int | None  # the party (当事人 id) an agent acts for


class ParticipantIn(Schema):
    role: str  # agent 委托代理人 / witness 见证人 / interpreter 翻译人员
    name: str = Field(..., max_length=100)
    id_number: str = Field("", max_length=64)
    relation: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    for_party_id: int | None = None


def _participant(p) -> dict:
    return {"id": p.pk, "role": p.role, "role_label": p.get_role_display(), "name": p.name, "relation": p.relation,
            "for_party": p.for_party.party_id if p.for_party_id else None}


@router.get("/{case_id}/participants", response={200: list[ParticipantOut], **error_responses(401, 404)},
            summary="案件参与人")
def list_participants(request, case_id: str):
    case = _case(request, case_id)
    return Status(200, [_participant(p) for p in case.participants.select_related("for_party").order_by("id")])


@router.post("/{case_id}/participants", response={201: ParticipantOut, **ERRORS},
             summary="登记委托代理人、见证人或翻译人员")
def add_participant(request, case_id: str, data: ParticipantIn):
    case = _case(request, case_id)
    for_party = None
    if data.for_party_id is not None:
        for_party = case.case_parties.filter(party_id=data.for_party_id).first()
        if for_party is None:
            raise NotFound("所代理的当事人不是本案当事人。", code="party_not_found")
    row = C.do_add_case_participant(case, role=data.role, name=data.name, id_number=data.id_number,
                                    relation=data.relation, phone=data.phone, for_party=for_party,
                                    actor=_user(request))
    return Status(201, _participant(row))


class OnSiteActOut(Schema):
    id: int
    act: str
    date: dt.date
    place: str
    certificate_numbers: list[str]
    told_reason_basis_rights: bool
    video_recorded: bool = Field(description="执法人员的声明（全程音像记录），不是证明")
    recording_attached: bool = Field(False, description="本案已存储的音像记录覆盖了这项活动")
    note: str


class OnSiteActIn(Schema):
    act: str = Field("onsite", description="现场执法活动：onsite 现场检查、sealing_up 封存、demolition 强制拆除、"
                                            "lab_intake 送检样品（承检机构接收样品）")
    place: str = Field(..., max_length=300)
    certificate_numbers: list[str]
    told_reason_basis_rights: bool = False
    video_recorded: bool = False
    date: dt.date | None = None
    note: str = Field("", max_length=500)


def _onsite(a, covered=frozenset()) -> dict:
    out = {f: getattr(a, f) for f in OnSiteActOut.model_fields if f != "recording_attached"}
    return {**out, "recording_attached": f"onsite:{a.pk}" in covered}


@router.get("/{case_id}/on-site-acts", response={200: list[OnSiteActOut], **error_responses(401, 404)},
            summary="现场执法记录")
def list_onsite_acts(request, case_id: str):
    from sanxiang.records.catalogue import covered_refs

    case = _case(request, case_id)
    covered = covered_refs(case)
    return Status(200, [_onsite(a, covered) for a in case.onsite_acts.order_by("date", "id")])


@router.post("/{case_id}/on-site-acts", response={201: OnSiteActOut, **ERRORS}, summary="记录现场执法")
def record_onsite_act(request, case_id: str, data: OnSiteActIn):
    act = C.do_record_onsite_act(_case(request, case_id), place=data.place, certificate_numbers=data.certificate_numbers,
                                 told_reason_basis_rights=data.told_reason_basis_rights,
                                 video_recorded=data.video_recorded, date=data.date, note=data.note,
                                 act=data.act, actor=_user(request))
    return Status(201, _onsite(act))


class RecusalOut(Schema):
    id: int
    handler: int  # the 承办人 (see …/handlers)
    person: str
    requested_by: str
    reason: str
    requested_on: dt.date
    decision: str
    decision_label: str
    decided_on: dt.date | None
    decision_reason: str


class RecusalIn(Schema):
    handler_id: int
    requested_by: str = Field(..., max_length=100)
    reason: str = Field(..., max_length=500)
    on: dt.date | None = None


class RecusalDecisionIn(Schema):
    granted: bool
    reason: str = Field("", max_length=500)  # required when refused
    on: dt.date | None = None


def _recusal(r) -> dict:
    return {"id": r.pk, "handler": r.handler_id, "person": r.handler.person.name, "requested_by": r.requested_by,
            "reason": r.reason, "requested_on": r.requested_on, "decision": r.decision,
            "decision_label": r.get_decision_display(), "decided_on": r.decided_on,
            "decision_reason": r.decision_reason}


@router.get("/{case_id}/recusals", response={200: list[RecusalOut], **error_responses(401, 404)}, summary="回避")
def list_recusals(request, case_id: str):
    case = _case(request, case_id)
    return Status(200, [_recusal(r) for r in case.recusals.select_related("handler__person").order_by("id")])


@router.post("/{case_id}/recusals", response={201: RecusalOut, **ERRORS}, summary="登记回避申请")
def request_recusal(request, case_id: str, data: RecusalIn):
    case = _case(request, case_id)
    handler = case.handlers.select_related("person").filter(pk=data.handler_id).first()
    if handler is None:
        raise NotFound("未找到本案的该承办人。", code="handler_not_found")
    row = C.do_request_recusal(case, handler, requested_by=data.requested_by, reason=data.reason, on=data.on,
                               actor=_user(request))
    return Status(201, _recusal(row))


def _recusal_of(request, case_id, recusal_id):
    recusal = row_by_id(_case(request, case_id).recusals.select_related("handler__person"), recusal_id)
    if recusal is None:
        raise NotFound("未找到该回避申请。", code="recusal_not_found")
    return recusal


@router.get("/{case_id}/recusals/{recusal_id}", response={200: RecusalOut, **error_responses(401, 404)},
            summary="一项回避申请")
def get_recusal(request, case_id: str, recusal_id: str):
    return Status(200, _recusal(_recusal_of(request, case_id, recusal_id)))


@router.post("/{case_id}/recusals/{recusal_id}", response={200: RecusalOut, **ERRORS}, summary="作出回避决定")
def decide_recusal(request, case_id: str, recusal_id: str, data: RecusalDecisionIn):
    row = C.do_decide_recusal(_recusal_of(request, case_id, recusal_id), granted=data.granted, reason=data.reason, on=data.on, actor=_user(request))
    return Status(200, _recusal(row))


class CaseReviewOut(Schema):
    id: int
    reviewer: str
    submitted_on: dt.date
    proposal: dict
    rules: list
    opinion: str
    opinion_label: str
    note: str
    reviewed_on: dt.date | None


class ReviewOpinionIn(Schema):
    opinion: str  # pass 同意 / return 退回 (with the reason in `note`)
    note: str = Field("", max_length=1000)
    on: dt.date | None = None


def _review(r) -> dict:
    """A round of the case's 法制审核 (sanxiang/review) in this endpoint's words: pending, pass or return."""
    from sanxiang.review.models import RoundStatus

    name = (r.reviewer.get_full_name() or r.reviewer.get_username()) if r.reviewer else ""
    opinion = {RoundStatus.AGREED: "pass", RoundStatus.RETURNED: "return"}.get(r.status, "pending")
    return {"id": r.pk, "reviewer": name, "submitted_on": r.submitted_on, "proposal": r.proposal,
            "rules": r.review.rules, "opinion": opinion, "opinion_label": r.opinion_label or r.get_status_display(),
            "note": r.opinion_text, "reviewed_on": r.opinion_on}


def _rounds(case):
    from sanxiang.review.models import ReviewRound

    return ReviewRound.objects.filter(review__case=case).select_related("review", "reviewer")


@router.get("/{case_id}/reviews", response={200: list[CaseReviewOut], **error_responses(401, 404)}, summary="法制审核")
def list_reviews(request, case_id: str):
    case = _case(request, case_id)
    return Status(200, [_review(r) for r in _rounds(case).order_by("id")])


def _review_of(request, case_id, review_id):
    review = row_by_id(_rounds(_case(request, case_id)), review_id)
    if review is None:
        raise NotFound("未找到该次法制审核。", code="review_not_found")
    return review


@router.get("/{case_id}/reviews/{review_id}", response={200: CaseReviewOut, **error_responses(401, 404)},
            summary="一次法制审核")
def get_review(request, case_id: str, review_id: str):
    return Status(200, _review(_review_of(request, case_id, review_id)))


@router.post("/{case_id}/reviews/{review_id}", response={200: CaseReviewOut, **ERRORS}, summary="提出法制审核意见")
def record_review(request, case_id: str, review_id: str, data: ReviewOpinionIn):
    review = C.do_record_case_review(_review_of(request, case_id, review_id), opinion=data.opinion, note=data.note, on=data.on, actor=_user(request))
    return Status(200, _review(review))


