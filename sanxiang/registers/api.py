"""执法台账 API (`/api/v1/registers/`) and the goods in custody (`/api/v1/goods/`): the same reads,
actions, access policy and errors as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.cases import queries as case_queries
from sanxiang.cases.models import SeizedItem
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.inputs import request_user

from . import actions, queries
from .registry import as_json, as_xlsx, registers, rows_of, table

router = Router(tags=["registers"])
goods_router = Router(tags=["registers"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_REGISTER_RESPONSE = {"description": "台账（JSON，或 format=xlsx 时为 Excel 工作簿）", "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/RegisterOut"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}}}}


_user = request_user


class RegisterInfo(Schema):
    name: str
    label: str
    date_label: str


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class RegisterOut(Schema):
    name: str
    label: str
    columns: list[ColumnOut]
    rows: list[dict]


@router.get("/", response={200: list[RegisterInfo], **error_responses(401)}, summary="执法台账")
def list_registers(request):
    _user(request)
    return Status(200, [{"name": r.name, "label": r.label, "date_label": r.date_label} for r in registers()])


@router.get("/{name}", response={200: RegisterOut, **error_responses(400, 401, 404, 422)},
            summary="一种台账的行（JSON 或 xlsx）", openapi_extra={"responses": {200: _REGISTER_RESPONSE}})
def get_register(request, name: str, date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to"),
                 unit: str = "", state: str = "", format: str = "json"):
    user = _user(request)
    reg = queries.register_named(name)
    if format not in ("json", "xlsx"):
        raise RuleViolation("format 应为 json 或 xlsx。", field="format")
    f = queries.filters(reg, user, start=date_from, end=date_to, unit=unit, state=state)
    rows = table(reg, rows_of(reg, user, **f))
    if format == "xlsx":
        return xlsx_response(reg, rows, queries.subtitle(reg, f))
    return Status(200, as_json(reg, rows))


def xlsx_response(reg, rows, subtitle="") -> HttpResponse:
    response = HttpResponse(as_xlsx(reg, rows, subtitle=subtitle), content_type=XLSX)
    name = f"{reg.label}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---- 涉案财物 ----------------------------------------------------------------------------------

class HandOverOut(Schema):
    seq: int
    from_holder: str
    to_holder: str
    from_place: str
    to_place: str
    stage: str
    handed_at: dt.datetime
    location: str
    condition: str
    handed_by: str
    received_by: str
    receiver_outside: str
    reason: str
    disposal_method: str


class GoodsOut(Schema):
    id: int
    case_number: str
    origin: str
    name: str
    spec: str
    quantity: Decimal
    unit: str
    holder: str
    place: str
    stage: str
    stage_label: str
    registered_on: dt.date
    disposal_method: str
    disposed_on: dt.date | None
    disposal_approval: str
    hand_overs: list[HandOverOut]


def _goods_out(goods) -> dict:
    return {"id": goods.pk, "case_number": goods.case.number, "origin": goods.origin, "name": goods.name,
            "spec": goods.spec, "quantity": goods.quantity, "unit": goods.unit, "holder": goods.holder,
            "place": goods.place, "stage": goods.stage, "stage_label": goods.get_stage_display(),
            "registered_on": goods.registered_on, "disposal_method": goods.disposal_method,
            "disposed_on": goods.disposed_on, "disposal_approval": goods.disposal_approval,
            "hand_overs": [{f: getattr(h, f) for f in HandOverOut.model_fields} for h in goods.hand_overs.all()]}


def _goods(request, goods_id):
    found = queries.goods_for(_user(request), goods_id)
    if found is None:
        raise NotFound("未找到该财物，或您无权查看。", code="goods_not_found")
    return found


class Signed(Schema):
    handed_at: str = ""
    location: str = ""
    condition: str = ""
    handed_by: str = ""
    received_by: str = ""
    reason: str = ""


class RegisterGoodsIn(Signed):
    seized_item_id: int | None = None
    case_id: int | None = None  # 没收的非法财物 (not seized before)
    name: str = ""
    spec: str = ""
    quantity: str = ""
    unit: str = ""
    holder: str = ""
    place: str = ""


class HandOverIn(Signed):
    from_holder: str = ""
    to_holder: str = ""
    to_place: str = ""
    stage: str = ""
    receiver_outside: str = ""  # 接收人在本机关以外时：其身份证件号码或单位 (decision 0092)


class DisposeIn(Signed):
    from_holder: str = ""
    to_holder: str = ""
    method: str = ""
    approval: str = ""
    proceeds: str = ""


def _signed(data) -> dict:
    return {"handed_at": data.handed_at or None, "location": data.location, "condition": data.condition,
            "handed_by": data.handed_by, "received_by": data.received_by}


@goods_router.post("/", response={201: GoodsOut, **error_responses(400, 401, 403, 404, 409, 422)},
                   summary="涉案财物登记（查封扣押清单中的一项，或没收的非法财物）")
def register_goods(request, data: RegisterGoodsIn):
    user = _user(request)
    reason = {"reason": data.reason} if data.reason else {}
    if data.seized_item_id is not None:
        from sanxiang.access.policy import restrict

        item = restrict(SeizedItem.objects.all(), user).filter(pk=data.seized_item_id).first()
        if item is None:
            raise NotFound("未找到该查封扣押财物，或您无权查看。", code="seized_item_not_found")
        goods = actions.do_register_seized_goods(item, holder=data.holder, place=data.place, actor=user,
                                                 **_signed(data), **reason)
    else:
        case = case_queries.api_case(request, data.case_id)
        goods = actions.do_register_confiscated_goods(case, name=data.name, spec=data.spec, quantity=data.quantity,
                                                      unit=data.unit, holder=data.holder, place=data.place,
                                                      actor=user, **_signed(data), **reason)
    return Status(201, _goods_out(queries.goods_for(user, goods.pk)))


@goods_router.get("/", response={200: list[GoodsOut], **error_responses(401, 404, 422)},
                  summary="涉案财物（可按案件筛选）")
def list_goods(request, case_id: int | None = None):
    user = _user(request)
    found = queries.goods_of(user)
    if case_id is not None:
        found = found.filter(case=case_queries.api_case(request, case_id))
    return Status(200, [_goods_out(g) for g in found])


class HandOverCheckOut(Schema):
    allowed: bool
    reason: str
    holder: str
    place: str
    stage: str
    methods: list[str]


def _check(request, goods, action) -> dict:
    from sanxiang.access.policy import can

    methods, why = actions.disposal_methods(goods) if action == "dispose" else ((), "")
    if goods.stage == "disposed":
        reason = f"已{goods.get_disposal_method_display()}，不能再交接或处置。"
    elif not can(request.user, action, goods):
        reason = "只有科室负责人或单位领导可以审批处置。" if action == "dispose" else "您无权交接该财物。"
    else:
        reason = why
    return {"allowed": not reason, "reason": reason, "holder": goods.holder, "place": goods.place,
            "stage": goods.stage, "methods": list(methods) if not reason else []}


@goods_router.get("/{goods_id}/hand-over", response={200: HandOverCheckOut, **error_responses(401, 404)},
                  summary="能否交接（当前保管人、存放地点）")
def hand_over_check(request, goods_id: str):
    return Status(200, _check(request, _goods(request, goods_id), "hand_over"))


@goods_router.get("/{goods_id}/dispose", response={200: HandOverCheckOut, **error_responses(401, 404)},
                  summary="能否处置（可选的处置方式）")
def dispose_check(request, goods_id: str):
    return Status(200, _check(request, _goods(request, goods_id), "dispose"))


@goods_router.get("/{goods_id}", response={200: GoodsOut, **error_responses(401, 404)}, summary="涉案财物及其交接")
def get_goods(request, goods_id: str):
    return Status(200, _goods_out(_goods(request, goods_id)))


@goods_router.post("/{goods_id}/hand-over", response={201: GoodsOut, **error_responses(400, 401, 403, 404, 409, 422)},
                   summary="财物交接")
def hand_over(request, goods_id: str, data: HandOverIn):
    goods = _goods(request, goods_id)
    actions.do_hand_over_goods(goods, from_holder=data.from_holder, to_holder=data.to_holder, to_place=data.to_place,
                               stage=data.stage, reason=data.reason, actor=request.user,
                               receiver_outside=data.receiver_outside, **_signed(data))
    return Status(201, _goods_out(queries.goods_for(request.user, goods.pk)))


@goods_router.post("/{goods_id}/dispose", response={201: GoodsOut, **error_responses(400, 401, 403, 404, 409, 422)},
                   summary="罚没财物处置（审批并交接）")
def dispose(request, goods_id: str, data: DisposeIn):
    goods = _goods(request, goods_id)
    actions.do_dispose_goods(goods, method=data.method, approval=data.approval, from_holder=data.from_holder,
                             to_holder=data.to_holder, reason=data.reason, proceeds=data.proceeds or None,
                             actor=request.user, **_signed(data))
    return Status(201, _goods_out(queries.goods_for(request.user, goods.pk)))
