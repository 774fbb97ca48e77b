"""Indicators read from the agency's profile: equipment minimums, reviewer ratio, certificate expiry."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from .guards import certificate_usable
from .models import (
    Agency,
    Certificate,
    CertificateKind,
    CertificateStatus,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    Person,
    PersonKind,
)

DEFAULT_EXPIRY_WARNING_DAYS = 60
KINDS = (EquipmentKind.CAMERA, EquipmentKind.BODY_CAMERA, EquipmentKind.RECORDER)


def profile_value(agency: Agency, key: str, default=None):
    """The value of `key` in the agency's profile, or `default` when there is none."""
    if not agency.profile_key:
        return default
    try:
        from sanxiang.profiles.registry import get_profile

        value = get_profile(agency.profile_key).value(key)
    except Exception:  # no registry, unknown profile or key: the indicator is simply not configured
        return default
    return default if value is None else value


@dataclass
class Shortfall:
    """装备缺口 — fewer devices of one kind than the profile's minimum."""

    group: str
    scope: str
    unit: str
    kind: str
    required: int
    actual: int

    @property
    def text(self) -> str:
        label = EquipmentKind(self.kind).label
        return f"{self.unit}：{label}应不少于 {self.required} 台，现有 {self.actual} 台，缺 {self.required - self.actual} 台"


def equipment_shortfalls(agency: Agency) -> list[Shortfall]:
    """Compare in-service equipment with `equipment.minimums` (scope "total" sums a group's units)."""
    minimums = profile_value(agency, "equipment.minimums", []) or []
    units = list(agency.units.all())
    counts: dict[int, Counter] = {u.pk: Counter() for u in units}
    for unit_id, kind in Equipment.objects.filter(unit__agency=agency, status=EquipmentStatus.IN_SERVICE) \
            .values_list("unit_id", "kind"):
        counts[unit_id][kind] += 1
    shortfalls = []
    for rule in minimums:
        group, scope = rule.get("group", ""), rule.get("scope", "total")
        members = [u for u in units if u.equipment_group == group]
        if scope == "each":
            targets = [(u.name, counts[u.pk]) for u in members]
        else:
            # "In total" counts the group's units together with the units below them.
            total = Counter()
            for uid in _with_descendants(units, {u.pk for u in members}):
                total.update(counts[uid])
            label = "、".join(u.name for u in members) if members else f"{group}（未设科室）"
            targets = [(label if len(members) != 1 else members[0].name, total)]
        for name, have in targets:
            for kind in KINDS:
                required = int(rule.get(kind) or 0)
                if have[kind] < required:
                    shortfalls.append(Shortfall(group, scope, name, kind, required, have[kind]))
    return shortfalls


def _with_descendants(units, roots: set[int]) -> set[int]:
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = {u.pk for u in units if u.parent_id in frontier} - found
        found |= frontier
    return found


@dataclass
class ReviewerRatio:
    """法制审核人员占比 — reviewers against enforcement staff (执法人员), and the profile's minimum."""

    reviewers: int
    staff: int
    minimum: float | None
    ratio: float = field(init=False)

    def __post_init__(self):
        self.ratio = self.reviewers / self.staff if self.staff else 0.0

    @property
    def ok(self) -> bool:
        return self.minimum is None or self.ratio >= self.minimum

    @property
    def text(self) -> str:
        base = f"法制审核人员 {self.reviewers} 人，执法人员 {self.staff} 人，占比 {self.ratio:.1%}"
        if self.minimum is None:
            return base + "（规则配置未设下限）"
        return base + (f"，达到不低于 {self.minimum:.0%} 的要求" if self.ok else f"，低于 {self.minimum:.0%} 的要求")


def reviewer_ratio(agency: Agency, on_date: dt.date | None = None) -> ReviewerRatio:
    """法制审核人员 against 执法人员 on `on_date` (today by default).

    Seed 001 (Zhuzhou) 二（三）1.2): "全局法制审核人员不少于执法人员总数的5%" — and the national
    and Licheng plans say the same. 执法人员 are the people who hold, that day, a usable
    enforcement certificate (`guards.certificate_usable`): not leaders or officers without one,
    not holders of a revoked, suspended, expired or not-yet-valid certificate, not 辅助人员; the
    reviewers are counted apart (法制审核人员 are those of kind 法制审核人员, certificate or not).
    """
    on_date = on_date or timezone.localdate()
    reviewers = Person.objects.filter(agency=agency, kind=PersonKind.REVIEWER).count()
    certificates = Certificate.objects.filter(person__agency=agency, kind=CertificateKind.ENFORCEMENT) \
        .exclude(person__kind=PersonKind.REVIEWER).select_related("person")
    staff = len({c.person_id for c in certificates if certificate_usable(c, on_date)})
    minimum = profile_value(agency, "staffing.reviewer_ratio_min", None)
    return ReviewerRatio(reviewers, staff, None if minimum is None else float(minimum))


@dataclass
class ExpiryWarning:
    """证件到期预警 — a certificate that expires soon or has expired."""

    certificate: Certificate
    days_left: int

    @property
    def text(self) -> str:
        c = self.certificate
        if self.days_left < 0:
            return f"{c.person.name} 的执法证 {c.number} 已于 {c.valid_to:%Y-%m-%d} 过期"
        return f"{c.person.name} 的执法证 {c.number} 将于 {c.valid_to:%Y-%m-%d} 到期（还有 {self.days_left} 天）"


def expiry_warnings(certificates, today: dt.date) -> list[ExpiryWarning]:
    """Valid enforcement certificates expiring within each agency's warning window, or already past."""
    warnings = []
    days_by_agency = {}
    qs = certificates.filter(kind=CertificateKind.ENFORCEMENT, status=CertificateStatus.VALID) \
        .select_related("person__agency").order_by("valid_to", "id")
    for cert in qs:
        agency = cert.person.agency
        if agency.pk not in days_by_agency:
            days_by_agency[agency.pk] = int(profile_value(agency, "certificates.expiry_warning_days",
                                                          DEFAULT_EXPIRY_WARNING_DAYS))
        days_left = (cert.valid_to - today).days
        if days_left <= days_by_agency[agency.pk]:
            warnings.append(ExpiryWarning(cert, days_left))
    return warnings
