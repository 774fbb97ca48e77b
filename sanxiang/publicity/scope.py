"""公示范围与期限 — which decisions open a publication obligation, by when, and how long they show.

All from the agency's profile on the decision's day (docs/publicity.md, "Obligations"):

- the kind's label (处罚, 许可, 强制 …) in `publicity.short_deadline_kinds` → `publicity.decision_deadline_short`
  (7 working days), any other decision → `publicity.decision_deadline_other` (20 working days);
- a 双随机 inspection with a normal result → `publicity.random_inspection.normal_result_deadline` from
  the inspection's end where the profile sets one, under the entity's name;
- `publicity.penalty_scope = "samr_general_procedure"` (总局令第45号第2条): penalties by the simplified
  procedure and warning-only penalties open none;
- a 不予行政处罚决定 follows `publicity.no_penalty_decision` (decision 0079: "other" — an enforcement
  decision, not a penalty — "short", or "none"), for the market regulators too: 总局令第45号 governs
  行政处罚信息 and does not exempt the other enforcement decisions their plans publish;
- the display period (`publicity.display_period`, `publicity.display_period_low` for 通报批评 or a fine
  below `publicity.low_fine_below` only; a 不予行政处罚决定 `publicity.no_penalty_display_period`, decision 0098)
  and the "may take down" prompt (`publicity.takedown.after`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

KIND_LABELS = {
    "penalty": "处罚", "licence": "许可", "coercion": "强制", "inspection": "检查",
    "confirmation": "确认", "adjudication": "裁决", "labour_inspection": "监察",
}


def kind_name(label: str) -> str:
    """The public name of a kind label: 行政处罚, 行政许可 …, and 劳动保障监察 (not 行政监察, another institution)."""
    return "劳动保障监察" if label == "监察" else f"行政{label}"


def decision_name(kind_label: str, decision_label: str = "") -> str:
    """What a published decision is called: 「行政处罚决定」, 「行政许可决定」 … — and 「不予行政处罚决定」 for one
    imposing no penalty (its decision label says so; decision 0098), never 「行政处罚决定」."""
    if "不予行政处罚" in (decision_label or ""):
        return "不予行政处罚决定"
    return f"{kind_name(kind_label)}决定"


SHORT, OTHER = "publicity.decision_deadline_short", "publicity.decision_deadline_other"
RANDOM_NORMAL = "publicity.random_inspection.normal_result_deadline"
NO_PENALTY = "publicity.no_penalty_decision"
LOW_PENALTIES = {"criticism", "fine"}  # 总局令第45号第13条: 通报批评 or 较低数额罚款 only (警告 is not published)


@dataclass(frozen=True)
class Scope:
    """The obligation a decision opens: the profile value giving its period, with the citation."""

    rule: str
    count: int
    unit: str
    start: dt.date
    citation: str
    subject: str
    note: str
    low_display: bool


def _profile(agency):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(agency))


def parties_of(case) -> list:
    return [cp.party for cp in case.case_parties.select_related("party").order_by("id")]


def subject_of(case) -> str:
    """公示对象: the parties' names as registered (a natural person's name is masked in the fields)."""
    names = [p.name for p in parties_of(case)]
    return "、".join(names) or case.cause


def low_fine(case, on: dt.date) -> tuple[bool, str]:
    """仅通报批评或较低数额罚款 (总局令第45号第13条): (low?, why) under the profile on the decision day."""
    from sanxiang.cases.rules import party_kind

    penalties = set(case.decided_penalties or []) - {"warning"}
    if not penalties or not penalties <= LOW_PENALTIES:
        return False, ""
    if "fine" not in penalties:
        return True, "仅通报批评"
    profile = _profile(case.agency)
    below = profile.value("publicity.low_fine_below", on=on)
    if below is None:
        return False, "本省较低数额罚款标准未配置，按三年公示期"
    limit = Decimal(str(below[party_kind(case)]))
    fine = case.decided_fine or Decimal(0)
    if fine < limit:
        return True, f"罚款{fine:,.0f}元低于较低数额罚款标准{limit:,.0f}元"
    return False, ""


def scope_of(decision) -> Scope | None:
    """The obligation `decision` (cases.decisions.Decision) opens, or None when the profile puts it out of scope."""
    case, on = decision.case, decision.on
    profile = _profile(case.agency)
    label = KIND_LABELS.get(decision.kind, decision.kind)
    subject, notes, low = subject_of(case), [], False
    no_penalty = decision.action == "decide_no_penalty"
    if decision.kind == "coercion" and getattr(decision.obj, "kind", "") == "preservation":
        # 先行登记保存 is the evidence measure of 行政处罚法 第五十六条, not among 行政强制法 第九条's 行政强制措施 (限制人身
        # 自由、查封、扣押、冻结…): no 行政强制 decision to publish, as the annual report does not count it (decision 0103).
        # Its 查封、扣押 (`seal_or_seize`) is the NEW measure's decision (cases.decisions.decision_made), published as any other.
        return None
    if decision.kind == "penalty":
        scope = profile.value("publicity.penalty_scope", on=on)
        if no_penalty:
            # 不予行政处罚决定 (decision 0079): an enforcement decision imposing no penalty, by the profile
            entry = profile.entry(NO_PENALTY, on=on)
            if entry.value == "none":
                return None
            rule = SHORT if entry.value == "short" else OTHER
            period = profile.entry(rule, on=on)
            return Scope(rule, period.value["count"], period.value["unit"], on,
                         f"{profile.cite(entry)}；{profile.cite(period)}", subject,
                         "不予行政处罚决定：" + ("适用处罚决定的短时限" if rule == SHORT else "按其他执法决定"), False)
        if scope == "samr_general_procedure":
            if case.procedure != "general":
                return None  # 总局令第45号第2条: 普通程序 only
            if set(case.decided_penalties or []) <= {"warning"}:
                return None  # 仅受到警告 are not published
            low, why = low_fine(case, on)
            if why:
                notes.append(why)
    if decision.kind == "inspection":
        inspection = getattr(case, "inspection", None)
        if inspection is not None and inspection.source == "random" and inspection.result == "normal":
            if profile.value(RANDOM_NORMAL, on=on) is not None:
                entry = profile.entry(RANDOM_NORMAL, on=on)
                value = entry.value
                notes.insert(0, "双随机抽查结果正常：自抽查结束之日起计算，归于市场主体名下")
                return Scope(RANDOM_NORMAL, value["count"], value["unit"], inspection.ended_on or on,
                             profile.cite(entry), subject, "；".join(notes), False)
    kinds = profile.value("publicity.short_deadline_kinds", on=on) or []
    rule = SHORT if label in kinds else OTHER
    entry = profile.entry(rule, on=on)
    notes.insert(0, f"{label}决定：{'适用短时限' if rule == SHORT else '其他执法决定'}")
    return Scope(rule, entry.value["count"], entry.value["unit"], on, profile.cite(entry), subject,
                 "；".join(notes), low)


def display_until(obligation, published_on: dt.date, *, serious: bool = False) -> tuple[dt.date | None, dt.date | None]:
    """(公示期满日, 可撤下提示日) from the first publication: the profile's display period (short for
    通报批评 and low fines) and its "may take down after" period, each None where it sets none. A penalty
    that concerns 严重失信行为 (`serious`, the version's) counts `publicity.takedown.serious_dishonesty_after`
    instead where the profile sets it (乌鲁木齐: 3 years; decision 0087).

    A display period is not the time limit of an act: no rule the profiles cite (总局令第45号第十三条, the
    Urumqi plan) moves its end off a weekend or holiday, and moving it keeps personal data public for
    longer — so a period in months or days ends on its day as counted (decision 0080). Only a period
    counted in working days (none today) goes through the deadline engine."""
    from sanxiang.deadlines.engine import add_months, compute_due
    from sanxiang.deadlines.queries import get_calendar

    profile = _profile(obligation.agency)
    on = obligation.decided_on

    def after(name):
        value = profile.value(name, on=on)
        if value is None:
            return None
        count, unit = int(value["count"]), value["unit"]
        if unit == "months":
            return add_months(published_on, count)
        if unit == "days":
            return published_on + dt.timedelta(days=count)
        return compute_due(published_on, count, unit, calendar=get_calendar()).due

    if getattr(obligation, "no_penalty", False):  # no 行政处罚信息: not 45号第十三条's periods (decision 0098)
        expires = after("publicity.no_penalty_display_period")
    else:
        expires = after("publicity.display_period_low" if obligation.low_display else "publicity.display_period")
        if obligation.low_display and expires is None:
            expires = after("publicity.display_period")
    prompt = None if profile.value("publicity.takedown.mandatory", on=on) else after("publicity.takedown.after")
    if prompt is not None and serious and obligation.penalty_information:
        prompt = after("publicity.takedown.serious_dishonesty_after") or prompt
    if prompt and expires and prompt >= expires:
        prompt = None
    return expires, prompt
