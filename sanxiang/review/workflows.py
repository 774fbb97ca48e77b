"""The states of a 审核轮次 (one submission to the legal review) as a transition table.

A round is submitted with complete materials (待确定审核人员; the clock runs from then), the legal
office assigns a reviewer (审核中), who may return it for supplement (退回补充材料: the clock pauses
until the handling unit supplies them) and ends it with an opinion: 同意 (the gate opens for exactly
the proposal reviewed) or any other kind the track allows (退回承办机构). The handling unit may
(its head or a leader, not a handler) withdraw a round still under review. A new round is a new row (`do_resubmit_review`); rounds that
ended stay as they are. Opinions, assignment and supplement go through `review/actions.py`, which
checks what the table cannot see (the reviewer's qualification, the materials, the opinion kind).
"""

from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .models import ReviewRound, RoundStatus

S = RoundStatus
CLOCK = "法制审核时限"
# The time the handling unit has to supplement the materials (退回补充材料的补交期限), owed by its unit.
SUPPLEMENT_CLOCK = "法制审核补充材料期限"
LEGAL_OFFICE = (Role.REVIEWER, Role.AGENCY_LEADER)  # 法制部门确定审核人（负责人为审核人员或单位领导）
REVIEWER = (Role.REVIEWER,)
HANDLING_UNIT = (Role.OFFICER, Role.UNIT_HEAD)
SIGNERS = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.REVIEWER)  # the roles of review.signoff_chain
ON = {"on": Param("日期", required=False, text=False)}


def assigned_reviewer(rnd, actor, **params):
    """由被指定的审核人员办理"""
    from sanxiang.access.actors import is_system_actor

    if is_system_actor(actor) or getattr(actor, "pk", None) == rnd.reviewer_id:
        return None
    return "只有被指定的审核人员可以办理本轮审核。"


def checklist_complete(rnd, actor, **params):
    """七项审核要点均已记录审核结论"""
    from .tracks import CHECKLIST_POINTS

    missing = [label for code, label in CHECKLIST_POINTS if not (rnd.checklist.get(code) or {}).get("finding")]
    if missing:
        return f"尚未记录以下审核要点的审核结论：{'、'.join(missing)}。"
    return None


def not_handler(rnd, actor, **params):
    """审核人员不是本案承办人"""
    from sanxiang.cases.guards import actor_not_handler

    return actor_not_handler(rnd.review.case, actor)


def handling_unit(rnd, actor, **params):
    """由本案承办人或承办机构负责人办理"""
    from sanxiang.access.policy import can

    if can(actor, "submit_review", rnd.review.case):
        return None
    return "只有本案承办人或承办机构负责人可以补交材料或撤回送审。"


def head_not_handler(rnd, actor, **params):
    """由承办机构负责人或单位领导撤回，且不是本案承办人（送审约束决定，承办人不能独自撤回）"""
    from sanxiang.access.actors import is_system_actor
    from sanxiang.access.policy import can, current_roles

    if is_system_actor(actor):
        return None
    case = rnd.review.case
    if case.handlers.filter(person__user=actor).exists():
        return "本案承办人不能撤回送审：撤回须由承办机构负责人或单位领导决定并说明理由。"
    roles = current_roles(actor).filter(agency=case.agency)
    if roles.filter(role=Role.AGENCY_LEADER).exists():
        return None
    if roles.filter(role=Role.UNIT_HEAD).exists() and can(actor, "submit_review", case):
        return None
    return "只有承办机构负责人或单位领导可以撤回送审。"


REVIEW_ROUND = register(Table(
    name="review_round",
    label="法制审核（审核轮次）",
    model=ReviewRound,
    state_field="status",
    states=dict(RoundStatus.choices),
    initial=S.SUBMITTED,
    subject=lambda rnd: f"案件 {rnd.review.case.number} 法制审核第{rnd.number}轮",
    payload=lambda rnd: {"case": rnd.review.case.number, "round": rnd.number},
    transitions=[
        Transition("assign", S.SUBMITTED, S.IN_REVIEW, "确定审核人员", roles=LEGAL_OFFICE,
                   params={**ON, "reviewer": Param("审核人员", text=False)}),
        Transition("request_supplement", S.IN_REVIEW, S.SUPPLEMENTING, "退回补充材料", roles=REVIEWER,
                   params={**ON, "items": Param("需补充的材料", text=False),
                           "supplement_by": Param("补交期限", text=False), "note": Param("说明", required=False)},
                   guards=(assigned_reviewer,)),
        Transition("supplement", S.SUPPLEMENTING, S.IN_REVIEW, "补交材料", roles=HANDLING_UNIT,
                   params={**ON, "materials": Param("补交的材料", text=False)}, guards=(handling_unit,)),
        Transition("agree", S.IN_REVIEW, S.AGREED, "审核同意", roles=REVIEWER,
                   params={**ON, "opinion_kind": Param("审核意见种类"), "text": Param("审核意见", max_length=4000)},
                   guards=(assigned_reviewer, not_handler, checklist_complete), closes=(CLOCK,)),
        Transition("send_back", S.IN_REVIEW, S.RETURNED, "提出审核意见并退回承办机构", roles=REVIEWER,
                   params={**ON, "opinion_kind": Param("审核意见种类"), "text": Param("审核意见", max_length=4000),
                           "return_grounds": Param("退回情形", required=False, text=False)},
                   guards=(assigned_reviewer, not_handler, checklist_complete), closes=(CLOCK,)),
        # 签批不同意 (review/flow.py checks the step and the signer): the round goes back to the unit.
        Transition("refuse_signoff", (S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENTING, S.AGREED), S.RETURNED,
                   "签批不同意并退回承办机构", roles=SIGNERS,
                   params={**ON, "reason": Param("签批意见", max_length=2300)}, closes=(CLOCK,)),
        # Submitted, the review binds the decision (cases/review_gate.binding_round): only a head
        # withdraws it, with a reason (ledgered), never the handler alone.
        Transition("withdraw", (S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENTING), S.WITHDRAWN, "撤回送审",
                   roles=(Role.UNIT_HEAD, Role.AGENCY_LEADER), params={**ON, "reason": Param("撤回理由", max_length=300)},
                   guards=(head_not_handler,)),
    ],
))
