"""年度双随机抽查计划 (the annual 双随机、一公开 plan): its table `inspection_plan_general`, its `do_*` actions
and the rule that a 双随机 draw carries out an adopted plan where the agency's profile requires one.

A plan is a `Case` of kind `inspection_plan` with an `InspectionPlan` row (year, items), as an inspection
is a case with an `Inspection` row: so its legal review — 株洲 二（三）2.明确审核范围 4）C “双随机、一公开”年度
计划 — is the case's review like any other decision's (`review_gate.proposal_of` gives the plan's proposal,
kind `inspection_plan`, with the plan's year and a digest of its items), and adopting it asks the one gate
(`guards.review_passed`): where the catalogue requires review, or a round was submitted and not withdrawn,
the plan is adopted only as the agreed round's plan (decision 0058).

Items carry the fields the publicity issue publishes (issue 10 §1: 主体、依据、对象、内容、比例、方式、频次);
publishing an adopted plan (株洲: “每年3月份前制定并公开”) is the publicity work's later state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .. import guards as G
from ..models import Case, CaseKind, CaseStatus, InspectionPlan, Procedure

S = CaseStatus
KIND = CaseKind.INSPECTION_PLAN.value
REQUIRED = "cases.random_inspection_plan_required"
DUE = "cases.random_inspection_plan_due"
# 随机抽查事项的公示字段 (issue 10 §1; 003 三（一）2.、002 二（一）（2）): key, label, max length.
PLAN_FIELDS = (("subject", "抽查主体", 200), ("basis", "抽查依据", 500), ("objects", "抽查对象", 300),
               ("content", "抽查内容", 500), ("ratio", "抽查比例", 50), ("method", "抽查方式", 100),
               ("frequency", "抽查频次", 50))
FIELD_LABELS = {key: label for key, label, _ in PLAN_FIELDS}

register_actions({
    "create_inspection_plan": "起草年度抽查计划",
    "edit_inspection_plan": "修改年度抽查计划",
    "record_inspection_plan_adoption": "登记年度抽查计划通过",
})


# ---- inputs and the proposal --------------------------------------------------------------------

def as_plan_items(value) -> list[dict]:
    """The plan's items: a list of {subject, basis, objects, content, ratio, method, frequency}, every field
    filled; or text, one item a line, the seven fields separated by “|”. Refused naming the item and field."""
    if isinstance(value, str):
        rows = []
        for line in value.replace("\r\n", "\n").split("\n"):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.replace("｜", "|").split("|")]
            if len(cells) != len(PLAN_FIELDS):
                raise RuleViolation(f"第{len(rows) + 1}项应有 {len(PLAN_FIELDS)} 栏（"
                                    f"{'|'.join(FIELD_LABELS.values())}），现为 {len(cells)} 栏。", field="items")
            rows.append(dict(zip(FIELD_LABELS, cells)))
        value = rows
    if not isinstance(value, (list, tuple)):
        raise RuleViolation("抽查事项应为列表。", field="items")
    if not value:
        raise RuleViolation("年度抽查计划至少列一项抽查事项。", field="items")
    if len(value) > 100:
        raise RuleViolation("抽查事项过多（最多 100 项）。", field="items")
    items = []
    for n, row in enumerate(value, 1):
        if not isinstance(row, dict):
            raise RuleViolation(f"第{n}项抽查事项格式不对。", field="items")
        unknown = sorted(set(row) - set(FIELD_LABELS))
        if unknown:
            raise RuleViolation(f"第{n}项抽查事项有未知的栏目：{'、'.join(unknown)}。", field="items")
        item = {}
        for key, label, length in PLAN_FIELDS:
            text = row.get(key)
            text = text.strip() if isinstance(text, str) else ""
            if not text:
                raise RuleViolation(f"第{n}项抽查事项的“{label}”不能为空。", field="items")
            if len(text) > length:
                raise RuleViolation(f"第{n}项抽查事项的“{label}”过长（最多 {length} 字）。", field="items")
            item[key] = text
        items.append(item)
    return items


def plan_of(plan: InspectionPlan) -> dict:
    """The plan as its review names it: id, year and the SHA-256 of its items (canonical JSON). A review
    of one version of the items is not a review of another."""
    digest = hashlib.sha256(json.dumps(plan.items, ensure_ascii=False, sort_keys=True,
                                       separators=(",", ":")).encode()).hexdigest()
    return {"id": plan.pk, "year": plan.year, "items": digest}


def plan_required(agency, on: dt.date) -> bool:
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    return bool(profile_value(profile_key_of(agency), REQUIRED, on))


def plan_due(agency, year: int) -> dt.date | None:
    """The day before which the year's plan is to be made (株洲: 3月份前), or None."""
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    value = profile_value(profile_key_of(agency), DUE, dt.date(year, 1, 1))
    if not value:
        return None
    month, day = (int(x) for x in str(value).split("-"))
    return dt.date(year, month, day)


def draw_plan_problem(agency, plan, day: dt.date) -> str | None:
    """Why a 双随机 draw on `day` may not carry out `plan` (None: it may): where the profile requires a
    plan, an adopted plan of the agency for the draw's year; a plan named is always checked."""
    if plan is None:
        if not plan_required(agency, day):
            return None
        return (f"{agency.name}的双随机抽查须依据已通过的{day.year}年度抽查计划（本机关规则配置，"
                "“双随机、一公开”年度计划须经法制审核），请选择计划。")
    if plan.case.agency_id != agency.pk:
        return f"该抽查计划不是{agency.name}的计划。"
    if plan.case.status != S.PLAN_ADOPTED:
        return f"抽查计划“{plan.title}”当前为“{plan.case.status_label}”，通过后方可据以抽取。"
    if plan.year != day.year:
        return f"抽查计划“{plan.title}”是{plan.year}年度的计划，不能用于{day.year}年的抽取。"
    return None


def adopted_plans(agency, year: int | None = None):
    found = InspectionPlan.objects.filter(case__agency=agency, case__status=S.PLAN_ADOPTED).select_related("case")
    return found.filter(year=year) if year is not None else found


# ---- guards and effects of the table ---------------------------------------------------------------

def plan_has_items(case, actor, **params):
    """计划列有抽查事项"""
    return None if case.inspection_plan.items else "年度抽查计划尚未列出抽查事项。"


def review_is_required(case, actor, on=None, **params):
    """本机关法制审核目录清单要求审核该计划（否则无需送审，可直接通过）"""
    from ..review_gate import proposal_of, review_required

    required, _ = review_required(case, proposal_of(case), on=G._day(on))
    return None if required else f"{case.agency.name}的法制审核目录清单不要求审核年度抽查计划，无需送审，可直接通过。"


def review_not_open(case, actor, **params):
    """计划的法制审核不在进行中（已退回、已撤回或已有意见）"""
    from sanxiang.review.procedure import OPEN_ROUND, latest_round_of

    latest = latest_round_of(case, KIND)
    if latest is not None and latest.status in OPEN_ROUND:
        return (f"计划正在法制审核中（第{latest.number}轮，{latest.get_status_display()}），"
                "须由科室负责人或单位领导撤回送审后方可修改。")
    return None


def submit_effect(case, actor, on=None, materials=None, note="", **params):
    from sanxiang.review.procedure import do_submit_review

    rnd = do_submit_review(case, materials=materials or {}, kind=KIND, note=note or "", actor=actor, on=on)
    return {"round": rnd.number}


def adopt_effect(case, actor, on=None, **params):
    plan = InspectionPlan.objects.select_for_update().get(case=case)
    day = G._day(on)
    plan.adopted_on, plan.adopted_by_name = day, (getattr(actor, "name", "") or actor.get_username())
    plan.save()
    append_entry(action="record_inspection_plan_adoption", actor=actor, obj=plan,
                 payload={"case": case.number, "adopted_on": day.isoformat(), "by": plan.adopted_by_name})
    due = plan_due(case.agency, plan.year)
    return {"adopted_on": day.isoformat(), "late": bool(due and day >= due)}


ON = {"on": Param("日期", required=False, text=False)}
WORKERS = (Role.OFFICER, Role.UNIT_HEAD)

INSPECTION_PLAN_GENERAL = register(Table(
    name="inspection_plan_general", label="年度抽查计划", model=Case, state_field="status",
    states={s.value: s.label for s in (S.PLAN_DRAFT, S.PLAN_SUBMITTED, S.PLAN_ADOPTED)}, initial=S.PLAN_DRAFT,
    subject=lambda case: f"年度抽查计划 {case.number}" if case.number else "该年度抽查计划",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("submit_inspection_plan", S.PLAN_DRAFT, S.PLAN_SUBMITTED, "送法制审核", roles=WORKERS,
                   params={**ON, "materials": Param("送审材料", text=False),
                           "note": Param("送审说明", required=False, max_length=1000)},
                   guards=(plan_has_items, review_is_required), effect=submit_effect),
        Transition("revise_inspection_plan", S.PLAN_SUBMITTED, S.PLAN_DRAFT, "退回修改", roles=WORKERS,
                   params=ON, guards=(review_not_open,)),
        Transition("adopt_inspection_plan", (S.PLAN_DRAFT, S.PLAN_SUBMITTED), S.PLAN_ADOPTED, "通过计划",
                   roles=(Role.AGENCY_LEADER,), params=ON, guards=(plan_has_items, G.review_passed),
                   effect=adopt_effect),
    ],
))

TABLES = {"inspection_plan_general": INSPECTION_PLAN_GENERAL}


# ---- the acts ------------------------------------------------------------------------------------------

def _number(agency, year: int) -> str:
    prefix = f"抽查计划〔{year}〕"
    taken = Case.objects.filter(agency=agency, kind=KIND, number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise RuleViolation(f"计划年度“{value}”无效。", field="year") from None
    today = timezone.localdate()
    if not today.year - 1 <= year <= today.year + 1:
        raise RuleViolation(f"计划年度须为 {today.year - 1} 至 {today.year + 1} 年。", field="year")
    return year


def _guard(agency, title: str, items: list[dict]):
    """The title and items as `/gk/<a>/jihua/` publishes them under the agency's name once adopted (decision 0101,
    s25 defects10d #3): no 公示查询码 in any written form, no 公民身份号码 or 银行卡号 — refused naming the field."""
    from sanxiang.publicity.public_text import agency_published_content

    agency_published_content([("计划名称", title, "title")] + [
        (f"第{n}项抽查事项的“{label}”", item.get(key, ""), "items")
        for n, item in enumerate(items, 1) for key, label, _ in PLAN_FIELDS], agency)


@transaction.atomic
def do_create_inspection_plan(agency, *, unit, year, items, actor, title: str = "") -> InspectionPlan:
    """起草年度抽查计划 — a unit's plan for `year`, in draft (起草中), with its items."""
    from .. import actions as C

    if not can(actor, "manage_inspection_plans", agency):
        raise NotPermitted(f"只有“{agency.name}”的执法人员或科室负责人可以起草年度抽查计划。")
    if unit is None or unit.agency_id != agency.pk:
        raise RuleViolation(f"制定科室须为{agency.name}的科室或所队。", field="unit")
    year = _year(year)
    title = C._text(title or f"{year}年度“双随机、一公开”抽查计划（{unit.name}）", "计划名称", "title", 200)
    items = as_plan_items(items)
    _guard(agency, title, items)
    case = Case(agency=agency, unit=unit, kind=KIND, procedure=Procedure.GENERAL, source="other", cause=title,
                category=CaseKind.INSPECTION_PLAN.label, status=S.PLAN_DRAFT, clue_on=timezone.localdate(),
                number=_number(agency, year), created_at=timezone.now())
    case.save()
    append_entry(action="create_inspection_plan", actor=actor, obj=case,
                 payload={"number": case.number, "year": year, "unit": unit.name})
    plan = InspectionPlan.objects.create(case=case, year=year, title=title, items=items)
    append_entry(action="create_inspection_plan", actor=actor, obj=plan,
                 payload={"case": case.number, "year": year, "items": items})
    return plan


@transaction.atomic
def do_edit_inspection_plan(plan, *, items, actor, title: str | None = None) -> InspectionPlan:
    """修改年度抽查计划 — only while in draft (a plan under review changes after 退回修改)."""
    from .. import actions as C

    plan = InspectionPlan.objects.select_related("case", "case__agency").select_for_update(of=("self",)).get(
        pk=plan.pk)
    if not can(actor, "change", plan):
        raise NotPermitted("只有制定科室的执法人员或科室负责人可以修改年度抽查计划。")
    if plan.case.status != S.PLAN_DRAFT:
        raise RuleViolation(f"计划当前为“{plan.case.status_label}”，起草中方可修改"
                            "（已送审的计划须先退回修改）。", field="status")
    plan.items = as_plan_items(items)
    if title is not None:
        plan.title = C._text(title, "计划名称", "title", 200)
    _guard(plan.case.agency, plan.title, plan.items)
    plan.save()
    append_entry(action="edit_inspection_plan", actor=actor, obj=plan,
                 payload={"case": plan.case.number, "title": plan.title, "items": plan.items})
    return plan


def _move(plan, action, *, actor, **params):
    from .. import actions as C

    C.move_case(plan.case, action, actor=actor, **params)
    plan.refresh_from_db()
    plan.case.refresh_from_db()
    return plan


def do_submit_inspection_plan(plan, *, materials, actor, note="", on=None):
    """送法制审核 — a new round of the plan's review (the catalogue must require one)."""
    return _move(plan, "submit_inspection_plan", actor=actor, materials=materials, note=note, on=on)


def do_revise_inspection_plan(plan, *, actor, on=None):
    """退回修改 — after a return or a withdrawal the plan is in draft again."""
    return _move(plan, "revise_inspection_plan", actor=actor, on=on)


def do_adopt_inspection_plan(plan, *, actor, on=None):
    """通过计划 — by a leader; where review is required (or was submitted), only as the agreed plan."""
    return _move(plan, "adopt_inspection_plan", actor=actor, on=on)


# ---- the kind's module hooks (cases/actions.KIND_MODULES) -----------------------------------------------

def opening_problem(agency, kind, source):
    return "年度抽查计划在“年度抽查计划”页起草，不作为案件登记。"


def opened(case, *, actor):
    return None


def clean(case, action, params):
    return params


def consequences(case, action, *, actor, on, params):
    return None


# ---- demo --------------------------------------------------------------------------------------------------

def demo_plan(loader, about) -> InspectionPlan:
    """The agency's plan for this year, drafted by its officer: adopted by its leader where the catalogue
    requires no review; where it does (株洲: 审核表 through 局长审批), reviewed first — submitted, agreed, the
    审核表's six steps signed by the unit's head, its 分管领导, the reviewer, the legal office's head, the
    分管法制的局领导 and the 局长 (another leader: one person signs one step, decision 0067) — and then
    adopted by the 局长, so the demo's 双随机 draw carries it out (decision 0075)."""
    from sanxiang.orgs.models import Person

    year = loader.today.year
    found = InspectionPlan.objects.filter(case__agency=loader.agency, year=year).first()
    if found is not None:
        return found
    categories = set(loader.agency.categories or [])
    basis = ("《劳动保障监察条例》第十五条" if "劳动保障监察" in categories
             else "《单用途商业预付卡管理办法（试行）》第三十六条" if "商务执法" in categories
             else "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）")
    item = {"subject": loader.agency.name, "basis": basis, "objects": "辖区内登记的市场主体（名录库）",
            "content": about["draw"], "ratio": "5%", "method": "双随机抽取，现场检查", "frequency": "每年一次"}
    plan = do_create_inspection_plan(loader.agency, unit=loader.unit, year=year, items=[item],
                                     actor=loader.officer_user)
    from ..review_gate import proposal_of, review_required

    if not review_required(plan.case, proposal_of(plan.case))[0]:
        leader = Person.objects.filter(agency=loader.agency, user__username__endswith="-leader").first()
        if leader is not None:
            plan = do_adopt_inspection_plan(plan, actor=leader.user)
        return plan
    director = _demo_review_plan(loader, plan)
    if director is not None:
        plan = do_adopt_inspection_plan(plan, actor=director, on=loader.day(0))
    return plan


def _demo_review_plan(loader, plan):
    """The plan's review in the demo, through the acts: submitted with the track's materials, taken and agreed
    by the agency's reviewer, the 签批 chain signed; the leader who signed 局长审批 (None: the chain cannot be
    completed by the demo's people — the plan stays submitted)."""
    from sanxiang.orgs.models import Role, RoleAssignment
    from sanxiang.review.flow import chain_state, do_sign_off, repeated_signer_problem, signer_problem
    from sanxiang.review.procedure import (
        do_assign_reviewer,
        do_record_checklist,
        do_record_pass_or_return,
        track_of_case,
    )
    from sanxiang.review.testing import all_points

    day = loader.day(0)  # the plan was drafted today (its 发现线索之日): every step of its review is today's
    track = track_of_case(plan.case, KIND, day)
    materials = {m.code: ("not_applicable" if m.optional else "provided") for m in track.materials}
    plan = do_submit_inspection_plan(plan, materials=materials, note="年度抽查计划（草案），请予审核。",
                                     actor=loader.officer_user, on=day)
    from sanxiang.review.procedure import latest_round_of

    rnd = latest_round_of(plan.case, KIND)
    rnd = do_assign_reviewer(rnd, reviewer=loader.reviewer_user, actor=loader.reviewer_user, on=day)
    do_record_checklist(rnd, points=all_points(), actor=loader.reviewer_user)
    rnd = do_record_pass_or_return(rnd, opinion="pass", note="计划的检查事项、依据、比例和方式合法，同意。",
                                   actor=loader.reviewer_user, on=day)
    people = [loader.head_user, loader.reviewer_user]
    people += [ra.user for ra in RoleAssignment.objects.filter(agency=loader.agency, active=True,
                                                               role__in=(Role.UNIT_HEAD, Role.AGENCY_LEADER))
               .select_related("user").order_by("id")]
    director = None
    for step in chain_state(rnd):
        if step["signoff"] is not None:
            continue
        on = day
        state = chain_state(rnd)
        who = next((u for u in dict.fromkeys(people) if signer_problem(step, rnd, u, on) is None
                    and repeated_signer_problem(rnd, state, u, step) is None), None)
        if who is None:
            return None
        do_sign_off(rnd, step["code"], approved=True, opinion="同意。", on=on, actor=who)
        rnd.refresh_from_db()
        director = who
    return director
