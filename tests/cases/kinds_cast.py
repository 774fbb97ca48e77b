"""Builders of the licence, decision and labour-inspection tests: an agency with the kinds' categories and
its people, and cases of each kind reached through the actions. Dates are real 2026 dates."""

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

CATEGORIES = ("行政处罚", "行政许可", "行政检查", "劳动保障监察")
D0 = dt.date(2026, 9, 1)
KIND_OF = {"licence_general": "licence", "confirmation_general": "confirmation",
           "adjudication_general": "adjudication", "labour_inspection_general": "labour_inspection"}
CATEGORY_OF = {"licence": "行政许可", "confirmation": "劳动保障监察", "adjudication": "劳动保障监察",
               "labour_inspection": "劳动保障监察"}


@dataclass
class Env:
    agency: object
    unit: object
    officer: object
    officer2: object
    p1: object
    p2: object
    head: object
    reviewer: object
    party: object
    outsider: object


def make_kinds_env(profile_key="urumqi-gxq-hrss") -> Env:
    seed_calendar(actor=OPERATOR, years=[2025, 2026, 2027])
    agency = T.agency(profile_key=profile_key, categories=CATEGORIES)
    unit = A.do_create_unit(agency, "行政审批科", actor=OPERATOR)
    officer, officer2 = T.member(agency, Role.OFFICER, unit=unit), T.member(agency, Role.OFFICER, unit=unit)
    p1 = T.person(agency, unit=unit, user_obj=officer, name="王审批")
    T.certificate(p1, categories=CATEGORIES)
    p2 = T.person(agency, unit=unit, user_obj=officer2, name="李审批")
    T.certificate(p2, categories=CATEGORIES)
    head = T.member(agency, Role.UNIT_HEAD, unit=unit)
    T.person(agency, unit=unit, user_obj=head, name="赵科长")
    reviewer = T.member(agency, Role.REVIEWER)
    T.person(agency, user_obj=reviewer, name="钱审核")
    qualify(reviewer)  # 法律职业资格: a first-time reviewer needs it (行政处罚法第五十八条第二款)
    party = do_register_party(agency, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                              legal_representative="孙某", actor=OPERATOR)
    outsider = T.member(T.agency(), Role.OFFICER)
    return Env(agency, unit, officer, officer2, p1, p2, head, reviewer, party, outsider)


def new_kind_case(env, kind, *, on=D0, source=None, handlers=True, party=True, on_the_spot=False):
    source = source or ("complaint" if kind == "labour_inspection" else "application")
    case = C.do_create_case(env.agency, unit=env.unit, kind=kind, source=source, cause="食品经营许可",
                            category=CATEGORY_OF[kind], clue_on=on, on_the_spot=on_the_spot, actor=env.officer)
    if party:
        C.do_add_case_party(case, env.party, actor=env.officer)
    if handlers:
        C.do_assign_case_handler(case, env.p1, actor=env.head, on=on, lead=True)
        C.do_assign_case_handler(case, env.p2, actor=env.head, on=on)
    return case


# Inputs that let each action through when its state and the law allow it.
INPUTS = {
    "accept": {}, "request_supplement": {"materials": "营业执照复印件、场所平面图"}, "receive_supplement": {},
    "not_accept": {"reason": "不属于本机关职权范围"}, "start_review": {},
    "verify_on_site": {"place": "经营场所", "findings": "场所布局符合要求"},
    "notify_interested": {"interested": "相邻住户"}, "record_statement": {"statement": "无异议"},
    "inform_hearing_right": {}, "request_hearing": {}, "order_hearing": {"reason": "涉及重大公共利益"},
    "notify_hearing": {"hearing_on": "2026-12-30", "place": "本局听证室"}, "hold_hearing": {"record": "听证已举行"},
    "start_assessment": {"matter": "专家评审，已书面告知申请人"}, "finish_assessment": {},
    "extend_decision": {"reason": "需要现场核查多处场所"}, "grant": {"content": "准予食品经营许可"},
    "refuse": {"reason": "经营场所不符合条件"}, "issue_certificate": {"licence_number": "JY16501060000001",
                                                                     "valid_until": "2031-09-30"},
    "serve": {"method": "direct"}, "close": {}, "change_licence": {"content": "法定代表人变更为李某"},
    "apply_extension": {}, "grant_extension": {"valid_until": "2036-09-30"}, "refuse_extension": {"reason": "不再符合条件"},
    "deem_extension": {}, "revoke": {"reason": "以欺骗手段取得许可（行政许可法第六十九条第二款）"},
    "deregister": {"reason": "被许可人申请注销"}, "make_decision": {"content": "认定为工伤"},
    "decide_on_the_spot": {"content": "准予食品经营许可（当场决定）"},
    "withdraw_application": {"requested_by": "申请人孙某", "reason": "经营场所另行选址"},
    # 劳动保障监察 (with the penalty moves it reuses)
    "file": {"act_on": "2026-06-01"}, "not_file": {"reason": "不属于劳动保障监察事项"}, "investigate": {}, "suspend": {"reason": "等待鉴定"},
    "resume": {}, "conclude": {"penalties": ["fine"], "fine": "200000", "facts": "经查，用人单位拖欠工资。"},
    "reinvestigate": {"reason": "证据不足"}, "notify": {}, "waive_rights": {}, "decide": {},
    "record_payment": {"amount": "100"}, "approve_deferral": {"days": 10, "reason": "经济困难"},
    "apply_court": {"note": "逾期不缴"}, "extend_time_limit": {"reason": "案情复杂"},
    "cancel_filing": {"reason": "违法行为轻微并已改正"},
    "order_correction": {"content": "补发拖欠工资", "rectify_by": "2026-12-31"}, "confirm_rectified": {},
    "transfer_case": {"transfer_ground": "crime", "recipient": "某市公安局某分局",
                      "reason": "经责令支付仍不支付劳动报酬，涉嫌拒不支付劳动报酬罪"},
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


def prepare(env, table, case, action, on):
    """What makes a lawful move possible in the tests' fast walk (one day per move)."""
    if action == "decide" and case.status == "notified":
        step(env, table, case, "waive_rights", on)
    if action == "close" and case.status in ("served", "executing") and table.name == "labour_inspection_general":
        owed = (case.decided_fine or 0) - case.paid_total
        if owed > 0:
            step(env, table, case, "record_payment", on, amount=str(owed))
