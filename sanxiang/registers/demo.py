"""Demo goods in custody (株洲市市场监管局 only: every test module that loads the demo pays for each
row): the items of its 行政强制 demo cases whose measures were carried out, registered by the officer
on the day of the measure; the charger handed to the 保管场所; the fresh fish sold early disposed of by
拍卖 and the scale returned, both approved by the head."""

import datetime as dt

WITH_GOODS = "zhuzhou-amr"
SIGNED = {"location": "当事人经营场所", "condition": "数量与清单相符，封条完好", "received_by": "刘执法"}


def load(stdout) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.cases.models import SeizedItem
    from sanxiang.orgs.models import Agency

    from .actions import disposal_methods, do_dispose_goods, do_hand_over_goods, do_register_seized_goods
    from .models import Goods

    agency = Agency.objects.filter(code=WITH_GOODS).first()
    if agency is None or Goods.objects.filter(agency=agency).exists():
        return []
    users = get_user_model().objects
    officer, head = users.get(username="zhuzhou-officer"), users.get(username="zhuzhou-head")
    officer_name = officer.get_full_name() or "执法人员"
    keeper = users.get(username="zhuzhou-records")  # the 保管室 keeper is an account (decision 0092)
    keeper_name = keeper.get_full_name() or "档案管理人员"
    items = (SeizedItem.objects.filter(measure__case__agency=agency, measure__implemented_on__isnull=False,
                                       carried_from__isnull=True).select_related("measure__case").order_by("id"))

    def moment(day, hour):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    made = 0
    for item in items:
        day = item.measure.implemented_on
        goods = do_register_seized_goods(item, holder=officer_name, place="执法车辆", handed_at=moment(day, 11),
                                         handed_by="当事人", actor=officer, **{**SIGNED, "received_by": officer_name})
        made += 1
        methods, _ = disposal_methods(goods)
        later = item.disposed_on or item.sold_on
        if methods and later:
            when = moment(max(later, day), 16)
            method = methods[0]
            do_dispose_goods(goods, method=method, approval="同意（科室负责人审批）", from_holder=officer_name,
                             to_holder="当事人" if method == "return" else "株洲市某拍卖有限公司",
                             handed_by=officer_name, received_by="当事人代表" if method == "return" else "拍卖公司经办人",
                             condition="数量与清单相符", location="本局涉案财物保管室",
                             reason="解除扣押，退还当事人" if method == "return" else "鲜活物品先行变卖后移交买受人",
                             handed_at=when, actor=head)
        elif item.measure.status in ("in_force", "emergency", "testing"):
            do_hand_over_goods(goods, from_holder=officer_name, to_holder=f"本局涉案财物保管室 {keeper_name}",
                               to_place="本局涉案财物保管室", stage="custody", handed_by=officer_name,
                               received_by=keeper_name, condition="数量与清单相符，封条完好", location="本局涉案财物保管室",
                               reason="扣押后移交保管场所", handed_at=moment(day, 15), actor=officer)
    return [f"涉案财物：株洲市市场监管局的查封扣押财物登记入账 {made} 项，含交接与处置（执法台账 → 罚没物品台账）"]
