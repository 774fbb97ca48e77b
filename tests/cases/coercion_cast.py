"""Builders of the 行政强制 tests: a penalty case under investigation and measures on it, reached
through the actions (so the ledger is complete). Real 2026 dates; the calendar is seeded."""

import datetime as dt

from cases_cast import new_case

from sanxiang.cases import actions as C
from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.models import MeasureKind

START = dt.date(2026, 3, 2)


def investigating(env, day=START):
    case = new_case(env, clue_on=day)
    C.do_verify_case(case, actor=env.officer, on=day)
    C.do_file_case(case, actor=env.head, on=day)
    C.do_investigate_case(case, actor=env.officer, on=day)
    return case


def certificates(case):
    return [h.certificate.number for h in case.handlers.filter(until__isnull=True)]


def on_site(case, **extra):
    return {"place": "某市场冷库", "certificate_numbers": certificates(case), "told_reason_basis_rights": True,
            "record": "执法人员出示证件，告知当事人理由、依据和权利，当事人在场。", **extra}


def proposed(env, case=None, kind=MeasureKind.SEAL, day=START, items=1):
    case = case or investigating(env, day)
    m = K.do_propose_measure(case, kind=kind, reason="涉嫌销售过期食品，依据食品安全法第一百一十条", on=day,
                             actor=env.officer)
    for i in range(items):
        K.do_add_seized_item(m, name=f"过期牛奶{i + 1}", spec="250ml×24", quantity="10", unit="箱", place="当事人冷库",
                             actor=env.officer)
    return m


def in_force(env, case=None, kind=MeasureKind.SEAL, day=START):
    m = proposed(env, case, kind, day)
    K.do_approve_measure(m, actor=env.head, on=day)
    K.do_implement_measure(m, actor=env.officer, on=day, **on_site(m.case))
    return m


def period(m):
    """The measure's period (查封扣押期限 or 先行登记保存处理期限), open or not."""
    from sanxiang.deadlines.models import Obligation

    return Obligation.objects.filter(object_type="cases.coercivemeasure", object_id=str(m.pk),
                                     kind__in=K.PERIODS).latest("id")


def head_as_handler(env, case):
    """The unit head also handles this case (so a guard, not the roles, must stop the approval)."""
    from sanxiang.orgs.models import Person

    C.do_assign_case_handler(case, Person.objects.get(user=env.head), actor=env.leader, on=case.clue_on)
