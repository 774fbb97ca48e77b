"""行政强制 API: a case's measures (先行登记保存、查封、扣押), their moves and their 清单 — the same acts,
guards and errors as the case page (`cases.kinds.coercion`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from sanxiang.access.policy import restrict
from sanxiang.api.errors import error_responses
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user
from sanxiang.workflow import available

from .kinds import coercion as K
from .models import CoerciveMeasure

router = Router(tags=["coercion"])


_user = request_user


_case = case_api_case  # the shared resolver: a case within the caller's reach, or 404


def _measure(request, measure_id) -> CoerciveMeasure:
    user = _user(request)  # anonymous: 401 before anything is looked up
    found = row_by_id(restrict(CoerciveMeasure.objects.select_related("case__agency", "case__unit"), user), measure_id)
    if found is None:
        raise NotFound("未找到该行政强制措施，或您无权查看。", code="measure_not_found")
    return found


class ItemOut(Schema):
    id: int
    name: str
    spec: str
    quantity: Decimal
    unit: str
    place: str
    custody: str
    custody_label: str
    custodian: str
    disposal: str
    disposal_label: str
    disposed_on: dt.date | None
    disposal_basis: str
    sale_method: str
    sale_method_label: str
    sold_on: dt.date | None
    sale_proceeds: Decimal | None
    sale_ground: str
    carried_from: int | None


class MeasureDeadlineOut(Schema):
    kind: str
    start: dt.date
    due: dt.date
    due_at: dt.datetime | None
    status: str
    paused: bool


class MeasureOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    proposed_on: dt.date
    approved_on: dt.date | None
    emergency: bool
    implemented_on: dt.date | None
    place: str
    extension_days: int
    extended_on: dt.date | None
    ended_on: dt.date | None
    release_reason: str
    outcome: str
    end_note: str
    preserved_from: int | None
    continued_as: int | None
    items: list[ItemOut]
    deadlines: list[MeasureDeadlineOut]


class MeasureIn(Schema):
    kind: str
    reason: str
    on: dt.date | None = None


class ItemIn(Schema):
    name: str
    quantity: str
    unit: str
    place: str
    spec: str = ""
    custody: str = "agency"
    custodian: str = ""


class CustodyIn(Schema):
    place: str
    custody: str
    custodian: str = ""


class MoveIn(Schema):
    """The move's inputs (see `GET …/actions`): `on`, `reason`, `days`, `release_reason`, `outcome`…;
    `item` (an item's id) for `decide_item` and `sell_item`; `measure_kind` (seal/seize) for `seal_or_seize`;
    `state`, the status the caller saw, refuses a stale copy (409)."""

    model_config = ConfigDict(extra="allow")
    on: dt.date | None = None
    state: str | None = None


class MeasureParamOut(Schema):
    name: str
    label: str
    required: bool


class MeasureActionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str
    params: list[MeasureParamOut]


def _item(i) -> dict[str, Any]:
    return {"id": i.pk, "name": i.name, "spec": i.spec, "quantity": i.quantity, "unit": i.unit, "place": i.place,
            "custody": i.custody, "custody_label": i.get_custody_display(), "custodian": i.custodian,
            "disposal": i.disposal, "disposal_label": i.disposal_label, "disposed_on": i.disposed_on,
            "disposal_basis": i.disposal_basis, "sale_method": i.sale_method,
            "sale_method_label": i.get_sale_method_display(), "sold_on": i.sold_on, "sale_proceeds": i.sale_proceeds,
            "sale_ground": i.sale_ground, "carried_from": i.carried_from_id}


def _successor(m) -> int | None:
    if hasattr(m, "successor"):  # read with the case's measures
        return m.successor.pk if m.successor else None
    return CoerciveMeasure.objects.filter(preserved_from_id=m.pk).values_list("pk", flat=True).first()


def _out(m) -> dict[str, Any]:
    deadlines = getattr(m, "deadlines", None)
    if deadlines is None:
        from sanxiang.deadlines.models import Obligation

        deadlines = Obligation.objects.filter(object_type=m.ledger_type(), object_id=str(m.pk)).order_by("start", "id")
    return {"id": m.pk, "case_id": m.case_id, "kind": m.kind, "kind_label": m.get_kind_display(), "status": m.status,
            "status_label": K.status_label(m, None, deadlines), "reason": m.reason, "proposed_on": m.proposed_on,
            "approved_on": m.approved_on, "emergency": m.emergency, "implemented_on": m.implemented_on,
            "place": m.place, "extension_days": m.extension_days, "extended_on": m.extended_on,
            "ended_on": m.ended_on, "release_reason": m.release_reason, "outcome": m.outcome, "end_note": m.end_note,
            "preserved_from": m.preserved_from_id, "continued_as": _successor(m),
            "items": [_item(i) for i in m.items.all()],
            "deadlines": [{"kind": ob.kind, "start": ob.start, "due": ob.due, "due_at": ob.due_at,
                           "status": ob.status, "paused": ob.paused} for ob in deadlines]}


@router.get("/cases/{case_id}/measures", response={200: list[MeasureOut], **error_responses(401, 404)},
            summary="案件的行政强制措施")
def list_measures(request, case_id: str):
    return Status(200, [_out(m) for m in K.measures_of(_case(request, case_id))])


@router.post("/cases/{case_id}/measures", response={201: MeasureOut, **error_responses(400, 401, 403, 404, 422)},
             summary="提请采取行政强制措施")
def propose_measure(request, case_id: str, data: MeasureIn):
    m = K.do_propose_measure(_case(request, case_id), kind=data.kind, reason=data.reason, on=data.on,
                             actor=_user(request))
    return Status(201, _out(m))


@router.get("/measures/{measure_id}", response={200: MeasureOut, **error_responses(401, 404)},
            summary="一项行政强制措施")
def get_measure(request, measure_id: str):
    return Status(200, _out(_measure(request, measure_id)))


def _options(request, m) -> list[dict]:
    return [{"action": o.action, "label": o.label, "allowed": o.allowed, "reason": o.reason,
             "params": [{"name": n, "label": p.label, "required": p.required} for n, p in o.transition.params.items()]}
            for o in available(m, request.user, table=K.MEASURE)]


@router.get("/measures/{measure_id}/actions", response={200: list[MeasureActionOut], **error_responses(401, 404)},
            summary="行政强制措施当前可办理的操作")
def measure_actions(request, measure_id: str):
    return Status(200, _options(request, _measure(request, measure_id)))


@router.get("/measures/{measure_id}/actions/{action}", response={200: MeasureActionOut, **error_responses(401, 404)},
            summary="某一操作能否办理及其输入")
def measure_action(request, measure_id: str, action: str):
    for option in _options(request, _measure(request, measure_id)):
        if option["action"] == action:
            return Status(200, option)
    raise NotFound(f"该措施当前状态下没有“{action}”这一操作。", code="action_not_available")


@router.post("/measures/{measure_id}/actions/{action}",
             response={200: MeasureOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="办理行政强制措施（批准、实施、延长、检测、解除、处理决定、逐项处理、拍卖变卖、转为查封扣押）")
def move_measure(request, measure_id: str, action: str, data: MoveIn):
    """Refusals: 400 with the reasons (the law), 403 (who), 409 (the state changed meanwhile)."""
    user = _user(request)
    m = _measure(request, measure_id)
    if action not in K.MEASURE.actions():
        raise RuleViolation(f"“{K.MEASURE.label}”没有“{action}”这一操作。", code="unknown_action", field="action")
    raw = json.loads(request.body or b"{}")
    params = {k: v for k, v in raw.items() if k not in ("on", "state")}
    if data.on:
        params["on"] = data.on
    if data.state:
        m.status = data.state
    m = K.move_measure(m, action, actor=user, **params)
    return Status(200, _out(m))


@router.get("/measures/{measure_id}/items", response={200: list[ItemOut], **error_responses(401, 404)},
            summary="查封扣押（先行登记保存）清单")
def list_items(request, measure_id: str):
    return Status(200, [_item(i) for i in _measure(request, measure_id).items.all()])


@router.post("/measures/{measure_id}/items", response={201: ItemOut, **error_responses(400, 401, 403, 404, 422)},
             summary="登记清单的一项")
def add_item(request, measure_id: str, data: ItemIn):
    item = K.do_add_seized_item(_measure(request, measure_id), name=data.name, quantity=data.quantity, unit=data.unit,
                                place=data.place, spec=data.spec, custody=data.custody, custodian=data.custodian,
                                actor=_user(request))
    return Status(201, _item(item))


def _item_of(request, measure_id, item_id):
    m = _measure(request, measure_id)
    item = row_by_id(m.items.all(), item_id)
    if item is None:
        raise NotFound("未找到该财物。", code="item_not_found")
    return item


@router.get("/measures/{measure_id}/items/{item_id}", response={200: ItemOut, **error_responses(401, 404)},
            summary="清单的一项")
def get_item(request, measure_id: str, item_id: str):
    return Status(200, _item(_item_of(request, measure_id, item_id)))


@router.post("/measures/{measure_id}/items/{item_id}",
             response={200: ItemOut, **error_responses(400, 401, 403, 404, 422)}, summary="变更财物保管")
def change_custody(request, measure_id: str, item_id: str, data: CustodyIn):
    item = K.do_change_item_custody(_item_of(request, measure_id, item_id), place=data.place, custody=data.custody,
                                    custodian=data.custodian, actor=_user(request))
    return Status(200, _item(item))
