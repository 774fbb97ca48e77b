"""The states of a 公示义务 and of a 公示信息 as transition tables (docs/workflows.md).

公示义务 (`publication_obligation`): 待公示 until its publication is published (by the system, as
a consequence of 发布), a responsible head approves a proposed 不予公开 with a legal ground (the
editor proposes, the head named approves or refuses as their own act — never the proposer), or the
decision is revoked, void or remade before publication (决定已撤销，不再公示; by the system, decision
0069); an approved 暂缓公开 keeps it open with a later due date. 公示信息 (`publication`): the editor prepares (脱敏预览) and submits, the
responsible head (发布部门负责人: 科室负责人 or 单位领导) approves — never the one who prepared or
submitted it — or sends it back; approved, it is published; published, it is corrected (a new
version, approved again, the old one shown meanwhile), withdrawn with a public reason, taken down
when the profile allows, or expires at the end of the display period (the job runner).
"""

from sanxiang.core import inputs
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .models import ObligationStatus, Publication, PublicationObligation, PublicationStatus

OB, S = ObligationStatus, PublicationStatus
EDITOR = (Role.PUBLICITY_EDITOR,)
HEADS = (Role.UNIT_HEAD, Role.AGENCY_LEADER)  # 发布部门负责人
EDITOR_OR_HEAD = (Role.PUBLICITY_EDITOR, Role.UNIT_HEAD, Role.AGENCY_LEADER)
PROPOSAL = {"proposal": Param("申请事项", max_length=8), "ground": Param("法定事由", max_length=24),
            "note": Param("说明", max_length=500), "approver": Param("批准人", text=False),
            "until": Param("暂缓至", required=False, text=False)}
ON = {"on": Param("日期", required=False, text=False)}


def _user_id(actor):
    return getattr(actor, "pk", None)


def not_preparer(pub, actor, **params):
    """审核人不是本版本的编辑或提交人"""
    from sanxiang.access.actors import is_system_actor

    if is_system_actor(actor):
        return None
    version = pub.current()
    if _user_id(actor) in {version.made_by_id, pub.submitted_by_id} - {None}:
        return "公示信息须由发布部门负责人审核，编辑或提交人不能审核自己准备的信息。"
    return None


def version_approved(pub, actor, **params):
    """发布的正是审核通过的版本"""
    if pub.approved_version is None or pub.approved_version != pub.version:
        return "未经审核的公示信息不能发布：请先提交发布部门负责人审核。"
    return None


def not_withheld(pub, actor, **params):
    """未决定不予公开，决定未被撤销"""
    from .models import ObligationStatus

    if pub.obligation.status == ObligationStatus.WITHHELD:
        return "已决定不予公开，该信息不能再提交审核或发布。"
    if pub.obligation.status == ObligationStatus.VOIDED:
        return "该决定已被撤销、确认无效或须重新作出，不再公示。"
    return None


def no_proposal(ob, actor, **params):
    """没有待批准的不予公开或暂缓公开申请"""
    if ob.proposal:
        return f"已有待{ob.proposed_to.get_full_name() or ob.proposed_to.get_username()}批准的{ob.get_proposal_display()}申请。"
    return None


def _proposal_is(kind):
    def guard(ob, actor, **params):
        if ob.proposal != kind:
            return "没有待批准的" + ("不予公开" if kind == "withhold" else "暂缓公开") + "申请。"
        return None
    guard.__doc__ = "有待批准的" + ("不予公开" if kind == "withhold" else "暂缓公开") + "申请"
    return guard


def proposal_pending(ob, actor, **params):
    """有待批准的不予公开或暂缓公开申请"""
    return None if ob.proposal else "没有待批准的不予公开或暂缓公开申请。"


def named_approver(ob, actor, **params):
    """批准人是申请所请的负责人本人，不是申请人"""
    from sanxiang.access.actors import is_system_actor
    from sanxiang.access.policy import can

    if is_system_actor(actor):
        return "不予公开或暂缓公开须由负责人本人批准。"
    if _user_id(actor) == ob.proposed_by_id:
        return "申请人不能批准自己的不予公开或暂缓公开申请。"
    if _user_id(actor) != ob.proposed_to_id:
        who = ob.proposed_to.get_full_name() or ob.proposed_to.get_username() if ob.proposed_to_id else "负责人"
        return f"该申请请{who}批准，其他人不能代为批准。"
    if not can(actor, "approve_withholding", ob):
        return "须由本机关的发布部门负责人（科室负责人或单位领导）批准。"
    return None


def first_publication(pub, actor, **params):
    """首次发布（更正的版本以“发布更正”发布）"""
    return "这是更正后的版本，请以“发布更正”发布。" if pub.public_version else None


def is_correction(pub, actor, **params):
    """已公示信息的更正版本"""
    return None if pub.public_version else "尚未公示过的信息没有更正可发布，请以“发布”发布。"


def is_public(pub, actor, **params):
    """信息正在公示"""
    return None if pub.public_version else "该信息尚未公示，无需撤下。"


# 撤下事由 of a decision the case has not recorded as revoked (行政处罚法第四十八条: 变更、撤销、确认违法、确认无效;
# 国办发〔2018〕118号: 撤销、确认违法、要求重新作出) — and a publication made in error (decision 0086).
WITHDRAWAL_GROUNDS = {
    "revoked": "决定已被撤销",
    "confirmed_illegal": "决定被确认违法",
    "void": "决定被确认无效",
    "changed": "决定被变更",
    "remade": "决定须重新作出",
    "published_in_error": "信息不应公开或公示有误",
}


def withdrawal_grounded(pub, actor, ground=None, **params):
    """撤下有据：本案已记录决定被撤销等（规则配置撤销时撤下），或由发布部门负责人选择撤下事由撤下"""
    from sanxiang.access.actors import is_system_actor
    from sanxiang.access.policy import can

    from .scope import _profile

    profile = _profile(pub.agency)
    if pub.revoked and profile.value("publicity.takedown.on_revocation", on=_day(params)):
        return None  # the case records the revocation: the editor takes it down within the withdrawal deadline
    if is_system_actor(actor) or not can(actor, "approve", pub):
        return ("该决定未记录为已被撤销：撤下仍在公示的决定须由发布部门负责人（科室负责人或单位领导）批准，"
                "请提请负责人撤下。")
    if ground is not None and ground not in WITHDRAWAL_GROUNDS:  # None: the form has not asked yet
        listed = "、".join(f"{k}（{v}）" for k, v in WITHDRAWAL_GROUNDS.items())
        return f"该决定未记录为已被撤销：撤下须选择撤下事由 —— {listed}。"
    return None


def takedown_allowed(pub, actor, **params):
    """规则配置允许期满撤下且已到可撤下之日"""
    on = _day(params)
    shown = pub.shown()
    if shown is not None and shown.serious_dishonesty:  # 涉及严重失信行为 (decision 0087)
        until = pub.takedown_prompt_on or pub.expires_on
        if until is None:
            return "涉及严重失信行为的行政处罚信息，本机关规则配置未规定公示满一定期限后可以撤下。"
        if on < until:
            end = "（届时公示期满，自动停止公示）" if pub.takedown_prompt_on is None else ""
            return f"涉及严重失信行为的行政处罚信息须公示满规定期限（{until:%Y-%m-%d} 起）方可撤下{end}。"
    if pub.takedown_prompt_on is None:
        return "本机关规则配置未规定公示满一定期限后可以撤下。"
    if on < pub.takedown_prompt_on:
        return f"公示满规定期限后（{pub.takedown_prompt_on:%Y-%m-%d} 起）方可撤下。"
    return None


def display_over(pub, actor, **params):
    """公示期已满"""
    on = _day(params)
    if pub.expires_on is None or on < pub.expires_on:
        return "公示期未满。"
    return None


def _day(params):
    return inputs.day(params.get("on"))


_user = acting_user


def submit_effect(pub, actor, **params):
    pub.submitted_by = _user(actor)
    pub.approved_version, pub.approved_by = None, None
    return None


def send_back_effect(pub, actor, reason="", **params):
    pub.approved_version, pub.approved_by = None, None
    return {"reason": reason}


def approve_effect(pub, actor, **params):
    pub.approved_version, pub.approved_by, pub.approved_on = pub.version, _user(actor), _day(params)
    return {"approved_version": pub.version}


def publish_effect(pub, actor, **params):
    from .scope import display_until

    day = _day(params)
    pub.public_version = pub.version
    serious = pub.current().serious_dishonesty
    if pub.published_on is None:
        pub.published_on = day
        pub.expires_on, pub.takedown_prompt_on = display_until(pub.obligation, day, serious=serious)
    else:  # a correction may change 涉及严重失信行为: the prompt follows the shown version (decision 0087)
        pub.takedown_prompt_on = display_until(pub.obligation, pub.published_on, serious=serious)[1]
    return {"public_version": pub.version, "published_on": pub.published_on, "serious_dishonesty": serious,
            "expires_on": pub.expires_on, "takedown_prompt_on": pub.takedown_prompt_on}


def withdraw_effect(pub, actor, reason="", ground="", **params):
    pub.withdrawn_on, pub.withdrawal_reason = _day(params), reason
    if ground or pub.revoked:  # 撤下: the ground in the ledger (the case's revocation, or the head's)
        return {"ground": ground or "revoked", "revoked_on_the_case": pub.revoked}
    return None


def correct_effect(pub, actor, reason="", **params):
    pub.version += 1
    pub.approved_version = pub.approved_by = pub.submitted_by = None
    return {"new_version": pub.version, "reason": reason}


def fulfil_effect(ob, actor, **params):
    ob.closed_on = _day(params)
    return None


def propose_effect(ob, actor, proposal="", ground="", note="", approver=None, until=None, **params):
    ob.proposal, ob.proposal_ground, ob.proposal_note, ob.proposal_until = proposal, ground, note, until
    ob.proposed_by, ob.proposed_to, ob.proposed_on = _user(actor), approver, _day(params)
    return {"approver": approver.get_username() if approver else None}


def _clear_proposal(ob):
    ob.proposal, ob.proposal_ground, ob.proposal_note, ob.proposal_until = "", "", "", None
    ob.proposed_by = ob.proposed_to = ob.proposed_on = None


def withhold_effect(ob, actor, **params):
    """The head's own approval: the ground and facts as proposed, the approver the head acting."""
    out = {"ground": ob.proposal_ground, "note": ob.proposal_note, "proposed_by": _name(ob.proposed_by)}
    ob.ground, ob.ground_note, ob.approver, ob.closed_on = ob.proposal_ground, ob.proposal_note, _user(actor), \
        _day(params)
    _clear_proposal(ob)
    return out


def defer_effect(ob, actor, **params):
    until = ob.proposal_until
    out = {"ground": ob.proposal_ground, "note": ob.proposal_note, "until": until, "proposed_by": _name(ob.proposed_by)}
    ob.ground, ob.ground_note, ob.approver = ob.proposal_ground, ob.proposal_note, _user(actor)
    ob.deferred_until = ob.due = until
    _clear_proposal(ob)
    return out


def refuse_effect(ob, actor, reason="", **params):
    out = {"proposal": ob.proposal, "ground": ob.proposal_ground, "proposed_by": _name(ob.proposed_by)}
    _clear_proposal(ob)
    return out


def void_effect(ob, actor, reason="", **params):
    ob.ground_note, ob.closed_on = reason[:500], _day(params)
    _clear_proposal(ob)
    return None


def _name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


register_actions({"stop_early_publication": "提前停止公示"})  # the transition below (decision 0072)


def early_stop_approved(pub, actor, request=None, **params):
    """提前停止公示的申请已经发布部门负责人批准（总局令第45号第十四条，决定 0072）"""
    from .party_models import EarlyStopRequest, EarlyStopStatus

    if not isinstance(request, EarlyStopRequest) or request.publication_id != pub.pk \
            or request.status != EarlyStopStatus.APPROVED:
        return "提前停止公示须有经批准的当事人申请。"
    return None


PUBLICATION_OBLIGATION = register(Table(
    name="publication_obligation", label="公示义务", model=PublicationObligation, state_field="status",
    states=dict(ObligationStatus.choices), initial=OB.OPEN,
    subject=lambda ob: f"公示义务（{ob.subject}）",
    payload=lambda ob: {"case": ob.case.number, "decision": ob.decision},
    transitions=[
        # a consequence of publishing its publication (actions.do_publish_publication), by the system
        Transition("fulfil", OB.OPEN, OB.PUBLISHED, "公示义务已履行", roles=(), params=ON, effect=fulfil_effect),
        # 不予公开/暂缓公开: the editor (or a head) proposes, asking a named head; that head approves or refuses
        Transition("propose", OB.OPEN, OB.OPEN, "申请不予公开或暂缓公开", roles=EDITOR_OR_HEAD, params={**PROPOSAL, **ON},
                   guards=(no_proposal,), effect=propose_effect),
        Transition("withhold", OB.OPEN, OB.WITHHELD, "批准不予公开", roles=HEADS, params=ON,
                   guards=(_proposal_is("withhold"), named_approver), effect=withhold_effect),
        Transition("defer", OB.OPEN, OB.OPEN, "批准暂缓公开", roles=HEADS, params=ON,
                   guards=(_proposal_is("defer"), named_approver), effect=defer_effect),
        Transition("refuse", OB.OPEN, OB.OPEN, "不批准不予公开或暂缓公开", roles=HEADS,
                   params={"reason": Param("不批准的理由", max_length=500)}, guards=(proposal_pending, named_approver),
                   effect=refuse_effect),
        # a consequence of a 复议/诉讼 outcome that takes the decision down before it was published
        Transition("void", OB.OPEN, OB.VOIDED, "决定已撤销，不再公示", roles=(),
                   params={**ON, "reason": Param("理由", max_length=500)}, effect=void_effect),
    ],
))

PUBLICATION = register(Table(
    name="publication", label="公示信息", model=Publication, state_field="status",
    states=dict(PublicationStatus.choices), initial=S.DRAFT,
    subject=lambda pub: f"公示信息（{pub.obligation.subject}）",
    payload=lambda pub: {"case": pub.obligation.case.number, "version": pub.version},
    transitions=[
        Transition("prepare", S.DRAFT, S.DRAFT, "编辑公示信息", roles=EDITOR,
                   params={"edits": Param("脱敏调整", required=False, text=False),
                           "field_edits": Param("字段修改", required=False, text=False),
                           "disclosure": Param("公开方式", required=False, max_length=8),
                           "ground": Param("部分公开的法定事由", required=False, max_length=24),
                           "serious_dishonesty": Param("涉及严重失信行为", required=False, text=False)}),
        Transition("submit", S.DRAFT, S.SUBMITTED, "提交审核", roles=EDITOR, guards=(not_withheld,),
                   effect=submit_effect),
        Transition("send_back", S.SUBMITTED, S.DRAFT, "退回修改", roles=HEADS,
                   params={"reason": Param("退回理由", max_length=500)}, guards=(not_preparer,), effect=send_back_effect),
        Transition("approve", S.SUBMITTED, S.APPROVED, "审核同意发布", roles=HEADS, params=ON, guards=(not_preparer, not_withheld),
                   effect=approve_effect),
        Transition("publish", S.APPROVED, S.PUBLISHED, "发布", roles=EDITOR_OR_HEAD, params=ON,
                   guards=(version_approved, first_publication, not_withheld), effect=publish_effect),
        Transition("publish_correction", S.APPROVED, S.CORRECTED, "发布更正", roles=EDITOR_OR_HEAD, params=ON,
                   guards=(version_approved, is_correction), effect=publish_effect),
        Transition("correct", (S.PUBLISHED, S.CORRECTED), S.DRAFT, "更正", roles=EDITOR,
                   params={"reason": Param("更正理由", max_length=500),
                           "text": Param("更正后的公示文本", required=False, max_length=50000)},
                   effect=correct_effect),
        Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.CORRECTED), S.WITHDRAWN, "撤下",
                   roles=EDITOR_OR_HEAD, params={**ON, "reason": Param("撤下理由（公开说明）", max_length=500),
                                                 "ground": Param("撤下事由", required=False, max_length=24)},
                   guards=(is_public, withdrawal_grounded), effect=withdraw_effect),
        Transition("take_down", (S.PUBLISHED, S.CORRECTED), S.EXPIRED, "公示满期撤下", roles=HEADS,
                   params={**ON, "reason": Param("撤下说明", max_length=500)}, guards=(takedown_allowed,),
                   effect=withdraw_effect),
        Transition("expire", (S.PUBLISHED, S.CORRECTED), S.EXPIRED, "公示期满停止公示", roles=(), params=ON,
                   guards=(display_over,)),
        # 提前停止公示 on the party's application, approved by the head (decision 0072, party_actions.py)
        Transition("stop_early", (S.PUBLISHED, S.CORRECTED), S.EXPIRED, "提前停止公示", roles=HEADS,
                   params={**ON, "reason": Param("提前停止公示说明（公开）", max_length=500),
                           "request": Param("提前停止公示申请", text=False)},
                   guards=(early_stop_approved,), effect=withdraw_effect),
    ],
))
