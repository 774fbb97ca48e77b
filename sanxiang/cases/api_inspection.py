"""行政检查 API: open an inspection and read its structured result (the moves go through the generic
`/api/v1/cases/{id}/actions/{action}`: send_inspection_notice, start_inspection, record_inspection_result
with `result`, `items`, `conclusion`, `problems`, order_rectification with `deadline`, …)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.access.policy import can, restrict
from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound, NotPermitted
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user

from .kinds.inspection import (
    CATEGORY,
    DRAW_NOT_PERMITTED,
    do_create_inspection,
    do_draw_random_inspections,
    may_draw,
    replay_draw,
)
from .models import Inspection, RandomDraw

router = Router(tags=["inspections"])


_user = request_user


class InspectionIn(Schema):
    agency: str
    unit_id: int
    source: str  # planned | random | complaint | referral | other
    cause: str  # 检查事项
    party_id: int  # the entity inspected (a party the agency registered)
    handler_ids: list[int]  # the inspectors (orgs.Person ids), at least two
    planned_on: dt.date | None = None
    category: str = CATEGORY


class InspectionOut(Schema):
    case_id: int
    number: str
    status: str
    status_label: str
    source: str
    cause: str
    party: str
    planned_on: dt.date
    code: str  # 检查码 (扫码入企)
    notice_on: dt.date | None
    started_on: dt.date | None
    ended_on: dt.date | None
    result: str  # "" | normal | problems
    items: list[str]
    conclusion: str
    problems: str
    rectification_ordered_on: dt.date | None
    rectification_due: dt.date | None
    rectification_checked_on: dt.date | None
    penalty_case_id: int | None
    finished_on: dt.date | None
    code_scanned: bool | None  # 扫码入企 recorded at the start (None: not recorded)
    warnings: list[str] = []  # 重复检查预警 (single reads and the opening; not in the list)


def _out(ins: Inspection, *, warnings: bool = True) -> dict:
    case = ins.case
    link = case.case_parties.select_related("party").first()
    fields = ("source", "planned_on", "code", "notice_on", "started_on", "ended_on", "result", "items", "conclusion",
              "problems", "rectification_ordered_on", "rectification_due", "rectification_checked_on",
              "penalty_case_id", "finished_on", "code_scanned")
    return {"case_id": case.pk, "number": case.number, "status": case.status, "status_label": case.status_label,
            "cause": case.cause, "party": link.party.name if link else "", **{f: getattr(ins, f) for f in fields},
            "warnings": ins.warnings if warnings else []}


def _readable(request):
    return restrict(Inspection.objects.select_related("case"), _user(request))


@router.get("/", response={200: list[InspectionOut], **error_responses(401, 422)}, summary="行政检查列表")
def list_inspections(request, party_id: int | None = None, year: int | None = None):
    """The inspections the caller may read, newest first; by entity (`party_id`) and year started."""
    found = _readable(request)
    if party_id is not None:
        found = found.filter(case__case_parties__party_id=party_id)
    if year is not None:
        found = found.filter(started_on__year=year)
    return Status(200, [_out(i, warnings=False) for i in found.order_by("-planned_on", "-id")[:500]])


@router.post("/", response={201: InspectionOut, **error_responses(400, 401, 403, 404, 422)}, summary="登记行政检查")
def create_inspection(request, data: InspectionIn):
    from sanxiang.orgs.models import Agency, Person, Unit
    from sanxiang.parties.models import Party

    user = _user(request)
    agency = Agency.objects.filter(code=data.agency).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{data.agency}”。", code="agency_not_found")
    if not can(user, "open_case", agency):
        raise NotPermitted(f"只有“{agency.name}”的执法人员或科室负责人可以登记行政检查。")
    party = Party.objects.filter(pk=data.party_id, agency=agency).first()
    if party is None:
        raise NotFound("未找到该被检查对象。", code="party_not_found")
    people = list(Person.objects.filter(pk__in=data.handler_ids, agency=agency))
    if len(people) != len(set(data.handler_ids)):
        raise NotFound("检查人员中有不属于该执法主体的人员。", code="person_not_found")
    case = do_create_inspection(agency, unit=Unit.objects.filter(pk=data.unit_id).first(), source=data.source,
                                cause=data.cause, party=party, handlers=people, planned_on=data.planned_on,
                                category=data.category, actor=user)
    return Status(201, _out(case.inspection))


class DrawIn(Schema):
    """双随机抽取: entities (party ids) to draw from, how many, and the inspector pool (default: every qualified
    officer of the agency); `seed` only to repeat a published draw."""

    agency: str
    unit_id: int
    cause: str
    party_ids: list[int]
    objects: int | None = None
    ratio: float | None = None  # 抽查比例 (percent, rounded up) when `objects` is not given
    inspectors: int = 2
    person_ids: list[int] | None = None
    planned_on: dt.date | None = None
    seed: str | None = None
    plan_id: int | None = None  # the adopted 年度抽查计划 carried out (required where the profile says so: 株洲)


class DrawRow(Schema):
    party: int
    people: list[int]


class DrawOut(Schema):
    id: int
    cause: str
    drawn_on: dt.date
    seed: str
    method: str  # sha256-rank-v1: ids ranked by SHA-256("seed:round:id"); rounds "objects", "inspectors:<party>"
    party_pool: list[int]
    person_pool: list[int]
    result: list[DrawRow]
    case_ids: list[int]
    reproducible: bool
    plan_id: int | None


def _draw_out(draw: RandomDraw) -> dict:
    fields = ("id", "cause", "drawn_on", "seed", "method", "party_pool", "person_pool", "result", "plan_id")
    return {**{f: getattr(draw, f) for f in fields}, "reproducible": replay_draw(draw),
            "case_ids": list(draw.inspections.order_by("id").values_list("case_id", flat=True))}


@router.get("/draws", response={200: list[DrawOut], **error_responses(401)}, summary="双随机抽取记录")
def list_draws(request):
    found = restrict(RandomDraw.objects.all(), _user(request))
    return Status(200, [_draw_out(d) for d in found[:200]])


@router.post("/draws", response={201: DrawOut, **error_responses(400, 401, 403, 404, 422)}, summary="双随机抽取")
def create_draw(request, data: DrawIn):
    from sanxiang.orgs.models import Agency, Person, Unit
    from sanxiang.parties.models import Party

    user = _user(request)
    agency = Agency.objects.filter(code=data.agency).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{data.agency}”。", code="agency_not_found")
    if not may_draw(user, agency):
        raise NotPermitted(DRAW_NOT_PERMITTED.format(agency.name))
    parties = list(Party.objects.filter(pk__in=data.party_ids, agency=agency))
    if len(parties) != len(set(data.party_ids)):
        raise NotFound("抽查对象中有不属于该执法主体的当事人。", code="party_not_found")
    people = None
    if data.person_ids is not None:
        people = list(Person.objects.filter(pk__in=data.person_ids, agency=agency))
        if len(people) != len(set(data.person_ids)):
            raise NotFound("检查人员中有不属于该执法主体的人员。", code="person_not_found")
    draw = do_draw_random_inspections(agency, unit=Unit.objects.filter(pk=data.unit_id).first(), cause=data.cause,
                                      parties=parties, objects=data.objects, ratio=data.ratio, inspectors=data.inspectors, people=people,
                                      planned_on=data.planned_on, seed=data.seed, actor=user, plan=_plan_for(data.plan_id, agency))
    return Status(201, _draw_out(draw))


def _plan_for(plan_id, agency):
    if plan_id is None:
        return None
    from .models import InspectionPlan

    found = InspectionPlan.objects.select_related("case").filter(pk=plan_id, case__agency=agency).first()
    if found is None:
        raise NotFound("未找到该执法主体的年度抽查计划。", code="plan_not_found", field="plan_id")
    return found


# ---- 年度抽查计划 (kinds/inspection_plan.py): read, draft, edit; its moves (submit_inspection_plan with
# `materials`, revise_inspection_plan, adopt_inspection_plan) go through /api/v1/cases/{case_id}/actions/{action}.

class PlanItem(Schema):
    subject: str  # 抽查主体
    basis: str  # 抽查依据
    objects: str  # 抽查对象
    content: str  # 抽查内容
    ratio: str  # 抽查比例
    method: str  # 抽查方式
    frequency: str  # 抽查频次


class PlanIn(Schema):
    agency: str
    unit_id: int
    year: int
    title: str = ""
    items: list[PlanItem]


class PlanEditIn(Schema):
    title: str | None = None
    items: list[PlanItem]


class PlanOut(Schema):
    id: int
    case_id: int
    number: str
    agency: str
    unit: str
    year: int
    title: str
    items: list[PlanItem]
    status: str
    status_label: str
    adopted_on: dt.date | None


def _plan_out(plan) -> dict:
    case = plan.case
    return {"id": plan.pk, "case_id": case.pk, "number": case.number, "agency": case.agency.code,
            "unit": case.unit.name, "year": plan.year, "title": plan.title, "items": plan.items,
            "status": case.status, "status_label": case.status_label, "adopted_on": plan.adopted_on}


def _plans(request):
    from .models import InspectionPlan

    return restrict(InspectionPlan.objects.select_related("case", "case__agency", "case__unit"), _user(request))


@router.get("/plans", response={200: list[PlanOut], **error_responses(401, 422)}, summary="年度抽查计划")
def list_plans(request, year: int | None = None):
    found = _plans(request)
    if year is not None:
        found = found.filter(year=year)
    return Status(200, [_plan_out(p) for p in found[:200]])


@router.post("/plans", response={201: PlanOut, **error_responses(400, 401, 403, 404, 422)},
             summary="起草年度抽查计划")
def create_plan(request, data: PlanIn):
    from sanxiang.orgs.models import Agency, Unit

    from .kinds.inspection_plan import do_create_inspection_plan

    user = _user(request)
    agency = Agency.objects.filter(code=data.agency).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{data.agency}”。", code="agency_not_found")
    plan = do_create_inspection_plan(agency, unit=Unit.objects.filter(pk=data.unit_id, agency=agency).first(),
                                     year=data.year, title=data.title, items=[i.model_dump() for i in data.items],
                                     actor=user)
    return Status(201, _plan_out(plan))


def _plan_or_404(request, plan_id):
    found = row_by_id(_plans(request), plan_id)
    if found is None:
        raise NotFound("未找到该年度抽查计划，或您无权查看。", code="plan_not_found")
    return found


@router.get("/plans/{plan_id}", response={200: PlanOut, **error_responses(401, 404)}, summary="年度抽查计划")
def get_plan(request, plan_id: str):
    return Status(200, _plan_out(_plan_or_404(request, plan_id)))


@router.put("/plans/{plan_id}", response={200: PlanOut, **error_responses(400, 401, 403, 404, 422)},
            summary="修改年度抽查计划（起草中）")
def edit_plan(request, plan_id: str, data: PlanEditIn):
    from .kinds.inspection_plan import do_edit_inspection_plan

    plan = do_edit_inspection_plan(_plan_or_404(request, plan_id), items=[i.model_dump() for i in data.items],
                                   title=data.title, actor=_user(request))
    return Status(200, _plan_out(plan))


@router.get("/draws/{draw_id}", response={200: DrawOut, **error_responses(401, 404)}, summary="双随机抽取及其复核")
def get_draw(request, draw_id: str):
    readable = restrict(RandomDraw.objects.all(), _user(request))
    found = row_by_id(readable, draw_id)
    if found is None:
        raise NotFound("未找到该双随机抽取记录，或您无权查看。", code="draw_not_found")
    return Status(200, _draw_out(found))


@router.get("/{case_id}", response={200: InspectionOut, **error_responses(401, 404)}, summary="行政检查及其结果")
def get_inspection(request, case_id: str):
    readable = _readable(request)
    found = row_by_id(readable, case_id, "case_id")
    if found is None:
        raise NotFound("未找到该行政检查，或您无权查看。", code="inspection_not_found")
    return Status(200, _out(found))
