"""当事人情况 (the party context): what the case knows about the party and the persons in it.

PARTY.json of issue 10 §4: `{"kind": "person" | "individual_business" | "org", "organization":
{"name", "uscc"} | null, "persons": [{"role", "name", "id_number"?, "address"?, "phone"?}]}`.
Validated strictly (unknown fields refused), each refusal one sentence in Chinese naming the field by its
Chinese name and its JSON key, and an unknown value with the allowed ones and their Chinese names (s25 defects10 #9:
no English in a message; decision 0097).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sanxiang.core.errors import RuleViolation

PARTY_KINDS = {"person": "自然人", "individual_business": "个体工商户", "org": "法人或其他组织"}
ROLES = {
    "party": "当事人",
    "legal_representative": "法定代表人",
    "responsible_person": "负责人",
    "operator": "经营者",
    "agent": "委托代理人",
    "witness": "证人",
    "informant": "举报人",
    "victim": "受害人",
    "other": "其他人员",
}
FIELD_LABELS = {
    "kind": "当事人类别", "organization": "单位", "persons": "人员", "role": "身份", "name": "姓名",
    "id_number": "公民身份号码", "address": "住址", "phone": "电话", "uscc": "统一社会信用代码",
}
Text = Annotated[str, Field(min_length=1, max_length=200)]


class ContextError(ValueError):
    """A PARTY.json that does not fit its shape; `message` is for people (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=True)


class Person(_Strict):
    """案件已知的自然人: a party, agent, witness, informant … (role and name required)."""

    role: Literal[tuple(ROLES)]
    name: Annotated[str, Field(min_length=1, max_length=40)]
    id_number: Text | None = None
    address: Text | None = None
    phone: Text | None = None

    @field_validator("name")
    @classmethod
    def one_word(cls, value: str) -> str:
        value = "".join(value.split())  # 张 三 → 张三: names are matched with any spacing anyway
        if len(value) < 2:  # a lone surname would mask that character everywhere in the text
            raise ValueError("应为完整姓名，至少两个字")
        return value


class Organization(_Strict):
    """The party's registered name and 统一社会信用代码 (kept visible, as the credit publicity system shows them)."""

    name: Text
    uscc: Text | None = None

    @field_validator("uscc")
    @classmethod
    def valid_code(cls, value):
        if value is None:
            return value
        from sanxiang.parties.identity import check_credit_code

        try:
            return check_credit_code(value, field="uscc")
        except RuleViolation as exc:
            raise ValueError(exc.message) from None


class PartyContext(_Strict):
    kind: Literal[tuple(PARTY_KINDS)]
    organization: Organization | None = None
    persons: tuple[Person, ...] = ()

    @model_validator(mode="after")
    def organization_fits_kind(self):
        if self.kind == "person" and self.organization is not None:
            raise ValueError("当事人为自然人时“单位”（字段 organization）应为 null")
        if self.kind != "person" and self.organization is None:
            raise ValueError(f"当事人为{PARTY_KINDS[self.kind]}时须填写“单位”（字段 organization）的名称")
        return self


def _message(exc: ValidationError) -> ContextError:
    error = exc.errors(include_url=False)[0]
    loc = [str(part) for part in error["loc"]]
    path = ".".join(loc) or "PARTY.json"
    names = [p for p in loc if not p.isdigit()]
    name = names[-1] if names else ""
    label = FIELD_LABELS.get(name, name)
    where = "当事人情况" + "".join(f"第 {int(p) + 1} 项" if p.isdigit() else "" for p in loc)
    kind = error["type"]
    key = f"（字段 {path}）"
    if kind == "extra_forbidden":
        text = f"{where}含有未知字段“{name}”{key}"
    elif kind == "missing":
        text = f"{where}缺少“{label}”{key}"
    elif kind == "literal_error":
        names = {"kind": PARTY_KINDS, "role": ROLES}.get(name, {})
        allowed = [v.strip().strip("'") for v in error["ctx"]["expected"].replace(" or ", ", ").split(",")]
        listed = "、".join(f"{v}（{names[v]}）" if v in names else v for v in allowed)
        text = f"{where}“{label}”的取值 {error['input']!r} 不可用{key}，可用的取值：{listed}"
    elif kind == "string_too_short":
        text = f"{where}“{label}”不能为空{key}"
    elif kind == "string_too_long":
        text = f"{where}“{label}”过长，最多 {error['ctx']['max_length']} 字{key}"
    elif kind == "value_error":
        text = f"{where}{'“' + label + '”' if name else ''}不正确：{str(error['ctx']['error']).rstrip('。')}"
    elif kind in ("model_type", "dict_type"):
        text = f"{where}“{label or '当事人情况'}”应为 JSON 对象{key}"
    elif kind in ("tuple_type", "list_type"):
        text = f"{where}“{label}”应为列表{key}"
    elif kind == "string_type":
        text = f"{where}“{label}”应为字符串{key}"
    else:
        text = f"{where}“{label}”格式不正确{key}"
    return ContextError(text + "。")


def parse_context(data) -> PartyContext:
    """The context from PARTY.json data, or ContextError naming the field."""
    if isinstance(data, PartyContext):
        return data
    if not isinstance(data, dict):
        raise ContextError("当事人情况应为 JSON 对象，如 {\"kind\": \"person\"}。")
    cleaned = dict(data)
    if isinstance(cleaned.get("persons"), list):
        cleaned["persons"] = tuple(cleaned["persons"])
    try:
        return PartyContext.model_validate(cleaned)
    except ValidationError as exc:
        raise _message(exc) from None
