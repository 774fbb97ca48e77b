"""涉案财物的登记、交接和处置 — each act with its ledger entries in one transaction.

- 登记 (`do_register_seized_goods`, `do_register_confiscated_goods`): the goods enter the register
  with their first hand-over, from the party to the first holder.
- 交接 (`do_hand_over_goods`): from the current holder (no one else) to the next, forward along
  现场查扣 → 保管场所 → 罚没物品仓库; goods reach the warehouse only once confiscated.
- 处置 (`do_dispose_goods`): the last hand-over, by the method the case's decision allows, approved
  by the unit's head or the agency's leaders.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.kinds.coercion import clean_quantity
from sanxiang.cases.models import Case, MeasureKind, MeasureOutcome, PenaltyType, SeizedItem
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.text import check_reason_text, says_something
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .models import STAGE_ORDER, CustodyStage, DisposalMethod, Goods, GoodsOrigin, HandOver

register_actions({
    "register_goods": "涉案财物登记",
    "hand_over_goods": "涉案财物交接",
    "change_goods_custody": "涉案财物保管人变更",
    "dispose_goods": "罚没财物处置",
})

CONFISCATED_METHODS = (DisposalMethod.AUCTION, DisposalMethod.DESTROY, DisposalMethod.TRANSFER)
# What the seized item's decision (cases: 处理决定) allows the goods to become.
METHODS_BY_DECISION = {
    K.RETURNED: (DisposalMethod.RETURN,),
    MeasureOutcome.CONFISCATE: CONFISCATED_METHODS,
    MeasureOutcome.DESTROY: (DisposalMethod.DESTROY,),
    MeasureOutcome.TRANSFER: (DisposalMethod.TRANSFER,),
}


def _text(value, label, field, max_length, required=True) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length, required=required,
                       empty="{label}不能为空。")


def _moment(value, field="handed_at") -> dt.datetime:
    """A hand-over's time: a datetime or an ISO text (nothing: now); never in the future."""
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise RuleViolation(f"交接时间“{value}”无效，应为 YYYY-MM-DD HH:MM。", field=field) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise RuleViolation(f"交接时间 {timezone.localtime(value):%Y-%m-%d %H:%M} 晚于现在，不能预先登记。", field=field)
    return value


def party_names(case) -> str:
    names = [cp.party.name for cp in case.case_parties.select_related("party").order_by("id")]
    return "、".join(names) or "当事人"


def _signed(handed_by, received_by, condition, location, reason) -> dict:
    return {"handed_by": _text(handed_by, "移交人签名", "handed_by", 100),
            "received_by": _text(received_by, "接收人签名", "received_by", 100),
            "condition": _text(condition, "财物状况", "condition", 500),
            "location": _text(location, "交接地点", "location", 300),
            "reason": check_reason_text(_text(reason, "交接事由", "reason", 500), label="交接事由")}


def _check_parties(goods, signed: dict, to_holder: str, receiver_outside, actor) -> dict:
    """Who may appear on a hand-over between holders (decision 0092, mirroring 0085 for recordings): the
    移交人 is the caller (`handover_not_caller`) and the current holder — the caller's name is in the
    goods' holder (`handover_not_holder`); the 接收人 is a user of the agency who may hold the goods
    (`hand_over` on them) and is named in the 接收方, or someone outside the agency marked as such with
    their ID or unit (`receiver_outside`). Goods held outside come back recorded by the user who takes them
    (`_returned_from_outside`). `signed` with `receiver_outside` set."""
    from sanxiang.records.evidence import _caller_name, receiver_user

    giver = _caller_name(goods.agency_id, actor)
    back = _outside_holder(goods)
    if back and signed["handed_by"] == back:
        return _returned_from_outside(goods, signed, to_holder, receiver_outside, giver)
    if signed["handed_by"] != giver:
        raise RuleViolation(f"移交人是登记交接的您本人（{giver}），不能登记“{signed['handed_by']}”的移交：请由"
                            f"{signed['handed_by']}本人登记。", field="handed_by", code="handover_not_caller")
    if giver not in goods.holder:
        raise RuleViolation(f"“{goods.name}”现由“{goods.holder}”保管，交接须由保管人本人登记（您是{giver}）。",
                            field="from_holder", code="handover_not_holder")
    outside = _text(receiver_outside, "外部接收人的身份证件号码或单位", "receiver_outside", 200, required=False)
    receiver = signed["received_by"]
    if receiver not in to_holder:
        raise RuleViolation(f"接收人“{receiver}”不是接收方“{to_holder}”：接收方应写明接收人。", field="received_by")
    if outside:
        if not says_something(outside):
            raise RuleViolation(f"外部接收人的身份证件号码或单位“{outside[:20]}”过于简单。", field="receiver_outside")
    else:
        user = receiver_user(goods.agency_id, receiver, actor)
        if user is None:
            raise RuleViolation(f"接收人“{receiver}”不是本机关的用户（或有同名用户）：财物须交本机关的执法人员或档案管理"
                                "人员保管；交本机关以外的人，请注明其身份证件号码或单位。", field="received_by",
                                code="handover_receiver_unknown")
        if not can(user, "hand_over", goods):
            raise RuleViolation(f"{receiver}无权接收“{goods.name}”：财物须交本机关承办本案的执法人员或档案管理人员保管。",
                                field="received_by", code="handover_receiver_not_entitled")
    return {**signed, "receiver_outside": outside}


def _outside_holder(goods) -> str:
    """The receiver outside the agency who holds the goods now (the last hand-over was to them), or ""."""
    last = goods.hand_overs.order_by("-seq").values_list("receiver_outside", "received_by").first()
    return last[1] if last and last[0] and last[1] in goods.holder else ""


def _returned_from_outside(goods, signed: dict, to_holder: str, receiver_outside, taker: str) -> dict:
    """An outside holder (a lab, a cold store) has no account: the return is recorded by the agency's user who
    takes the goods back — the 接收人 is the caller, who may hold them (`_locked` checked), named in the 接收方."""
    if signed["received_by"] != taker:
        raise RuleViolation(f"{signed['handed_by']}是本机关以外的保管人：交回须由接收的您本人（{taker}）登记，接收人应为"
                            f"您本人。", field="received_by", code="handover_not_caller")
    if taker not in to_holder:
        raise RuleViolation(f"接收人“{taker}”不是接收方“{to_holder}”：接收方应写明接收人。", field="received_by")
    if receiver_outside:
        raise RuleViolation("交回本机关时接收人是本机关的用户，不填外部接收人。", field="receiver_outside")
    return {**signed, "receiver_outside": ""}


def _hand_over(goods, *, actor, to_holder, to_place, stage, at, signed, disposal_method="") -> HandOver:
    """Write the hand-over and move the goods, with both ledger entries."""
    last = goods.hand_overs.aggregate(seq=Max("seq"), at=Max("handed_at"))
    if last["at"] is not None and at < last["at"]:
        raise RuleViolation(f"交接时间 {timezone.localtime(at):%Y-%m-%d %H:%M} 早于上一次交接"
                            f"（{timezone.localtime(last['at']):%Y-%m-%d %H:%M}），交接须按时间先后登记。",
                            field="handed_at")
    user = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None
    hand_over = HandOver.objects.create(
        goods=goods, seq=(last["seq"] or 0) + 1, from_holder=goods.holder, to_holder=to_holder,
        from_place=goods.place, to_place=to_place, stage=stage, handed_at=at, disposal_method=disposal_method,
        recorded_by=user, created_at=timezone.now(), **signed)
    append_entry(action="hand_over_goods", actor=actor, obj=hand_over, payload={
        "goods": goods.pk, "case": goods.case.number, "name": goods.name, "seq": hand_over.seq,
        "from": hand_over.from_holder, "to": to_holder, "from_place": hand_over.from_place, "to_place": to_place,
        "stage": stage, "at": at, "disposal_method": disposal_method, **signed})
    return hand_over


def _first_hand_over(goods, *, actor, at, signed):
    _hand_over(goods, actor=actor, to_holder=goods.holder, to_place=goods.place, stage=goods.stage, at=at,
               signed=signed)


def _decided_item(item: SeizedItem) -> SeizedItem:
    """The item whose decision counts: a preserved item carried into a 查封/扣押 follows its new row."""
    seen = 0
    while item.disposal == MeasureOutcome.SEAL_OR_SEIZE and seen < 5:
        carried = SeizedItem.objects.filter(carried_from=item).first()
        if carried is None:
            break
        item, seen = carried, seen + 1
    return item


def disposal_methods(goods) -> tuple[tuple, str]:
    """The disposal methods the case allows for `goods`, or none with the reason why."""
    if goods.origin == GoodsOrigin.CONFISCATED:
        return CONFISCATED_METHODS, ""
    item = _decided_item(goods.seized_item)
    if item.sold_on is not None and not item.disposal:
        return (DisposalMethod.AUCTION,), ""  # 先行拍卖、变卖 (行政强制法第二十八条第二款)
    methods = METHODS_BY_DECISION.get(item.disposal, ())
    if not methods:
        return (), "该财物尚未作出处理决定（解除退还，或没收、销毁、移送），不能处置。"
    return methods, ""


def confiscated(goods) -> bool:
    return goods.origin == GoodsOrigin.CONFISCATED or (
        goods.seized_item_id is not None and _decided_item(goods.seized_item).disposal == MeasureOutcome.CONFISCATE)


@transaction.atomic
def do_register_seized_goods(item, *, holder, place, handed_by, received_by, condition, location, actor,
                             handed_at=None, reason="查封、扣押（先行登记保存）后交保管") -> Goods:
    """涉案财物登记: an item of a 查封/扣押/先行登记保存 清单 enters the register, handed from the party to
    its first holder."""
    item = SeizedItem.objects.select_related("measure__case__agency").get(pk=item.pk)
    case = Case.objects.select_for_update().get(pk=item.measure.case_id)
    if not can(actor, "register_goods", case):
        raise NotPermitted("只有本案承办人、本科室执法人员或科室负责人可以登记涉案财物。")
    m = item.measure
    if m.implemented_on is None:
        raise RuleViolation(f"该{m.get_kind_display()}措施尚未实施，财物尚未由行政机关控制，不能登记入账。")
    if Goods.objects.filter(seized_item=item).exists() or (
            item.carried_from_id and Goods.objects.filter(seized_item_id=item.carried_from_id).exists()):
        raise Conflict(f"“{item.name}”已登记入账，不能重复登记。", code="goods_already_registered")
    at = _moment(handed_at)
    if timezone.localdate(at) < m.implemented_on:
        raise RuleViolation(f"交接时间早于措施实施之日 {m.implemented_on:%Y-%m-%d}。", field="handed_at")
    signed = _signed(handed_by, received_by, condition, location, reason)
    holder, place = _text(holder, "保管人", "holder", 200), _text(place, "存放地点", "place", 300)
    goods = Goods.objects.create(
        agency=case.agency, case=case, seized_item=item,
        origin=GoodsOrigin.PRESERVED if m.kind == MeasureKind.PRESERVATION else GoodsOrigin.SEIZED,
        name=item.name, spec=item.spec, quantity=item.quantity, unit=item.unit, holder=holder, place=place,
        stage=CustodyStage.SEIZURE, registered_on=timezone.localdate(at), created_at=timezone.now())
    append_entry(action="register_goods", actor=actor, obj=goods, payload={
        "case": case.number, "seized_item": item.pk, "name": goods.name, "quantity": goods.quantity,
        "unit": goods.unit, "holder": goods.holder, "place": goods.place})
    goods.holder, goods.place = party_names(case), item.place  # the first hand-over is from the party
    _hand_over(goods, actor=actor, to_holder=holder, to_place=place, stage=CustodyStage.SEIZURE, at=at, signed=signed)
    goods.refresh_from_db()
    return goods


@transaction.atomic
def do_register_confiscated_goods(case, *, name, quantity, unit, holder, place, handed_by, received_by,
                                  condition, location, actor, spec="", handed_at=None,
                                  reason="执行没收非法财物的行政处罚决定") -> Goods:
    """没收的非法财物登记: goods the penalty decision confiscates that were not seized before."""
    case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    if not can(actor, "register_goods", case):
        raise NotPermitted("只有本案承办人、本科室执法人员或科室负责人可以登记罚没财物。")
    if case.decided_on is None or PenaltyType.CONFISCATE_PROPERTY not in (case.decided_penalties or []):
        raise RuleViolation(f"案件{case.title}的行政处罚决定未没收非法财物，不能登记罚没财物。")
    at = _moment(handed_at)
    if timezone.localdate(at) < case.decided_on:
        raise RuleViolation(f"交接时间早于处罚决定之日 {case.decided_on:%Y-%m-%d}。", field="handed_at")
    signed = _signed(handed_by, received_by, condition, location, reason)
    holder, place = _text(holder, "保管人", "holder", 200), _text(place, "存放地点", "place", 300)
    goods = Goods.objects.create(
        agency=case.agency, case=case, origin=GoodsOrigin.CONFISCATED, name=_text(name, "名称", "name", 200),
        spec=_text(spec, "规格", "spec", 200, required=False), quantity=clean_quantity(quantity),
        unit=_text(unit, "计量单位", "unit", 20), holder=holder, place=place, stage=CustodyStage.CUSTODY,
        registered_on=timezone.localdate(at), created_at=timezone.now())
    append_entry(action="register_goods", actor=actor, obj=goods, payload={
        "case": case.number, "name": goods.name, "quantity": goods.quantity, "unit": goods.unit,
        "holder": holder, "place": place, "origin": goods.origin})
    goods.holder, goods.place = party_names(case), ""
    _hand_over(goods, actor=actor, to_holder=holder, to_place=place, stage=CustodyStage.CUSTODY, at=at, signed=signed)
    goods.refresh_from_db()
    return goods


def _locked(goods, actor, action, doing) -> Goods:
    goods = Goods.objects.select_for_update(of=("self",)).select_related("case", "seized_item").get(pk=goods.pk)
    if not can(actor, action, goods):
        raise NotPermitted(f"您无权{doing}。")
    if goods.stage == CustodyStage.DISPOSED:
        raise RuleViolation(f"“{goods.name}”已于 {goods.disposed_on:%Y-%m-%d} {goods.get_disposal_method_display()}，"
                            f"不能再{doing}。", field="stage")
    return goods


def _from_current(goods, from_holder):
    given = _text(from_holder, "移交方（当前保管人）", "from_holder", 200)
    if given != goods.holder:
        raise Conflict(f"“{goods.name}”当前由“{goods.holder}”保管，交接须由当前保管人交出（登记的移交方为“{given}”）。",
                       field="from_holder", code="not_current_holder")


def _move(goods, actor, hand_over, action="change_goods_custody", **payload):
    before = {"holder": goods.holder, "place": goods.place, "stage": goods.stage}
    goods.holder, goods.place, goods.stage = hand_over.to_holder, hand_over.to_place, hand_over.stage
    goods.save()
    append_entry(action=action, actor=actor, obj=goods, payload={
        "case": goods.case.number, "name": goods.name, "before": before, "holder": goods.holder,
        "place": goods.place, "stage": goods.stage, "hand_over": hand_over.pk, **payload})


@transaction.atomic
def do_hand_over_goods(goods, *, from_holder, to_holder, to_place, stage, handed_by, received_by, condition,
                       location, reason, actor, handed_at=None, receiver_outside="") -> HandOver:
    """财物交接: the current holder hands the goods on (保管场所, 罚没物品仓库), both sides sign by name; the
    holder records it, to a user of the agency or a receiver marked as outside it (decision 0092)."""
    goods = _locked(goods, actor, "hand_over", "交接该财物")
    _from_current(goods, from_holder)
    if stage not in (CustodyStage.CUSTODY, CustodyStage.WAREHOUSE):
        raise RuleViolation("交接去向应为保管场所或罚没物品仓库；处置请登记罚没财物处置。", field="stage")
    if STAGE_ORDER.index(stage) < STAGE_ORDER.index(goods.stage):
        raise RuleViolation(f"“{goods.name}”已在{goods.get_stage_display()}，不能退回{CustodyStage(stage).label}。",
                            field="stage")
    if stage == CustodyStage.WAREHOUSE and not confiscated(goods):
        raise RuleViolation(f"“{goods.name}”尚未依法没收，不能移入罚没物品仓库。", field="stage")
    to_holder, to_place = _text(to_holder, "接收方（保管人）", "to_holder", 200), _text(to_place, "存放地点", "to_place", 300)
    if (to_holder, to_place, stage) == (goods.holder, goods.place, goods.stage):
        raise RuleViolation("保管人、存放地点和环节都没有变化，无需交接。", field="to_holder")
    signed = _check_parties(goods, _signed(handed_by, received_by, condition, location, reason), to_holder,
                            receiver_outside, actor)
    hand_over = _hand_over(goods, actor=actor, to_holder=to_holder, to_place=to_place, stage=stage,
                           at=_moment(handed_at), signed=signed)
    _move(goods, actor, hand_over)
    return hand_over


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(f"金额“{value}”无效。", field="proceeds") from None
    if not number.is_finite() or number < 0 or number >= 10 ** 12 or number != number.quantize(Decimal("0.01")):
        raise RuleViolation(f"金额“{value}”无效：应为不小于 0、最多两位小数的数字。", field="proceeds")
    return number


@transaction.atomic
def do_dispose_goods(goods, *, method, approval, from_holder, to_holder, handed_by, received_by, condition,
                     location, reason, actor, handed_at=None, proceeds=None) -> HandOver:
    """罚没财物处置: 拍卖、销毁、移交 or 返还, as the case's decision allows, approved by the unit's head or
    the agency's leaders (the actor) — the goods' last hand-over."""
    goods = _locked(goods, actor, "dispose", "处置该财物（须科室负责人或单位领导审批）")
    _from_current(goods, from_holder)
    if method not in DisposalMethod.values:
        raise RuleViolation(f"未知的处置方式“{method}”，应为拍卖、销毁、移交或返还。", field="method")
    allowed, why = disposal_methods(goods)
    if method not in allowed:
        names = "、".join(DisposalMethod(m).label for m in allowed)
        raise RuleViolation(why or f"依本案的处理决定，“{goods.name}”只能{names}，不能{DisposalMethod(method).label}。",
                            field="method")
    approval = _text(approval, "审批意见", "approval", 500)
    proceeds = _amount(proceeds)
    if proceeds is not None and method != DisposalMethod.AUCTION:
        raise RuleViolation("只有拍卖才登记所得价款。", field="proceeds")
    at = _moment(handed_at)
    hand_over = _hand_over(goods, actor=actor, to_holder=_text(to_holder, "接收方", "to_holder", 200),
                           to_place=_text(to_holder, "接收方", "to_holder", 200), stage=CustodyStage.DISPOSED, at=at,
                           signed=_signed(handed_by, received_by, condition, location, reason), disposal_method=method)
    goods.disposal_method, goods.disposed_on, goods.disposal_approval = method, timezone.localdate(at), approval
    goods.disposal_approved_by = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None
    goods.disposal_proceeds = proceeds
    _move(goods, actor, hand_over, "dispose_goods", method=method, approval=approval, proceeds=proceeds)
    return hand_over
