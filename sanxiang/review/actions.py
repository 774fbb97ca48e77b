"""Writes of the review app: versions of an agency's 法制审核目录清单 (never edited in place)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .catalogue import ALL_GENERAL, profile_catalogue
from .conditions import ShapeError, parse_rules, rule_data
from .models import CatalogueVersion

register_actions({
    "seed_review_catalogue": "按规则配置生成法制审核目录清单",
    "adopt_review_catalogue": "发布法制审核目录清单新版本",
})


_user = acting_user


def _reason(reason, agency) -> str:
    """The 发布原因 as the portal's 调整记录 page shows it: masked, no 公示查询码 (decision 0097, s25 defects10c #1)."""
    from sanxiang.publicity.public_text import agency_text

    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明发布新版本的原因。", field="reason")
    if len(reason) > 300:
        raise RuleViolation("原因过长（最多 300 字）。", field="reason")
    return agency_text(reason, agency, what="发布原因", max_length=300)


def _rule_texts(rules: list[dict]) -> list[tuple[str, str, str]]:
    return [(f"第 {n} 条规则的“{label}”", rule.get(key) or "", "rules") for n, rule in enumerate(rules, 1)
            for key, label in (("label", "规则名称"), ("citation", "依据"), ("key", "规则代码")) if isinstance(rule, dict)]


def _guard_rules(rules: list[dict], agency, before: list[dict]):
    """The rules' labels and citations as the portal's 审核目录 and 调整记录 pages publish them (decision 0101,
    s25 defects10d #3): no 公示查询码 in any written form, no 公民身份号码 or 银行卡号, refused naming the rule;
    the texts of the version before are not checked again."""
    from sanxiang.publicity.public_text import agency_published_content

    agency_published_content(_rule_texts(rules), agency, before=_rule_texts(before or []))


def _create(agency, *, rules: list[dict], effective_from, reason, origin, profile_key, actor) -> CatalogueVersion:
    last = CatalogueVersion.objects.filter(agency=agency).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            row = CatalogueVersion.objects.create(
                agency=agency, version=last + 1, effective_from=effective_from, reason=reason, origin=origin,
                profile_key=profile_key, rules=rules, made_by=_user(actor), made_by_name=actor.get_username(),
                made_at=timezone.now())
    except IntegrityError:
        raise Conflict("另一用户刚刚发布了新版本的审核目录，请刷新后重试。", code="catalogue_version_taken") from None
    append_entry(action="seed_review_catalogue" if origin == CatalogueVersion.SEEDED else "adopt_review_catalogue",
                 actor=actor, obj=row, payload={
                     "version": row.version, "effective_from": effective_from.isoformat() if effective_from else None,
                     "reason": reason, "rules": rules})
    return row


def adoption_day() -> dt.date:
    """Today: the earliest 施行日期 a newly published version may have (no back-dating)."""
    return timezone.localdate()


@transaction.atomic
def do_adopt_catalogue_version(agency, rules, *, effective_from, reason: str, actor) -> CatalogueVersion:
    """发布审核目录新版本: the agency's catalogue from `effective_from` on; earlier decisions keep theirs."""
    if not can(actor, "manage_review_catalogue", agency):
        raise NotPermitted(f"只有“{agency.name}”的法制审核人员或单位领导可以发布法制审核目录清单。")
    reason = _reason(reason, agency)
    effective_from = inputs.day(effective_from, field="effective_from", label="施行日期", empty=inputs.REQUIRED,
                                required="请填写新版本的施行日期。")
    try:
        parsed = parse_rules(rules)
    except ShapeError as exc:
        raise RuleViolation(exc.message, field="rules") from None
    latest = CatalogueVersion.objects.select_for_update().filter(agency=agency).order_by("-version").first()
    _guard_rules([rule_data(r) for r in parsed], agency, latest.rules if latest is not None else [])
    if latest is not None and latest.effective_from and effective_from < latest.effective_from:
        raise RuleViolation(f"施行日期不能早于现行第{latest.version}版的施行日期（{latest.effective_from:%Y-%m-%d}）："
                            "新版本只能自其施行之日起取代旧版本。", field="effective_from")
    today = adoption_day()
    if effective_from < today:
        raise RuleViolation(f"施行日期不能早于今天（{today:%Y-%m-%d}）：新版本不溯及既往（参照立法法第一百零四条），已作出的"
                            "决定按其作出之日施行的目录确定是否须经审核；目录印发在前、录入在后的，自录入之日起施行。",
                            field="effective_from", code="backdated_catalogue")
    return _create(agency, rules=[rule_data(r) for r in parsed], effective_from=effective_from, reason=reason,
                   origin=CatalogueVersion.ADOPTED, profile_key="", actor=actor)


def _profile_start(profile_key: str, on: dt.date):
    """The day the profile's catalogue values in force on `on` took effect (None: always)."""
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key)
    names = ("review.statutory_rules", "review.catalogue_rules", f"review.{ALL_GENERAL}")
    starts = [e.effective_from for e in (profile.entry(n, on=on) for n in names) if e.effective_from]
    return max(starts, default=None)


@transaction.atomic
def do_seed_catalogue(agency, *, actor) -> CatalogueVersion | None:
    """按规则配置生成审核目录: version 1 from the agency's profile; None when it already has one."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.orgs.models import Agency

    if not can(actor, "manage_review_catalogue", agency):
        raise NotPermitted(f"只有“{agency.name}”的法制审核人员或单位领导可以生成法制审核目录清单。")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    if CatalogueVersion.objects.filter(agency=agency).exists():
        return None
    key, today = profile_key_of(agency), timezone.localdate()
    rules = [rule_data(r) for r in profile_catalogue(key, today)]
    from sanxiang.profiles.registry import get_profile

    return _create(agency, rules=rules, effective_from=_profile_start(key, today),
                   reason=f"按规则配置“{get_profile(key).name}”生成", origin=CatalogueVersion.SEEDED,
                   profile_key=key, actor=actor)


@transaction.atomic
def do_refresh_seeded_catalogue(agency, *, actor) -> CatalogueVersion | None:
    """按规则配置更新审核目录: when the agency's newest version is the one its rule profile seeded and the
    profile now gives other rules (a corrected reading of the agency's plan, decision 0082), a new seeded
    version with the profile's rules, in force from today (never back-dated: decisions already made keep
    the answer of the version then in force). A version the agency published itself is left alone — its
    legal office decides whether to take the profile's change. None when nothing changed."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.orgs.models import Agency
    from sanxiang.profiles.registry import get_profile

    if not can(actor, "manage_review_catalogue", agency):
        raise NotPermitted(f"只有“{agency.name}”的法制审核人员或单位领导可以更新法制审核目录清单。")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    latest = CatalogueVersion.objects.filter(agency=agency).order_by("-version").first()
    key, today = profile_key_of(agency), adoption_day()
    if latest is None or latest.origin != CatalogueVersion.SEEDED or latest.profile_key != key:
        return None
    rules = [rule_data(r) for r in profile_catalogue(key, today)]
    if rules == latest.rules:
        return None
    start = max(today, latest.effective_from) if latest.effective_from else today
    return _create(agency, rules=rules, effective_from=start,
                   reason=f"按规则配置“{get_profile(key).name}”更新（规则配置的审核目录已更正，第{latest.version}版自本版施行之日起不再适用）",
                   origin=CatalogueVersion.SEEDED, profile_key=key, actor=actor)


def seed_catalogues(*, actor) -> list[CatalogueVersion]:
    """Every enforcement agency without a catalogue gets its first version, and one whose newest version
    is an outdated seeded one gets the profile's current rules (safe to re-run); a supervisory body
    (司法局) makes no enforcement decisions of its own here."""
    from sanxiang.orgs.models import Agency, AgencyKind

    made = []
    for agency in Agency.objects.filter(kind=AgencyKind.ENFORCEMENT).order_by("id"):
        if CatalogueVersion.objects.filter(agency=agency).exists():
            row = do_refresh_seeded_catalogue(agency, actor=actor)
        else:
            row = do_seed_catalogue(agency, actor=actor)
        if row is not None:
            made.append(row)
    return made


@transaction.atomic
def do_import_catalogue_version(agency, data: bytes, *, effective_from, reason: str, actor) -> CatalogueVersion:
    """导入审核目录: an xlsx workbook (catalogue_xlsx) published as a new version; a workbook with
    any bad row or column is refused whole and nothing is written."""
    from .catalogue_xlsx import read_rules

    if not can(actor, "manage_review_catalogue", agency):
        raise NotPermitted(f"只有“{agency.name}”的法制审核人员或单位领导可以导入法制审核目录清单。")
    _reason(reason, agency)
    return do_adopt_catalogue_version(agency, read_rules(data, agency_name=agency.name), effective_from=effective_from,
                                      reason=reason, actor=actor)


def changes_summary(version: CatalogueVersion) -> str:
    """What a new version changes against the one before it, in words for the publisher: "与第1版相比：
    删除 14 条（…）；新增 …；修改 …" — an import that drops rules says which (decision 0082)."""
    from .catalogue import changes

    before = CatalogueVersion.objects.filter(agency=version.agency, version__lt=version.version).order_by("-version").first()
    if before is None:
        return ""
    diff = changes(before.rules, version.rules)
    named = (("删除", diff["removed"]), ("新增", diff["added"]), ("修改", [new for _, new in diff["changed"]]))
    parts = [f"{label} {len(rows)} 条（{'、'.join(r['label'] for r in rows)}）" for label, rows in named if rows]
    return f"与第{before.version}版相比：{'；'.join(parts) if parts else '规则没有变化'}。"
# 法制审核程序 (submission, assignment, supplement, checklist, opinion, extension, withdrawal).
from .flow import *  # noqa: E402,F401,F403  签批、分歧、征求意见、审核调查 (issue 9 §2–§4)
from .procedure import *  # noqa: E402,F401,F403
