"""Builders of the registers tests: seized goods in custody, a case whose decision confiscates goods,
all through the actions (so the ledger is complete). Real 2026 dates."""

import datetime as dt

from cases_cast import D0, new_case, step
from coercion_cast import in_force

from sanxiang.cases.models import MeasureKind
from sanxiang.registers import actions as R
from sanxiang.workflow import get_table

GENERAL = get_table("penalty_general")
KEEPER_NAME = "本局罚没物品仓库 孙保管"

SIGNED = {"handed_by": "王执法", "received_by": "孙保管", "condition": "封条完好，外包装无破损",
          "location": "本局罚没物品仓库"}


def at(day: dt.date, hour=10) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:00"


def seized_goods(env, kind=MeasureKind.SEIZE, day=dt.date(2026, 3, 2), case=None):
    """A 扣押 in force and its one item registered: from the party to the officer at the scene."""
    m = in_force(env, case=case, kind=kind, day=day)
    item = m.items.get()
    goods = R.do_register_seized_goods(item, holder="王执法", place="执法车辆", handed_at=at(day, 11),
                                       actor=env.officer, **{**SIGNED, "received_by": "王执法",
                                                            "location": "当事人冷库"})
    return goods


FILING = (("verify", {}), ("file", {}), ("investigate", {}))


def deciding(penalties=("fine", "confiscate_property")):
    conclude = {"penalties": list(penalties), "fine": "3000"}
    if "confiscate_property" in penalties:
        conclude["confiscation"] = "1200"
    return (("conclude", conclude), ("notify", {}), ("waive_rights", {}), ("decide", {}), ("serve", {}))


def run(env, case, moves, day):
    for action, extra in moves:
        day += dt.timedelta(days=1)
        case = step(env, GENERAL, case, action, day, **extra)
    return case, day


def investigating_case(env):
    """A penalty case of the organisation party under investigation from D0 + 3 days."""
    return run(env, new_case(env, party=env.org_party), FILING, D0)


def confiscating_case(env, *, confiscate=True):
    """A penalty case decided and served: a fine and, when `confiscate`, the confiscation of goods."""
    case, day = investigating_case(env)
    return run(env, case, deciding(("fine", "confiscate_property") if confiscate else ("fine",)), day)
