"""脱敏规则 (redaction policy): the profile value `publicity.redaction`.

Which kinds of personal information are masked, which roles' names stay (registered facts), which
strings are never masked, and the few numbers the detectors use — profile data with a citation in
every profile (docs/publicity.md, docs/profiles.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from sanxiang.lib.validation import StrictModel, explain, where_in_list

# What can be masked, with the Chinese name shown in previews, reasons and profile pages.
MASK_KINDS = {
    "person": "案件已知自然人的姓名",
    "id_number": "公民身份号码",
    "phone": "电话号码",
    "bank_card": "银行卡号",
    "plate": "机动车号牌",
    "email": "电子邮箱",
    "address": "详细住址",
    "im_account": "QQ号、微信号",
}
MaskKind = Literal[tuple(MASK_KINDS)]

# Roles whose names are registered facts of the party (shown by the credit publicity system): the
# legal representative or responsible person of an organisation, the operator of an individual
# business. Kept only when the context's kind makes them one (KEEP_ROLE_KINDS).
KEEP_ROLES = {
    "legal_representative": "法定代表人",
    "responsible_person": "负责人",
    "operator": "经营者",
}
KEEP_ROLE_KINDS = {
    "legal_representative": ("org",),
    "responsible_person": ("org",),
    "operator": ("individual_business",),
}
KeepRole = Literal[tuple(KEEP_ROLES)]
NonEmpty = Annotated[str, Field(min_length=1)]


class RedactionPolicy(StrictModel):
    """脱敏规则: the value of `publicity.redaction`."""

    mask: Annotated[list[MaskKind], Field(min_length=1)]
    keep_roles: list[KeepRole] = []
    keep: list[NonEmpty] = []  # never masked: the agency's own published phone, its fine account …
    name_mark: NonEmpty = "某"  # the given name's replacement (法释〔2016〕19号: surname kept)
    address_keeps_division: bool = True  # keep 省/市/县(区) of a home address, mask what is below
    id_label_window: Annotated[int, Field(ge=0, le=40)] = 12  # chars between 身份证号 and a number
    address_max_chars: Annotated[int, Field(ge=8, le=200)] = 60  # how far a labelled address runs

    @model_validator(mode="after")
    def no_duplicates(self):
        for name in ("mask", "keep_roles"):
            values = getattr(self, name)
            duplicate = next((v for v in values if values.count(v) > 1), None)
            if duplicate:
                raise ValueError(f"{name} 中重复：{duplicate}")
        return self

    def masks(self, kind: str) -> bool:
        return kind in self.mask


def parse_policy(value) -> RedactionPolicy:
    """The policy, or ValueError with one Chinese sentence (used by the profile schema)."""
    try:
        return RedactionPolicy.model_validate(value)
    except ValidationError as exc:
        raise ValueError(explain(exc, subject="脱敏规则", where=where_in_list)) from None


def describe(value: dict) -> str:
    """The policy in one Chinese line (profile pages and `sanxiang profiles show`)."""
    policy = parse_policy(value)
    parts = ["隐去：" + "、".join(MASK_KINDS[k] for k in policy.mask)]
    if policy.keep_roles:
        parts.append("保留姓名：" + "、".join(KEEP_ROLES[r] for r in policy.keep_roles))
    if policy.keep:
        parts.append("不隐去：" + "、".join(policy.keep))
    parts.append(f"姓名保留姓氏、名字改为“{policy.name_mark}”")
    if policy.address_keeps_division:
        parts.append("住址保留至县级")
    return "；".join(parts)


def policy_for(profile_key: str = "national", on: dt.date | str | None = None) -> RedactionPolicy:
    """The policy of a profile on a day (ProfileError for an unknown profile or bad date)."""
    from sanxiang.profiles.registry import get_profile

    return parse_policy(get_profile(profile_key).value("publicity.redaction", on=on))
