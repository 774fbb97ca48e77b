"""审核程序 (review tracks): how an agency reviews each kind of decision — the profile's `review.tracks`.

A track names the decision kinds it covers, the reviewing body, the time limit (working days from
complete materials) and the most an extension may reach with its approver, the materials the
submission must hold, the opinion kinds the reviewer may give (and which one is "agree"), the
typed return grounds and the form the review is recorded in. The first track whose kinds hold
the decision's kind applies; every profile covers every kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .conditions import Kind

# 审核要点 (issue 9 §3; PROFILES.md "review checks …"; 行政处罚法 第五十八条 and the seeds' 审核内容).
CHECKLIST_POINTS = [
    ("subject", "执法主体、执法人员资格"),
    ("procedure", "执法程序"),
    ("facts", "事实认定和证据"),
    ("basis", "法律依据和裁量基准适用"),
    ("authority", "执法权限"),
    ("documents", "执法文书"),
    ("crime", "是否涉嫌犯罪、需要移送"),
]
FINDINGS = [("lawful", "合法适当"), ("problem", "存在问题"), ("not_applicable", "不涉及")]
PROVIDED, NOT_APPLICABLE = "provided", "not_applicable"

Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, frozen=True)


class Limit(_Strict):
    count: Annotated[int, Field(gt=0, le=200)]
    unit: Literal["workdays", "days"]


class Material(_Strict):
    code: Text
    label: Text
    optional: bool = False  # may be marked 不适用 (a hearing record when no hearing was held)


class OpinionKind(_Strict):
    code: Text
    label: Text


class Track(_Strict):
    """审核程序 — one way of reviewing decisions of the kinds it names."""

    key: Text
    label: Text
    kinds: list[Kind]
    body: Text
    time_limit: Limit | None = None
    time_limit_max: Limit | None = None
    extension_approver: str | None = None
    # an extension after the first is decided by 负责人集体讨论 (the "extensions beyond the first")
    further_extensions_by_discussion: bool = False
    materials: list[Material]
    opinion_kinds: list[OpinionKind]
    agree: Text  # the opinion kind that passes the review
    return_grounds: list[Text] = []
    form: Text | None = None  # the form the review is recorded in (none: the platform's own record)
    internal_form: bool = False  # the review may be recorded in the internal approval form (乌鲁木齐市场监管)

    @model_validator(mode="after")
    def consistent(self):
        if not self.kinds:
            raise ValueError(f"审核程序 {self.key}：至少适用于一种决定")
        if self.agree not in {o.code for o in self.opinion_kinds}:
            raise ValueError(f"审核程序 {self.key}：同意的意见种类 {self.agree!r} 不在审核意见种类中")
        if self.time_limit_max and not self.time_limit:
            raise ValueError(f"审核程序 {self.key}：有延期上限必须有审核时限")
        if self.time_limit_max and self.time_limit and (
                self.time_limit_max.unit != self.time_limit.unit or self.time_limit_max.count < self.time_limit.count):
            raise ValueError(f"审核程序 {self.key}：延期上限不能短于审核时限，且单位须相同")
        if self.time_limit and self.extension_approver is None and self.time_limit_max:
            raise ValueError(f"审核程序 {self.key}：可延期须写明延期审批人")
        if self.time_limit and self.extension_approver and not self.time_limit_max:
            raise ValueError(f"审核程序 {self.key}：可延期的审核程序须写明延期后的审核时限上限（time_limit_max）")
        for name, codes in (("材料", [m.code for m in self.materials]),
                            ("意见种类", [o.code for o in self.opinion_kinds])):
            dup = next((c for c in codes if codes.count(c) > 1), None)
            if dup:
                raise ValueError(f"审核程序 {self.key}：{name}代码重复：{dup}")
        return self

    def opinion_label(self, code: str) -> str | None:
        return next((o.label for o in self.opinion_kinds if o.code == code), None)


def parse_tracks(data) -> list[Track]:
    """The validated tracks; raises ValueError with a Chinese message."""
    try:
        tracks = [Track.model_validate(item) for item in data]
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ValueError(f"审核程序配置有误（{where}）：{error['msg']}") from None
    keys = [t.key for t in tracks]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup:
        raise ValueError(f"审核程序代码重复：{dup}")
    return tracks


def tracks_of(profile_key: str, on: dt.date | None = None) -> list[Track]:
    from sanxiang.profiles.registry import get_profile

    return parse_tracks(get_profile(profile_key).value("review.tracks", on=on))


def track_for(profile_key: str, kind: str, on: dt.date | None = None) -> Track | None:
    """The track that reviews decisions of `kind` (None: the profile names none for it)."""
    return next((t for t in tracks_of(profile_key, on) if kind in t.kinds), None)


def emergency_exempt(profile_key: str, on: dt.date | None = None) -> bool:
    """情况紧急当场实施的行政强制措施 are not reviewed before (review.emergency_coercion_exempt)."""
    from sanxiang.profiles.registry import get_profile

    return bool(get_profile(profile_key).value("review.emergency_coercion_exempt", on=on))
