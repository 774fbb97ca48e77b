"""Builders for the publicity tests: a decided penalty case of a fresh agency, through the actions."""

from __future__ import annotations

import itertools

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

_seq = itertools.count(1)


def party(agency, *, name="张三丰", kind="person"):
    from sanxiang.parties.actions import do_register_party

    n = next(_seq)
    if kind == "person":
        from stdnum.cn import ric

        base = f"11010519800101{n % 1000:03d}"
        return do_register_party(agency, kind="person", name=name, id_number=base + ric.calc_check_digit(base + "0"),
                                 address="北京市西城区某街道1号", phone="13800138000", actor=OPERATOR)
    from stdnum.cn import uscc

    base = f"91350100MA{n:07d}"[:17]
    return do_register_party(agency, kind="org", name=name, credit_code=base + uscc.calc_check_digit(base),
                             legal_representative="李四海", actor=OPERATOR)


def decided_case(agency, *, on="2026-03-05", penalties=("fine",), fine="1000", the_party=None, witness="王小明",
                 facts="经查，当事人张三丰于2026年3月1日销售过期食品，联系电话13800138000。"):
    """A 普通程序 penalty case of `agency` decided on `on` (by the operator, as the access builders do)."""
    from sanxiang.cases import actions as C
    from sanxiang.orgs.actions import do_create_unit

    unit = agency.units.first() or do_create_unit(agency, "执法科", actor=OPERATOR)
    case = C.do_create_case(agency, unit=unit, source="report", cause="销售过期食品", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, the_party or party(agency), actor=OPERATOR)
    for name in ("王执法", "赵执法"):
        handler = T.person(agency, unit=unit, name=name)
        T.certificate(handler)
        C.do_assign_case_handler(case, handler, actor=OPERATOR, on="2026-03-02")
    if witness:
        C.do_add_case_participant(case, role="witness", name=witness, actor=OPERATOR)
    conclude = {"penalties": list(penalties), "facts": facts}
    if fine:
        conclude["fine"] = fine
    for action, params in (("verify", {}), ("file", {}), ("investigate", {}), ("conclude", conclude),
                           ("notify", {}), ("waive_rights", {}), ("decide", {})):
        case = C.move_case(case, action, actor=OPERATOR, on=on, **params)
    return case


def staff(agency):
    """(editor, head, leader) users of `agency`."""
    unit = agency.units.first()
    editor = T.member(agency, Role.PUBLICITY_EDITOR)
    head = T.member(agency, Role.UNIT_HEAD, unit=unit) if unit else T.member(agency, Role.UNIT_HEAD)
    leader = T.member(agency, Role.AGENCY_LEADER)
    return editor, head, leader


def opened(agency, *, on="2026-03-05", penalties=("fine",), fine="1000", procedure="general", kind="person",
           the_party=None):
    """The obligation (or None: out of scope) a decided penalty of `agency` opens, without walking the
    case through its table: the case's decision fields are set on the instance the decision carries
    (the publicity app reads only them). For scope, deadline and publication tests of any profile."""
    import datetime as dt
    from decimal import Decimal

    from sanxiang.cases import actions as C
    from sanxiang.cases.decisions import Decision
    from sanxiang.orgs.actions import do_create_unit

    from .actions import open_for_decision

    unit = agency.units.first() or do_create_unit(agency, "执法科", actor=OPERATOR)
    case = C.do_create_case(agency, unit=unit, source="report", cause="销售过期食品", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, the_party or party(agency, kind=kind,
                                                  name="张三丰" if kind == "person" else f"某某食品有限公司{next(_seq)}"),
                        actor=OPERATOR)
    day = dt.date.fromisoformat(on) if isinstance(on, str) else on
    case.procedure, case.decided_penalties, case.decided_on = procedure, list(penalties), day
    case.decided_fine = Decimal(fine) if fine else None
    case.number = case.number or f"测〔2026〕{next(_seq):04d}号"
    action = "decide" if procedure == "general" else "decide_on_site"
    table = "penalty_general" if procedure == "general" else "penalty_simplified"
    return open_for_decision(Decision(case=case, kind="penalty", table=table, action=action, label="作出处罚决定",
                                      obj=case, on=day), actor=OPERATOR)
