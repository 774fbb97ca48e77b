"""行政强制 rules with real dates: 30 days (+30 once) for 查封、扣押 (行政强制法 第二十五条), the time of
检测 not counted, 7 working days for 先行登记保存 (行政处罚法 第五十六条), 24 hours after an emergency
(第十九条), and the guards of 第十八条 — each refusal in Chinese with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from coercion_cast import START, certificates, head_as_handler, in_force, investigating, on_site, period, proposed
from django.utils import timezone

from sanxiang.cases import actions as C
from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.models import CoerciveMeasure, MeasureKind, SeizedItem
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

D = dt.date


def written():
    return (LedgerEntry.objects.count(), Obligation.objects.count(), SeizedItem.objects.count(),
            sorted(CoerciveMeasure.objects.values_list("pk", "status", "extension_days")))


def refused(call, text, error=RuleViolation):
    before = written()
    with pytest.raises(error) as found:
        call()
    assert text in found.value.message, found.value.message
    assert written() == before
    return found.value


@pytest.mark.parametrize("start,due", [
    (D(2026, 3, 2), D(2026, 4, 1)),     # 30 days, not working days
    (D(2026, 1, 30), D(2026, 3, 2)),    # across February; Mar 1 is a Sunday: the next working day
    (D(2026, 9, 20), D(2026, 10, 20)),  # across the National Day holiday: calendar days still
])
def test_a_seizure_lasts_30_days_from_its_implementation(env, start, due):
    m = in_force(env, day=start)
    ob = period(m)
    assert (ob.kind, ob.start, ob.due) == (K.SEIZURE_PERIOD, start, due)
    assert list(ob.responsible_units.all()) == [m.case.unit]  # routed to the handling unit


@pytest.mark.parametrize("start,due", [
    (D(2026, 3, 2), D(2026, 3, 11)),    # Mon + 7 working days
    (D(2026, 9, 28), D(2026, 10, 13)),  # across 国庆 (Oct 1–7 off, Oct 10 a working Saturday)
])
def test_a_preservation_is_decided_within_7_working_days(env, start, due):
    m = in_force(env, kind=MeasureKind.PRESERVATION, day=start)
    ob = period(m)
    assert (ob.kind, ob.due) == (K.PRESERVATION_PERIOD, due)


def test_an_extension_adds_at_most_30_days_once_and_testing_is_not_counted(env):
    m = in_force(env)
    refused(lambda: K.do_extend_measure(m, reason="案情复杂", party_told=True, days=31, on=D(2026, 3, 20), actor=env.head),
            "延长期限不得超过 30 日")
    refused(lambda: K.do_extend_measure(m, reason="案情复杂", party_told=False, on=D(2026, 3, 20), actor=env.head),
            "书面告知当事人")
    refused(lambda: K.do_extend_measure(m, reason="案情复杂", party_told=True, on=D(2026, 3, 20), actor=env.officer),
            "科室负责人", NotPermitted)
    K.do_extend_measure(m, reason="案情复杂", party_told=True, on=D(2026, 3, 20), actor=env.head)
    assert (m.extension_days, period(m).due) == (30, D(2026, 5, 6))  # May 1 falls in 劳动节 (1–5 May)
    refused(lambda: K.do_extend_measure(m, reason="再延", party_told=True, days=5, on=D(2026, 3, 21), actor=env.head),
            "延长过一次")
    K.do_start_measure_testing(m, testing="送某检测中心检验", party_told=True, on=D(2026, 4, 1), actor=env.officer)
    K.do_end_measure_testing(m, result="不合格", on=D(2026, 4, 11), actor=env.officer)
    # The ten days of testing do not count: the 30 days end on Sat 04-11 (so Mon 04-13), and the
    # extension runs 30 days from there (the deadlines engine's rule: 自原到期日起算).
    assert period(m).due == D(2026, 5, 13)


def test_an_extension_after_the_period_ended_is_refused(env):
    m = in_force(env)
    refused(lambda: K.do_extend_measure(m, reason="案情复杂", party_told=True, on=D(2026, 4, 2), actor=env.head),
            "已于 2026-04-01 届满")


def test_a_preservation_is_neither_extended_nor_paused(env):
    m = in_force(env, kind=MeasureKind.PRESERVATION)
    error = refused(lambda: K.do_extend_measure(m, reason="复杂", party_told=True, on=D(2026, 3, 5), actor=env.head),
                    "先行登记保存不能延长")
    assert "查封、扣押期限" not in error.message and "行政强制法" not in error.message  # its own rule, not 第二十五条
    refused(lambda: K.do_start_measure_testing(m, testing="送检", party_told=True, on=D(2026, 3, 5),
                                               actor=env.officer), "先行登记保存不能延长")


def test_the_head_approves_before_and_two_handlers_implement_on_site(env):
    m = proposed(env)
    refused(lambda: K.do_approve_measure(m, actor=env.officer, on=START), "科室负责人", NotPermitted)
    head_as_handler(env, m.case)
    refused(lambda: K.do_approve_measure(m, actor=env.head, on=START), "本案承办人不能批准")
    refused(lambda: K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case)), "不能执行“实施行政强制措施”")
    K.do_approve_measure(m, actor=env.leader, on=START)  # the agency's leader, who does not handle it
    assert m.approved_by == env.leader
    one = on_site(m.case, certificate_numbers=certificates(m.case)[:1])
    refused(lambda: K.do_implement_measure(m, actor=env.officer, on=START, **one), "两名以上执法人员出示执法身份证件")
    untold = on_site(m.case, told_reason_basis_rights=False)
    refused(lambda: K.do_implement_measure(m, actor=env.officer, on=START, **untold), "理由、依据")
    refused(lambda: K.do_implement_measure(m, actor=env.leader, on=START, **on_site(m.case)), "只有", NotPermitted)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    assert (m.status, m.implemented_on, m.told_reason_basis_rights) == ("in_force", START, True)


def test_no_implementation_without_the_list(env):
    m = proposed(env, items=0)
    K.do_approve_measure(m, actor=env.head, on=START)
    refused(lambda: K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case)), "清单")


def test_an_emergency_is_approved_within_24_hours_or_released_at_once(env):
    m = proposed(env)
    K.do_implement_measure(m, actor=env.officer, on=START, urgently=True, emergency_reason="当事人正在转移财物",
                           **on_site(m.case))
    report = Obligation.objects.get(object_type="cases.coercivemeasure", object_id=str(m.pk),
                                    kind=K.EMERGENCY_APPROVAL)
    assert (report.unit, report.count, report.due) == ("hours", 24, START + dt.timedelta(days=1))
    refused(lambda: K.do_approve_measure_afterwards(m, actor=env.head, on=D(2026, 3, 4)), "超过二十四小时")
    K.do_approve_measure_afterwards(m, actor=env.head, on=D(2026, 3, 3))
    report.refresh_from_db()
    assert m.status == "in_force" and report.status == "met" and period(m).due == D(2026, 4, 1)

    other = proposed(env)
    K.do_implement_measure(other, actor=env.officer, on=START, urgently=True, emergency_reason="财物可能灭失",
                           **on_site(other.case))
    K.do_refuse_measure_afterwards(other, reason="不属于紧急情况", on=START, actor=env.head)
    assert other.status == "released" and other.release_reason == "not_approved"
    assert set(other.items.values_list("disposal", flat=True)) == {"returned"}
    assert not K._obligations(other, (*K.PERIODS, K.EMERGENCY_APPROVAL)).exists()


def test_goods_of_an_ended_measure_are_not_touched(env):
    m = in_force(env)
    item = m.items.get()
    refused(lambda: K.do_add_seized_item(m, name="追加", quantity="1", unit="箱", place="冷库", actor=env.officer),
            "不能登记清单")
    K.do_change_item_custody(item, place="本局罚没物品仓库", custody="agency", actor=env.officer)
    K.do_release_measure(m, release_reason="no_violation", on=D(2026, 3, 10), actor=env.head)
    refused(lambda: K.do_change_item_custody(item, place="别处", custody="agency", actor=env.officer),
            "当前为“已解除”")
    refused(lambda: K.do_release_measure(m, release_reason="expired", actor=env.head), "不能执行")


@pytest.mark.parametrize("kwargs,text", [
    ({"name": "", "quantity": "1", "unit": "箱", "place": "冷库"}, "名称不能为空"),
    ({"name": "牛奶", "quantity": "0", "unit": "箱", "place": "冷库"}, "大于 0"),
    ({"name": "牛奶", "quantity": "abc", "unit": "箱", "place": "冷库"}, "数量“abc”无效"),
    ({"name": "牛奶", "quantity": "1", "unit": "箱", "place": "冷库", "custody": "third_party"}, "受托保管人不能为空"),
    ({"name": "牛奶", "quantity": "1", "unit": "箱", "place": "冷库", "custody": "party"}, "只有查封"),
])
def test_a_bad_list_entry_is_refused(env, kwargs, text):
    m = proposed(env, kind=MeasureKind.SEIZE, items=0)
    refused(lambda: K.do_add_seized_item(m, actor=env.officer, **kwargs), text)


def test_confiscation_goes_through_the_penalty_decision_and_the_case_closes_after(env):
    m = in_force(env)
    case = m.case
    refused(lambda: K.do_dispose_measure(m, outcome="confiscate", on=D(2026, 3, 20), actor=env.head), "没收须由行政处罚决定作出")
    refused(lambda: K.do_dispose_measure(m, outcome="destroy", on=D(2026, 3, 20), actor=env.head), "须写明依据")
    refused(lambda: K.do_dispose_measure(m, outcome="seal_or_seize", on=D(2026, 3, 20), actor=env.head), "只能是")
    for action, actor, params in (("conclude", env.officer, {"penalties": ["warning", "confiscate_property"]}),
                                  ("notify", env.officer, {}), ("waive_rights", env.officer, {}),
                                  ("decide", env.head, {}), ("serve", env.officer, {"method": "direct"})):
        C.move_case(case, action, actor=actor, on=D(2026, 3, 20), **params)
    refused(lambda: C.do_close_case(case, actor=env.head, on=D(2026, 3, 25)), "尚有未解除或未作出处理决定的行政强制措施")
    K.do_dispose_measure(m, outcome="confiscate", on=D(2026, 3, 25), actor=env.head)
    assert set(m.items.values_list("disposal", flat=True)) == {"confiscate"} and period(m).status == "met"
    C.do_close_case(case, actor=env.head, on=D(2026, 3, 25))
    assert case.status == "closed"


def test_proposals_need_a_handler_and_a_case_under_investigation(env):
    case = investigating(env)
    refused(lambda: K.do_propose_measure(case, kind="seal", reason="x", actor=env.head), "只有本案的承办人", NotPermitted)
    refused(lambda: K.do_propose_measure(case, kind="detain", reason="x", actor=env.officer), "未知的行政强制措施种类")
    refused(lambda: K.do_propose_measure(case, kind="seal", reason="", actor=env.officer), "理由和依据不能为空")
    refused(lambda: K.do_propose_measure(case, kind="seal", reason="x", actor=env.outsider), "只有本科室", NotPermitted)


# ---- goods item by item, 拍卖/变卖, 先行登记保存 → 查封/扣押, 督办 ----------------------------------------

def items(m):
    return {i.name: i for i in m.items.all()}


def test_each_item_gets_its_own_outcome_and_release_all_reaches_only_the_rest(env):
    m = proposed(env, items=3)
    K.do_approve_measure(m, actor=env.head, on=START)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    first, second, third = m.items.all()
    K.do_decide_seized_item(first, outcome="returned", basis="经核查与违法行为无关", on=D(2026, 3, 5), actor=env.head)
    K.do_decide_seized_item(second, outcome="destroy", basis="食品安全法第一百二十四条，已变质", on=D(2026, 3, 6),
                            actor=env.head)
    m.refresh_from_db()
    assert m.status == "in_force" and period(m).status == "open"  # the third is still held
    K.do_release_measure(m, release_reason="no_violation", on=D(2026, 3, 10), actor=env.head)  # one act for the rest
    got = {i.name: (i.disposal, i.disposed_on, i.disposed_by_id) for i in m.items.all()}
    assert got == {first.name: ("returned", D(2026, 3, 5), env.head.pk),
                   second.name: ("destroy", D(2026, 3, 6), env.head.pk),
                   third.name: ("returned", D(2026, 3, 10), env.head.pk)}
    assert items(m)[second.name].disposal_label == "依法销毁" and period(m).status == "met"


def test_the_measure_ends_once_every_item_has_its_outcome(env):
    m = proposed(env, items=2)
    K.do_approve_measure(m, actor=env.head, on=START)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    first, second = m.items.all()
    K.do_decide_seized_item(first, outcome="transfer", basis="移送公安机关", on=D(2026, 3, 9), actor=env.head)
    refused(lambda: K.do_end_measure_by_items(m, on=D(2026, 3, 9), actor=env.head), f"尚有财物未作出处理（{second.name}）")
    K.do_decide_seized_item(second, outcome="returned", on=D(2026, 3, 10), actor=env.head)
    K.do_end_measure_by_items(m, on=D(2026, 3, 10), actor=env.head)
    assert (m.status, m.ended_on, m.outcome, period(m).status) == ("disposed", D(2026, 3, 10), "", "met")


@pytest.mark.parametrize("who,params,text,error", [
    ("officer", {"outcome": "returned"}, "科室负责人", NotPermitted),
    ("head", {"outcome": "confiscate"}, "没收须由行政处罚决定作出", RuleViolation),
    ("head", {"outcome": "destroy"}, "须写明依据", RuleViolation),
    ("head", {"outcome": "seal_or_seize"}, "决定查封、扣押", RuleViolation),
    ("head", {"outcome": "burn"}, "须选择该项财物的处理", RuleViolation),
    ("head", {"outcome": "returned", "item": "999999"}, "须选择本措施清单中的一项财物", RuleViolation),
    ("head", {"outcome": "returned", "item": "²"}, "须选择本措施清单中的一项财物", RuleViolation),
])
def test_a_bad_item_decision_is_refused(env, who, params, text, error):
    m = in_force(env)
    params = {"item": m.items.get().pk, **params}
    refused(lambda: K.move_measure(m, "decide_item", actor=getattr(env, who), on=D(2026, 3, 5), **params), text, error)


def test_an_item_is_decided_once_and_not_by_its_handler(env):
    m = in_force(env)
    item = m.items.get()
    K.do_decide_seized_item(item, outcome="returned", on=D(2026, 3, 5), actor=env.head)
    refused(lambda: K.do_decide_seized_item(item, outcome="returned", on=D(2026, 3, 6), actor=env.head),
            "已于 2026-03-05 作出处理")
    other = in_force(env)
    head_as_handler(env, other.case)
    refused(lambda: K.do_decide_seized_item(other.items.get(), outcome="returned", actor=env.head), "本案承办人不能批准")


def test_perishable_goods_sold_leave_their_proceeds_in_their_place(env):
    m = proposed(env, kind=MeasureKind.SEIZE, items=2)
    K.do_approve_measure(m, actor=env.head, on=START)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    milk, other = m.items.all()
    item = K.do_sell_seized_item(milk, method="auction", proceeds="1280.50", ground="鲜奶临近保质期，不易保管",
                                 party_consent=True, on=D(2026, 3, 4), actor=env.head)
    assert (item.sold_on, item.sale_proceeds, item.sale_approved_by, item.disposal) == (
        D(2026, 3, 4), Decimal("1280.50"), env.head, "")
    refused(lambda: K.do_sell_seized_item(milk, method="sale", proceeds="10", ground="再卖", party_consent=True,
                                          actor=env.head), "已于 2026-03-04 拍卖")
    refused(lambda: K.do_decide_seized_item(milk, outcome="destroy", basis="变质", actor=env.head), "不能销毁")
    refused(lambda: K.do_dispose_measure(m, outcome="destroy", note="变质", actor=env.head), "不能销毁")
    K.do_release_measure(m, release_reason="unrelated", on=D(2026, 3, 10), actor=env.head)
    assert items(m)[milk.name].disposal_label == "已解除，退还拍卖所得款项"  # 第二十八条第二款
    assert items(m)[other.name].disposal_label == "已解除，退还当事人"


@pytest.mark.parametrize("who,params,text,error", [
    ("officer", {}, "科室负责人", NotPermitted),
    ("head", {"method": "burn"}, "须选择处置方式", RuleViolation),
    ("head", {"proceeds": "-1"}, "所得款项“-1”无效", RuleViolation),
    ("head", {"proceeds": "12.345"}, "最多两位小数", RuleViolation),
    ("head", {"proceeds": "abc"}, "所得款项“abc”无效", RuleViolation),
    ("head", {"party_consent": False}, "须经权利人同意或者申请", RuleViolation),
    ("head", {"ground": ""}, "不能为空", RuleViolation),
])
def test_a_bad_sale_is_refused(env, who, params, text, error):
    m = in_force(env)
    params = {"item": m.items.get().pk, "method": "sale", "proceeds": "300", "ground": "活鱼不易保管",
              "party_consent": True, **params}
    refused(lambda: K.move_measure(m, "sell_item", actor=getattr(env, who), on=D(2026, 3, 5), **params), text, error)


@pytest.mark.parametrize("start,on,allowed", [
    (D(2026, 3, 2), D(2026, 3, 11), True),    # the 7th working day
    (D(2026, 3, 2), D(2026, 3, 12), False),   # past it: released by itself (行政处罚法第五十六条)
    (D(2026, 9, 28), D(2026, 10, 13), True),  # across 国庆: Oct 1–7 off, Oct 10 worked
    (D(2026, 9, 28), D(2026, 10, 14), False),
])
def test_preserved_goods_are_sealed_or_seized_within_7_working_days(env, start, on, allowed):
    m = in_force(env, kind=MeasureKind.PRESERVATION, day=start)
    call = lambda: K.do_seal_or_seize_preserved(m, kind="seize", reason="经检验系不合格产品，依法扣押", on=on,  # noqa: E731
                                                 actor=env.head)
    if not allowed:
        refused(call, f"已于 {period(m).due:%Y-%m-%d} 届满")
        return
    new = call()
    m.refresh_from_db()
    assert (m.status, m.outcome, m.ended_on, period(m).status) == ("disposed", "seal_or_seize", on, "met")
    assert (new.kind, new.status, new.approved_on, new.approved_by, new.preserved_from) == (
        "seize", "approved", on, env.head, m)
    assert [(i.name, i.quantity, i.carried_from.measure_id) for i in new.items.all()] == [
        (i.name, i.quantity, m.pk) for i in m.items.all()]
    assert set(m.items.values_list("disposal", flat=True)) == {"seal_or_seize"}
    K.do_implement_measure(new, actor=env.officer, on=on, **on_site(new.case))  # its own period from that day
    assert (period(new).kind, period(new).start, period(new).due - on) == (K.SEIZURE_PERIOD, on, dt.timedelta(30))


def test_only_the_undecided_preserved_goods_are_carried_over(env):
    m = proposed(env, kind=MeasureKind.PRESERVATION, items=2)
    K.do_approve_measure(m, actor=env.head, on=START)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    kept, returned = m.items.all()
    K.do_decide_seized_item(returned, outcome="returned", on=D(2026, 3, 3), actor=env.head)
    refused(lambda: K.do_seal_or_seize_preserved(m, kind="seize", reason="x", on=D(2026, 3, 4), actor=env.officer),
            "科室负责人", NotPermitted)
    refused(lambda: K.move_measure(m, "seal_or_seize", measure_kind="preservation", reason="x", on=D(2026, 3, 4),
                                   actor=env.head), "须选择查封或者扣押")
    new = K.do_seal_or_seize_preserved(m, kind="seal", reason="依法查封", on=D(2026, 3, 4), actor=env.head)
    assert [i.name for i in new.items.all()] == [kept.name]
    sealed = in_force(env)
    refused(lambda: K.do_seal_or_seize_preserved(sealed, kind="seize", reason="x", on=D(2026, 3, 4), actor=env.head),
            "不是先行登记保存")


def test_overdue_measure_deadlines_reach_the_leaders_escalations(env):
    from sanxiang.cases import pages
    from sanxiang.deadlines.queries import escalated_obligations

    m = in_force(env, day=D(2026, 3, 2))  # 查封扣押期限 due 2026-04-01
    late = period(m)
    today = timezone.localdate()
    rows = [r for r in pages.escalations(env.leader)["overdue"] if r["ob"].pk == late.pk]
    assert [(r["case"], r["subject"], r["ob"].kind) for r in rows] == [(m.case, "查封措施", K.SEIZURE_PERIOD)]
    assert late.pk in [o.pk for o in escalated_obligations(env.agency, late.leader, today)]
    assert pages.escalations(env.officer) is None  # leaders only
    K.do_release_measure(m, release_reason="expired", on=D(2026, 4, 2), actor=env.head)
    assert late.pk not in [r["ob"].pk for r in pages.escalations(env.leader)["overdue"]]


# ---- powers: 查封、扣押 only by an agency with 行政强制 powers, by handlers certified for it (行政强制法第十七条) ----

def _without_coercion(env):
    from sanxiang.orgs.models import Agency

    Agency.objects.filter(pk=env.agency.pk).update(categories=["行政处罚", "行政检查", "商务执法"])


@pytest.mark.parametrize("kind", [MeasureKind.SEAL, MeasureKind.SEIZE])
def test_an_agency_without_coercive_powers_cannot_seal_or_seize(env, kind):
    case = investigating(env)
    waiting = proposed(env, case, kind)  # proposed while the agency still had the power
    _without_coercion(env)
    refused(lambda: K.do_propose_measure(case, kind=kind, reason="涉嫌违法", on=START, actor=env.officer),
            "不含“行政强制”，不能采取查封、扣押")
    text = refused(lambda: K.do_approve_measure(waiting, actor=env.head, on=START), "行政强制法第十七条").message
    assert "先行登记保存" in text  # says what the agency may do instead
    refused(lambda: K.do_implement_measure(waiting, actor=env.officer, on=START, **on_site(case), urgently=True,
                                           emergency_reason="当事人正在转移财物"), "行政强制法第十七条")


def test_such_an_agency_may_still_preserve_evidence_but_not_turn_it_into_a_seizure(env):
    _without_coercion(env)
    m = in_force(env, kind=MeasureKind.PRESERVATION)  # 行政处罚法第五十六条: any penalty agency
    refused(lambda: K.do_seal_or_seize_preserved(m, kind=MeasureKind.SEAL, reason="需要查封", actor=env.head,
                                                 on=START), "不能采取查封、扣押")


def test_a_seizure_needs_handlers_certified_for_coercion(env):
    from sanxiang.orgs.models import Certificate

    m = proposed(env)
    K.do_approve_measure(m, actor=env.head, on=START)
    Certificate.objects.filter(number__in=certificates(m.case)).update(categories=["行政处罚"])
    text = refused(lambda: K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case)),
                   "具备“行政强制”执法资格的承办人只有 0 名").message
    assert "行政强制法第十八条" in text


def test_the_platform_administrator_does_not_approve_or_propose_a_measure(env):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("platform-admin", password="x-Pass-2026!")
    m = proposed(env)
    refused(lambda: K.do_approve_measure(m, actor=admin, on=START), "系统管理员不是")
    refused(lambda: K.do_propose_measure(m.case, kind=MeasureKind.SEAL, reason="涉嫌违法", on=START, actor=admin),
            "系统管理员不是", error=NotPermitted)
@pytest.mark.parametrize("on,lapsed", [(D(2026, 3, 11), False), (D(2026, 3, 12), True)])
def test_a_lapsed_preservation_is_released_by_law_and_its_goods_only_returned(env, on, lapsed):
    """行政处罚法第五十六条: not acted on within 7 working days (03-02 → 03-11), it is released by itself."""
    from django.test import Client

    m = proposed(env, kind=MeasureKind.PRESERVATION, items=2)
    K.do_approve_measure(m, actor=env.head, on=START)
    K.do_implement_measure(m, actor=env.officer, on=START, **on_site(m.case))
    assert (K.lapsed_on(m, on) is not None) is lapsed
    sold, returned = m.items.all()
    sell = lambda: K.do_sell_seized_item(sold, method="sale", proceeds="300", ground="鲜活易腐", party_consent=True,  # noqa: E731
                                         on=on, actor=env.head)
    if not lapsed:
        assert sell().sold_on == on
        return
    refused(sell, "已自动解除")
    refused(lambda: K.do_decide_seized_item(sold, outcome="transfer", basis="移送公安", on=on, actor=env.head), "已自动解除")
    refused(lambda: K.do_end_measure_by_items(m, on=on, actor=env.head), "已自动解除")
    error = refused(lambda: K.do_extend_measure(m, reason="复杂", party_told=True, on=on, actor=env.head), "不能延长")
    assert "查封、扣押期限" not in error.message  # a preservation's own rule, not 行政强制法第二十五条、第二十八条
    client = Client()
    client.force_login(env.officer)
    page = client.get(f"/cases/{m.case_id}/").content.decode()
    assert "已自动解除" in page and "实施中" not in page
    assert client.get(f"/api/v1/coercion/measures/{m.pk}").json()["status_label"] == "已自动解除"
    assert K.do_decide_seized_item(returned, outcome="returned", on=on, actor=env.head).disposal == "returned"
    K.do_release_measure(m, release_reason="expired", note="逾期未采取措施，自动解除", on=on, actor=env.head)
    m.refresh_from_db()
    assert (m.status, K.lapsed_on(m, on)) == ("released", None)
