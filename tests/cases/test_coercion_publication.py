"""先行登记保存 → 依法查封、扣押 and the 行政强制 publication obligation (decision 0103, point d, amended by defects10g
#5): the preservation (行政处罚法 第五十六条) opens none; the 查封/扣押 decided by `seal_or_seize` is a 行政强制法 第九条
measure of its own and opens one, its object the NEW measure, with the profile's deadline. Real 2026 dates on the
seeded calendar (国庆 10-01…07 off, 10-10 worked)."""

import datetime as dt

import pytest
from cases_cast import make_env
from coercion_cast import on_site, proposed

from sanxiang.annual.figures import compute
from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.models import MeasureKind
from sanxiang.publicity.models import PublicationObligation
from sanxiang.publicity.scope import OTHER, SHORT

pytestmark = pytest.mark.django_db
D = dt.date
PRESERVED, DECIDED = D(2026, 9, 28), D(2026, 9, 30)


def obligations_of(measure):
    return list(PublicationObligation.objects.filter(decision_key__startswith=f"{measure.ledger_type()}:{measure.pk}:"))


# seed profile → the rule of its 强制 decisions and the due day of one decided on 2026-09-30
PROFILES = [
    ("quanzhou-licheng-amr", SHORT, D(2026, 10, 15)),  # 泉州: 许可、强制 within 7 working days (10-10 worked)
    ("urumqi-gxq-amr", OTHER, D(2026, 11, 3)),
    ("zhuzhou-amr", OTHER, D(2026, 11, 3)),
    ("pingluo-commerce", OTHER, D(2026, 11, 3)),
]


@pytest.mark.parametrize("kind", [MeasureKind.SEIZE, MeasureKind.SEAL])
@pytest.mark.parametrize("profile,rule,due", PROFILES)
def test_the_seizure_of_preserved_goods_opens_its_obligation_and_the_preservation_none(profile, rule, due, kind):
    env = make_env(profile_key=profile)
    kept = proposed(env, kind=MeasureKind.PRESERVATION, day=PRESERVED)
    K.do_approve_measure(kept, actor=env.head, on=PRESERVED)
    K.do_implement_measure(kept, actor=env.officer, on=PRESERVED, **on_site(kept.case))
    assert obligations_of(kept) == []  # 先行登记保存: no 行政强制 decision to publish

    new = K.do_seal_or_seize_preserved(kept, kind=kind, reason="经检验系不合格产品，依法扣押", on=DECIDED, actor=env.head)
    assert obligations_of(kept) == []
    [ob] = obligations_of(new)
    assert ob.decision_key == f"cases.coercivemeasure:{new.pk}:coercive_measure.seal_or_seize"
    assert (ob.case, ob.kind_label, ob.rule, ob.decided_on, ob.due, ob.obligation.due) == (
        kept.case, "强制", rule, DECIDED, due, due)
    assert ob.citation and ob.decision_label == "决定查封、扣押先行登记保存的财物"
    assert PublicationObligation.objects.filter(case=kept.case).count() == 1
    # the draft describes the new measure and its carried-over items
    conclusion = ob.publication.versions.get().fields["执法结论"]
    assert conclusion.startswith(new.get_kind_display() + "：过期牛奶1"), conclusion

    K.do_implement_measure(new, actor=env.officer, on=DECIDED, **on_site(new.case))  # no second obligation
    assert PublicationObligation.objects.filter(case=kept.case).count() == 1
    assert compute(env.agency, 2026)["rows"]["强制"]["count"] == 1  # the annual report counts the 查封/扣押 alone
