"""行政强制 — 先行登记保存, 查封, 扣押 in a case: the `coercive_measure` table, its guards, effects and acts.

A measure (`CoerciveMeasure`) is its own row with its own table, attached to a case (a 行政处罚
case under investigation in the seed agencies; any kind may use it). 行政强制法 第十八条: the head
approves before, two handlers implement it on site showing their certificates, tell the party the
reason, basis and rights, and write the 现场笔录; 第十九条: in an emergency it is implemented first and
reported within 24 hours — approved afterwards or released at once; 第二十四条: the 清单 of what is
sealed or seized (`SeizedItem`); 第二十五条: 30 days (`cases.seizure_limit`), extended once by the
head within `cases.seizure_extension`, time for 检测、检验、检疫、鉴定 not counted; 第二十七、二十八条:
a 处理决定 (confiscated through the penalty decision, destroyed, transferred) or a release.
先行登记保存 (行政处罚法 第五十六条) is decided within `cases.preservation_decision_limit`.

The deadlines live on the measure (object type `cases.coercivemeasure`), routed to the case's unit.
A case cannot close while a measure of it is not ended (`no_open_measure`, a guard of the penalty
tables' 结案).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import NotPermitted, RuleViolation, join_reasons
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .. import guards as G
from .. import rules as R
from ..models import (
    CaseStatus,
    CoerciveMeasure,
    Custody,
    MeasureKind,
    MeasureOutcome,
    MeasureStatus,
    PenaltyType,
    ReleaseReason,
    SaleMethod,
    SeizedItem,
)

M = MeasureStatus
OFFICER = (Role.OFFICER,)
HEAD = (Role.UNIT_HEAD, Role.AGENCY_LEADER)

# Deadlines (时限) of a measure, as people see them.
SEIZURE_PERIOD = "查封扣押期限"
PRESERVATION_PERIOD = "先行登记保存处理期限"
EMERGENCY_APPROVAL = "当场实施补办批准期限"
PERIODS = (SEIZURE_PERIOD, PRESERVATION_PERIOD)
TESTING_PAUSE = "检测检验检疫鉴定"

OPEN_MEASURE = (M.PROPOSED, M.APPROVED, M.EMERGENCY, M.IN_FORCE, M.TESTING)
IN_FORCE = (M.EMERGENCY, M.IN_FORCE, M.TESTING)  # the goods are held
LISTING = (M.PROPOSED, M.APPROVED, M.EMERGENCY)  # the 清单 is made before or on site
# Case states in which a measure may be proposed: while the facts are being established.
PROPOSING_STATES = (CaseStatus.VERIFYING, CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.SUSPENDED,
                    CaseStatus.CONCLUDED, CaseStatus.NOTIFIED, CaseStatus.HEARING)
# 依法查封、扣押 of preserved goods is its own move (`seal_or_seize`: a new measure over the same items).
OUTCOMES = {MeasureKind.PRESERVATION: (MeasureOutcome.CONFISCATE, MeasureOutcome.TRANSFER),
            MeasureKind.SEAL: (MeasureOutcome.CONFISCATE, MeasureOutcome.DESTROY, MeasureOutcome.TRANSFER),
            MeasureKind.SEIZE: (MeasureOutcome.CONFISCATE, MeasureOutcome.DESTROY, MeasureOutcome.TRANSFER)}
RETURNED = "returned"
# What one item may become by itself (`decide_item`): returned, or the measure kind's outcomes.
ITEM_OUTCOMES = {kind: (RETURNED, *outcomes) for kind, outcomes in OUTCOMES.items()}

register_actions({  # the table's own moves are registered below, with their labels
    "propose_coercivemeasure": "提请采取行政强制措施",
    "add_seizeditem": "登记查封扣押财物清单",
    "change_seizeditem_custody": "变更查封扣押财物保管",
    "end_seizeditem": "查封扣押财物处理完毕",
    "decide_seizeditem": "对一项查封扣押财物作出处理",
    "sell_seizeditem": "拍卖、变卖查封扣押财物",
    "carry_seizeditem": "先行登记保存财物转入查封扣押清单",
    "continue_coercivemeasure": "先行登记保存转为查封、扣押",
})


# ---- guards (measure, actor, **inputs) -> None | 中文理由 -------------------------------------------

def _day(on) -> dt.date:
    return G._day(on)


def actor_handles_case(m, actor, on=None, **params):
    """由本案承办人实施"""
    return G.actor_handles(m.case, actor, on=on)


def review_passed(m, actor, on=None, **params):
    """依法须经法制审核的行政强制决定，对本措施的审核已通过"""
    return G.coercion_review_passed(m.case, on=on, measure=m)


def seal_or_seize_review_passed(m, actor, on=None, measure_kind=None, **params):
    """依法须经法制审核的，对查封、扣押先行登记保存财物的决定审核已通过（行政强制法第十八条的决定）"""
    return G.coercion_review_passed(m.case, on=on, measure=m, measure_kind=measure_kind or None)


def review_passed_unless_emergency(m, actor, on=None, **params):
    """情况紧急当场实施的，规则配置免于事前法制审核；否则审核已通过"""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.review.tracks import emergency_exempt

    if emergency_exempt(profile_key_of(m.case.agency), _day(on)):
        return None
    return G.coercion_review_passed(m.case, on=on, measure=m)


def disposal_review_passed(m, actor, on=None, **params):
    """依法须经法制审核的查封扣押财物处理决定（没收、拍卖变卖、退还等），审核已通过（本机关法制审核目录清单）"""
    return G.decision_review_passed(m.case, "disposal", on)


def approver_not_handler(m, actor, **params):
    """批准的负责人不是本案承办人"""
    problem = G.actor_not_handler(m.case, actor)
    if problem and not problem.startswith("本案承办人"):
        return problem
    if problem:
        return "本案承办人不能批准本案的行政强制措施（须由行政机关负责人批准）。"
    return None


# 执法类别 of the power to seal and seize; 先行登记保存 (行政处罚法第五十六条) is part of any penalty case.
COERCION_CATEGORY = "行政强制"


def coercion_problem(case, kind) -> str | None:
    """Why the case's agency may not take a measure of `kind` (None: it may)."""
    if kind == MeasureKind.PRESERVATION or COERCION_CATEGORY in (case.agency.categories or []):
        return None
    covered = "、".join(case.agency.categories or []) or "无"
    return (f"{case.agency.name}的执法类别（{covered}）不含“行政强制”，不能采取查封、扣押（行政强制法第十七条：行政强制措施"
            "由法律、法规规定的行政机关在法定职权范围内实施）；需要时可依法先行登记保存证据（行政处罚法第五十六条）。")


def measure_category(m) -> str:
    """The 执法类别 the handlers' certificates must cover to carry out the measure."""
    return m.case.category if m.kind == MeasureKind.PRESERVATION else COERCION_CATEGORY


def agency_may_coerce(m, actor, **params):
    """查封、扣押由具有行政强制职权的行政机关实施（行政强制法第十七条）"""
    return coercion_problem(m.case, m.kind)


def two_qualified_handlers(m, actor, on=None, **params):
    """由两名以上具备执法资格（查封、扣押：执法类别含行政强制）的承办人实施（行政强制法第十八条）"""
    problems = G.handler_problems(m.case, _day(on), measure_category(m))
    return join_reasons(problems).replace("行政处罚法第四十二条", "行政强制法第十八条") if problems else None


def has_items(m, actor, **params):
    """已制作清单（行政强制法第二十四条）"""
    if not m.items.exists():
        return f"尚未登记{m.get_kind_display()}的场所、设施或者财物清单（行政强制法第二十四条）。"
    return None


def on_site_lawful(m, actor, on=None, certificate_numbers=None, told_reason_basis_rights=None, **params):
    """出示执法证件、告知理由依据和权利救济途径（行政强制法第十八条）"""
    if certificate_numbers is None and told_reason_basis_rights is None:
        return None  # asked without inputs: the form asks for them
    day = _day(on)
    numbers = sorted({str(n).strip() for n in certificate_numbers or [] if str(n).strip()})
    held = {h.certificate.number for h in G.active_handlers(m.case, day)}
    unknown = [n for n in numbers if n not in held]
    if unknown:
        return f"出示的执法证 {'、'.join(unknown)} 不是本案承办人当日所持的执法证。"
    if len(numbers) < 2:
        return "实施行政强制措施须由两名以上执法人员出示执法身份证件（行政强制法第十八条）。"
    if told_reason_basis_rights is not True:
        return "须当场告知当事人采取行政强制措施的理由、依据以及当事人依法享有的权利、救济途径（行政强制法第十八条）。"
    return None


def within_24_hours(m, actor, on=None, **params):
    """当场实施后二十四小时内补办批准手续（行政强制法第十九条）"""
    if m.implemented_at is None:
        return None
    limit = timezone.localtime(m.implemented_at + dt.timedelta(hours=24))
    now = timezone.now() if _day(on) == timezone.localdate() else None
    late = (now > limit) if now is not None else _day(on) > limit.date()
    if late:
        return (f"当场实施已超过二十四小时（{limit:%Y-%m-%d %H:%M} 届满）仍未补办批准手续，"
                "不能再补办批准，应当立即解除（行政强制法第十九条）。")
    return None


def seal_or_seize_only(m, actor, **params):
    """仅限查封、扣押（先行登记保存须在期限内作出处理决定）"""
    if m.kind == MeasureKind.PRESERVATION:
        return "先行登记保存不能延长或中止计算，须在处理期限内作出处理决定（行政处罚法第五十六条）。"
    return None


def status_label(m, on=None, periods=None) -> str:
    """What a measure's state is called: 已自动解除 once a 先行登记保存 lapsed by law, else its stored state."""
    return "已自动解除" if lapsed_on(m, on, periods) else m.get_status_display()


def lapsed_on(m, on=None, periods=None) -> dt.date | None:
    """The day a 先行登记保存 lapsed: its period ran out with no measure taken, so it is released by law
    (行政处罚法第五十六条: 逾期未采取相关措施的，先行登记保存措施自动解除) though no one has recorded the
    release yet. `periods`: the measure's deadlines when already read."""
    from sanxiang.deadlines.actions import OPEN_STATES

    if m.kind != MeasureKind.PRESERVATION or m.status not in IN_FORCE:
        return None
    if periods is None:
        ob = _period(m)
    else:
        ob = next((o for o in periods if o.kind == PRESERVATION_PERIOD and o.status in OPEN_STATES), None)
    return ob.due if ob is not None and _day(on) > ob.due else None


def not_lapsed(m, actor, on=None, outcome=None, **params):
    """先行登记保存未因逾期而自动解除（自动解除的，只能登记解除、退还财物）"""
    due = lapsed_on(m, on)
    if due is None or outcome == RETURNED:
        return None
    return (f"先行登记保存处理期限已于 {due:%Y-%m-%d} 届满，逾期未采取措施的先行登记保存已自动解除"
            "（行政处罚法第五十六条）：财物应当退还，只能登记解除（期限已经届满）。")


def _period(m):
    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation

    return (Obligation.objects.filter(object_type=m.ledger_type(), object_id=str(m.pk), kind__in=PERIODS,
                                      status__in=OPEN_STATES).order_by("-id").first())


def extension_lawful(m, actor, on=None, days=None, **params):
    """只延长一次，延长不超过规则配置的期限，且在期限届满前（行政强制法第二十五条）"""
    if m.kind == MeasureKind.PRESERVATION:
        return None  # `seal_or_seize_only` says why (its period is not that of 查封、扣押)
    if m.extension_days:
        return f"查封、扣押期限已于 {m.extended_on:%Y-%m-%d} 延长过一次，不能再次延长（行政强制法第二十五条）。"
    allowed = R.period(m.case, "cases.seizure_extension", _day(on))
    if allowed is None:
        return f"{m.case.agency.name}的规则配置不允许延长查封、扣押期限。"
    count, unit = allowed
    if days is not None and days > count:
        return f"延长期限不得超过 {count} 日（拟延长 {days} 日，行政强制法第二十五条）。"
    ob = _period(m)
    if ob is not None and _day(on) > ob.due:
        return f"查封、扣押期限已于 {ob.due:%Y-%m-%d} 届满，不能再延长，应当解除（行政强制法第二十八条）。"
    return None


def party_told_in_writing(m, actor, party_told=None, **params):
    """已书面告知当事人（行政强制法第二十五条）"""
    if party_told is None:
        return None
    if party_told is not True:
        return "延长期限或检测、检验、检疫、鉴定的期间须书面告知当事人（行政强制法第二十五条）。"
    return None


def outcome_lawful(m, actor, outcome=None, note="", **params):
    """处理决定符合措施种类；没收须由含没收非法财物的处罚决定作出（行政强制法第二十七条）"""
    if outcome is None:
        return None
    if outcome not in OUTCOMES[m.kind]:
        allowed = "、".join(MeasureOutcome(o).label for o in OUTCOMES[m.kind])
        return f"{m.get_kind_display()}的处理决定只能是：{allowed}或解除。"
    case = m.case
    if outcome == MeasureOutcome.CONFISCATE and not (
            case.decided_on and PenaltyType.CONFISCATE_PROPERTY in (case.decided_penalties or [])):
        return "没收须由行政处罚决定作出：本案尚未作出含“没收非法财物”的处罚决定（行政处罚法第九条、行政强制法第二十七条）。"
    if outcome in (MeasureOutcome.DESTROY, MeasureOutcome.TRANSFER) and not (note or "").strip():
        return f"“{MeasureOutcome(outcome).label}”须写明依据或接收机关。"
    if outcome == MeasureOutcome.DESTROY and m.items.filter(disposal="", sold_on__isnull=False).exists():
        return "已拍卖、变卖的财物只剩所得款项，不能销毁：请对其逐项作出处理。"
    return None


def release_reason_lawful(m, actor, release_reason=None, **params):
    """解除理由属于行政强制法第二十八条的情形"""
    if release_reason is None:
        return None
    if release_reason == ReleaseReason.NOT_APPROVED:
        return "“当场实施后负责人认为不应当采取”只适用于不予补办批准。"
    return None


def item_undecided(m, actor, item=None, **params):
    """该项财物属于本措施且尚未处理"""
    if item is None:
        return None
    if item.disposal:
        day = item.disposed_on or m.ended_on
        when = f"已于 {day:%Y-%m-%d} " if day else "已"
        return f"“{item.name}”{when}作出处理（{item.disposal_label}），不能再次处理。"
    return None


def item_outcome_lawful(m, actor, item=None, outcome=None, basis="", **params):
    """逐项处理：退还，或措施种类允许的处理决定（行政强制法第二十七条、第二十八条）"""
    if outcome is None or item is None:
        return None
    if outcome == MeasureOutcome.SEAL_OR_SEIZE:
        return "先行登记保存的财物依法查封、扣押，须办理“决定查封、扣押”（由负责人批准，另行计算期限）。"
    if outcome not in ITEM_OUTCOMES[m.kind]:
        allowed = "、".join("退还" if o == RETURNED else MeasureOutcome(o).label for o in ITEM_OUTCOMES[m.kind])
        return f"{m.get_kind_display()}的财物只能逐项：{allowed}。"
    if outcome == RETURNED:
        return None
    if outcome == MeasureOutcome.DESTROY and item.sold_on:
        return f"“{item.name}”已{item.get_sale_method_display()}，只剩所得款项，不能销毁。"
    return outcome_lawful(m, actor, outcome=outcome, note=basis)


def every_item_decided(m, actor, **params):
    """清单的每一项财物都已作出处理"""
    left = [i.name for i in m.items.all() if not i.disposal]
    if not m.items.exists():
        return "清单为空，没有可以处理的财物：请解除措施。"
    if left:
        return f"尚有财物未作出处理（{'、'.join(left[:5])}{'等' if len(left) > 5 else ''}），不能终结措施。"
    return None


def sale_lawful(m, actor, item=None, method=None, proceeds=None, party_consent=None, **params):
    """鲜活物品或者其他不易保管的财物，经负责人批准拍卖、变卖，所得款项代替原物（行政强制法第二十八条第二款）"""
    if item is None:
        return None
    if item.sold_on:
        return f"“{item.name}”已于 {item.sold_on:%Y-%m-%d} {item.get_sale_method_display()}，不能再次处置。"
    if method is not None and method not in SaleMethod.values:
        return "处置方式只能是拍卖或者变卖。"
    if party_consent is not None and party_consent is not True:
        return ("先行处置须经权利人同意或者申请；权利人不明确的，须依法公告期满"
                "（《市场监督管理行政处罚程序规定》先行处置的规定）。")
    return None


def preservation_only(m, actor, **params):
    """仅限先行登记保存"""
    if m.kind != MeasureKind.PRESERVATION:
        return f"{m.get_kind_display()}不是先行登记保存，不能“决定查封、扣押”（已采取的查封、扣押可延长或作出处理决定）。"
    return None


def within_preservation_period(m, actor, on=None, **params):
    """在七个工作日的处理期限内（行政处罚法第五十六条）"""
    ob = _period(m)
    if ob is not None and _day(on) > ob.due:
        return (f"先行登记保存处理期限已于 {ob.due:%Y-%m-%d} 届满，逾期未采取措施的先行登记保存自动解除，"
                "不能再转为查封、扣押（行政处罚法第五十六条）。")
    return None


def items_to_carry(m, actor, **params):
    """尚有未作出处理的财物可以查封、扣押"""
    if not m.items.filter(disposal="").exists():
        return "先行登记保存的财物均已作出处理，没有可以查封、扣押的财物。"
    return None


def seal_or_seize_kind(m, actor, measure_kind=None, **params):
    """查封或者扣押（本机关具有行政强制职权）"""
    if measure_kind is not None and measure_kind not in (MeasureKind.SEAL, MeasureKind.SEIZE):
        return "先行登记保存只能转为查封或者扣押。"
    return coercion_problem(m.case, MeasureKind.SEAL)


def no_open_measure(case, actor, **params):
    """本案的行政强制措施均已解除或作出处理决定"""
    open_ = [m.get_kind_display() for m in CoerciveMeasure.objects.filter(case_id=case.pk, status__in=OPEN_MEASURE)]
    if open_:
        return (f"本案尚有未解除或未作出处理决定的行政强制措施（{'、'.join(open_)}），"
                "须先解除或作出处理决定（行政强制法第二十七条、第二十八条）。")
    return None


# ---- effects ----------------------------------------------------------------------------------

def _today(on):
    return on or timezone.localdate()


def _moment(on) -> dt.datetime:
    """When an on-site act of day `on` happened: now if today, else that day at this time."""
    now = timezone.localtime()
    if on is None or on == now.date():
        return now
    return now.replace(year=on.year, month=on.month, day=on.day)


def approve_effect(m, actor, on=None, **params):
    m.approved_on = _today(on)
    m.approved_by = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None
    return None


def end_effect(m, actor, on=None, reason="", note="", **params):
    m.ended_on, m.end_note = _today(on), (reason or note or "")[:500]
    return None


def implement_effect(m, actor, on=None, place="", certificate_numbers=(), told_reason_basis_rights=False,
                     party_present=False, video_recorded=False, record="", emergency_reason="", **params):
    m.implemented_on = _today(on)
    m.implemented_at = _moment(on)
    m.place, m.record = place, record
    m.certificate_numbers = sorted({str(n).strip() for n in certificate_numbers})
    m.told_reason_basis_rights = told_reason_basis_rights is True
    m.party_present, m.video_recorded = bool(party_present), bool(video_recorded)
    if emergency_reason:
        m.emergency, m.emergency_reason = True, emergency_reason
    return {"implemented_at": m.implemented_at.isoformat(timespec="minutes")}


def refuse_afterwards_effect(m, actor, on=None, reason="", **params):
    m.ended_on, m.release_reason, m.end_note = _today(on), ReleaseReason.NOT_APPROVED, reason
    return None


def extend_effect(m, actor, on=None, days=None, reason="", **params):
    count, _ = R.period(m.case, "cases.seizure_extension", _today(on))
    m.extension_days, m.extended_on, m.extension_reason = days or count, _today(on), reason
    return {"days": m.extension_days}


def release_effect(m, actor, on=None, release_reason="", note="", **params):
    m.ended_on, m.release_reason, m.end_note = _today(on), release_reason, note or ""
    return None


def dispose_effect(m, actor, on=None, outcome="", note="", **params):
    m.ended_on, m.outcome, m.end_note = _today(on), outcome, note or ""
    return None


_user = acting_user


def decide_item_effect(m, actor, on=None, item=None, outcome="", basis="", **params):
    item.disposal, item.disposed_on, item.disposed_by, item.disposal_basis = outcome, _today(on), _user(actor), basis
    item.save(update_fields=["disposal", "disposed_on", "disposed_by", "disposal_basis"])
    return {"item_name": item.name}


def sell_item_effect(m, actor, on=None, item=None, method="", proceeds=None, ground="", **params):
    item.sale_method, item.sold_on, item.sale_proceeds = method, _today(on), proceeds
    item.sale_ground, item.sale_approved_by = ground, _user(actor)
    item.save(update_fields=["sale_method", "sold_on", "sale_proceeds", "sale_ground", "sale_approved_by"])
    return {"item_name": item.name}


def end_by_items_effect(m, actor, on=None, note="", **params):
    outcomes = set(m.items.values_list("disposal", flat=True))
    single = outcomes.pop() if len(outcomes) == 1 else ""
    m.ended_on, m.outcome, m.end_note = _today(on), single if single in MeasureOutcome.values else "", note or ""
    return {"outcomes": sorted(set(m.items.values_list("disposal", flat=True)))}


def continue_effect(m, actor, on=None, reason="", **params):
    m.ended_on, m.outcome, m.end_note = _today(on), MeasureOutcome.SEAL_OR_SEIZE, reason[:500]
    return None


# ---- the table ----------------------------------------------------------------------------------

ON = {"on": Param("日期", required=False, text=False)}
ON_SITE = {**ON, "place": Param("实施地点", max_length=300),
           "certificate_numbers": Param("出示的执法证件", text=False),
           "told_reason_basis_rights": Param("已当场告知理由、依据、权利和救济途径", required=False, text=False),
           "party_present": Param("当事人到场", required=False, text=False),
           "video_recorded": Param("全过程音像记录", required=False, text=False),
           "record": Param("现场笔录", max_length=5000)}
TOLD = {"party_told": Param("已书面告知当事人", required=False, text=False)}
ON_SITE_GUARDS = (agency_may_coerce, actor_handles_case, two_qualified_handlers, has_items, on_site_lawful)

MEASURE = Table(
    name="coercive_measure", label="行政强制措施（先行登记保存、查封、扣押）", model=CoerciveMeasure,
    state_field="status", states={s.value: s.label for s in MeasureStatus}, initial=M.PROPOSED,
    subject=lambda m: f"{m.get_kind_display()}措施",
    payload=lambda m: {"case": m.case.number, "kind": m.kind, "status": m.status},
    transitions=[
        Transition("approve", M.PROPOSED, M.APPROVED, "批准行政强制措施", roles=HEAD,
                   params={**ON, "note": Param("审批意见", required=False)},
                   guards=(approver_not_handler, agency_may_coerce, review_passed), effect=approve_effect),
        Transition("refuse", M.PROPOSED, M.REFUSED, "不予批准行政强制措施", roles=HEAD,
                   params={**ON, "reason": Param("理由")}, guards=(approver_not_handler,), effect=end_effect),
        Transition("withdraw", M.APPROVED, M.WITHDRAWN, "撤回行政强制措施", roles=OFFICER,
                   params={**ON, "reason": Param("理由")}, guards=(actor_handles_case,), effect=end_effect),
        Transition("implement", M.APPROVED, M.IN_FORCE, "实施行政强制措施", roles=OFFICER, params=ON_SITE,
                   guards=ON_SITE_GUARDS, effect=implement_effect),
        Transition("implement_urgently", M.PROPOSED, M.EMERGENCY, "紧急情况当场实施", roles=OFFICER,
                   params={**ON_SITE, "emergency_reason": Param("紧急情况")},
                   guards=(*ON_SITE_GUARDS, review_passed_unless_emergency), effect=implement_effect),
        Transition("approve_afterwards", M.EMERGENCY, M.IN_FORCE, "补办批准行政强制措施", roles=HEAD,
                   params={**ON, "note": Param("审批意见", required=False)},
                   guards=(approver_not_handler, agency_may_coerce, within_24_hours), effect=approve_effect),
        Transition("refuse_afterwards", M.EMERGENCY, M.RELEASED, "不予补办批准并立即解除", roles=HEAD,
                   params={**ON, "reason": Param("理由")}, guards=(approver_not_handler,),
                   effect=refuse_afterwards_effect),
        *[Transition("extend", state, state, "延长查封扣押期限", roles=HEAD,
                     params={**ON, "days": Param("延长天数", required=False, text=False), "reason": Param("理由"),
                             **TOLD},
                     guards=(approver_not_handler, seal_or_seize_only, extension_lawful, party_told_in_writing),
                     effect=extend_effect) for state in (M.IN_FORCE, M.TESTING)],
        Transition("start_testing", M.IN_FORCE, M.TESTING, "送检测、检验、检疫、鉴定", roles=OFFICER,
                   params={**ON, "testing": Param("检测事项及机构"), **TOLD},
                   guards=(actor_handles_case, seal_or_seize_only, party_told_in_writing)),
        Transition("end_testing", M.TESTING, M.IN_FORCE, "检测、检验、检疫、鉴定结束", roles=OFFICER,
                   params={**ON, "result": Param("检测结果", required=False)}, guards=(actor_handles_case,)),
        Transition("release", IN_FORCE, M.RELEASED, "解除行政强制措施", roles=HEAD,
                   params={**ON, "release_reason": Param("解除理由", max_length=16),
                           "note": Param("说明", required=False)},
                   guards=(approver_not_handler, release_reason_lawful), effect=release_effect),
        Transition("dispose", M.IN_FORCE, M.DISPOSED, "对查封扣押财物作出处理决定", roles=HEAD,
                   params={**ON, "outcome": Param("处理决定", max_length=16),
                           "note": Param("依据或接收机关", required=False)},
                   guards=(approver_not_handler, not_lapsed, outcome_lawful, disposal_review_passed), effect=dispose_effect),
        # Item by item (行政强制法 第二十七条、第二十八条): the measure ends by `end_by_items` once every item has one.
        *[Transition("decide_item", state, state, "对一项财物作出处理", roles=HEAD,
                     params={**ON, "item": Param("财物", text=False), "outcome": Param("处理", max_length=16),
                             "basis": Param("依据、接收机关或说明", required=False)},
                     guards=(approver_not_handler, not_lapsed, item_undecided, item_outcome_lawful, disposal_review_passed),
                     effect=decide_item_effect)
          for state in (M.IN_FORCE, M.TESTING)],
        *[Transition("sell_item", state, state, "批准拍卖、变卖不易保管的财物", roles=HEAD,
                     params={**ON, "item": Param("财物", text=False), "method": Param("处置方式", max_length=16),
                             "proceeds": Param("所得款项（元）", text=False),
                             "ground": Param("鲜活或者不易保管的情形"),
                             "party_consent": Param("权利人同意或者申请（权利人不明的已公告期满）", required=False,
                                                    text=False)},
                     guards=(approver_not_handler, not_lapsed, item_undecided, sale_lawful, disposal_review_passed),
                     effect=sell_item_effect)
          for state in (M.IN_FORCE, M.TESTING)],
        Transition("end_by_items", M.IN_FORCE, M.DISPOSED, "财物已逐项处理，终结措施", roles=HEAD,
                   params={**ON, "note": Param("说明", required=False)},
                   guards=(approver_not_handler, not_lapsed, every_item_decided), effect=end_by_items_effect),
        Transition("seal_or_seize", M.IN_FORCE, M.DISPOSED, "决定查封、扣押先行登记保存的财物", roles=HEAD,
                   params={**ON, "measure_kind": Param("措施", max_length=16), "reason": Param("理由和依据")},
                   guards=(approver_not_handler, preservation_only, within_preservation_period, items_to_carry,
                           seal_or_seize_kind, seal_or_seize_review_passed),
                   effect=continue_effect),
    ],
)

register_actions({MEASURE.ledger_action(t): t.label for t in MEASURE.transitions})  # before the table's grants
register(MEASURE)
TABLES = {"coercive_measure": MEASURE}


# ---- acting -------------------------------------------------------------------------------------

def _flag(value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes", "是")


def _clean(m, action, params: dict) -> dict:
    """Inputs of the API and forms made the types the guards and effects read."""
    params = dict(params)
    params["on"] = R.as_date(params.get("on"))
    if params["on"] < m.proposed_on:
        raise RuleViolation(f"日期 {params['on']:%Y-%m-%d} 早于提请之日 {m.proposed_on:%Y-%m-%d}。", field="on")
    if action in ("implement", "implement_urgently"):
        numbers = params.get("certificate_numbers")
        if isinstance(numbers, str):
            numbers = [n for n in numbers.replace("，", ",").replace("、", ",").split(",")]
        params["certificate_numbers"] = [str(n).strip() for n in (numbers or []) if str(n).strip()]
        for name in ("told_reason_basis_rights", "party_present", "video_recorded"):
            params[name] = bool(_flag(params.get(name)))
    if "party_told" in params or action in ("extend", "start_testing"):
        params["party_told"] = bool(_flag(params.get("party_told")))
    if action == "extend" and params.get("days") not in (None, ""):
        try:
            params["days"] = int(params["days"])
        except (TypeError, ValueError):
            raise RuleViolation("延长天数须为正整数。", field="days") from None
        if params["days"] <= 0:
            raise RuleViolation("延长天数须为正整数。", field="days")
    elif action == "extend":
        params.pop("days", None)
    if action == "release" and params.get("release_reason") not in ReleaseReason.values:
        raise RuleViolation("须选择解除理由（行政强制法第二十八条）。", field="release_reason")
    if action == "dispose" and params.get("outcome") not in MeasureOutcome.values:
        raise RuleViolation("须选择处理决定。", field="outcome")
    if action in ("decide_item", "sell_item"):
        params["item"] = _item_of(m, params.get("item"))
    if action == "decide_item" and params.get("outcome") not in (RETURNED, *MeasureOutcome.values):
        raise RuleViolation("须选择该项财物的处理。", field="outcome")
    if action == "sell_item":
        if params.get("method") not in SaleMethod.values:
            raise RuleViolation("须选择处置方式：拍卖或者变卖。", field="method")
        params["proceeds"] = _amount(params.get("proceeds"))
        params["party_consent"] = bool(_flag(params.get("party_consent")))
    if action == "seal_or_seize" and params.get("measure_kind") not in (MeasureKind.SEAL, MeasureKind.SEIZE):
        raise RuleViolation("须选择查封或者扣押。", field="measure_kind")
    return params


def _item_of(m, value) -> SeizedItem:
    from sanxiang.core.ids import row_by_id

    if isinstance(value, SeizedItem):
        value = value.pk
    item = None if value in (None, "") else row_by_id(SeizedItem.objects.filter(measure_id=m.pk), value)
    if item is None:
        raise RuleViolation("须选择本措施清单中的一项财物。", field="item")
    return item


def _amount(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(f"所得款项“{value}”无效。", field="proceeds") from None
    if not number.is_finite() or number < 0 or number >= 10 ** 12 or number != number.quantize(Decimal("0.01")):
        raise RuleViolation(f"所得款项“{value}”无效：应为不小于 0、最多两位小数的金额（元）。", field="proceeds")
    return number


def move_measure(measure, action: str, *, actor, **params) -> CoerciveMeasure:
    """Perform `action` of the `coercive_measure` table with its consequences, in one transaction."""
    try:
        with transaction.atomic():
            params = _clean(measure, action, params)
            moved = MEASURE.apply(measure, action, actor=actor, **params)
            _consequences(moved, action, actor=actor, params=params)
    except Exception:
        if measure.pk is not None and CoerciveMeasure.objects.filter(pk=measure.pk).exists():
            seen = measure.status
            measure.refresh_from_db()
            measure.status = seen  # what the caller saw: a retry still gets the conflict it should
        raise
    measure.refresh_from_db()
    return measure


def _obligations(m, kinds):
    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation

    return Obligation.objects.filter(object_type=m.ledger_type(), object_id=str(m.pk), kind__in=kinds,
                                     status__in=OPEN_STATES)


def _open_period(m, actor):
    from sanxiang.deadlines import actions as D

    if m.kind == MeasureKind.PRESERVATION:
        kind, rule = PRESERVATION_PERIOD, "cases.preservation_decision_limit"
    else:
        kind, rule = SEIZURE_PERIOD, "cases.seizure_limit"
    D.do_open_obligation(object_type=m.ledger_type(), object_id=m.pk, agency=m.case.agency, kind=kind,
                         start=m.implemented_on, rule=rule, units=[m.case.unit], actor=actor)


def _end_obligations(m, on, actor):
    """Release or decision: the measure's periods are met (a running pause ends that day)."""
    from sanxiang.deadlines import actions as D

    for ob in _obligations(m, (*PERIODS, EMERGENCY_APPROVAL)):
        if ob.pauses.filter(end__isnull=True).exists():
            D.do_resume_obligation(ob, end=on, actor=actor)
    D.meet_obligations_of(object_type=m.ledger_type(), object_id=m.pk, kinds=[*PERIODS, EMERGENCY_APPROVAL],
                          actor=actor)


def _end_items(m, disposal, actor, on=None, basis=""):
    """The measure's decision reaches the items still without their own (those already decided keep theirs)."""
    from sanxiang.ledger.actions import append_entry

    for item in m.items.select_for_update().filter(disposal=""):
        item.disposal, item.disposed_on, item.disposed_by, item.disposal_basis = disposal, on, _user(actor), basis
        item.save(update_fields=["disposal", "disposed_on", "disposed_by", "disposal_basis"])
        append_entry(action="end_seizeditem", actor=actor, obj=item,
                     payload={"measure": m.pk, "name": item.name, "disposal": disposal})


def _continue_as_seal_or_seize(m, actor, on, kind, reason):
    """决定查封、扣押 preserved goods: a new measure, approved by this act, over the items not yet decided
    (each carried over, its preserved row marked 依法查封、扣押); implemented and timed as any measure."""
    from sanxiang.ledger.actions import append_entry

    new = CoerciveMeasure.objects.create(case=m.case, kind=kind, status=M.APPROVED, reason=reason, proposed_on=on,
                                         approved_on=on, approved_by=_user(actor), preserved_from=m,
                                         created_at=timezone.now())
    append_entry(action="continue_coercivemeasure", actor=actor, obj=new,
                 payload={"case": m.case.number, "kind": kind, "reason": reason, "on": on, "preserved_from": m.pk})
    for old in m.items.select_for_update().filter(disposal=""):
        item = SeizedItem.objects.create(measure=new, name=old.name, spec=old.spec, quantity=old.quantity,
                                         unit=old.unit, place=old.place, custody=old.custody, custodian=old.custodian,
                                         sale_method=old.sale_method, sold_on=old.sold_on,
                                         sale_proceeds=old.sale_proceeds, sale_ground=old.sale_ground,
                                         sale_approved_by=old.sale_approved_by, carried_from=old)
        append_entry(action="carry_seizeditem", actor=actor, obj=item,
                     payload={"measure": new.pk, "from": old.pk, "name": item.name, "quantity": item.quantity})
        old.disposal, old.disposed_on, old.disposed_by = MeasureOutcome.SEAL_OR_SEIZE, on, _user(actor)
        old.disposal_basis = reason
        old.save(update_fields=["disposal", "disposed_on", "disposed_by", "disposal_basis"])
        append_entry(action="end_seizeditem", actor=actor, obj=old,
                     payload={"measure": m.pk, "name": old.name, "disposal": old.disposal, "carried_to": item.pk})
    # the 查封/扣押 is a 行政强制措施 decided by this act: its decision (publication obligation …) is the new measure's
    from sanxiang.cases.decisions import decision_made

    label = next(t.label for t in MEASURE.transitions if t.action == "seal_or_seize")
    decision_made(MEASURE.name, "seal_or_seize", label, new, actor=actor, params={"on": on})
    return new


def _consequences(m, action, *, actor, params):
    from sanxiang.deadlines import actions as D

    on = params["on"]
    if action == "implement":
        _open_period(m, actor)
    elif action == "implement_urgently":
        D.do_open_obligation(object_type=m.ledger_type(), object_id=m.pk, agency=m.case.agency,
                             kind=EMERGENCY_APPROVAL, start=m.implemented_at, count=24, unit="hours",
                             units=[m.case.unit], actor=actor)
        _open_period(m, actor)
    elif action == "approve_afterwards":
        D.meet_obligations_of(object_type=m.ledger_type(), object_id=m.pk, kinds=[EMERGENCY_APPROVAL], actor=actor)
    elif action == "extend":
        ob = _period(m)
        if ob is None:
            raise RuleViolation("该措施没有正在计算的查封、扣押期限。", field="action")
        _, unit = R.period(m.case, "cases.seizure_extension", on)
        D.do_extend_obligation(ob, count=m.extension_days, unit=unit, approver=_approver(actor),
                               reason=params["reason"], date=on, actor=actor)
    elif action == "start_testing":
        D.do_pause_obligation(_period(m), start=on, reason=TESTING_PAUSE, note=params["testing"][:300], actor=actor)
    elif action == "end_testing":
        D.do_resume_obligation(_period(m), end=on, actor=actor)
    elif action in ("release", "refuse_afterwards"):
        _end_obligations(m, on, actor)
        _end_items(m, RETURNED, actor, on, params.get("note") or params.get("reason") or "")
    elif action == "dispose":
        _end_obligations(m, on, actor)
        _end_items(m, params["outcome"], actor, on, params.get("note") or "")
    elif action in ("decide_item", "sell_item"):
        from sanxiang.ledger.actions import append_entry

        item = params["item"]
        item.refresh_from_db()
        payload = ({"measure": m.pk, "name": item.name, "disposal": item.disposal, "basis": item.disposal_basis}
                   if action == "decide_item" else
                   {"measure": m.pk, "name": item.name, "method": item.sale_method, "proceeds": item.sale_proceeds,
                    "ground": item.sale_ground})
        append_entry(action=f"{action.split('_')[0]}_seizeditem", actor=actor, obj=item, payload=payload)
    elif action == "end_by_items":
        _end_obligations(m, on, actor)
    elif action == "seal_or_seize":
        _end_obligations(m, on, actor)
        _continue_as_seal_or_seize(m, actor, on, params["measure_kind"], params["reason"])


def _approver(actor):
    if getattr(actor, "pk", None) is None:
        raise RuleViolation("延长查封、扣押期限须由行政机关负责人批准。", field="action")
    return actor


def do_approve_measure(measure, *, actor, note="", on=None):
    """批准 (行政强制法第十八条（一）): the head, never a handler of the case."""
    return move_measure(measure, "approve", actor=actor, note=note, on=on)


def do_refuse_measure(measure, *, reason, actor, on=None):
    return move_measure(measure, "refuse", actor=actor, reason=reason, on=on)


def do_withdraw_measure(measure, *, reason, actor, on=None):
    return move_measure(measure, "withdraw", actor=actor, reason=reason, on=on)


def do_implement_measure(measure, *, place, certificate_numbers, told_reason_basis_rights, record, actor,
                         party_present=False, video_recorded=False, on=None, urgently=False, emergency_reason=""):
    """实施 (第十八条) — or, `urgently`, 当场实施 before approval (第十九条: approved within 24 hours)."""
    extra = {"emergency_reason": emergency_reason} if urgently else {}
    return move_measure(measure, "implement_urgently" if urgently else "implement", actor=actor, place=place,
                        certificate_numbers=certificate_numbers, told_reason_basis_rights=told_reason_basis_rights,
                        party_present=party_present, video_recorded=video_recorded, record=record, on=on, **extra)


def do_approve_measure_afterwards(measure, *, actor, note="", on=None):
    return move_measure(measure, "approve_afterwards", actor=actor, note=note, on=on)


def do_refuse_measure_afterwards(measure, *, reason, actor, on=None):
    return move_measure(measure, "refuse_afterwards", actor=actor, reason=reason, on=on)


def do_extend_measure(measure, *, reason, party_told, actor, days=None, on=None):
    """延长查封、扣押期限 (第二十五条): once, within the profile's extension, told to the party in writing."""
    return move_measure(measure, "extend", actor=actor, reason=reason, days=days, party_told=party_told, on=on)


def do_start_measure_testing(measure, *, testing, party_told, actor, on=None):
    return move_measure(measure, "start_testing", actor=actor, testing=testing, party_told=party_told, on=on)


def do_end_measure_testing(measure, *, actor, result="", on=None):
    return move_measure(measure, "end_testing", actor=actor, result=result, on=on)


def do_release_measure(measure, *, release_reason, actor, note="", on=None):
    """解除 (第二十八条): the goods are returned."""
    return move_measure(measure, "release", actor=actor, release_reason=release_reason, note=note, on=on)


def do_dispose_measure(measure, *, outcome, actor, note="", on=None):
    """处理决定 (第二十七条): confiscated through the penalty decision, destroyed, transferred — every item
    not yet decided by itself."""
    return move_measure(measure, "dispose", actor=actor, outcome=outcome, note=note, on=on)


def do_decide_seized_item(item, *, outcome, actor, basis="", on=None) -> SeizedItem:
    """逐项处理: one item returned (解除), confiscated, destroyed or transferred; the measure holds the rest."""
    move_measure(item.measure, "decide_item", actor=actor, item=item.pk, outcome=outcome, basis=basis, on=on)
    item.refresh_from_db()
    return item


def do_sell_seized_item(item, *, method, proceeds, ground, party_consent, actor, on=None) -> SeizedItem:
    """拍卖、变卖 (第二十八条第二款) with the head's approval: the proceeds are held in the item's place."""
    move_measure(item.measure, "sell_item", actor=actor, item=item.pk, method=method, proceeds=proceeds,
                 ground=ground, party_consent=party_consent, on=on)
    item.refresh_from_db()
    return item


def do_end_measure_by_items(measure, *, actor, note="", on=None):
    """终结: every item has its own outcome; the measure's period is met."""
    return move_measure(measure, "end_by_items", actor=actor, note=note, on=on)


def do_seal_or_seize_preserved(measure, *, kind, reason, actor, on=None) -> CoerciveMeasure:
    """先行登记保存 → 查封/扣押 within the 7 working days (行政处罚法 第五十六条): ends the preservation and
    returns the new measure (已批准待实施, the undecided items carried over; its period opens when implemented)."""
    move_measure(measure, "seal_or_seize", actor=actor, measure_kind=kind, reason=reason, on=on)
    return CoerciveMeasure.objects.get(preserved_from=measure)


# ---- acts outside the table: proposing a measure, its 清单 -----------------------------------------

def _text(value, label, field, max_length, required=True) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length, required=required,
                       empty="{label}不能为空。")


def _lock_case(case):
    from ..models import Case

    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def do_propose_measure(case, *, kind, reason, actor, on=None) -> CoerciveMeasure:
    """提请采取行政强制措施: a handler proposes a 先行登记保存, 查封 or 扣押 with its reason and basis."""
    from sanxiang.ledger.actions import append_entry

    case = _lock_case(case)
    if not can(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以提请采取行政强制措施。")
    on = R.as_date(on)
    problem = G.actor_handles(case, actor, on=on)
    if problem:
        raise NotPermitted(problem)
    if kind not in MeasureKind.values:
        raise RuleViolation(f"未知的行政强制措施种类“{kind}”，应为先行登记保存、查封或扣押。", field="kind")
    problem = coercion_problem(case, kind)
    if problem:
        raise RuleViolation(problem, field="kind")
    if case.status not in PROPOSING_STATES:
        raise RuleViolation(f"案件{case.title}当前为“{case.status_label}”，不能采取行政强制措施。", field="kind")
    if on < case.clue_on:
        raise RuleViolation(f"日期 {on:%Y-%m-%d} 早于发现线索之日 {case.clue_on:%Y-%m-%d}。", field="on")
    m = CoerciveMeasure.objects.create(case=case, kind=kind, status=M.PROPOSED,
                                       reason=_text(reason, "理由和依据", "reason", 500), proposed_on=on,
                                       created_at=timezone.now())
    append_entry(action="propose_coercivemeasure", actor=actor, obj=m,
                 payload={"case": case.number, "kind": kind, "reason": m.reason, "on": on})
    return m


def clean_quantity(value) -> Decimal:
    """数量 of goods: a positive number with at most three decimals (清单 items, goods in custody)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(f"数量“{value}”无效。", field="quantity") from None
    if not number.is_finite() or number <= 0 or number >= 10 ** 11 or number != number.quantize(Decimal("0.001")):
        raise RuleViolation(f"数量“{value}”无效：应为大于 0、最多三位小数的数字。", field="quantity")
    return number


def _item_checks(m, actor, states, doing):
    if not can(actor, "change", m):
        raise NotPermitted(f"只有本科室的执法人员、本案承办人或科室负责人可以{doing}。")
    problem = G.actor_handles(m.case, actor)
    if problem:
        raise NotPermitted(problem)
    if m.status not in states:
        raise RuleViolation(f"该{m.get_kind_display()}措施当前为“{m.get_status_display()}”，不能{doing}。", field="status")


def _custody(custody, custodian):
    if custody not in Custody.values:
        raise RuleViolation(f"未知的保管方式“{custody}”。", field="custody")
    custodian = _text(custodian, "受托保管人", "custodian", 200, required=custody == Custody.THIRD_PARTY)
    return custody, custodian


@transaction.atomic
def do_add_seized_item(measure, *, name, quantity, unit, place, actor, spec="", custody=Custody.AGENCY,
                       custodian="") -> SeizedItem:
    """清单的一项 (行政强制法第二十四条): made before or at the implementation, never after."""
    from sanxiang.ledger.actions import append_entry

    m = CoerciveMeasure.objects.select_for_update().get(pk=measure.pk)
    _item_checks(m, actor, LISTING, "登记清单")
    custody, custodian = _custody(custody, custodian)
    if custody == Custody.PARTY and m.kind != MeasureKind.SEAL:
        raise RuleViolation("只有查封的场所、设施或者财物可以交当事人保管。", field="custody")
    item = SeizedItem.objects.create(measure=m, name=_text(name, "名称", "name", 200),
                                     spec=_text(spec, "规格", "spec", 200, required=False),
                                     quantity=clean_quantity(quantity), unit=_text(unit, "计量单位", "unit", 20),
                                     place=_text(place, "存放地点", "place", 300), custody=custody, custodian=custodian)
    append_entry(action="add_seizeditem", actor=actor, obj=item,
                 payload={"measure": m.pk, "name": item.name, "quantity": item.quantity, "unit": item.unit})
    return item


@transaction.atomic
def do_change_item_custody(item, *, place, custody, actor, custodian="") -> SeizedItem:
    """变更保管 (第二十六条): where and by whom the goods are kept, while the measure holds them."""
    from sanxiang.ledger.actions import append_entry

    item = SeizedItem.objects.select_for_update().get(pk=item.pk)
    m = item.measure
    _item_checks(m, actor, IN_FORCE, "变更财物保管")
    custody, custodian = _custody(custody, custodian)
    if custody == Custody.PARTY and m.kind != MeasureKind.SEAL:
        raise RuleViolation("只有查封的场所、设施或者财物可以交当事人保管。", field="custody")
    before = {"place": item.place, "custody": item.custody, "custodian": item.custodian}
    item.place, item.custody, item.custodian = _text(place, "存放地点", "place", 300), custody, custodian
    if before == {"place": item.place, "custody": item.custody, "custodian": item.custodian}:
        raise RuleViolation("保管情况没有变化。", field="place")
    item.save()
    append_entry(action="change_seizeditem_custody", actor=actor, obj=item,
                 payload={"measure": m.pk, "before": before, "place": item.place, "custody": custody})
    return item


# ---- reading ------------------------------------------------------------------------------------

def measures_of(case):
    """The case's measures with their items and deadlines (four queries for any number)."""
    from sanxiang.deadlines.models import Obligation

    measures = list(CoerciveMeasure.objects.filter(case_id=case.pk).prefetch_related("items").order_by("id"))
    if not measures:
        return []
    obs = {}
    for ob in (Obligation.objects.filter(object_type=CoerciveMeasure.ledger_type(),
                                         object_id__in=[str(m.pk) for m in measures])
               .prefetch_related("pauses").order_by("start", "id")):
        obs.setdefault(int(ob.object_id), []).append(ob)
    by_pk = {m.pk: m for m in measures}
    for m in measures:
        m.deadlines = obs.get(m.pk, [])
        m.case = case
        m.predecessor = by_pk.get(m.preserved_from_id)  # 先行登记保存 it continues, and the reverse
        m.successor = next((x for x in measures if x.preserved_from_id == m.pk), None)
    return measures


def overdue_measure_deadlines(cases, limit: int = 50, today=None) -> list[dict]:
    """领导督办 rows of the measures of `cases` (a queryset): their agency's deadlines past due (查封扣押期限,
    先行登记保存处理期限, 当场实施补办批准期限), each with the measure's name and its case, in SQL."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.queries import RED

    ids_text = (CoerciveMeasure.objects.filter(case__in=cases).annotate(pk_text=Cast("pk", CharField()))
                .values("pk_text"))
    obs = list(Obligation.objects.filter(object_type=CoerciveMeasure.ledger_type(), object_id__in=ids_text,
                                         status__in=OPEN_STATES, bearer=Obligation.AGENCY,
                                         due__lt=today or timezone.localdate()).order_by("due", "id")[:limit])
    measures = CoerciveMeasure.objects.select_related("case__unit").in_bulk([int(ob.object_id) for ob in obs])
    return [{"case": measures[int(ob.object_id)].case, "ob": ob, "level": RED,
             "subject": f"{measures[int(ob.object_id)].get_kind_display()}措施"} for ob in obs]


# ---- demo ---------------------------------------------------------------------------------------

# The seed plans that name 查封、扣押 (and 先行登记保存) among their agencies' acts: the SAMR bureaus.
DEMO_AGENCIES = ("zhuzhou-amr", "quanzhou-licheng-amr", "urumqi-gxq-amr")


def demo_coercion(loader) -> int:
    """Two penalty cases of a SAMR agency with measures in several states, made through the acts
    (dates relative to today): a 查封 in force and near its end, an extended 扣押, a 查封 released,
    a 先行登记保存 past its 7 working days, a 扣押 waiting for the head, a 扣押 with fresh goods sold and
    another item returned, and a 先行登记保存 turned into an approved 扣押. Returns the cases made."""
    if loader.agency.code not in DEMO_AGENCIES:
        return 0
    officer, head = loader.officer_user, loader.head_user

    def case_filed(cause, ago):
        case = loader.clue(cause, ago, loader.org, source="inspection")
        return loader.run(case, [("verify", ago, {}), ("file", ago - 1, {}), ("investigate", ago - 1, {})])

    def measure(case, kind, ago, goods, *, approve=True):
        m = do_propose_measure(case, kind=kind, reason="涉嫌经营不符合安全标准的商品，依据《中华人民共和国行政强制法》"
                               "第二十二条、《市场监督管理行政处罚程序规定》相关条款", on=loader.day(ago), actor=officer)
        for name, quantity, unit in goods:
            do_add_seized_item(m, name=name, quantity=quantity, unit=unit, place="当事人仓库（已加贴封条）",
                               actor=officer)
        if approve:
            do_approve_measure(m, actor=head, on=loader.day(ago), note="同意")
            numbers = [h.certificate.number for h in case.handlers.filter(until__isnull=True)]
            do_implement_measure(m, place="当事人经营场所", certificate_numbers=numbers, told_reason_basis_rights=True,
                                 party_present=True, video_recorded=True, on=loader.day(ago), actor=officer,
                                 record="执法人员二名出示执法证件，告知当事人采取措施的理由、依据及陈述申辩、复议诉讼权利，"
                                        "当事人在场并签字确认清单。")
        return m

    first = case_filed("涉嫌销售不合格电动自行车头盔", 45)
    measure(first, MeasureKind.SEAL, 28, [("电动自行车头盔", "86", "个")])  # 30 days end in two days
    seized = measure(first, MeasureKind.SEIZE, 40, [("不合格充电器", "35", "个"), ("出厂检验报告（复印件）", "1", "份")])
    do_extend_measure(seized, reason="需调取生产企业资料，案情复杂", party_told=True, on=loader.day(12), actor=head)
    measure(first, MeasureKind.SEIZE, 1, [("库存头盔", "40", "个")], approve=False)  # waiting for the head

    second = case_filed("涉嫌销售过期预包装食品", 30)
    released = measure(second, MeasureKind.SEAL, 25, [("过期饮料", "12", "箱")])
    do_release_measure(released, release_reason=ReleaseReason.UNRELATED, note="经核查，该批饮料在保质期内",
                       on=loader.day(20), actor=head)
    measure(second, MeasureKind.PRESERVATION, 15, [("过期糕点", "30", "盒")])  # 7 working days long past
    # Goods item by item: fresh goods sold with the head's approval (the proceeds held), one item returned.
    fresh = measure(second, MeasureKind.SEIZE, 10, [("冰鲜带鱼", "200", "千克"), ("电子秤", "1", "台")])
    fish, scale = fresh.items.all()
    do_sell_seized_item(fish, method=SaleMethod.SALE, proceeds="5600.00", ground="冰鲜水产品不易保管，临近保质期",
                        party_consent=True, on=loader.day(9), actor=head)
    do_decide_seized_item(scale, outcome=RETURNED, basis="经核查计量准确，与违法行为无关", on=loader.day(8), actor=head)
    # A 先行登记保存 decided as a 扣押 within its 7 working days: the 扣押 approved, waiting to be implemented.
    kept = measure(second, MeasureKind.PRESERVATION, 3, [("无标签食用油", "48", "桶")])
    do_seal_or_seize_preserved(kept, kind=MeasureKind.SEIZE, reason="经初步检验不合格，依据行政强制法第二十二条依法扣押",
                               on=loader.day(1), actor=head)
    return 2


def measures_awaiting(user, limit: int = 50) -> list[dict]:
    """待我审批 rows of the head's workbench: measures proposed, or implemented on site, that wait for
    the head's approval (never those of cases the head handles), one row per case."""
    from sanxiang.access.policy import restrict

    mine = restrict(CoerciveMeasure.objects.select_related("case__agency", "case__unit"), user)  # the head's unit
    rows = (restrict(mine, user, "approve").filter(status__in=(M.PROPOSED, M.EMERGENCY)).exclude(case__handlers__person__user=user)
            .order_by("proposed_on", "id")[:limit])
    found: dict[int, dict] = {}
    for m in rows:
        label = f"{'补办批准' if m.status == M.EMERGENCY else '批准'}{m.get_kind_display()}"
        found.setdefault(m.case_id, {"case": m.case, "actions": []})["actions"].append(label)
    return list(found.values())
