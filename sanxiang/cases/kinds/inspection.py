"""行政检查 (inspections of enterprises): the kind's table `inspection_general`, its guards, effects,
opening act and `do_*` wrappers, the party-dossier section and the demo.

An inspection is a `Case` of kind `inspection` (its party = the entity inspected, its handlers = the
inspectors) with an `Inspection` row holding what is particular to it. The law checked here:

- 国办发〔2024〕54号 (rules-2026.md §3): only officers holding a valid certificate covering 行政检查,
  never 辅助人员 (`two_qualified_handlers`, and at opening); a yearly cap of inspections per enterprise
  where the agency's profile sets one (`cases.inspection_yearly_cap_per_enterprise`), sources exempt
  from it as profile data (`cases.inspection_cap_exempt_sources`); the certificate shown on site
  (the 现场检查 record, `OnSiteAct`, before the result); an inspection code (检查码) for 扫码入企.
- 执法监督条例 第十一条（六）: certificates shown and reason, basis and rights told (`OnSiteAct`).
- 双随机、一公开 (legal-rules.md §1a): the result is stored structured (result, items, conclusion,
  end date) so the publicity issue can publish normal results under the entity's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import connection, transaction
from django.utils import timezone

from sanxiang.access.policy import can, restrict
from sanxiang.core import inputs
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import PersonKind, Role
from sanxiang.workflow import Param, Table, Transition, join_reasons, register

from .. import guards as G
from ..models import (
    Case,
    CaseKind,
    CaseStatus,
    Inspection,
    InspectionResult,
    InspectionSource,
    Procedure,
    RandomDraw,
)

S = CaseStatus
OFFICER = (Role.OFFICER,)
HEAD = (Role.UNIT_HEAD, Role.AGENCY_LEADER)
CATEGORY = "行政检查"
RECTIFICATION = "责令整改期限"
CAP = "cases.inspection_yearly_cap_per_enterprise"
CAP_EXEMPT = "cases.inspection_cap_exempt_sources"
CITATION_54 = "国办发〔2024〕54号"
# Case.source (案源) of an inspection, for the lists that show every case.
CASE_SOURCE = {"planned": "other", "random": "other", "complaint": "complaint", "referral": "assigned",
               "other": "other"}

register_actions({
    "create_inspection": "登记行政检查",
    "record_inspection": "行政检查记录",
    "draw_random_inspections": "双随机抽取",
})


# ---- inputs -----------------------------------------------------------------------------------

def _date(value, field, label) -> dt.date | None:
    return inputs.day(value, field=field, label=label, empty=None)


def as_items(value) -> list[str]:
    """检查事项: a list, or text with one item a line (、，; separate too)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        for sep in ("\r\n", "；", ";", "，", ","):
            value = value.replace(sep, "\n")
        value = value.split("\n")
    if not isinstance(value, (list, tuple)):
        raise RuleViolation("检查事项应为文字列表。", field="items")
    items = [str(v).strip() for v in value if str(v).strip()]
    if any(len(i) > 200 for i in items) or len(items) > 50:
        raise RuleViolation("检查事项过多或过长（最多 50 项，每项 200 字）。", field="items")
    from sanxiang.publicity.public_text import CODE_MESSAGE, code_across, code_spans

    # the 扫码入企 page shows them (s26 defects10e #1): a 公示查询码 printed on any case's document, in any
    # written form, is refused as it is typed (the page replaces one stored earlier)
    # — each item, the items as the page joins them (a code split across two items: defects10g #1) and any two
    # items in either order (defects10h #3)
    if any(code_spans(i, any_form=True) for i in [*items, "；".join(items)]) or code_across(items):
        raise RuleViolation(CODE_MESSAGE.format(what="检查事项"), field="items", code="party_code_public")
    return list(dict.fromkeys(items))


def _record(inspection, actor, **payload):
    """The Inspection row changed: its own ledger entry (`sanxiang verify` compares every row)."""
    inspection.save()
    append_entry(action="record_inspection", actor=actor, obj=inspection,
                 payload={"case": inspection.case_id, **{k: _plain(v) for k, v in payload.items()}})


def _plain(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def _day(on):
    return G._day(on)


# ---- profile values ---------------------------------------------------------------------------

def yearly_cap(agency, on: dt.date) -> int | None:
    """The agency's published yearly cap of inspections per enterprise (None: it sets none)."""
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    return profile_value(profile_key_of(agency), CAP, on)


def cap_exempt_sources(agency, on: dt.date) -> set[str]:
    """Sources (InspectionSource values) whose inspections neither count against nor are refused by the cap."""
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    labels = set(profile_value(profile_key_of(agency), CAP_EXEMPT, on) or [])
    return {s.value for s in InspectionSource if s.label in labels}


def inspections_of_party_in_year(agency, party, year: int, *, exclude_case=None, exempt=()):
    """Inspections of `party` by `agency` started in calendar `year` that count against the cap."""
    found = Inspection.objects.filter(case__agency=agency, case__case_parties__party=party, started_on__year=year)
    if exclude_case is not None:
        found = found.exclude(case=exclude_case)
    return found.exclude(source__in=list(exempt))


# ---- repeated inspections (重复检查预警: rules-2026.md §3, 海南 defaults as profile values) --------------

REPEAT_WINDOW = "cases.inspection_repeat_window"
WITHOUT_CODE = "cases.inspection_without_code_warning"
REPEAT_REFUSES = "cases.inspection_repeat_refuses"


def _profile(agency, name, on):
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    return profile_value(profile_key_of(agency), name, on)


def repeat_window_days(agency, on: dt.date) -> int | None:
    """The warning window in calendar days (None: the profile sets none)."""
    window = _profile(agency, REPEAT_WINDOW, on)
    if not window:
        return None
    count, unit = int(window["count"]), window["unit"]
    return count * 31 if unit == "months" else count * 7 // 5 if unit == "workdays" else count


def _dated(ins) -> dt.date:
    return ins.started_on or ins.planned_on


def repeat_warnings(agency, party, on: dt.date, *, exclude_case=None, scanned=None) -> list[str]:
    """The warnings for inspecting `party` on `on`: another inspection of it by the agency that took place
    (started; one only planned has not happened) within the profile's window before or after; and, in the
    calendar year,
    inspections started without the code (扫码入企) reaching the profile's count — this one included when
    `scanned` is False (being started without it). Warnings, not refusals (see `repeat_not_refused`)."""
    found = (Inspection.objects.filter(case__agency=agency, case__case_parties__party=party, started_on__isnull=False)
             .exclude(case__status=S.CANCELLED).only("started_on", "planned_on", "code_scanned", "case_id"))
    if exclude_case is not None:
        found = found.exclude(case=exclude_case)
    return _warnings_from(agency, party, on, list(found), scanned)


def _warnings_from(agency, party, on, found, scanned) -> list[str]:
    warnings = []
    days = repeat_window_days(agency, on)
    if days:
        near = sorted(i.started_on for i in found if i.started_on and abs((i.started_on - on).days) <= days)
        if near:
            dates = "、".join(f"{d:%Y-%m-%d}" for d in near[:5])
            warnings.append(f"重复检查预警：{party.name}在前后 {days} 日内已有 {len(near)} 次检查（{dates}），"
                            f"同一企业 {days} 日内被检查两次即预警（本机关规则配置，默认值取自海南省预警规则）。")
    threshold = _profile(agency, WITHOUT_CODE, on)
    if threshold:
        unscanned = sum(1 for i in found if i.started_on and i.started_on.year == on.year and i.code_scanned is not True)
        unscanned += 1 if scanned is False else 0
        if unscanned >= threshold:
            warnings.append(f"未扫码检查预警：{party.name}在 {on.year} 年已有 {unscanned} 次检查未扫码入企（未出示检查码），"
                            f"达到预警次数 {threshold} 次（国办发〔2024〕54号推行扫码入企；次数为本机关规则配置）。")
    return warnings


def inspection_warnings(ins) -> list[str]:
    """The warnings of one inspection on its own date (started, or planned); none once cancelled."""
    if ins.case.status == S.CANCELLED:
        return []
    party = _party_of(ins.case)
    return repeat_warnings(ins.case.agency, party, _dated(ins), exclude_case=ins.case_id,
                           scanned=_scanned_if_started(ins)) if party else []


def _party_of(case):
    link = case.case_parties.select_related("party").first()
    return link.party if link else None


# ---- guards -----------------------------------------------------------------------------------

def has_party(case, actor, **params):
    """已列明被检查对象"""
    return None if case.case_parties.exists() else "尚未列明被检查对象。"


def within_yearly_cap(case, actor, on=None, **params):
    """未超过本机关对同一企业的年度检查频次上限（国办发〔2024〕54号；投诉举报等豁免情形除外）"""
    day = _day(on)
    cap = yearly_cap(case.agency, day)
    if cap is None:
        return None
    inspection = case.inspection
    exempt = cap_exempt_sources(case.agency, day)
    if inspection.source in exempt:
        return None
    link = case.case_parties.select_related("party").first()
    if link is None or link.party.kind == "person":
        return None  # the cap is on inspections of enterprises (涉企)
    if connection.in_atomic_block:  # apply(), not available(): two starts for one enterprise at once queue here
        type(link.party).objects.select_for_update().filter(pk=link.party_id).first()
    done = inspections_of_party_in_year(case.agency, link.party, day.year, exclude_case=case, exempt=exempt).count()
    if done >= cap:
        kinds = "、".join(InspectionSource(s).label for s in sorted(exempt)) or "无"
        return (f"{link.party.name}在 {day.year} 年已接受本机关 {done} 次检查，达到本机关公布的年度检查频次上限 "
                f"{cap} 次（{CITATION_54}），不能再实施检查；不受上限限制的情形：{kinds}。")
    return None


def repeat_not_refused(case, actor, on=None, code_scanned=None, **params):
    """未触发重复检查预警，或本机关规则配置只提示不拒绝"""
    day = _day(on)
    party = _party_of(case)
    if party is None or not _profile(case.agency, REPEAT_REFUSES, day):
        return None
    warnings = repeat_warnings(case.agency, party, day, exclude_case=case, scanned=_scanned(code_scanned) is True)
    return ("本机关规则配置规定重复检查预警时不得实施检查：" + join_reasons(warnings)) if warnings else None


def _scanned(value) -> bool | None:
    """检查码: "scanned" (企业已扫码或已出示) / "not_scanned" / nothing recorded."""
    if value in (None, ""):
        return None
    if value in (True, "scanned"):
        return True
    if value in (False, "not_scanned"):
        return False
    raise RuleViolation(f"检查码情况“{value}”无效，应为已扫码（已出示）或未扫码。", field="code_scanned")


def code_scanned_valid(case, actor, code_scanned=None, **params):
    """检查码情况为已扫码、未扫码或未填"""
    try:
        _scanned(code_scanned)
    except RuleViolation as exc:
        return exc.message
    return None


def onsite_check_recorded(case, actor, **params):
    """已记录现场检查（出示执法证件，告知检查事由、依据和权利义务）"""
    started = case.inspection.started_on
    if not case.onsite_acts.filter(date__gte=started, act="onsite").exists():  # a 封存 or 送检 is not the check
        return ("尚未记录现场检查：检查人员须出示执法证件、告知检查事由、依据和权利义务"
                f"（行政执法监督条例第十一条；{CITATION_54}：出示执法证件，不得以其他证件代替）。")
    return None


def result_complete(case, actor, result=None, conclusion="", problems="", items=None, **params):
    """检查结果、检查事项和检查结论齐全；发现问题的写明问题"""
    if result is None:
        return None
    if result not in InspectionResult.values:
        return f"未知的检查结果“{result}”，应为未发现问题或发现问题。"
    try:
        listed = as_items(items)
    except RuleViolation as exc:
        return exc.message
    if not listed:
        return "须写明检查事项（逐项列明检查了什么）。"
    if not (conclusion or "").strip():
        return "须写明检查结论。"
    if result == InspectionResult.PROBLEMS and not (problems or "").strip():
        return "检查发现问题的，须写明发现的问题。"
    return None


def problems_found(case, actor, **params):
    """检查发现问题"""
    if case.inspection.result != InspectionResult.PROBLEMS:
        return "检查未发现问题，无需责令整改或移交立案。"
    return None


def rectification_deadline_valid(case, actor, on=None, deadline=None, **params):
    """整改期限晚于责令整改之日"""
    if deadline is None:
        return None
    try:
        due = _date(deadline, "deadline", "整改期限")
    except RuleViolation as exc:
        return exc.message
    if due is None or due <= _day(on):
        return f"整改期限须晚于责令整改之日（{_day(on):%Y-%m-%d}）。"
    if (due - _day(on)).days > 366:
        return "整改期限不能超过一年。"
    return None


def result_dealt_with(case, actor, **params):
    """未发现问题，或发现的问题已整改复查或已移交立案"""
    ins = case.inspection
    if case.status == S.INSPECTED and ins.result == InspectionResult.PROBLEMS:
        return "检查发现问题，须先责令整改并复查，或移交立案，方可办结。"
    return None


# ---- effects ----------------------------------------------------------------------------------

def notice_effect(case, actor, on=None, note="", **params):
    ins = case.inspection
    ins.notice_on = _day(on)
    _record(ins, actor, notice_on=ins.notice_on)
    return {"notice_on": ins.notice_on}


def start_effect(case, actor, on=None, code_scanned=None, **params):
    ins = case.inspection
    ins.started_on, ins.code_scanned = _day(on), _scanned(code_scanned)
    party = _party_of(case)
    # Shown on the case page and ledgered with the move: who started the inspection was warned.
    warnings = repeat_warnings(case.agency, party, ins.started_on, exclude_case=case,
                               scanned=ins.code_scanned is True) if party else []
    _record(ins, actor, started_on=ins.started_on, code_scanned=ins.code_scanned, warnings=warnings)
    return {"code": ins.code, "warnings": warnings}


def result_effect(case, actor, on=None, result="", items=None, conclusion="", problems="", **params):
    ins = case.inspection
    ins.result, ins.items, ins.ended_on = result, as_items(items), _day(on)
    ins.conclusion = conclusion.strip()[:2000]
    ins.problems = (problems or "").strip()[:2000] if result == InspectionResult.PROBLEMS else ""
    _record(ins, actor, result=ins.result, items=ins.items, conclusion=ins.conclusion, problems=ins.problems,
            ended_on=ins.ended_on)
    return {"result": ins.result, "items": ins.items}


def rectification_effect(case, actor, on=None, deadline=None, requirement="", **params):
    from sanxiang.deadlines.actions import do_open_obligation

    on = _day(on)
    due = _date(deadline, "deadline", "整改期限")
    ins = case.inspection
    ins.rectification_ordered_on, ins.rectification_due = on, due
    ins.rectification_note = requirement.strip()[:1000]
    _record(ins, actor, rectification_ordered_on=on, rectification_due=due)
    # The inspected party's period (its lateness is not the agency's), in the handling unit's queue.
    do_open_obligation(object_type=case.ledger_type(), object_id=case.pk, agency=case.agency, kind=RECTIFICATION,
                       start=on, count=(due - on).days, unit="days", note=ins.rectification_note[:200],
                       units=case.obligation_units(), bearer="party", actor=actor)
    return {"deadline": due}


def verify_effect(case, actor, on=None, note="", **params):
    ins = case.inspection
    ins.rectification_checked_on = _day(on)
    ins.rectification_note = "\n".join(filter(None, [ins.rectification_note, f"复查：{note.strip()}"]))[:1000]
    _record(ins, actor, rectification_checked_on=ins.rectification_checked_on)
    return None


def hand_over_effect(case, actor, on=None, cause="", **params):
    """移交立案: a new penalty clue (线索) of the same unit and party, linked to this inspection as its origin."""
    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.workflows import OBLIGATION
    from sanxiang.workflow import apply_consequence

    from .. import actions as C

    on = _day(on)
    ins = case.inspection
    cause = (cause or "").strip() or f"行政检查发现：{ins.problems}"[:300]
    penalty = C.do_create_case(case.agency, unit=case.unit, source="inspection", cause=cause[:300],
                               category="行政处罚", clue_on=on, actor=actor)
    for link in case.case_parties.select_related("party"):
        C._add_party(penalty, link.party, "", None, actor)
    ins.penalty_case = penalty
    _record(ins, actor, penalty_case=penalty.pk)
    for ob in Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind=RECTIFICATION,
                                        status__in=OPEN_STATES):
        apply_consequence(ob, "waive", actor=actor, table=OBLIGATION, reason="未按期整改，已移交立案查处")
    return {"penalty_case": penalty.pk}


def finish_effect(case, actor, on=None, **params):
    ins = case.inspection
    ins.finished_on = case.closed_on = _day(on)
    _record(ins, actor, finished_on=ins.finished_on)
    return None


def cancel_effect(case, actor, reason="", **params):
    ins = case.inspection
    ins.cancel_reason = case.end_reason = reason
    _record(ins, actor, cancel_reason=reason)
    return None


# ---- the table --------------------------------------------------------------------------------

ON = {"on": Param("日期", required=False, text=False)}
HANDLING = (G.actor_handles, G.two_qualified_handlers)
INSPECTION_STATES = [S.PLANNED, S.NOTICE_SENT, S.INSPECTING, S.INSPECTED, S.RECTIFYING, S.RECTIFIED, S.HANDED_OVER,
                     S.CLOSED, S.CANCELLED]

INSPECTION_GENERAL = register(Table(
    name="inspection_general", label="行政检查", model=Case, state_field="status",
    states={s.value: s.label for s in INSPECTION_STATES}, initial=S.PLANNED,
    subject=lambda case: f"行政检查 {case.number}" if case.number else "该行政检查",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("send_inspection_notice", S.PLANNED, S.NOTICE_SENT, "送达检查通知", roles=OFFICER,
                   params={**ON, "note": Param("通知方式和内容", required=False, max_length=500)},
                   guards=(G.actor_handles,), effect=notice_effect),
        Transition("start_inspection", (S.PLANNED, S.NOTICE_SENT), S.INSPECTING, "实施检查", roles=OFFICER,
                   params={**ON, "code_scanned": Param("检查码", required=False, text=False)},
                   guards=(*HANDLING, has_party, within_yearly_cap, code_scanned_valid, repeat_not_refused),
                   effect=start_effect),
        Transition("record_inspection_result", S.INSPECTING, S.INSPECTED, "登记检查结果", roles=OFFICER,
                   params={**ON, "result": Param("检查结果", max_length=16),
                           "items": Param("检查事项", text=False),
                           "conclusion": Param("检查结论", max_length=2000),
                           "problems": Param("发现的问题", required=False, max_length=2000)},
                   guards=(*HANDLING, onsite_check_recorded, result_complete, G.review_passed), effect=result_effect),
        Transition("order_rectification", S.INSPECTED, S.RECTIFYING, "责令整改", roles=OFFICER,
                   params={**ON, "deadline": Param("整改期限", text=False),
                           "requirement": Param("整改要求", max_length=1000)},
                   guards=(G.actor_handles, problems_found, rectification_deadline_valid), effect=rectification_effect),
        Transition("verify_rectification", S.RECTIFYING, S.RECTIFIED, "整改复查", roles=OFFICER,
                   params={**ON, "note": Param("复查情况", max_length=1000)},
                   guards=HANDLING, effect=verify_effect, closes=(RECTIFICATION,)),
        Transition("hand_over_clue", (S.INSPECTED, S.RECTIFYING), S.HANDED_OVER, "移交立案查处", roles=OFFICER,
                   params={**ON, "cause": Param("案由", required=False, max_length=300)},
                   guards=(G.actor_handles, problems_found), effect=hand_over_effect),
        Transition("finish_inspection", (S.INSPECTED, S.RECTIFIED, S.HANDED_OVER), S.CLOSED, "检查办结",
                   roles=OFFICER, params=ON, guards=(G.actor_handles, result_dealt_with), effect=finish_effect),
        Transition("cancel_inspection", (S.PLANNED, S.NOTICE_SENT), S.CANCELLED, "取消检查", roles=HEAD,
                   params={**ON, "reason": Param("理由", max_length=500)},
                   guards=(G.actor_not_handler,), effect=cancel_effect),
    ],
))

TABLES = {"inspection_general": INSPECTION_GENERAL}


# ---- opening an inspection --------------------------------------------------------------------

def _number(agency, year: int) -> str:
    prefix = f"检〔{year}〕"
    taken = Case.objects.filter(agency=agency, kind=CaseKind.INSPECTION, number__startswith=prefix
                                ).values_list("number", flat=True)
    last = max((int(n[len(prefix):len(prefix) + 4]) for n in taken if n[len(prefix):len(prefix) + 4].isdigit()),
               default=0)
    return f"{prefix}{last + 1:04d}号"


@transaction.atomic
def do_create_inspection(agency, *, unit, source, cause, party, handlers, actor, planned_on=None,
                         category=CATEGORY, items=(), draw=None) -> Case:
    """登记行政检查: the inspection (计划/双随机/投诉举报/转办交办), the entity inspected and at least two
    inspectors holding a certificate for 行政检查 (never 辅助人员: 国办发〔2024〕54号) fixed in advance."""
    from .. import actions as C

    if draw is None and not C.may_act(actor, "open_case", agency):  # a draw's inspections: the draw's permission
        raise NotPermitted(f"只有“{agency.name}”的执法人员或科室负责人可以登记行政检查。")
    if unit is None or unit.agency_id != agency.pk:
        raise RuleViolation(f"承办机构须为{agency.name}的科室或所队。", field="unit")
    if category not in (agency.categories or []):
        raise RuleViolation(f"执法类别“{category}”不在{agency.name}的执法类别之中。", field="category")
    problem = G.opening_category_problem(CaseKind.INSPECTION, category)
    if problem:
        raise RuleViolation(problem, field="category")
    if source not in InspectionSource.values:
        raise RuleViolation(f"未知的检查来源“{source}”。", field="source")
    cause = C._text(cause, "检查事项", "cause", 300)
    if party is None or party.agency_id != agency.pk:
        raise RuleViolation(f"被检查对象须为{agency.name}登记的当事人。", field="party")
    today = timezone.localdate()
    planned = _date(planned_on, "planned_on", "计划检查日期") or today
    if planned > today + dt.timedelta(days=366):
        raise RuleViolation("计划检查日期不能晚于一年以后。", field="planned_on")
    since = min(planned, today)
    people = list(handlers or [])
    auxiliary = [p.name for p in people if getattr(p, "kind", None) == PersonKind.AUXILIARY]
    if auxiliary:
        raise RuleViolation(f"{'、'.join(auxiliary)}为执法辅助人员，不得实施行政检查（{CITATION_54}：严禁未取得执法证件的"
                            "执法辅助人员、网格员、临时工等人员实施行政检查）。", field="handlers")
    if len({p.pk for p in people}) < 2:
        raise RuleViolation("行政检查须由两名以上持有执法证件的执法人员实施，检查人员须事先确定。", field="handlers")
    case = Case(agency=agency, unit=unit, kind=CaseKind.INSPECTION, procedure=Procedure.GENERAL,
                source=CASE_SOURCE[source], cause=cause, category=category, status=S.PLANNED, clue_on=since,
                number=_number(agency, since.year), created_at=timezone.now())
    case.save()
    append_entry(action="create_inspection", actor=actor, obj=case,
                 payload={"number": case.number, "cause": cause, "source": source, "category": category,
                          "unit": unit.name, "planned_on": planned.isoformat()})
    inspection = Inspection(case=case, source=source, planned_on=planned, code=secrets.token_hex(8).upper(),
                            items=as_items(items), draw=draw)
    _record(inspection, actor, source=source, planned_on=planned, draw=draw.pk if draw else None)
    C._add_party(case, party, "", None, actor)
    for i, person in enumerate(people):
        C._assign(case, person, None, since, i == 0, actor)
    problems = G.handler_problems(case, since)
    if problems:
        raise RuleViolation(join_reasons(problems), reasons=problems, field="handlers")
    case.inspection_warnings = repeat_warnings(agency, party, planned, exclude_case=case)
    if case.inspection_warnings and _profile(agency, REPEAT_REFUSES, planned):
        raise RuleViolation("本机关规则配置规定重复检查预警时不得安排检查：" + join_reasons(case.inspection_warnings),
                            reasons=case.inspection_warnings, field="party")
    return case


# ---- 双随机: the random draw of objects and inspectors ----------------------------------------------

DRAW_METHOD = "sha256-rank-v1"


def _rank(seed: str, round_: str, ids) -> list[int]:
    """The ids ordered by SHA-256("seed:round:id") — anyone can repeat it with any SHA-256 tool."""
    return sorted(ids, key=lambda i: (hashlib.sha256(f"{seed}:{round_}:{i}".encode()).hexdigest(), i))


def draw_from(seed: str, party_pool, person_pool, objects: int, inspectors: int) -> list[dict]:
    """The draw for `seed`: the first `objects` entities of the seed's ranking, and for each the first
    `inspectors` officers of its own ranking (an officer may inspect several entities)."""
    chosen = _rank(seed, "objects", party_pool)[:objects]
    return [{"party": p, "people": sorted(_rank(seed, f"inspectors:{p}", person_pool)[:inspectors])} for p in chosen]


def replay_draw(draw: RandomDraw) -> bool:
    """Whether the recorded result is what the recorded seed and pools give."""
    return draw.method == DRAW_METHOD and draw_from(draw.seed, draw.party_pool, draw.person_pool, draw.objects_drawn,
                                                    draw.inspectors_each) == draw.result


DRAW_NOT_PERMITTED = "只有“{}”的科室负责人、单位领导或法制审核人员可以组织双随机抽取（抽取与实施检查的人员分离）。"


def may_draw(user, agency) -> bool:
    return can(user, "draw_random_inspections", agency) and not G.platform_admin_problem(agency, user)


def count_for_ratio(ratio, pool_size: int) -> int:
    """抽查比例 (percent of the list, rounded up: a ratio never draws nobody)."""
    try:
        ratio = float(ratio)
    except (TypeError, ValueError):
        raise RuleViolation(f"抽查比例“{ratio}”无效，应为 0 至 100 之间的百分数。", field="ratio") from None
    if not 0 < ratio <= 100:
        raise RuleViolation(f"抽查比例须大于 0 且不超过 100（现为 {ratio:g}）。", field="ratio")
    return max(1, -(-round(ratio * pool_size * 100) // 10000))


@transaction.atomic
def do_draw_random_inspections(agency, *, unit, cause, parties, actor, objects=None, ratio=None, people=None,
                               inspectors=2, planned_on=None, seed=None, category=CATEGORY, items=(),
                               plan=None) -> RandomDraw:
    """双随机抽取: draw `objects` entities (or `ratio` percent of them) from `parties` and, for each,
    `inspectors` officers from `people` (default: every officer of the agency qualified for 行政检查 on the
    day), by a recorded seed; then open one 双随机 inspection per entity. The draw is ledgered with its
    pools, so it can be repeated. Run by a head, a leader or the legal office, not by the inspectors."""
    from sanxiang.orgs.guards import can_enforce
    from sanxiang.orgs.models import Person

    if not may_draw(actor, agency):
        raise NotPermitted(DRAW_NOT_PERMITTED.format(agency.name))
    if unit is None or unit.agency_id != agency.pk:
        raise RuleViolation(f"承办机构须为{agency.name}的科室或所队。", field="unit")
    from .. import actions as C

    cause = C._text(cause, "抽查事项", "cause", 300)
    items = as_items(items)  # 检查事项清单: every inspection drawn checks these
    today = timezone.localdate()
    planned = _date(planned_on, "planned_on", "计划检查日期") or today
    day = min(planned, today)
    from .inspection_plan import draw_plan_problem

    if plan is not None and not hasattr(plan, "case"):
        from ..models import InspectionPlan

        plan = InspectionPlan.objects.select_related("case").filter(pk=plan).first()
        if plan is None:
            raise RuleViolation("未找到该年度抽查计划。", field="plan")
    problem = draw_plan_problem(agency, plan, today)
    if problem:
        raise RuleViolation(problem, field="plan")
    pool = sorted({p.pk for p in parties or []})
    if not pool:
        raise RuleViolation("须列出抽查对象名录（至少一个）。", field="parties")
    if any(p.agency_id != agency.pk for p in parties):
        raise RuleViolation(f"抽查对象须为{agency.name}登记的当事人。", field="parties")
    if objects in (None, "") and ratio not in (None, ""):
        objects = count_for_ratio(ratio, len(pool))
    try:
        objects, inspectors = int(objects), int(inspectors)
    except (TypeError, ValueError):
        raise RuleViolation("抽取数量须为整数（或填写抽查比例）。", field="objects") from None
    if not 1 <= objects <= len(pool):
        raise RuleViolation(f"抽取对象数须在 1 至 {len(pool)} 之间。", field="objects")
    if inspectors < 2:
        raise RuleViolation("每个对象须抽取两名以上检查人员。", field="inspectors")
    if people is None:
        people = [p for p in Person.objects.filter(agency=agency).exclude(kind=PersonKind.AUXILIARY)
                  if can_enforce(p, category, day).ok]
    people = list(people)
    unqualified = [p.name for p in people if p.agency_id != agency.pk or not can_enforce(p, category, day).ok]
    if unqualified:
        raise RuleViolation(f"{'、'.join(unqualified)}不具备{day:%Y-%m-%d}实施行政检查的资格，不能进入检查人员名录"
                            f"（{CITATION_54}：严禁执法辅助人员等实施行政检查）。", field="people")
    person_pool = sorted({p.pk for p in people})
    if len(person_pool) < inspectors:
        raise RuleViolation(f"具备资格的检查人员只有 {len(person_pool)} 名，不足每个对象 {inspectors} 名。", field="people")
    seed = (seed or secrets.token_hex(16)).strip()
    if not seed or len(seed) > 64:
        raise RuleViolation("随机种子须为 1 至 64 个字符。", field="seed")
    result = draw_from(seed, pool, person_pool, objects, inspectors)
    draw = RandomDraw.objects.create(agency=agency, unit=unit, cause=cause, drawn_on=today, seed=seed,
                                     method=DRAW_METHOD, party_pool=pool, person_pool=person_pool,
                                     objects_drawn=objects, inspectors_each=inspectors, result=result,
                                     created_at=timezone.now(), plan=plan)
    append_entry(action="draw_random_inspections", actor=actor, obj=draw,
                 payload={"seed": seed, "method": DRAW_METHOD, "party_pool": pool, "person_pool": person_pool,
                          "result": result, **({"plan": plan.case.number} if plan is not None else {})})
    by_id = {p.pk: p for p in parties}
    people_by_id = {p.pk: p for p in people}
    for row in result:
        do_create_inspection(agency, unit=unit, source=InspectionSource.RANDOM, cause=cause, party=by_id[row["party"]],
                             handlers=[people_by_id[i] for i in row["people"]], planned_on=planned,
                             category=category, actor=actor, draw=draw, items=items)
    return draw


# ---- the acts, by name ------------------------------------------------------------------------

def _move(case, action, *, actor, **params):
    from ..actions import move_case

    return move_case(case, action, actor=actor, **params)


def do_send_inspection_notice(case, *, actor, note="", on=None):
    """送达检查通知 (optional; 司法部行政检查文书: the notice states the frequency and discipline)."""
    return _move(case, "send_inspection_notice", actor=actor, note=note, on=on)


def do_start_inspection(case, *, actor, on=None, code_scanned=None):
    """实施检查: two qualified inspectors, within the enterprise's yearly cap; `code_scanned` records 扫码入企
    ("scanned" / "not_scanned"); repeated-inspection warnings go into the move's ledger entry."""
    return _move(case, "start_inspection", actor=actor, on=on, code_scanned=code_scanned)


def do_record_inspection_result(case, *, result, items, conclusion, actor, problems="", on=None):
    """登记检查结果 (after the on-site record): 未发现问题 or 发现问题, the items checked and the conclusion."""
    return _move(case, "record_inspection_result", actor=actor, result=result, items=items, conclusion=conclusion,
                 problems=problems, on=on)


def do_order_inspection_rectification(case, *, deadline, requirement, actor, on=None):
    """责令整改 by `deadline`: opens the deadline 责令整改期限."""
    return _move(case, "order_rectification", actor=actor, deadline=deadline, requirement=requirement, on=on)


def do_verify_inspection_rectification(case, *, note, actor, on=None):
    """整改复查: the rectification was checked and found done."""
    return _move(case, "verify_rectification", actor=actor, note=note, on=on)


def do_hand_over_inspection_clue(case, *, actor, cause="", on=None):
    """移交立案查处: returns the inspection; its `inspection.penalty_case` is the new penalty clue."""
    return _move(case, "hand_over_clue", actor=actor, cause=cause, on=on)


def do_finish_inspection(case, *, actor, on=None):
    return _move(case, "finish_inspection", actor=actor, on=on)


def do_cancel_inspection(case, *, reason, actor, on=None):
    return _move(case, "cancel_inspection", actor=actor, reason=reason, on=on)


# ---- reads: the party dossier (一户式) ------------------------------------------------------------

def dossier_inspections(party, user):
    """行政检查 section of a party's dossier: its inspections the reader may see, newest first, with the
    count per year (repeated inspections are visible to supervisors)."""
    found = list(restrict(Inspection.objects.select_related("case"), user)
                 .filter(case__case_parties__party=party).order_by("-planned_on", "-id")[:100])
    if not found:
        return None
    years: dict[int, int] = {}
    for ins in found:
        if ins.started_on:
            years[ins.started_on.year] = years.get(ins.started_on.year, 0) + 1
    latest = max((ins for ins in found if ins.case.status != S.CANCELLED and ins.started_on),
                 key=lambda ins: ins.started_on, default=None)
    warnings = inspection_warnings(latest) if latest else []
    return {"inspections": found, "years": sorted(years.items(), reverse=True), "warnings": warnings}


def _scanned_if_started(ins) -> bool | None:
    return (ins.code_scanned is True) if ins.started_on else None


def repeated_inspections(user, today: dt.date | None = None, limit: int = 50) -> list[dict]:
    """重复检查预警 for heads and supervisors: the entities, among the inspections the reader may see, whose
    latest inspection that took place (started in the last year; a planned one has not) draws a warning
    under their agency's profile."""
    today = today or timezone.localdate()
    found = (restrict(Inspection.objects.all(), user).exclude(case__status=S.CANCELLED)
             .filter(started_on__gte=today - dt.timedelta(days=366), started_on__lte=today)
             .select_related("case__agency").prefetch_related("case__case_parties__party"))
    by_party: dict[int, list] = {}
    parties = {}
    for ins in found:
        link = next(iter(ins.case.case_parties.all()), None)
        if link is not None:
            by_party.setdefault(link.party_id, []).append(ins)
            parties[link.party_id] = link.party
    rows = []
    for party_id, group in by_party.items():
        latest = max(group, key=_dated)
        others = [i for i in group if i is not latest]
        warnings = _warnings_from(latest.case.agency, parties[party_id], _dated(latest), others,
                                  _scanned_if_started(latest))
        if warnings:
            rows.append({"party": parties[party_id], "agency": latest.case.agency, "on": _dated(latest),
                         "warnings": warnings})
    return sorted(rows, key=lambda r: r["on"], reverse=True)[:limit]


# ---- demo -------------------------------------------------------------------------------------

def demo_inspection(loader) -> int:
    """Each agency's inspections of its demo parties, made by its officers through the acts: one planned (drawn
    by 双随机 from the agency's two demo parties),
    one in progress, one with a normal result, one with problems and an overdue rectification, one that
    became a penalty clue."""
    from .. import actions as C
    from ..demo import matters

    officer, second, user = loader.officer, loader.second, loader.officer_user
    about = matters(loader.agency)  # within the agency's competence
    made = []

    def new(source, cause, planned_ago):
        case = do_create_inspection(loader.agency, unit=loader.unit, source=source, cause=cause, party=loader.org,
                                    handlers=[officer, second], planned_on=loader.day(planned_ago), actor=user)
        made.append(case)
        return case

    def on_site(case, ago):
        numbers = [h.certificate.number for h in case.handlers.select_related("certificate")]
        act = C.do_record_onsite_act(case, place="企业经营场所", certificate_numbers=numbers,
                                     told_reason_basis_rights=True, video_recorded=False, date=loader.day(ago),
                                     actor=user)
        explain_unrecorded(case, f"onsite:{act.pk}", user)

    items = about["items"]
    from .inspection_plan import demo_plan, draw_plan_problem

    plan = demo_plan(loader, about)  # 年度抽查计划: adopted where no review is required (株洲: in draft)
    plan = plan if plan.case.status == S.PLAN_ADOPTED else None
    if draw_plan_problem(loader.agency, plan, loader.today) is None:
        draw = do_draw_random_inspections(loader.agency, unit=loader.unit, cause=about["draw"],
                                          parties=[loader.org, loader.person], objects=1, people=[officer, second],
                                          planned_on=loader.day(-10), seed=f"{loader.agency.code}-demo",
                                          actor=loader.head_user, plan=plan)
        made += [i.case for i in draw.inspections.all()]
    running = new("planned", about["planned"], 5)
    do_send_inspection_notice(running, note="电话通知企业负责人", on=loader.day(4), actor=user)
    do_start_inspection(running, on=loader.day(3), actor=user)
    on_site(running, 3)
    normal = new("random", about["random"], 25)
    do_start_inspection(normal, on=loader.day(24), actor=user)
    on_site(normal, 24)
    do_record_inspection_result(normal, result="normal", items=items, conclusion="未发现问题。", on=loader.day(24),
                                actor=user)
    do_finish_inspection(normal, on=loader.day(23), actor=user)
    overdue = new("complaint", about["complained"], 45)
    do_start_inspection(overdue, on=loader.day(44), actor=user)
    on_site(overdue, 44)
    do_record_inspection_result(overdue, result="problems", items=items, conclusion="发现问题，责令限期整改。",
                                problems=about["problems"], on=loader.day(44), actor=user)
    do_order_inspection_rectification(overdue, deadline=loader.day(14), requirement=about["requirement"],
                                      on=loader.day(44), actor=user)
    clue = new("referral", about["referral"], 30)
    do_start_inspection(clue, on=loader.day(29), actor=user)
    on_site(clue, 29)
    do_record_inspection_result(clue, result="problems", items=items, conclusion="发现涉嫌违法行为，移交立案查处。",
                                problems=about["found"], on=loader.day(29), actor=user)
    do_hand_over_inspection_clue(clue, cause=about["clue"], on=loader.day(28), actor=user)
    return len(made)


def explain_unrecorded(case, ref, actor, reason="检查现场未配备执法记录仪，已制作现场检查笔录并由当事人签字确认。"):
    """Demo: the handler's reason for a recommended act (宜音像记录) left unrecorded, as closing asks."""
    from sanxiang.records import catalogue
    from sanxiang.records import evidence as E

    if any(m.occurrence.ref == ref and m.needs_reason for m in catalogue.missing_recordings(case)):
        E.do_explain_missing_recording(case, ref, reason=reason, actor=actor)
