"""The vocabulary of a proposed decision (issue 9 §1, PROPOSAL.json) and of catalogue rules.

Pure data shapes (pydantic, strict: unknown fields and values are refused) and the matching of a
rule's condition against a proposal. No database here: the CLI evaluates a profile's catalogue
with it, and the profile files validate their rules with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

Kind = Literal["penalty", "licence", "coercion", "inspection", "confirmation", "adjudication", "inspection_plan",
               "labour_inspection"]
ProcedureName = Literal["general", "simplified"]
PartyKind = Literal["person", "individual_business", "org"]
Penalty = Literal["warning", "criticism", "fine", "confiscation", "confiscate_income", "confiscate_property",
                  "suspension", "downgrade", "revocation", "restriction", "production_suspension", "closure",
                  "practice_restriction", "detention", "other"]
Hearing = Literal["none", "requested", "held"]
# 不予行政处罚的情形 (cases.models.NoPenaltyGround; 行政处罚法 第三十条、第三十一条、第三十三条、第五十七条).
NoPenaltyGround = Literal["minor", "first_offence", "no_fault", "under_fourteen", "incapable", "not_established"]
# 决定事项: a decision within a kind other than its main one (行政许可法 第四十九条、第五十条、第六十九条、
# 第七十条; 行政强制法 第二十七条、第二十八条). A proposal without it is the kind's main decision.
Decision = Literal["change", "extension", "revocation", "deregistration", "disposal"]
Flag = Literal["complex", "public_interest", "social_risk", "third_party_rights", "party_major_impact",
               "changes_decision", "below_benchmark", "above_benchmark", "other_statutory"]
# 执法层级: the level of government the agency belongs to (its profile's `other.enforcement_level`).
Level = Literal["province", "city", "county", "township"]
# 执法领域: the agency's own field names (e.g. 市场监督管理, 劳动保障监察), as cases and agencies hold them.
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]

CONFISCATIONS = {"confiscate_income", "confiscate_property"}
# 行政处罚法 第五十一条: only these may be imposed on the spot (简易程序), within the fine ceiling.
SIMPLIFIED_PENALTIES = {"warning", "fine"}

FIELD_LABELS = {
    "kind": "执法类别", "procedure": "程序", "party_kind": "当事人类别", "penalties": "处罚种类", "fine": "罚款数额",
    "confiscation_value": "没收金额", "hearing": "听证", "flags": "情形", "level": "执法层级", "field": "执法领域",
    "decision": "决定事项", "decisions": "决定事项", "no_penalty_ground": "不予行政处罚的情形",
    "measure": "行政强制措施", "plan": "年度抽查计划",
    "kinds": "执法类别", "procedures": "程序", "party_kinds": "当事人类别", "penalties_any": "处罚种类",
    "fine_at_least": "罚款数额下限", "confiscation_at_least": "没收金额下限", "hearing_in": "听证",
    "flags_any": "情形", "levels": "执法层级", "fields": "执法领域", "key": "规则代码", "label": "规则名称", "citation": "依据", "condition": "条件",
    "person": "自然人金额", "org": "法人或其他组织金额",
}


class ShapeError(ValueError):
    """A proposal or a rule that does not fit its shape; `message` is for people."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Money = Decimal | int


class Proposal(_Strict):
    """拟作出的决定: what the catalogue is asked about (PROPOSAL.json of issue 9 §1)."""

    kind: Kind
    decision: Decision | None = None
    procedure: ProcedureName | None = None
    party_kind: PartyKind | None = None
    penalties: tuple[Penalty, ...] = ()
    fine: Decimal = Field(default=Decimal(0), ge=0)
    confiscation_value: Decimal = Field(default=Decimal(0), ge=0)
    hearing: Hearing = "none"
    flags: tuple[Flag, ...] = ()
    level: Level | None = None
    field: FieldName | None = None
    # 行政强制: the measure the decision is about (`cases.review_gate.measure_of`); no condition reads it.
    measure: dict | None = None
    # 年度抽查计划: the plan reviewed (`cases.kinds.inspection_plan.plan_of`); no condition reads it.
    plan: dict | None = None
    # 拟不予行政处罚: the ground, with no penalties (decision 0075); conditions read the kind and procedure.
    no_penalty_ground: NoPenaltyGround | None = None

    @model_validator(mode="after")
    def no_penalty_without_penalties(self):
        if self.no_penalty_ground is not None and (self.kind != "penalty" or self.penalties or self.fine
                                                   or self.confiscation_value):
            raise ValueError("拟不予行政处罚的决定只能是行政处罚类别，且不能同时含处罚种类或金额")
        return self


class Amounts(_Strict):
    """按当事人类别的金额 (元): natural persons (individual businesses too) and organisations."""

    person: int = Field(ge=0)
    org: int = Field(ge=0)

    def for_party(self, party_kind: str | None) -> int:
        return self.org if party_kind == "org" else self.person


class Condition(_Strict):
    """审核情形的条件: every part given must hold (within a list, any one value will do)."""

    kinds: tuple[Kind, ...] = ()
    decisions: tuple[Decision, ...] = ()
    procedures: tuple[ProcedureName, ...] = ()
    party_kinds: tuple[PartyKind, ...] = ()
    penalties_any: tuple[Penalty, ...] = ()
    fine_at_least: Amounts | None = None
    confiscation_at_least: Amounts | None = None
    hearing_in: tuple[Hearing, ...] = ()
    flags_any: tuple[Flag, ...] = ()
    levels: tuple[Level, ...] = ()
    fields: tuple[FieldName, ...] = ()

    @model_validator(mode="after")
    def says_something(self):
        if not any(getattr(self, name) for name in type(self).model_fields):
            raise ValueError("条件不能为空（空条件会使所有决定都须审核）")
        return self

    def matches(self, p: Proposal, procedure: str) -> bool:
        penalties = set(p.penalties) | ({"confiscation"} if CONFISCATIONS & set(p.penalties) else set())
        return all((
            not self.kinds or p.kind in self.kinds,
            not self.decisions or p.decision in self.decisions,
            not self.procedures or procedure in self.procedures,
            not self.party_kinds or p.party_kind in self.party_kinds,
            not self.penalties_any or bool(penalties & set(self.penalties_any)),
            self.fine_at_least is None or (p.fine > 0 and p.fine >= self.fine_at_least.for_party(p.party_kind)),
            self.confiscation_at_least is None or (
                p.confiscation_value > 0
                and p.confiscation_value >= self.confiscation_at_least.for_party(p.party_kind)),
            not self.hearing_in or p.hearing in self.hearing_in,
            not self.flags_any or bool(set(p.flags) & set(self.flags_any)),
            not self.levels or p.level in self.levels,
            not self.fields or p.field in self.fields,
        ))


class Rule(_Strict):
    """审核目录规则: one line of a 重大执法决定法制审核目录清单."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    label: str = Field(min_length=1, max_length=200)
    citation: str = Field(min_length=1, max_length=300)
    condition: Condition


def _message(exc: ValidationError, what: str) -> ShapeError:
    error = exc.errors(include_url=False)[0]
    loc = [str(part) for part in error["loc"] if not str(part).isdigit()]
    name = loc[-1] if loc else ""
    label = FIELD_LABELS.get(name, name)
    kind = error["type"]
    if kind == "extra_forbidden":
        text = f"{what}含有未知字段“{name}”"
    elif kind == "missing":
        text = f"{what}缺少“{label}”（{name}）"
    elif kind == "literal_error":
        allowed = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ").replace(", ", "、")
        text = f"{what}中“{label}”的取值 {error['input']!r} 不可用（可用：{allowed}）"
    elif kind == "greater_than_equal":
        text = f"{what}中“{label}”（{name}）不能为负数"
    elif kind == "string_too_short":
        text = f"{what}中“{label}”（{name}）不能为空"
    elif kind == "string_too_long":
        text = f"{what}中“{label}”（{name}）过长（最多 {error['ctx']['max_length']} 字）"
    elif kind == "string_pattern_mismatch" and name != "key":
        text = f"{what}中“{label}”（{name}）{error['input']!r} 不可用：不能为空，首尾不能有空格"
    elif kind == "string_pattern_mismatch":
        text = f"{what}中“{label}”（{name}）{error['input']!r} 不可用：应为小写英文字母开头的字母、数字和下划线"
    elif kind == "value_error":
        text = f"{what}不正确：{error['ctx']['error']}"
    else:
        from sanxiang.lib.validation import PROBLEMS

        problem = {"tuple_type": "应为列表（如 [\"fine\"]）", "list_type": "应为列表（如 [\"fine\"]）"}.get(
            kind, PROBLEMS.get(kind, "格式错误"))
        text = f"{what}中“{label}”（{name}）格式不正确：{problem}"
    return ShapeError(text.rstrip("。") + "。", field=name or None)


def parse_proposal(data) -> Proposal:
    """The proposal, or ShapeError naming the unknown field or value."""
    if not isinstance(data, dict):
        raise ShapeError("拟作出的决定应为 JSON 对象。")
    cleaned = dict(data)
    for name in ("fine", "confiscation_value"):
        value = cleaned.get(name)
        if value is None:
            cleaned.pop(name, None)
        elif isinstance(value, bool) or not isinstance(value, (int, str, float, Decimal)):
            raise ShapeError(f"“{FIELD_LABELS[name]}”（{name}）应为金额（元）。", field=name)
        else:
            try:
                cleaned[name] = Decimal(str(value))
            except ArithmeticError:
                raise ShapeError(f"“{FIELD_LABELS[name]}”（{name}）应为金额（元）。", field=name) from None
            if not cleaned[name].is_finite():
                raise ShapeError(f"“{FIELD_LABELS[name]}”（{name}）应为金额（元）。", field=name)
    for name in ("penalties", "flags"):
        if isinstance(cleaned.get(name), list):
            cleaned[name] = tuple(cleaned[name])
    try:
        return Proposal.model_validate(cleaned)
    except ValidationError as exc:
        raise _message(exc, "拟作出的决定") from None


def _tuples(value):
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def parse_rules(data) -> list[Rule]:
    """The rules of a catalogue (JSON or TOML data), or ShapeError; keys must be unique."""
    if not isinstance(data, list) or not data:
        raise ShapeError("审核目录应为至少包含一条规则的列表。")
    rules = []
    for n, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            raise ShapeError(f"第 {n} 条规则应为对象（key、label、citation、condition）。")
        try:
            rules.append(Rule.model_validate(_tuples(raw)))
        except ValidationError as exc:
            raise ShapeError(f"第 {n} 条规则：{_message(exc, '规则').message}", field="rules") from None
    keys = [r.key for r in rules]
    duplicate = next((k for k in keys if keys.count(k) > 1), None)
    if duplicate:
        raise ShapeError(f"规则代码重复：{duplicate}。", field="rules")
    return rules


def rule_data(rule: Rule) -> dict:
    """A rule as stored (JSON): only the condition parts it sets."""
    return {"key": rule.key, "label": rule.label, "citation": rule.citation,
            "condition": rule.condition.model_dump(mode="json", exclude_defaults=True)}


def effective_procedure(p: Proposal, simplified_max: Amounts) -> str:
    """The procedure the proposal is decided by (行政处罚法 第五十一条).

    One that says 简易程序 beyond the ceiling is refused (ShapeError) — it could not be decided that
    way. A penalty that names no procedure: where the law leaves none but the general one (beyond
    第五十一条's penalties or ceiling), 普通程序; where it may be either — 第五十一条 says the agency
    "可以" decide on the spot, a choice the catalogue cannot make for it, and the rules differ by
    procedure (株洲: 所有普通程序案件) — it is refused (decision 0075: assuming 简易程序 under-reported).
    """
    eligible = (p.kind == "penalty" and set(p.penalties) <= SIMPLIFIED_PENALTIES
                and p.fine <= simplified_max.for_party(p.party_kind) and p.confiscation_value == 0)
    if p.procedure == "simplified" and p.kind == "penalty" and not eligible:
        who = "法人或其他组织" if p.party_kind == "org" else "公民"
        raise ShapeError(f"不能适用简易程序：简易程序仅限对{who}处以{simplified_max.for_party(p.party_kind)}元以下罚款或者"
                         "警告（行政处罚法第五十一条）。", field="procedure")
    if p.procedure:
        return p.procedure
    # Without the party's kind, the organisation's (higher) ceiling may be the one that applies.
    ceiling = simplified_max.for_party(p.party_kind) if p.party_kind else max(simplified_max.person, simplified_max.org)
    maybe = (p.kind == "penalty" and set(p.penalties) <= SIMPLIFIED_PENALTIES and p.fine <= ceiling
             and p.confiscation_value == 0)
    if maybe and p.penalties:
        who = {"org": "法人或其他组织", None: "当事人"}.get(p.party_kind, "公民")
        raise ShapeError(f"须写明程序（procedure：general 普通程序或 simplified 简易程序）：对{who}处以"
                         f"{ceiling}元以下罚款或者警告，可以适用简易程序当场作出，也可以适用"
                         "普通程序（行政处罚法第五十一条），是否须经法制审核因程序而异。", field="procedure")
    return "general"


# The vocabulary in words, for pages and workbooks (people see names, not keys).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "kind": {"penalty": "行政处罚", "licence": "行政许可", "coercion": "行政强制", "inspection": "行政检查",
             "confirmation": "行政确认", "adjudication": "行政裁决", "inspection_plan": "双随机年度抽查计划",
             "labour_inspection": "劳动保障监察"},
    "decision": {"change": "变更许可", "extension": "延续许可", "revocation": "撤销许可", "deregistration": "注销许可",
                 "disposal": "查封扣押财物的处理决定"},
    "procedure": {"general": "普通程序", "simplified": "简易程序"},
    "party_kind": {"person": "自然人", "individual_business": "个体工商户", "org": "法人或其他组织"},
    "penalty": {"warning": "警告", "criticism": "通报批评", "fine": "罚款", "confiscation": "没收（违法所得或非法财物）",
                "confiscate_income": "没收违法所得", "confiscate_property": "没收非法财物", "suspension": "暂扣许可证件",
                "downgrade": "降低资质等级", "revocation": "吊销许可证件", "restriction": "限制开展生产经营活动",
                "production_suspension": "责令停产停业", "closure": "责令关闭", "practice_restriction": "限制从业",
                "detention": "行政拘留", "other": "法律、行政法规规定的其他行政处罚"},
    "hearing": {"none": "未听证", "requested": "当事人申请听证", "held": "已举行听证"},
    "flag": {"complex": "案件情况疑难复杂、涉及多个法律关系", "public_interest": "涉及重大公共利益",
             "social_risk": "可能造成重大社会影响或引发社会风险", "third_party_rights": "直接关系第三人重大权益",
             "party_major_impact": "对当事人权益有重大影响", "changes_decision": "变更、撤销原执法决定",
             "below_benchmark": "低于裁量基准（减轻）", "above_benchmark": "高于裁量基准（从重）",
             "other_statutory": "法律、法规规定应当进行法制审核的其他情形"},
    "level": {"province": "省级", "city": "设区的市级", "county": "县级", "township": "乡镇（街道）"},
}

# Which vocabulary each list part of a condition draws on.
PART_VOCABULARY = {"kinds": "kind", "decisions": "decision", "procedures": "procedure", "party_kinds": "party_kind",
                   "penalties_any": "penalty", "hearing_in": "hearing", "flags_any": "flag", "levels": "level"}


def words(vocabulary: str, values) -> str:
    labels = VALUE_LABELS[vocabulary]
    return "、".join(labels.get(v, v) for v in values)


def _amounts_words(amounts: Amounts) -> str:
    return f"自然人 {amounts.person:,} 元以上、法人或其他组织 {amounts.org:,} 元以上"


def describe(condition: Condition) -> list[str]:
    """The condition in Chinese, one clause per part it sets (all of them must hold)."""
    c = condition
    parts = []
    if c.kinds:
        parts.append(f"执法行为为{words('kind', c.kinds)}")
    if c.decisions:
        parts.append(f"决定事项为{words('decision', c.decisions)}")
    if c.procedures:
        parts.append(f"适用{words('procedure', c.procedures)}")
    if c.party_kinds:
        parts.append(f"当事人为{words('party_kind', c.party_kinds)}")
    if c.penalties_any:
        parts.append(f"处罚种类含{words('penalty', c.penalties_any)}之一")
    if c.fine_at_least:
        parts.append(f"罚款数额达到{_amounts_words(c.fine_at_least)}")
    if c.confiscation_at_least:
        parts.append(f"没收金额达到{_amounts_words(c.confiscation_at_least)}")
    if c.hearing_in:
        parts.append(f"听证情况为{words('hearing', c.hearing_in)}")
    if c.flags_any:
        parts.append(f"存在情形：{words('flag', c.flags_any)}（任一）")
    if c.levels:
        parts.append(f"执法层级为{words('level', c.levels)}")
    if c.fields:
        parts.append(f"执法领域为{'、'.join(c.fields)}")
    return parts
