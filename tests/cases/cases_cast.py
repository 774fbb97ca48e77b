"""Builders shared by the case tests: an agency with its people, and cases reached through the
actions (so every case has a complete ledger). Dates are real 2026 dates; the calendar is seeded."""

import datetime as dt
from dataclasses import dataclass

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.parties.actions import do_register_party
from sanxiang.review.testing import qualify

PERSON_ID = "11010519491231002X"
ORG_CODE = "91110105MA01ABCD13"
D0 = dt.date(2026, 9, 1)
# The agency may seal and seize (行政强制), and its two handlers' certificates cover it.
CATEGORIES = ("行政处罚", "行政强制", "行政检查")
HANDLER_CATEGORIES = ("行政处罚", "行政强制")


@dataclass
class Env:
    agency: object
    unit: object
    officer: object        # user, handler 1
    officer2: object       # user, handler 2
    p1: object
    p2: object
    head: object           # unit head, never a handler
    leader: object
    reviewer: object
    person_party: object
    org_party: object
    outsider: object       # an officer of another agency


def person_with_cert(agency, unit, *, user=None, name=None, **cert):
    p = T.person(agency, unit=unit, user_obj=user, name=name)
    T.certificate(p, **cert)
    return p


def make_env(code=None, profile_key="") -> Env:
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency(code, profile_key=profile_key, categories=CATEGORIES)
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    officer, officer2 = T.member(agency, Role.OFFICER, unit=unit), T.member(agency, Role.OFFICER, unit=unit)
    p1 = person_with_cert(agency, unit, user=officer, name="王执法", categories=HANDLER_CATEGORIES)
    p2 = person_with_cert(agency, unit, user=officer2, name="李执法", categories=HANDLER_CATEGORIES)
    head = T.member(agency, Role.UNIT_HEAD, unit=unit)
    person_with_cert(agency, unit, user=head, name="赵科长")
    leader = T.member(agency, Role.AGENCY_LEADER)
    reviewer = T.member(agency, Role.REVIEWER)
    T.person(agency, user_obj=reviewer, name="钱审核")
    qualify(reviewer)  # 法律职业资格: a first-time reviewer needs it (行政处罚法第五十八条第二款)
    person_party = do_register_party(agency, kind="person", name="张三", id_kind="ric", id_number=PERSON_ID,
                                     actor=OPERATOR)
    org_party = do_register_party(agency, kind="org", name="某某食品有限公司", credit_code=ORG_CODE,
                                  legal_representative="孙某", actor=OPERATOR)
    other = T.agency()
    outsider = T.member(other, Role.OFFICER)
    return Env(agency, unit, officer, officer2, p1, p2, head, leader, reviewer, person_party, org_party, outsider)


def new_case(env, *, party=None, clue_on=D0, handlers=True):
    case = C.do_create_case(env.agency, unit=env.unit, source="report", cause="销售超过保质期的食品",
                            category="行政处罚", clue_on=clue_on, actor=env.officer)
    C.do_add_case_party(case, party or env.person_party, actor=env.officer)
    if handlers:
        C.do_assign_case_handler(case, env.p1, actor=env.head, on=clue_on, lead=True)
        C.do_assign_case_handler(case, env.p2, actor=env.head, on=clue_on)
    return case


# Inputs that let each action through when its state and the law allow it.
INPUTS = {
    "verify": {}, "extend_verification": {"reason": "线索涉及多家经营者"}, "file": {},
    "not_file": {"reason": "违法事实不成立"}, "investigate": {}, "suspend": {"reason": "需等待检验结果"},
    "resume": {}, "terminate": {"reason": "当事人死亡"},
    "conclude": {"penalties": ["warning", "fine"], "fine": "20000", "facts": "经查，当事人销售过期食品。"},
    "reinvestigate": {"reason": "证据不足"}, "notify": {}, "record_statement": {"statement": "初次违法，请求从轻"},
    "waive_rights": {}, "request_hearing": {},
    "notify_hearing": {"hearing_on": "2026-12-30", "place": "本局听证室"}, "hold_hearing": {"record": "听证会已举行，当事人到场"},
    "decide": {}, "serve": {"method": "direct"}, "record_payment": {"amount": "50"},
    "approve_deferral": {"days": 10, "reason": "经济困难"}, "apply_court": {"note": "逾期不缴"},
    "close": {}, "extend_time_limit": {"reason": "案情复杂"}, "decide_on_site": {}, "decide_no_penalty": {}, "hand_in_materials": {},
    # the on-site case's fine is ¥150, above the ¥100 of Art.68(1): collected as hard to enforce later (Art.68(2))
    "collect_on_site": {"amount": "100", "onsite_ground": "hard_to_enforce", "receipt": "湘财罚No.0000123",
                        "note": "当事人系外地流动摊贩，事后难以执行"},
    "hand_in_collected_fine": {},
}


def actor_for(env, table, action):
    roles = set(table.roles(action))
    if Role.OFFICER in roles:
        return env.officer
    if Role.REVIEWER in roles:
        return env.reviewer
    return env.head


def step(env, table, case, action, on, **extra):
    params = {**INPUTS[action], **extra}
    return C.move_case(case, action, actor=actor_for(env, table, action), on=on, **params)


def reach(env, table, state, *, party=None):
    """A case in `state`, by the table's shortest path, one day per move from D0 (waiving the party's
    rights before a decision so the windows do not hold it)."""
    if table.name == "penalty_simplified":
        case = onsite_case(env, party=party)
    else:
        case = new_case(env, party=party)
    day = D0
    for action in table.paths()[state]:
        day += dt.timedelta(days=1)
        if action == "decide":
            step(env, table, case, "waive_rights", day)
        if action == "close" and case.status in ("served", "executing"):
            settle(env, table, case, day)
        case = step(env, table, case, action, day)
    return case, day


def settle(env, table, case, day):
    """Pay the rest of the fine and hand in the materials, so the case may close."""
    owed = (case.decided_fine or 0) - case.paid_total
    if owed > 0:
        step(env, table, case, "record_payment", day, amount=str(owed))
    if "hand_in_materials" in table.actions():
        step(env, table, case, "hand_in_materials", day)


def onsite_case(env, *, party=None, penalties=("fine",), fine="150", on=D0):
    return C.do_create_onsite_case(env.agency, unit=env.unit, cause="占道经营", category="行政处罚",
                                   party=party or env.person_party, handlers=[env.p1, env.p2],
                                   penalties=list(penalties), fine=fine, on=on, actor=env.officer)
