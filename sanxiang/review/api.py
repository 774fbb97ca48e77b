"""法制审核 API (`/api/v1/reviews/`): submission, assignment, supplement, the seven points, the opinion,
extension, withdrawal, and the reviews with all their rounds — the same actions as the pages
(`review/procedure.py`); every id is resolved within the caller's reach (another agency: 404)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user

from . import procedure as P
from .models import LegalReview, ReviewRound

router = Router(tags=["reviews"])
ERRORS = error_responses(400, 401, 403, 404, 409, 422)
READ = error_responses(401, 404)


_user = request_user


def _round(request, round_id: str) -> ReviewRound:
    found = row_by_id(ReviewRound.objects.restrict(_user(request))
                      .select_related("review", "review__case", "review__case__agency", "reviewer"), round_id)
    if found is None:
        raise NotFound("未找到该轮法制审核。", code="review_round_not_found")
    return found


def _person(username: str | None, field: str, agency):
    """The account named, among the people of `agency` (a role there, current or past): another
    agency's account is answered as one that does not exist, and no message shows a login."""
    from sanxiang.orgs.models import RoleAssignment

    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None or not RoleAssignment.objects.filter(user=user, agency=agency).exists():
        raise NotFound(f"{agency.name}的人员中没有该用户。", code="user_not_found", field=field)
    return user


class In(Schema):
    """Every request body of the review API: unknown fields are refused (422, the one error shape),
    as the catalogue API and `review check` refuse them."""

    model_config = ConfigDict(extra="forbid")


class MaterialOut(Schema):
    code: str
    label: str
    provided: bool
    not_applicable: bool


class PointOut(Schema):
    code: str
    label: str
    finding: str | None
    finding_label: str | None
    note: str


class SupplementOut(Schema):
    id: int
    items: list[str]
    note: str
    requested_on: dt.date
    supplement_by: dt.date
    supplied_on: dt.date | None


class ExtensionOut(Schema):
    """延长审核期限: one extension of the round's clock."""

    date: dt.date
    count: int
    unit: str
    approver: str
    reason: str


class RoundOut(Schema):
    id: int
    review: int
    number: int
    status: str
    status_label: str
    proposal: dict
    submitted_by: str
    submitted_on: dt.date
    note: str
    materials: list[MaterialOut]
    materials_complete_on: dt.date | None
    reviewer: str | None
    assigned_on: dt.date | None
    due: dt.date | None
    extended_on: dt.date | None
    extension_reason: str
    extension_approver: str | None  # the last extension's approver (name)
    extensions: list[ExtensionOut]  # every extension, in order
    checklist: list[PointOut]
    opinion_kind: str
    opinion_label: str
    opinion_text: str
    return_grounds: list[str]
    opinion_on: dt.date | None
    supplements: list[SupplementOut]


class ReviewOut(Schema):
    id: int
    case: int
    case_number: str
    decision_kind: str
    track: str
    track_label: str
    status: str
    status_label: str
    rules: list[dict]
    rounds: list[RoundOut]


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def round_data(r: ReviewRound) -> dict:
    extensions = r.extension_history if r.extended_on else []
    points = []
    for code, label in P.CHECKLIST_POINTS:
        value = r.checklist.get(code) or {}
        finding = value.get("finding")
        points.append({"code": code, "label": label, "finding": finding,
                       "finding_label": P.FINDING_LABELS.get(finding) if finding else None,
                       "note": value.get("note", "")})
    return {"id": r.pk, "review": r.review_id, "number": r.number, "status": r.status,
            "status_label": r.get_status_display(), "proposal": r.proposal, "submitted_by": r.submitted_by_name,
            "submitted_on": r.submitted_on, "note": r.note, "materials": r.materials,
            "materials_complete_on": r.materials_complete_on, "reviewer": _name(r.reviewer),
            "assigned_on": r.assigned_on, "due": r.due, "extended_on": r.extended_on,
            "extension_reason": r.extension_reason,
            "extension_approver": extensions[-1]["approver"] if extensions else None,
            "extensions": extensions, "checklist": points, "opinion_kind": r.opinion_kind,
            "opinion_label": r.opinion_label, "opinion_text": r.opinion_text, "return_grounds": r.return_grounds,
            "opinion_on": r.opinion_on,
            "supplements": [{"id": s.pk, "items": s.items, "note": s.note, "requested_on": s.requested_on,
                             "supplement_by": s.supplement_by, "supplied_on": s.supplied_on}
                            for s in r.supplements.order_by("id")]}


def review_data(review: LegalReview, user) -> dict:
    rounds = ReviewRound.objects.restrict(user).filter(review=review).select_related("review", "reviewer")
    return {"id": review.pk, "case": review.case_id, "case_number": review.case.number,
            "decision_kind": review.decision_kind, "track": review.track, "track_label": review.track_label,
            "status": review.status, "status_label": review.get_status_display(), "rules": review.rules,
            "rounds": [round_data(r) for r in rounds.order_by("number")]}


@router.get("", response={200: list[ReviewOut], **READ}, summary="法制审核（本人可见的）")
def list_reviews(request, case: str | None = None, status: str | None = None):
    user = _user(request)
    rows = LegalReview.objects.restrict(user).select_related("case").order_by("-id")
    if case is not None:
        if not (case.isascii() and case.isdigit() and len(case) <= 18):
            return Status(200, [])
        rows = rows.filter(case_id=int(case))
    if status is not None:
        rows = rows.filter(status=status)
    return Status(200, [review_data(r, user) for r in rows[:200]])


@router.get("/{review_id}", response={200: ReviewOut, **READ}, summary="一件法制审核及其各轮")
def get_review(request, review_id: str):
    user = _user(request)
    review = row_by_id(LegalReview.objects.restrict(user).select_related("case"), review_id)
    if review is None:
        raise NotFound("未找到该法制审核。", code="review_not_found")
    return Status(200, review_data(review, user))


@router.get("/rounds/{round_id}", response={200: RoundOut, **READ}, summary="一轮法制审核")
def get_round(request, round_id: str):
    return Status(200, round_data(_round(request, round_id)))


class SubmitIn(In):
    case: str = Field(..., max_length=20, description="案件编号（id）")
    kind: str | None = Field(None, max_length=32, description="案件内另一类决定（如 coercion）；默认案件本身的决定")
    decision: str | None = Field(None, max_length=32,
                                 description="其后的决定事项：change 变更许可、extension 延续许可、revocation 撤销许可、"
                                             "deregistration 注销许可、disposal 查封扣押财物的处理决定")
    materials: dict[str, str] = Field(..., description="送审材料：代码 → provided | not_applicable")
    note: str = Field("", max_length=1000)
    on: dt.date | None = None
    measure: int | None = Field(None, description="行政强制决定：提请审核的措施（id）；本案只有一项待批准的措施时可省略")
    measure_kind: str | None = Field(None, max_length=16,
                                     description="决定查封、扣押先行登记保存的财物时：seal 查封 | seize 扣押")


@router.post("", response={201: RoundOut, **ERRORS}, summary="提交法制审核（新的一轮）")
def submit(request, data: SubmitIn):
    from sanxiang.cases.api import _case

    case = _case(request, data.case)
    rnd = P.do_submit_review(case, materials=data.materials, kind=data.kind, decision=data.decision,
                             note=data.note, on=data.on, measure=data.measure, measure_kind=data.measure_kind,
                             actor=_user(request))
    return Status(201, round_data(rnd))


class AssignIn(In):
    reviewer: str = Field(..., max_length=150, description="审核人员的用户名")
    on: dt.date | None = None


@router.post("/rounds/{round_id}/assign", response={200: RoundOut, **ERRORS}, summary="确定审核人员")
def assign(request, round_id: str, data: AssignIn):
    rnd = _round(request, round_id)
    reviewer = _person(data.reviewer, "reviewer", rnd.review.case.agency)
    return Status(200, round_data(P.do_assign_reviewer(rnd, reviewer=reviewer, on=data.on, actor=_user(request))))


class SupplementRequestIn(In):
    items: list[str] = Field(..., max_length=50)
    supplement_by: dt.date
    note: str = Field("", max_length=1000)
    on: dt.date | None = None


@router.post("/rounds/{round_id}/supplement-request", response={200: RoundOut, **ERRORS}, summary="退回补充材料")
def request_supplement(request, round_id: str, data: SupplementRequestIn):
    rnd = _round(request, round_id)
    P.do_request_supplement(rnd, items=data.items, supplement_by=data.supplement_by, note=data.note, on=data.on,
                            actor=_user(request))
    return Status(200, round_data(_round(request, round_id)))


class SupplementIn(In):
    materials: dict[str, str] = Field(..., description="补交的材料：代码 → provided | not_applicable")
    on: dt.date | None = None


@router.post("/rounds/{round_id}/supplement", response={200: RoundOut, **ERRORS}, summary="补交材料（恢复计时）")
def supplement(request, round_id: str, data: SupplementIn):
    rnd = P.do_supplement_materials(_round(request, round_id), materials=data.materials, on=data.on,
                                    actor=_user(request))
    return Status(200, round_data(rnd))


class PointIn(In):
    finding: str = Field(..., max_length=20, description="lawful 合法适当 | problem 存在问题 | not_applicable 不涉及")
    note: str = Field("", max_length=1000)


class ChecklistIn(In):
    points: dict[str, PointIn]


@router.post("/rounds/{round_id}/checklist", response={200: RoundOut, **ERRORS}, summary="记录审核要点")
def checklist(request, round_id: str, data: ChecklistIn):
    points = {code: p.model_dump() for code, p in data.points.items()}
    rnd = P.do_record_checklist(_round(request, round_id), points=points, actor=_user(request))
    return Status(200, round_data(rnd))


class OpinionIn(In):
    kind: str = Field(..., max_length=32, description="审核意见种类代码（规则配置所列）")
    text: str = Field(..., max_length=4000)
    return_grounds: list[str] = Field([], max_length=20)
    on: dt.date | None = None


@router.post("/rounds/{round_id}/opinion", response={200: RoundOut, **ERRORS}, summary="提出审核意见")
def opinion(request, round_id: str, data: OpinionIn):
    rnd = P.do_record_opinion(_round(request, round_id), kind=data.kind, text=data.text,
                              return_grounds=data.return_grounds, on=data.on, actor=_user(request))
    return Status(200, round_data(rnd))


class ExtensionDiscussionIn(In):
    held_on: dt.date
    attendees: list[dict]  # [{username, position, text}], as for 集体讨论
    minutes: str = Field(..., max_length=4000)


class ExtensionIn(In):
    count: int = Field(..., ge=1, le=200, description="延长的工作日数")
    approver: str = Field(..., max_length=150, description="批准人的用户名")
    reason: str = Field(..., max_length=300)
    on: dt.date | None = None
    discussion: ExtensionDiscussionIn | None = Field(None, description="第一次以后的延期：负责人集体讨论")


@router.post("/rounds/{round_id}/extension", response={200: RoundOut, **ERRORS}, summary="延长审核期限")
def extend(request, round_id: str, data: ExtensionIn):
    rnd = _round(request, round_id)
    approver = _person(data.approver, "approver", rnd.review.case.agency)
    discussion = None
    if data.discussion is not None:
        from .api_flow import _user_ids

        raw = data.discussion.attendees
        names = [a.get("username") if isinstance(a, dict) else None for a in raw]
        ids = _user_ids([n if isinstance(n, str) else "" for n in names])
        discussion = {"held_on": data.discussion.held_on, "minutes": data.discussion.minutes,
                      "attendees": [{"user": i, "position": a.get("position"), "text": a.get("text") or ""}
                                    for i, a in zip(ids, raw)]}
    return Status(200, round_data(P.do_extend_review(rnd, count=data.count, approver=approver, reason=data.reason,
                                                     on=data.on, actor=_user(request), discussion=discussion)))


class WithdrawIn(In):
    reason: str = Field(..., max_length=300)
    on: dt.date | None = None


@router.post("/rounds/{round_id}/withdraw", response={200: RoundOut, **ERRORS}, summary="撤回送审")
def withdraw(request, round_id: str, data: WithdrawIn):
    rnd = P.do_withdraw_review(_round(request, round_id), reason=data.reason, on=data.on, actor=_user(request))
    return Status(200, round_data(rnd))


# Each step's path also answers GET with the round as it stands (what the step would act on), so
# every API path reads before it writes, as the rest of the API does.
STEPS = {"assign": "确定审核人员", "supplement-request": "退回补充材料", "supplement": "补交材料",
         "checklist": "审核要点", "opinion": "审核意见", "extension": "审核期限", "withdraw": "撤回送审"}


def _round_view():
    def view(request, round_id: str):
        return Status(200, round_data(_round(request, round_id)))
    return view


for _step, _label in STEPS.items():
    router.get(f"/rounds/{{round_id}}/{_step}", response={200: RoundOut, **READ}, summary=f"本轮审核（{_label}）",
               operation_id=f"review_round_{_step.replace('-', '_')}")(_round_view())
