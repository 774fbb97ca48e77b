"""Confidentiality marks (密级/保密标识) shared by every record of later issues."""

from django.db import models


class Confidentiality(models.TextChoices):
    """保密标识 — how a record may be published and who may read it."""

    PUBLIC = "public", "公开"
    INTERNAL = "internal", "内部"
    WORK_SECRET = "work_secret", "工作秘密"
    BUSINESS_SECRET = "business_secret", "商业秘密"
    PERSONAL_PRIVACY = "personal_privacy", "个人隐私"
    STATE_SECRET = "state_secret", "国家秘密"


# 商业秘密 and 个人隐私 may still be published after redaction (脱敏); that decision belongs to publicity.
_NEVER_PUBLISHED = {Confidentiality.INTERNAL, Confidentiality.WORK_SECRET, Confidentiality.STATE_SECRET}
_NEEDS_REDACTION = {Confidentiality.BUSINESS_SECRET, Confidentiality.PERSONAL_PRIVACY}


def _mark(mark) -> Confidentiality:
    try:
        return Confidentiality(mark)
    except ValueError:
        raise ValueError(f"未知的保密标识：{mark}") from None


def blocks_publication(mark) -> bool:
    """True when a record with this mark may not be published at all (国家秘密, 工作秘密, 内部)."""
    return _mark(mark) in _NEVER_PUBLISHED


def needs_redaction(mark) -> bool:
    """True when publication is possible only after 脱敏 (商业秘密, 个人隐私)."""
    return _mark(mark) in _NEEDS_REDACTION


def narrowed_to_named_people(mark) -> bool:
    """True when only people named on the record may read it (国家秘密: 知悉范围)."""
    return _mark(mark) == Confidentiality.STATE_SECRET


# How strict a mark is, for "at least as confidential as" (decision 0076): 商业秘密 and 个人隐私 are
# different kinds of secret guarded alike (a purpose, a watermark, play-only media), hence one rank.
RANK = {Confidentiality.PUBLIC: 0, Confidentiality.INTERNAL: 1, Confidentiality.WORK_SECRET: 2,
        Confidentiality.BUSINESS_SECRET: 3, Confidentiality.PERSONAL_PRIVACY: 3, Confidentiality.STATE_SECRET: 4}


def lower_than(mark, floor) -> bool:
    """True when `mark` is less confidential than `floor` (a copy may not be; decision 0076)."""
    return RANK[_mark(mark)] < RANK[_mark(floor)]


def strictest(own, others=()) -> str:
    """The strictest of `own` and `others` (`own` kept on a tie): how a file held by several records is guarded."""
    best = own
    for mark in others:
        if mark and lower_than(best, mark):
            best = mark
    return best
