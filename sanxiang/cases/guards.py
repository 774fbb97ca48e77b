"""Guards of the case tables: the law, checked in the service layer for every path.

Each guard is `(case, actor, **inputs) -> None | 中文理由`; its docstring's first line describes
it in the generated diagrams. `available()` asks them without inputs, so every input has a default.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sanxiang.access.actors import is_system_actor
from sanxiang.access.policy import current_roles, is_system
from sanxiang.core import inputs
from sanxiang.orgs.guards import can_enforce
from sanxiang.orgs.models import Role
from sanxiang.workflow import join_reasons

from . import rules
from .models import HEARING_TYPES, PenaltyType, ServiceMethod


def _day(on) -> dt.date:
    return inputs.day(on)  # a bad date is refused (400), never quietly today


def case_handlers(case):
    """The case's handlers (past ones too) with their person and certificate: as read with the
    locked case when a move did so (`actions.lock_for_move`), else read now."""
    if "handlers" in getattr(case, "_prefetched_objects_cache", ()):
        return case.handlers.all()
    return case.handlers.select_related("person", "certificate")


def active_handlers(case, on: dt.date):
    return [h for h in case_handlers(case) if h.since <= on and (h.until is None or h.until > on)]


def handler_problems(case, on: dt.date, category: str | None = None) -> list[str]:
    """Why the case's handlers may not act on `on` (empty: at least two qualified handlers) in `category`
    (default the case's; a 查封、扣押 asks for 行政强制)."""
    category = category or case.category
    handlers = active_handlers(case, on)
    problems, qualified = [], 0
    for h in handlers:
        decision = can_enforce(h.person, category, on)
        if decision.ok:
            qualified += 1
        else:
            problems += decision.reasons
    if qualified < 2:
        # 行政处罚法第四十二条 binds penalties only; other kinds are not cited a penalty article.
        cited = "（行政处罚法第四十二条）" if case.kind == "penalty" else ""
        problems.insert(0, f"执法人员不得少于两人：{on:%Y-%m-%d} 本案具备“{category}”执法资格的承办人只有 "
                           f"{qualified} 名{cited}。")
        return problems
    return []


def two_qualified_handlers(case, actor, on=None, **params):
    """至少两名承办人当日持有效执法证且执法类别覆盖本案（辅助人员不得执法）"""
    problems = handler_problems(case, _day(on))
    return join_reasons(problems) if problems else None


def _is_actor(handler, actor) -> bool:
    return getattr(actor, "pk", None) is not None and handler.person.user_id == actor.pk


# Roles in which a person acts on an agency's cases (its 管理员 and the platform's administrator do not).
CASE_ROLES = (Role.OFFICER, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.REVIEWER, Role.APPROVAL_STAFF)


def platform_admin_problem(agency, actor) -> str | None:
    """Why a person with the platform administrator's pass may not act on `agency`'s cases: the access
    policy lets a system administrator do anything, but enforcement is done by the agency's certified officers
    and approved by its leadership (行政处罚法第四十二条, 行政强制法第十八条). System actors (the demo loader,
    jobs, the console) still pass."""
    if is_system_actor(actor) or not is_system(actor):
        return None
    if current_roles(actor).filter(agency_id=agency.pk, role__in=CASE_ROLES).exists():
        return None
    return (f"系统管理员不是{agency.name}的执法人员或负责人，不能办理、审批其案件（行政执法由本机关具备执法资格的"
            "执法人员实施、由本机关负责人批准：行政处罚法第四十二条、行政强制法第十八条）。")


def acts_for_agency(case, actor, **params):
    """由本机关工作人员办理（系统管理员不办理案件）"""
    return platform_admin_problem(case.agency, actor)


def actor_handles(case, actor, on=None, **params):
    """由本案承办人办理"""
    if is_system_actor(actor):
        return None
    day = _day(on)
    if not any(_is_actor(h, actor) for h in active_handlers(case, day)):
        problem = platform_admin_problem(case.agency, actor)
        if problem:
            return problem
        mine = [h for h in case_handlers(case) if _is_actor(h, actor)]
        if mine and day < min(h.since for h in mine):
            return (f"{day:%Y-%m-%d} 早于您被指定为本案承办人的日期（{min(h.since for h in mine):%Y-%m-%d}），"
                    "请核对日期。")
        if mine:
            return f"{day:%Y-%m-%d} 您已不再承办本案，请核对日期。"
        return "只有本案的承办人可以办理此事项。"
    return None


def actor_not_handler(case, actor, **params):
    """审批、审核、主持听证的人不是本案承办人"""
    if is_system_actor(actor):
        return None
    problem = platform_admin_problem(case.agency, actor)
    if problem:
        return problem
    if any(_is_actor(h, actor) for h in case_handlers(case)):
        return "本案承办人不能审批、审核本案或主持本案听证。"
    return None


# Checks other apps add to 结案, each `(case) -> None | 中文理由` (records: the acts its audio-video list
# asks to be recorded). Registered from their hooks.py, so cases needs not know them.
CLOSING_CHECKS: list = []


def register_closing_check(check) -> None:
    if check not in CLOSING_CHECKS:
        CLOSING_CHECKS.append(check)


def closing_checks_pass(case, actor, **params):
    """结案前各项记录齐备（应全程音像记录的执法活动已有记录或经负责人批准例外）"""
    problems = [problem for check in CLOSING_CHECKS if (problem := check(case))]
    return join_reasons(problems) if problems else None


def has_party(case, actor, **params):
    """已列明当事人"""
    if not case.case_parties.exists():
        return "尚未列明当事人。"
    return None


# 执法类别 naming the power to detain: 限制人身自由的行政处罚 only by 公安机关 (行政处罚法第十八条第三款).
DETENTION_CATEGORY = "治安管理"


def may_detain(agency) -> bool:
    return DETENTION_CATEGORY in (agency.categories or [])


def penalty_choices(case) -> list[tuple[str, str]]:
    """The penalty types the case's agency may impose (the conclude form offers only these)."""
    return [(value, label) for value, label in PenaltyType.choices
            if value != PenaltyType.DETENTION or may_detain(case.agency)]


def penalty_powers_problem(case, penalties) -> str | None:
    """Why the agency may not impose `penalties` on the case's parties (None: it may)."""
    if PenaltyType.DETENTION not in (penalties or ()):
        return None
    if not may_detain(case.agency):
        return (f"行政拘留只能由公安机关决定（行政处罚法第十八条第三款：限制人身自由的行政处罚权只能由公安机关和法律规定的"
                f"其他机关行使），{case.agency.name}不能作出。")
    orgs = [cp.party.name for cp in case.case_parties.select_related("party") if cp.party.kind == "org"]
    if orgs:
        return f"行政拘留只能对自然人作出，不能对法人或者其他组织（{'、'.join(orgs)}）作出。"
    return None


def penalties_within_powers(case, actor, penalties=None, **params):
    """处罚种类在本机关职权之内（行政拘留只由公安机关对自然人作出）"""
    return penalty_powers_problem(case, case.proposed_penalties if penalties is None else penalties)


# 执法类别 that name a kind of act (the others name a field: 市场监督管理, 商务执法, 劳动保障监察): a case of one kind
# is not handled under another kind's name.
KIND_CATEGORIES = {"行政处罚", "行政强制", "行政检查", "行政许可", "行政确认", "行政裁决"}


def opening_category_problem(kind, category, source=None) -> str | None:
    """Why a case of `kind` may not be opened under `category` from `source` (None: it may)."""
    from .models import CaseKind, Source

    label = CaseKind(kind).label
    if category in KIND_CATEGORIES and category != label:
        return (f"执法类别“{category}”是另一种行政执法行为，不能用于{label}案件：请选择“{label}”或本机关的"
                "业务领域类别。")
    if kind == CaseKind.PENALTY and source == Source.APPLICATION:
        return "行政处罚案件由行政机关依职权立案，案源不能为“申请”（申请适用于行政许可、行政确认、行政裁决）。"
    return None


def has_proposal(case, actor, **params):
    """已拟定处罚内容"""
    if case.no_penalty_ground:
        return ("调查终结时拟不予行政处罚：不告知拟处罚内容，由负责人作出不予行政处罚决定；"
                "要给予处罚的，先修改拟处罚内容。")
    if not case.proposed_penalties:
        return "尚未拟定处罚内容（调查终结时提出）。"
    return None


def no_penalty_proposed(case, actor, **params):
    """拟不予行政处罚，并写明了不予处罚的情形（行政处罚法第三十条、第三十一条、第三十三条、第五十七条第一款）"""
    if not case.no_penalty_ground or case.proposed_penalties:
        return ("本案未拟不予行政处罚：调查终结（或修改拟处罚内容）时须写明不予行政处罚的情形"
                "（行政处罚法第三十条、第三十一条、第三十三条、第五十七条第一款）。")
    return None


def statement_windows_over(case, actor, on=None, **params):
    """陈述申辩期和听证申请期已届满，或当事人已放弃"""
    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation

    if case.rights_waived_on:
        return None
    day = _day(on)
    running = Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk),
                                        kind__in=(rules.STATEMENT, rules.HEARING_REQUEST), status__in=OPEN_STATES,
                                        due__gte=day)
    first = running.order_by("due").first()
    if first is not None:
        return (f"{first.kind}至 {first.due:%Y-%m-%d} 届满，届满前（当事人未放弃的）不能作出处罚决定"
                "（行政处罚法第四十四条、第六十四条）。")
    return None


def review_passed(case, actor, **params):
    """依法须经法制审核的，审核已通过（行政处罚法第五十八条、本机关法制审核目录清单）"""
    from .review_gate import proposal_of, review_problem

    return review_problem(case, proposal_of(case), on=_day(params.get("on")))


def proposal_not_under_review(case, actor, **params):
    """拟作出的决定不在法制审核中（审核中的，须先撤回送审）"""
    from .review_gate import proposal_change_problem

    return proposal_change_problem(case)


def coercion_review_passed(case, on=None, *, measure=None, measure_kind=None) -> str | None:
    """A 行政强制 decision within the case about `measure` (its own kind's proposal when it is a
    coercion case): the review must be of that measure (`review_gate.measure_of`)."""
    from .review_gate import proposal_of, review_problem

    return review_problem(case, proposal_of(case, "coercion", measure=measure, measure_kind=measure_kind),
                          on=_day(on))


def decision_review_passed(case, decision: str, on=None) -> str | None:
    """A later decision of the case (变更、延续、撤销、注销许可; 查封扣押财物的处理决定) that the catalogue
    requires a review of has passed one — its own proposal (`review_gate.proposal_of(case, decision=…)`)."""
    from .review_gate import proposal_of, review_problem

    return review_problem(case, proposal_of(case, decision=decision), on=_day(on))


def not_before_earlier_steps(case, actor, on=None, **params):
    """决定日期不早于告知、陈述申辩、听证和法制审核通过之日"""
    day = _day(on)
    steps = [("告知", case.notified_on), ("陈述申辩", case.statement_on), ("放弃陈述申辩和听证", case.rights_waived_on),
             ("举行听证", case.hearing_held_on)]
    from sanxiang.review.models import ReviewRound, RoundStatus

    agreed = (ReviewRound.objects.filter(review__case=case, review__decision_kind=case.kind, status=RoundStatus.AGREED)
              .order_by("-number").first())
    review = case.reviews.filter(opinion="pass").order_by("-id").first()
    if agreed is not None:
        steps.append(("法制审核通过", agreed.opinion_on))
    elif review is not None:
        steps.append(("法制审核通过", review.reviewed_on or review.submitted_on))
    late = [(label, when) for label, when in steps if when and when > day]
    if late:
        label, when = max(late, key=lambda step: step[1])
        return f"决定日期 {day:%Y-%m-%d} 早于{label}之日 {when:%Y-%m-%d}：决定须在此之后作出。"
    return None


def heavier(case) -> list[str]:
    """How the proposal exceeds what the party was told (empty: not heavier)."""
    found = []
    extra = sorted(set(case.proposed_penalties) - set(case.notified_penalties))
    if extra:
        found.append("增加了" + "、".join(PenaltyType(p).label for p in extra))
    if (case.proposed_fine or 0) > (case.notified_fine or 0):
        found.append(f"罚款由 {case.notified_fine or 0} 元增至 {case.proposed_fine} 元")
    if (case.proposed_confiscation or 0) > (case.notified_confiscation or 0):
        found.append(f"没收金额由 {case.notified_confiscation or 0} 元增至 {case.proposed_confiscation} 元")
    return found


def not_heavier_than_notified(case, actor, **params):
    """不重于告知的处罚（不因陈述、申辩而加重处罚）"""
    found = heavier(case)
    if not found:
        return None
    if case.statement_on or case.hearing_held_on:
        return (f"当事人已陈述、申辩，拟作出的处罚重于告知内容（{'；'.join(found)}）：不得因当事人陈述、申辩而给予"
                "更重的处罚（行政处罚法第四十五条）。")
    return f"拟作出的处罚重于告知内容（{'；'.join(found)}），须重新告知当事人。"


def service_lawful(case, actor, method=None, proof=None, **params):
    """当场决定书当场交付；电子送达须当事人签署送达地址确认书；留置送达须有照片或录像；公告送达须写明原因"""
    if not method:
        return None
    if method not in ServiceMethod.values:
        return f"未知的送达方式“{method}”。"
    if case.procedure == "simplified" and method != ServiceMethod.DIRECT:
        return ("当场作出的行政处罚决定书应当当场交付当事人（行政处罚法第五十二条）；当事人拒绝签收的，"
                "在决定书上注明，仍选择直接送达。")
    if method == ServiceMethod.ANNOUNCEMENT and not (proof or "").strip():
        return ("公告送达只适用于受送达人下落不明或者以其他方式无法送达的情形（行政处罚法第六十一条、民事诉讼法第九十五条），"
                "须写明其他方式无法送达的原因和公告的过程（张贴处拍照记录）。")
    if method == ServiceMethod.ELECTRONIC:
        missing = [cp.party.name for cp in case.case_parties.select_related("party")
                   if not (cp.address_consent_on and cp.electronic_address)]
        if missing:
            return (f"{'、'.join(missing)}未签署同意电子送达的送达地址确认书，不能电子送达"
                    "（行政处罚法第六十一条）。")
    if method == ServiceMethod.LEFT and not (proof or "").strip():
        return "留置送达须写明拍照或录像等记录（见证情况）。"
    return None


def simplified_within_limits(case, actor, **params):
    """简易程序仅限警告或法定数额以内的罚款（行政处罚法第五十一条）"""
    return simplified_problem(case, case.proposed_penalties, case.proposed_fine)


def simplified_problem(case, penalties, fine) -> str | None:
    allowed = {PenaltyType.WARNING, PenaltyType.FINE}
    if not penalties:
        return "当场处罚须写明处罚内容（警告或罚款）。"
    other = [p for p in penalties if p not in allowed]
    if other:
        labels = "、".join(PenaltyType(p).label if p in PenaltyType.values else p for p in other)
        return f"简易程序只适用于警告或罚款，不能当场决定{labels}（行政处罚法第五十一条）。"
    if PenaltyType.FINE in penalties:
        limit = rules.amount(case, "cases.simplified_fine_max")
        if fine is None or fine <= 0:
            return "罚款须写明数额。"
        if fine > limit:
            who = "公民" if rules.party_kind(case) == "person" else "法人或者其他组织"
            return (f"对{who}当场罚款不得超过 {limit} 元（拟罚 {fine} 元），应适用普通程序"
                    "（行政处罚法第五十一条）。")
    return None


def hearing_right(case, penalties, fine, confiscation, on=None) -> bool:
    """Does the proposal carry the right to request a hearing (行政处罚法第六十三条, profile thresholds)?"""
    if set(penalties) & {str(t) for t in HEARING_TYPES}:
        return True
    if fine is not None and fine >= rules.amount(case, "cases.hearing_fine_threshold", on):
        return True
    return confiscation is not None and confiscation >= rules.amount(case, "cases.hearing_confiscation_threshold", on)


def earliest_hearing(case, notice_on: dt.date) -> tuple[dt.date, str]:
    """The first day a hearing noticed on `notice_on` may be held (`cases.hearing_notice_lead`), and the lead
    in words."""
    from sanxiang.deadlines.engine import compute_due
    from sanxiang.deadlines.queries import get_calendar

    count, unit = rules.period(case, "cases.hearing_notice_lead", notice_on)
    words = f"{count} 个工作日" if unit == "workdays" else f"{count} 日"
    return compute_due(notice_on, count, unit, calendar=get_calendar()).due, words


def hearing_notice_lead_kept(case, actor, on=None, hearing_on=None, **params):
    """听证日期不早于通知后的听证通知提前期（cases.hearing_notice_lead）"""
    if hearing_on is None:
        return None
    notice_on = _day(on)
    earliest, words = earliest_hearing(case, notice_on)
    if hearing_on < earliest:
        return (f"听证通知须在举行听证前 {words}送达（行政处罚法第六十四条）：{notice_on:%Y-%m-%d} 通知的，"
                f"听证最早于 {earliest:%Y-%m-%d} 举行。")
    return None


def hearing_notice_served(case, actor, on=None, **params):
    """已送达听证通知，且举行日不早于通知提前期届满"""
    if not case.hearing_notice_on:
        return "尚未送达听证通知（行政处罚法第六十四条：举行听证的七日前通知当事人听证的时间、地点）。"
    earliest, words = earliest_hearing(case, case.hearing_notice_on)
    if _day(on) < earliest:
        return (f"听证通知于 {case.hearing_notice_on:%Y-%m-%d} 送达，须满 {words}，"
                f"最早于 {earliest:%Y-%m-%d} 举行听证。")
    return None


def hearing_may_be_requested(case, actor, on=None, **params):
    """告知了听证权利且在听证申请期内"""
    if case.hearing_held_on:
        return "本案已举行听证。"
    if not case.hearing_right:
        return "告知的处罚不属于应当告知听证权利的情形，当事人不能申请听证。"
    if case.rights_waived_on:
        return "当事人已放弃陈述、申辩和听证权利。"
    from sanxiang.deadlines.models import Obligation

    window = Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk),
                                       kind=rules.HEARING_REQUEST).order_by("-id").first()
    if window is not None and window.due < _day(on):
        return f"听证申请期已于 {window.due:%Y-%m-%d} 届满。"
    return None


def expired_problem(case, kind: str, on, law: str) -> str | None:
    """A limit of the agency is extended by an approval given before it runs out: once it has expired
    the lateness stays on the record (an approval cannot undo it), so extending is refused."""
    from sanxiang.deadlines.models import Obligation

    ob = (Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind=kind)
          .exclude(status__in=(Obligation.MET, Obligation.WAIVED)).order_by("-id").first())
    day = _day(on)
    if ob is None or ob.paused or ob.due >= day:
        return None
    return (f"{kind}已于 {ob.due:%Y-%m-%d} 届满，延长须在期限届满前批准；逾期的事实予以保留，"
            f"不能以延长消除（{law}）。")


def extension_lawful(case, actor, collective_discussion="", on=None, **params):
    """办案期限届满前批准；首次延长由负责人批准；再次延长须经负责人集体讨论"""
    if rules.period(case, "cases.penalty_time_extension") is None:
        return f"{case.agency.name}的规则配置不允许延长办案期限。"
    late = expired_problem(case, rules.TIME_LIMIT, on, "市场监督管理行政处罚程序规定第六十四条")
    if late:
        return late
    if case.time_limit_extensions >= 1 and not (collective_discussion or "").strip():
        return "办案期限已延长过一次，再次延长须经负责人集体讨论，并记录讨论情况。"
    return None


def verification_not_extended(case, actor, on=None, **params):
    """核查期限届满前批准，只能延长一次"""
    from sanxiang.deadlines.models import Obligation

    ob = Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk),
                                   kind=rules.VERIFICATION).order_by("-id").first()
    if rules.period(case, "cases.verification_extension") is None:
        return f"{case.agency.name}的规则配置不允许延长核查期限。"
    if ob is not None and ob.extensions.exists():
        return "核查期限已延长过一次。"
    return expired_problem(case, rules.VERIFICATION, on, "市场监督管理行政处罚程序规定第十八条")


def fine_outstanding(case, actor, **params):
    """尚有未缴清的罚款"""
    if not _open_kinds(case, rules.PAYMENT, unsettled=True):
        return "本案没有待缴的罚款。"
    return None


def outstanding(case, on: dt.date) -> Decimal:
    """What is still to pay on `on`: the fine and its 加处罚款 less what was paid."""
    return (case.decided_fine or Decimal(0)) + late_surcharge(case, on) - (case.paid_total or Decimal(0))


def payment_not_above_outstanding(case, actor, on=None, amount=None, **params):
    """缴款金额不超过尚未缴纳的罚款（含加处罚款）"""
    if amount is None:
        return None
    left = outstanding(case, _day(on))
    if amount > left:
        return f"缴款金额 {amount} 元超过尚未缴纳的罚款 {left} 元（含加处罚款），不能多收。"
    return None


def onsite_collection_lawful(case, actor, on=None, amount=None, onsite_ground=None, receipt="", note="", **params):
    """当场收缴罚款：一百元以下，或事后难以执行、边远地区缴款确有困难（写明情况），并出具专用票据"""
    from .models import OnSiteGround

    if onsite_ground not in OnSiteGround.values:
        return "须选择当场收缴罚款的情形（行政处罚法第六十八条、第六十九条）。"
    if not (receipt or "").strip():
        return "当场收缴罚款须向当事人出具专用票据，并登记票据号码（行政处罚法第七十条）。"
    fine = case.decided_fine or Decimal(0)
    if onsite_ground == OnSiteGround.SMALL:
        limit = Decimal(str(rules.value(case, "cases.onsite_collection_max", _day(on))))
        if fine > limit:
            return (f"罚款 {fine} 元超过当场收缴上限 {limit} 元（行政处罚法第六十八条第一项），当事人应到指定银行"
                    "或通过电子支付系统缴纳；不当场收缴事后难以执行或边远地区缴款确有困难的，选择相应情形并写明情况。")
    elif not (note or "").strip():
        return f"“{OnSiteGround(onsite_ground).label}”须写明具体情况。"
    if amount is not None and amount > fine - (case.paid_total or 0):
        return f"收缴金额 {amount} 元超过尚未缴纳的罚款 {fine - (case.paid_total or 0)} 元。"
    return None


def collected_fine_pending(case, actor, **params):
    """当场收缴的罚款尚未交至行政机关"""
    if not _open_kinds(case, rules.ONSITE_HANDIN):
        return "本案没有待交回的当场收缴罚款。"
    return None


def materials_pending(case, actor, **params):
    """简易程序案件材料尚未交回"""
    if not _open_kinds(case, rules.MATERIALS):
        return "本案材料已交回。"
    return None


def _open_kinds(case, *kinds, unsettled=False) -> bool:
    """A deadline of `kinds` still runs (or, `unsettled`, also a party's period that ran out: an unpaid fine)."""
    from sanxiang.deadlines.actions import OPEN_STATES, UNSETTLED
    from sanxiang.deadlines.models import Obligation

    return Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind__in=kinds,
                                     status__in=UNSETTLED if unsettled else OPEN_STATES).exists()


def no_pending_recusal(case, actor, **params):
    """没有待决定的回避申请"""
    if case.recusals.filter(decision="pending").exists():
        return "有待决定的回避申请，须先作出回避决定。"
    return None


def late_surcharge(case, paid_on: dt.date) -> Decimal:
    """加处罚款 on `paid_on`: 3 % (profile) of the fine per day after the payment deadline, capped at the fine."""
    from sanxiang.deadlines.models import Obligation

    fine = case.decided_fine or Decimal(0)
    ob = Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk),
                                   kind=rules.PAYMENT).order_by("-id").first()
    if ob is None or not fine or paid_on <= ob.due:
        return Decimal(0)
    percent = Decimal(str(rules.value(case, "cases.late_surcharge_percent_per_day", paid_on)))
    days = (paid_on - ob.due).days - appeal_days(case, ob.due, paid_on)
    if days <= 0:
        return Decimal(0)
    return min(fine, (fine * percent * days / 100).quantize(Decimal("0.01")))



def appeal_days(case, after: dt.date, until: dt.date) -> int:
    """Days in (after, until] during a 行政复议 or 行政诉讼 (from the application to the outcome): the late
    surcharge does not accrue then (行政处罚法 第七十三条第三款)."""
    days: set[dt.date] = set()
    for appeal in case.appeals.all():
        start = max(appeal.applied_on, after + dt.timedelta(days=1))
        end = min(appeal.decided_on or until, until)
        days.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return len(days)
