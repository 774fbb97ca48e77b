"""The vocabulary of a proposed decision (issue 9 §1, PROPOSAL.json) and of catalogue rules.

Pure data shapes (pydantic, strict: unknown fields and values are refused) and the matching of a
rule's condition against a proposal. No database here: the CLI evaluates a profile's catalogue
with it, and the profile files validate their rules with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Kind = Literal["penalty", "licence", "coercion", "inspection", "confirmation", "adjudication", "inspection_plan",
               "labour_inspection"]
ProcedureName = Literal["general", "simplified"]
PartyKind = Literal["person", "individual_business", "org"]
Penalty = Literal["warning", "criticism", "fine", "confiscation", "confiscate_income", "confiscate_property",
                  "suspension", "downgrade", "revocation", "restriction", "production_suspension", "closure",
                  "practice_restriction", "detention", "other"]
Hearing = Literal["none", "requested", "held"]
Flag = Literal["complex", "public_interest", "social_risk", "third_party_rights", "party_major_impact",
               "changes_decision", "below_benchmark", "above_benchmark", "other_statutory"]

CONFISCATIONS = {"confiscate_income", "confiscate_property"}
# 行政处罚法 第五十一条: only these may be imposed on the spot (简易程序), within the fine ceiling.
SIMPLIFIED_PENALTIES = {"warning", "fine"}

FIELD_LABELS = {
    "kind": "执法类别", "procedure": "程序", "party_kind": "当事人类别", "penalties": "处罚种类", "fine": "罚款数额",
    "confiscation_value": "没收金额", "hearing": "听证", "flags": "情形",
    "kinds": "执法类别", "procedures": "程序", "party_kinds": "当事人类别", "penalties_any": "处罚种类",
    "fine_at_least": "罚款数额下限", "confiscation_at_least": "没收金额下限", "hearing_in": "听证",
    "flags_any": "情形", "key": "规则代码", "label": "规则名称", "citation": "依据", "condition": "条件",
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
    procedure: ProcedureName | None = None
    party_kind: PartyKind | None = None
    penalties: tuple[Penalty, ...] = ()
    fine: Decimal = Field(default=Decimal(0), ge=0)
    confiscation_value: Decimal = Field(default=Decimal(0), ge=0)
    hearing: Hearing = "none"
    flags: tuple[Flag, ...] = ()


class Amounts(_Strict):
    """按当事人类别的金额 (元): natural persons (individual businesses too) and organisations."""

    person: int = Field(ge=0)
    org: int = Field(ge=0)

    def for_party(self, party_kind: str | None) -> int:
        return self.org if party_kind == "org" else self.person


class Condition(_Strict):
    """审核情形的条件: every part given must hold (within a list, any one value will do)."""

    kinds: tuple[Kind, ...] = ()
    procedures: tuple[ProcedureName, ...] = ()
    party_kinds: tuple[PartyKind, ...] = ()
    penalties_any: tuple[Penalty, ...] = ()
    fine_at_least: Amounts | None = None
    confiscation_at_least: Amounts | None = None
    hearing_in: tuple[Hearing, ...] = ()
    flags_any: tuple[Flag, ...] = ()

    @model_validator(mode="after")
    def says_something(self):
        if not any(getattr(self, name) for name in type(self).model_fields):
            raise ValueError("条件不能为空（空条件会使所有决定都须审核）")
        return self

    def matches(self, p: Proposal, procedure: str) -> bool:
        penalties = set(p.penalties) | ({"confiscation"} if CONFISCATIONS & set(p.penalties) else set())
        return all((
            not self.kinds or p.kind in self.kinds,
            not self.procedures or procedure in self.procedures,
            not self.party_kinds or p.party_kind in self.party_kinds,
            not self.penalties_any or bool(penalties & set(self.penalties_any)),
            self.fine_at_least is None or (p.fine > 0 and p.fine >= self.fine_at_least.for_party(p.party_kind)),
            self.confiscation_at_least is None or (
                p.confiscation_value > 0
                and p.confiscation_value >= self.confiscation_at_least.for_party(p.party_kind)),
            not self.hearing_in or p.hearing in self.hearing_in,
            not self.flags_any or bool(set(p.flags) & set(self.flags_any)),
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
    elif kind == "string_pattern_mismatch":
        text = f"{what}中“{label}”（{name}）{error['input']!r} 不可用：应为小写英文字母开头的字母、数字和下划线"
    elif kind == "value_error":
        text = f"{what}不正确：{error['ctx']['error']}"
    else:
        text = f"{what}中“{label}”（{name}）格式不正确：{error['msg']}"
    return ShapeError(text + "。", field=name or None)


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
    """普通程序 unless the proposal may lawfully be decided on the spot (行政处罚法 第五十一条).

    A proposal that names no procedure gets the one the law allows; one that says 简易程序 beyond
    the ceiling is refused (ShapeError) — it could not be decided that way.
    """
    eligible = (p.kind == "penalty" and set(p.penalties) <= SIMPLIFIED_PENALTIES
                and p.fine <= simplified_max.for_party(p.party_kind) and p.confiscation_value == 0)
    if p.procedure == "simplified" and p.kind == "penalty" and not eligible:
        who = "法人或其他组织" if p.party_kind == "org" else "公民"
        raise ShapeError(f"不能适用简易程序：简易程序仅限对{who}处以{simplified_max.for_party(p.party_kind)}元以下罚款或者"
                         "警告（行政处罚法第五十一条）。", field="procedure")
    if p.procedure:
        return p.procedure
    return "simplified" if eligible and p.penalties else "general"
