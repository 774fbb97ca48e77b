"""法制审核 API, the procedures around a round (`/api/v1/reviews/…`): the sign-off chain, collective
discussion, negotiation and the leaders' decision, consultations and inquiries — the actions of
`review/flow.py`. Rounds and reviews are found within the caller's reach (another agency: 404); the
sign-off is found among the rounds of the caller's agencies, since who signs is the chain's."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from sanxiang.access.policy import current_roles
from sanxiang.core.errors import NotFound
from sanxiang.core.ids import row_by_id

from . import flow as F
from .api import ERRORS, READ, In, _round, _user
from .models import LegalReview, ReviewRound
from .models_flow import Consultation, Outcome

router = Router(tags=["reviews"])


def _round_of_my_agency(request, round_id: str) -> ReviewRound:
    agencies = current_roles(_user(request)).values("agency_id")
    found = row_by_id(ReviewRound.objects.filter(review__case__agency__in=agencies)
                      .select_related("review__case__agency"), round_id)
    if found is None:
        raise NotFound("未找到该轮法制审核。", code="review_round_not_found")
    return found


def _review(request, review_id: str) -> LegalReview:
    found = row_by_id(LegalReview.objects.restrict(_user(request)).select_related("case__agency"), review_id)
    if found is None:
        raise NotFound("未找到该法制审核。", code="review_not_found")
    return found


def _user_ids(usernames: list[str]) -> list[int]:
    """Accounts by username; an unknown name becomes -1, which the action refuses as not a leader."""
    found = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "pk"))
    return [found.get(name, -1) for name in usernames]


# ---- 签批 -------------------------------------------------------------------------------------

class SignOffOut(Schema):
    position: int
    step: str
    label: str
    approved: bool
    opinion: str
    signer: str
    signed_on: dt.date


class ChainStepOut(Schema):
    position: int
    code: str
    label: str
    signoff: SignOffOut | None


class ChainOut(Schema):
    """签批流程: the steps of the round's chain in order, each with its sign-off once signed."""

    before_decision: bool
    next_step: str | None
    steps: list[ChainStepOut]


def _signoff(row) -> dict:
    return {"position": row.position, "step": row.step, "label": row.step_label, "approved": row.approved,
            "opinion": row.opinion, "signer": row.signer_name, "signed_on": row.signed_on}


def _chain(rnd) -> dict:
    state = F.chain_state(rnd)
    pending = next((s for s in state if s["signoff"] is None), None)
    return {"before_decision": bool(F.chain_of(rnd.review, rnd.submitted_on).get("before_decision")),
            "next_step": pending["code"] if pending else None,
            "steps": [{"position": s["position"], "code": s["code"], "label": s["label"],
                       "signoff": _signoff(s["signoff"]) if s["signoff"] else None} for s in state]}


class SignOffIn(In):
    step: str = Field(max_length=64)
    approved: bool
    opinion: str = Field(max_length=2000)
    on: dt.date | None = None


@router.get("/rounds/{round_id}/signoffs", response={200: ChainOut, **READ}, summary="签批流程")
def chain(request, round_id: str):
    return Status(200, _chain(_round_of_my_agency(request, round_id)))


@router.post("/rounds/{round_id}/signoffs", response={200: ChainOut, **ERRORS},
             summary="签批（按顺序；不同意的退回承办机构）")
def sign_off(request, round_id: str, data: SignOffIn):
    rnd = _round_of_my_agency(request, round_id)
    F.do_sign_off(rnd, data.step, approved=data.approved, opinion=data.opinion, on=data.on, actor=_user(request))
    return Status(200, _chain(ReviewRound.objects.select_related("review__case__agency").get(pk=rnd.pk)))


# ---- 分歧 -------------------------------------------------------------------------------------

class AttendeeIn(In):
    username: str = Field(max_length=150)
    position: str = Field(max_length=16)
    text: str = Field("", max_length=1000)


class DiscussionIn(In):
    """集体讨论: every attendee a leader of the agency with a position; more than the profile's share."""

    held_on: dt.date
    attendees: list[AttendeeIn]
    outcome: str = Field(max_length=16)
    minutes: str = Field(max_length=20000)
    # 讨论的是哪一轮 (its number): required when the review holds several decisions with an opinion
    # (a coercion review's measures, a licence's later decisions); else that one round (decision 0075).
    round: int | None = None


class AttendeeOut(Schema):
    name: str
    position: str
    text: str


class DiscussionOut(Schema):
    id: int
    round: int
    grounds: list[dict]
    held_on: dt.date
    attendees: list[AttendeeOut]
    outcome: str
    outcome_label: str
    minutes: str


def _discussion(row) -> dict:
    return {"id": row.pk, "round": row.round.number, "grounds": row.grounds, "held_on": row.held_on,
            "attendees": row.attendees, "outcome": row.outcome, "outcome_label": Outcome(row.outcome).label,
            "minutes": row.minutes}


@router.get("/{review_id}/collective-discussions", response={200: list[DiscussionOut], **READ}, summary="集体讨论")
def discussions(request, review_id: str):
    review = _review(request, review_id)
    return Status(200, [_discussion(d) for d in review.discussions.select_related("round").order_by("id")])


@router.post("/{review_id}/collective-discussions", response={201: DiscussionOut, **ERRORS}, summary="记录集体讨论")
def record_discussion(request, review_id: str, data: DiscussionIn):
    review = _review(request, review_id)
    ids = _user_ids([a.username for a in data.attendees])
    attendees = [{"user": i, "position": a.position, "text": a.text} for i, a in zip(ids, data.attendees)]
    row = F.do_record_collective_discussion(review, held_on=data.held_on, attendees=attendees, outcome=data.outcome,
                                            minutes=data.minutes, actor=_user(request), round=data.round)
    return Status(201, _discussion(row))


class NegotiationIn(In):
    held_on: dt.date
    participants: list[str]
    agreed: bool
    text: str = Field(max_length=4000)


class NegotiationOut(Schema):
    id: int
    held_on: dt.date
    participants: list[str]
    agreed: bool
    text: str


def _negotiation(row) -> dict:
    return {"id": row.pk, "held_on": row.held_on, "participants": row.participants, "agreed": row.agreed,
            "text": row.text}


@router.get("/rounds/{round_id}/negotiations", response={200: list[NegotiationOut], **READ}, summary="协商沟通")
def negotiations(request, round_id: str):
    return Status(200, [_negotiation(n) for n in _round(request, round_id).negotiations.order_by("id")])


@router.post("/rounds/{round_id}/negotiations", response={201: NegotiationOut, **ERRORS}, summary="记录协商沟通")
def record_negotiation(request, round_id: str, data: NegotiationIn):
    row = F.do_record_negotiation(_round(request, round_id), held_on=data.held_on, participants=data.participants,
                                  agreed=data.agreed, text=data.text, actor=_user(request))
    return Status(201, _negotiation(row))


class LeadershipIn(In):
    """局领导研究决定: both opinions, the deciding leaders and their decision (after a failed negotiation)."""

    handling_opinion: str = Field(max_length=4000)
    review_opinion: str = Field(max_length=4000)
    decided_on: dt.date
    deciders: list[AttendeeIn]  # each leader taking part with a position (as a 集体讨论's attendees)
    outcome: str = Field(max_length=16)
    text: str = Field(max_length=4000)
    round: int | None = None  # the returned round decided (its number; required when several are)


class DeciderOut(Schema):
    name: str
    position: str  # "" on decisions recorded before positions were
    text: str


class LeadershipOut(Schema):
    id: int
    round: int
    decided_on: dt.date
    deciders: list[DeciderOut]
    outcome: str
    outcome_label: str
    text: str


def _leadership(row) -> dict:
    return {"id": row.pk, "round": row.round.number, "decided_on": row.decided_on,
            "deciders": [{"name": d["name"], "position": d.get("position", ""), "text": d.get("text", "")}
                         for d in row.deciders], "outcome": row.outcome,
            "outcome_label": Outcome(row.outcome).label, "text": row.text}


@router.get("/{review_id}/leadership-decisions", response={200: list[LeadershipOut], **READ},
            summary="局领导研究决定")
def leadership_decisions(request, review_id: str):
    review = _review(request, review_id)
    return Status(200, [_leadership(d) for d in review.leadership_decisions.select_related("round").order_by("id")])


@router.post("/{review_id}/leadership-decisions", response={201: LeadershipOut, **ERRORS},
             summary="记录局领导研究决定")
def record_leadership_decision(request, review_id: str, data: LeadershipIn):
    row = F.do_record_leadership_decision(
        _review(request, review_id), handling_opinion=data.handling_opinion, review_opinion=data.review_opinion,
        decided_on=data.decided_on, outcome=data.outcome, text=data.text,
        deciders=[{"user": i, "position": d.position, "text": d.text}
                  for i, d in zip(_user_ids([d.username for d in data.deciders]), data.deciders)],
        actor=_user(request), round=data.round)
    return Status(201, _leadership(row))


# ---- 征求意见、审核调查 --------------------------------------------------------------------------

class ConsultIn(In):
    """征求意见: `username` — the person's account (none: no access is granted)."""

    expertise: str = Field(max_length=64)
    name: str = Field(max_length=100)
    organisation: str = Field("", max_length=200)
    username: str | None = Field(None, max_length=150)
    question: str = Field(max_length=2000)
    access_until: dt.date | None = None
    on: dt.date | None = None


class ConsultationOut(Schema):
    id: int
    round: int
    expertise: str
    name: str
    organisation: str
    access_until: dt.date | None
    question: str
    asked_on: dt.date
    opinion: str
    opinion_on: dt.date | None
    outside_agency: str  # "" or 本机关以外的账号（所属机关和角色）(decision 0082)


def _consultation(row) -> dict:
    return {"id": row.pk, "round": row.round.number, "expertise": row.expertise, "name": row.name,
            "organisation": row.organisation, "access_until": row.access_until, "question": row.question,
            "asked_on": row.asked_on, "opinion": row.opinion, "opinion_on": row.opinion_on,
            "outside_agency": row.outside_agency}


@router.get("/rounds/{round_id}/consultations", response={200: list[ConsultationOut], **READ}, summary="征求意见")
def consultations(request, round_id: str):
    rnd = _round(request, round_id)
    return Status(200, [_consultation(c) for c in rnd.consultations.select_related("round").order_by("id")])


@router.post("/rounds/{round_id}/consultations", response={201: ConsultationOut, **ERRORS}, summary="征求意见")
def consult(request, round_id: str, data: ConsultIn):
    user = None
    if data.username:
        user = get_user_model().objects.filter(username=data.username).first()
        if user is None:
            raise NotFound(f"未找到用户“{data.username}”。", code="user_not_found", field="username")
    row = F.do_consult(_round(request, round_id), expertise=data.expertise, name=data.name, question=data.question,
                       organisation=data.organisation, user=user, access_until=data.access_until, on=data.on,
                       actor=_user(request))
    return Status(201, _consultation(row))


class ConsultationOpinionIn(In):
    opinion: str = Field(max_length=4000)
    on: dt.date | None = None


def _consultation_row(request, consultation_id: str) -> Consultation:
    found = row_by_id(Consultation.objects.restrict(_user(request)).select_related("round"), consultation_id)
    if found is None:
        raise NotFound("未找到该征求意见。", code="consultation_not_found")
    return found


@router.get("/consultations/{consultation_id}", response={200: ConsultationOut, **READ},
            summary="一项征求意见（被征求意见人可读本人的）")
def consultation(request, consultation_id: str):
    return Status(200, _consultation(_consultation_row(request, consultation_id)))


@router.post("/consultations/{consultation_id}", response={200: ConsultationOut, **ERRORS},
             summary="记录征求意见的回复")
def consultation_opinion(request, consultation_id: str, data: ConsultationOpinionIn):
    found = _consultation_row(request, consultation_id)
    row = F.do_record_consultation_opinion(found, opinion=data.opinion, on=data.on, actor=_user(request))
    return Status(200, _consultation(row))


class InquiryIn(In):
    """审核调查: `record` — the id of the case's 笔录 document, if one was made."""

    kind: str = Field(max_length=24)
    held_on: dt.date
    persons: str = Field(max_length=500)
    content: str = Field(max_length=4000)
    record: int | None = None


class InquiryOut(Schema):
    id: int
    kind: str
    held_on: dt.date
    persons: str
    content: str
    record: str | None


def _inquiry(row) -> dict:
    return {"id": row.pk, "kind": row.kind, "held_on": row.held_on, "persons": row.persons, "content": row.content,
            "record": row.record.number if row.record_id else None}


@router.get("/rounds/{round_id}/inquiries", response={200: list[InquiryOut], **READ}, summary="审核调查")
def inquiries(request, round_id: str):
    return Status(200, [_inquiry(i) for i in _round(request, round_id).inquiries.select_related("record")
                        .order_by("id")])


@router.post("/rounds/{round_id}/inquiries", response={201: InquiryOut, **ERRORS}, summary="记录审核调查")
def record_inquiry(request, round_id: str, data: InquiryIn):
    rnd = _round(request, round_id)
    record = None
    if data.record is not None:
        record = rnd.review.case.documents.filter(pk=data.record).first()
        if record is None:
            raise NotFound("本案没有该文书。", code="document_not_found", field="record")
    row = F.do_record_inquiry(rnd, kind=data.kind, held_on=data.held_on, persons=data.persons, content=data.content,
                              record=record, actor=_user(request))
    return Status(201, _inquiry(row))
