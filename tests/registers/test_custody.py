"""涉案财物保管: registration from the 清单 or the penalty decision, the hand-over chain (always from
the current holder, forward only, into the warehouse only once confiscated), the approved disposal,
and refusals that write nothing."""

import datetime as dt

import pytest
from registers_cast import SIGNED, at, confiscating_case, deciding, investigating_case, run, seized_goods

from sanxiang.cases.kinds import coercion as K
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.registers import actions as R
from sanxiang.registers.models import Goods, HandOver

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def refused(call, *args, error=RuleViolation, **kwargs) -> str:
    """The refusal's message; and nothing was written (no goods, no hand-over, no ledger entry)."""
    counts = Goods.objects.count(), HandOver.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert (Goods.objects.count(), HandOver.objects.count(), LedgerEntry.objects.count()) == counts
    return caught.value.message


def keepers(env):
    """The agency's 保管 keepers 李保管 and 孙保管, accounts who may hold goods (decision 0092)."""
    made = []
    for name in ("李保管", "孙保管"):
        user = T.member(env.agency, Role.RECORDS_KEEPER)
        T.person(env.agency, user_obj=user, name=name)
        made.append(user)
    return made


def to_custody(env, goods, hour=14, **extra):
    return R.do_hand_over_goods(goods, **{
        "from_holder": "王执法", "to_holder": "李保管", "to_place": "本局涉案财物保管室", "stage": "custody",
        "reason": "扣押后移交保管场所", "handed_at": at(DAY, hour), "actor": env.officer,
        **SIGNED, "received_by": "李保管", **extra})


def test_registering_seized_goods_starts_the_chain_from_the_party(env):
    goods = seized_goods(env)
    assert (goods.name, goods.quantity, goods.unit, goods.origin) == ("过期牛奶1", 10, "箱", "seized")
    assert (goods.holder, goods.place, goods.stage) == ("王执法", "执法车辆", "seizure")
    first = goods.hand_overs.get()
    assert (first.seq, first.from_holder, first.to_holder, first.from_place) == (1, "张三", "王执法", "当事人冷库")
    entries = LedgerEntry.objects.filter(object_type__in=("registers.goods", "registers.handover")).order_by("index")
    assert [e.action for e in entries] == ["register_goods", "hand_over_goods"]
    assert refused(R.do_register_seized_goods, goods.seized_item, holder="王执法", place="执法车辆", actor=env.officer,
                   **SIGNED, error=Conflict) == "“过期牛奶1”已登记入账，不能重复登记。"


def test_goods_of_a_measure_not_carried_out_cannot_be_registered(env):
    from coercion_cast import proposed

    item = proposed(env, day=DAY).items.get()
    message = refused(R.do_register_seized_goods, item, holder="王执法", place="执法车辆", actor=env.officer, **SIGNED)
    assert "尚未实施" in message


def test_a_chain_from_seizure_to_destruction(env):
    case, day = investigating_case(env)
    goods = seized_goods(env, case=case, day=day)
    li, sun = keepers(env)
    assert goods.hand_overs.get().from_holder == "某某食品有限公司"
    custody_at = at(day, 14)
    to_custody(env, goods, handed_at=custody_at)
    # Only the current holder hands over: the goods are with 李保管 now, not 王执法.
    message = refused(to_custody, env, goods, handed_at=at(day, 15), to_holder="赵保管",
                      error=Conflict)
    assert message == "“过期牛奶1”当前由“李保管”保管，交接须由当前保管人交出（登记的移交方为“王执法”）。"
    # Not confiscated yet: no warehouse, no disposal.
    warehouse = {"from_holder": "李保管", "to_holder": "孙保管", "to_place": "本局罚没物品仓库", "stage": "warehouse",
                 "reason": "没收后入库", "handed_at": at(day + dt.timedelta(days=6)), **SIGNED, "handed_by": "李保管"}
    assert refused(R.do_hand_over_goods, goods, actor=env.officer, **warehouse) == "“过期牛奶1”尚未依法没收，不能移入罚没物品仓库。"
    destroy = {"method": "destroy", "approval": "同意销毁（局长办公会纪要〔2026〕5号）", "to_holder": "某环保处置公司",
               "reason": "依法销毁", "handed_at": at(day + dt.timedelta(days=7)), **SIGNED}
    assert "尚未作出处理决定" in refused(R.do_dispose_goods, goods, actor=env.head, from_holder="李保管", **destroy)
    # Backwards in time, or back to the scene: refused.
    assert "早于上一次交接" in refused(to_custody, env, goods, handed_at=at(day, 9), from_holder="李保管",
                                   to_holder="孙保管", handed_by="李保管", received_by="孙保管", actor=li)
    assert refused(to_custody, env, goods, handed_at=at(day, 16), from_holder="李保管",
                   stage="seizure") == (
        "交接去向应为保管场所或罚没物品仓库；处置请登记罚没财物处置。")

    case, decided_day = run(env, case, deciding(), day)  # the decision confiscates the goods
    K.do_decide_seized_item(goods.seized_item, outcome="confiscate", basis="行政处罚决定书没收", on=decided_day,
                            actor=env.head)
    R.do_hand_over_goods(goods, actor=li, **warehouse)
    assert refused(to_custody, env, goods, handed_at=at(day, 16), from_holder="孙保管") == "“过期牛奶1”已在罚没物品仓库，不能退回保管场所。"
    # The decision allows 拍卖/销毁/移交, not 返还; only the unit's head or the agency's leaders approve.
    assert refused(R.do_dispose_goods, goods, actor=env.head, from_holder="孙保管", **{**destroy, "method": "return"}) == (
        "依本案的处理决定，“过期牛奶1”只能拍卖、销毁、移交，不能返还。")
    assert "审批" in refused(R.do_dispose_goods, goods, actor=env.officer, from_holder="孙保管", **destroy,
                             error=NotPermitted)
    assert refused(R.do_dispose_goods, goods, actor=env.head, from_holder="孙保管",
                   **{**destroy, "approval": " "}) == "审批意见不能为空。"
    R.do_dispose_goods(goods, actor=env.head, from_holder="孙保管", **destroy)

    goods.refresh_from_db()
    assert (goods.stage, goods.disposal_method, goods.holder, goods.disposed_on) == (
        "disposed", "destroy", "某环保处置公司", day + dt.timedelta(days=7))
    assert goods.disposal_approved_by == env.head
    chain = list(goods.hand_overs.order_by("seq"))
    assert [h.seq for h in chain] == [1, 2, 3, 4]
    assert [h.stage for h in chain] == ["seizure", "custody", "warehouse", "disposed"]
    for before, after in zip(chain, chain[1:]):  # no gaps: each starts where the one before ended
        assert (after.from_holder, after.from_place) == (before.to_holder, before.to_place)
    # After the disposal nothing moves it any more.
    assert "销毁，不能再交接该财物" in refused(to_custody, env, goods, handed_at=at(day, 16), from_holder="某环保处置公司")
    assert "不能再处置" in refused(R.do_dispose_goods, goods, actor=env.head, from_holder="某环保处置公司", **destroy)
    # Every goods and hand-over row is as its last ledger entry says (`sanxiang verify`).
    from sanxiang.ledger.verify import run as verify

    report = verify()
    assert report.objects and not [f for f in report.findings if "registers." in str(f)], report.findings


def test_returned_goods_can_only_be_returned(env):
    goods = seized_goods(env)
    K.do_decide_seized_item(goods.seized_item, outcome="returned", basis="与违法行为无关", on=DAY + dt.timedelta(days=1),
                            actor=env.head)
    common = {"approval": "同意退还", "to_holder": "张三", "reason": "解除扣押，退还当事人", "from_holder": "王执法",
              "handed_at": at(DAY + dt.timedelta(days=1)), **SIGNED}
    assert "只能返还" in refused(R.do_dispose_goods, goods, method="auction", actor=env.head, **common)
    R.do_dispose_goods(goods, method="return", actor=env.head, **common)
    assert Goods.objects.get(pk=goods.pk).get_disposal_method_display() == "返还"


def test_another_agency_and_the_wrong_roles_are_refused(env):
    goods = seized_goods(env)
    outsider_keeper = T.member(T.agency(), Role.RECORDS_KEEPER)
    for user in (env.outsider, outsider_keeper, env.reviewer):
        assert refused(to_custody, env, goods, actor=user, error=NotPermitted) == "您无权交接该财物。"
    li, sun = keepers(env)  # the agency's keepers hold the goods and record their own hand-overs
    to_custody(env, goods)
    assert Goods.objects.get(pk=goods.pk).holder == "李保管"
    R.do_hand_over_goods(goods, from_holder="李保管", to_holder="孙保管", to_place="保管室二号柜", stage="custody",
                         reason="保管人轮岗交接", handed_at=at(DAY, 16), actor=li,
                         **{**SIGNED, "handed_by": "李保管"})
    assert Goods.objects.get(pk=goods.pk).holder == "孙保管"


def test_goods_confiscated_by_the_decision(env):
    case, day = confiscating_case(env)
    goods = R.do_register_confiscated_goods(case, name="假冒白酒", spec="500ml", quantity="24", unit="瓶",
                                            holder="孙保管", place="本局罚没物品仓库", actor=env.officer,
                                            handed_at=at(day), **SIGNED)
    assert (goods.origin, goods.stage, goods.holder) == ("confiscated", "custody", "孙保管")
    assert goods.hand_overs.get().from_holder == "某某食品有限公司"
    # Confiscated: straight into the warehouse, then auctioned with the proceeds recorded.
    _, sun = keepers(env)
    R.do_hand_over_goods(goods, from_holder="孙保管", to_holder="孙保管", to_place="本局罚没物品仓库 A 区", stage="warehouse",
                         reason="入罚没物品仓库", handed_at=at(day, 15), actor=sun, **{**SIGNED, "handed_by": "孙保管"})
    R.do_dispose_goods(goods, method="auction", approval="同意委托拍卖", from_holder="孙保管", to_holder="某拍卖有限公司",
                       reason="委托拍卖", proceeds="860.00", handed_at=at(day, 16), actor=env.leader, **SIGNED)
    assert Goods.objects.get(pk=goods.pk).disposal_proceeds == 860

    plain, day = confiscating_case(env, confiscate=False)
    assert "未没收非法财物" in refused(R.do_register_confiscated_goods, plain, name="白酒", quantity="1", unit="瓶",
                                     holder="孙保管", place="仓库", actor=env.officer, **SIGNED)
    assert refused(R.do_register_confiscated_goods, case, name="白酒", quantity="-1", unit="瓶", holder="孙保管",
                   place="仓库", actor=env.officer, **SIGNED) == "数量“-1”无效：应为大于 0、最多三位小数的数字。"
    assert refused(R.do_register_confiscated_goods, case, name="白酒", quantity="1", unit="瓶", holder="孙保管",
                   place="仓库", actor=env.outsider, **SIGNED, error=NotPermitted)


def test_the_pages_register_hand_over_and_refuse_with_the_message(env):
    from coercion_cast import in_force
    from django.test import Client

    item = in_force(env, kind="seize", day=DAY).items.get()
    officer = Client()
    officer.force_login(env.officer)
    page = officer.get("/registers/goods/").content.decode()
    assert "待登记的查封扣押财物" in page and "过期牛奶1" in page
    signed = {"location": "当事人冷库", "condition": "封条完好", "handed_by": "张三", "received_by": "王执法",
              "reason": "扣押后交保管", "handed_at": "2026-03-02T11:00"}
    r = officer.post(f"/registers/goods/seized/{item.pk}/", {"holder": "王执法", "place": "执法车辆", **signed})
    goods = Goods.objects.get(seized_item=item)
    assert r.status_code == 302 and r["Location"] == f"/registers/goods/{goods.pk}/"
    assert "待登记的查封扣押财物" not in officer.get("/registers/goods/").content.decode()  # none left

    page = officer.get(r["Location"]).content.decode()
    assert "财物交接" in page and "罚没财物处置" not in page  # not decided, and officers do not approve disposals
    hand_over = {"act": "hand_over", "h-from_holder": "李保管", "h-to_holder": "某仓储公司 赵保管", "h-to_place": "保管室",
                 "h-stage": "custody", **{f"h-{k}": v for k, v in signed.items()}, "h-handed_at": "2026-03-02T15:00",
                 "h-handed_by": "王执法", "h-received_by": "赵保管", "h-receiver_outside": "某仓储公司，身份证号码略"}
    entries = LedgerEntry.objects.count()
    r = officer.post(f"/registers/goods/{goods.pk}/", hand_over)
    assert r.status_code == 400 and "当前由“王执法”保管" in r.content.decode()
    assert LedgerEntry.objects.count() == entries
    r = officer.post(f"/registers/goods/{goods.pk}/", {**hand_over, "h-from_holder": "王执法"})
    assert r.status_code == 302
    assert Goods.objects.get(pk=goods.pk).holder == "某仓储公司 赵保管"
    assert "接收人 赵保管（本机关以外：某仓储公司，身份证号码略）" in officer.get(r["Location"]).content.decode()

    outsider = Client()
    outsider.force_login(env.outsider)
    assert outsider.get(f"/registers/goods/{goods.pk}/").status_code == 404
    assert outsider.post(f"/registers/goods/{goods.pk}/", {**hand_over, "h-from_holder": "赵保管"}).status_code == 404
    assert outsider.get(f"/registers/goods/seized/{item.pk}/").status_code == 404
