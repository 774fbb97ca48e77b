"""Holiday calendar and obligations (时限)."""

from django.conf import settings
from django.db import models

from sanxiang.ledger.models import Ledgered
from sanxiang.lib.canonical import canonical_bytes
from sanxiang.lib.hashing import sha256_hex
from sanxiang.lib.periods import UNIT_CHOICES


def days_digest(rows) -> str:
    """Digest of a year's exception days, rows of (date, kind, name) in any order."""
    items = sorted([d.isoformat() if hasattr(d, "isoformat") else d, k, n] for d, k, n in rows)
    return sha256_hex(canonical_bytes(items))


class CalendarYear(Ledgered):
    """日历年度 — one year of the holiday calendar and where its data came from."""

    year = models.PositiveIntegerField(unique=True)
    official = models.BooleanField(default=True)
    source = models.CharField(max_length=200)
    days_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    ledger_exclude = ("updated_at",)

    class Meta:
        ordering = ["year"]
        verbose_name = "日历年度"

    def __str__(self):
        return f"{self.year}（{'官方' if self.official else '临时'}）"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        # Recomputed from the rows, so a CalendarDay edited behind the actions' back shows up.
        state["days"] = days_digest(self.days.values_list("date", "kind", "name"))
        return state


class CalendarDay(models.Model):
    """节假日或调休上班日 — an exception to the ordinary weekend/weekday pattern."""

    HOLIDAY, WORKDAY = "holiday", "workday"
    KINDS = [(HOLIDAY, "法定节假日"), (WORKDAY, "调休上班")]

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(unique=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["date"]
        verbose_name = "日历例外日"

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Obligation(Ledgered):
    """时限 — a legal deadline on a subject (a case, a publication…), owed by the agency or held by
    the party (当事人的期间: 陈述申辩期、听证申请期、缴款期、复议和诉讼期限).

    Only the agency's deadlines can be late: a party's period that has passed is 已届满 (expired),
    never 已超期, and counts in no warning, escalation or lateness figure.
    """

    OPEN, MET, OVERDUE, WAIVED, EXPIRED = "open", "met", "overdue", "waived", "expired"
    STATUSES = [(OPEN, "进行中"), (MET, "已履行"), (OVERDUE, "已超期"), (WAIVED, "已免除"), (EXPIRED, "已届满")]
    AGENCY, PARTY = "agency", "party"
    BEARERS = [(AGENCY, "执法机关"), (PARTY, "当事人")]
    UNITS = UNIT_CHOICES

    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # The agency's code is the column's value, so profile lookups and ledger entries read it
    # without a join; the reference keeps it an agency that exists.
    agency = models.ForeignKey("orgs.Agency", to_field="code", db_column="agency",
                               on_delete=models.PROTECT, related_name="obligations")
    kind = models.CharField(max_length=64)
    start = models.DateField()
    start_at = models.DateTimeField(null=True, blank=True)  # hours only
    rule = models.CharField(max_length=120, blank=True)
    count = models.PositiveIntegerField()
    unit = models.CharField(max_length=8, choices=UNITS)
    due = models.DateField()
    due_at = models.DateTimeField(null=True, blank=True)  # hours only
    provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN, db_index=True)
    bearer = models.CharField(max_length=8, choices=BEARERS, default=AGENCY)  # 期限承担方
    # 责任科室: the units whose queue the obligation reaches; `unit_name` keeps the rule's words.
    responsible_units = models.ManyToManyField("orgs.Unit", blank=True, related_name="obligations")
    unit_name = models.CharField(max_length=200, blank=True)
    leader = models.CharField(max_length=120, blank=True)  # the position (责任领导), e.g. 分管领导
    met_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["agency", "status", "due"])]
        verbose_name = "时限"

    def __str__(self):
        return f"{self.kind} {self.object_type}:{self.object_id} 至 {self.due}"

    @property
    def party_held(self) -> bool:
        return self.bearer == self.PARTY

    @property
    def paused(self) -> bool:
        return any(p.end is None for p in self.pauses.all())

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if state.get("bearer") == self.AGENCY:
            state.pop("bearer")  # obligations ledgered before the field keep their digest
        # `.all()`, sorted here: a prefetch cache is used when the writer just set one (an obligation
        # it has opened has no pauses or extensions), and read otherwise.
        state["responsible_units"] = sorted(u.pk for u in self.responsible_units.all())
        state["pauses"] = [[p.start, p.end, p.reason, p.note]
                           for p in sorted(self.pauses.all(), key=lambda p: p.pk)]
        state["extensions"] = [[e.count, e.unit, e.approver_id, e.reason, e.date]
                               for e in sorted(self.extensions.all(), key=lambda e: e.pk)]
        return state


class ObligationPause(models.Model):
    """中止计时 — a span whose days do not count toward the obligation (start ≤ day < end)."""

    REASONS = [("中止", "中止"), ("听证", "听证"), ("公告", "公告"),
               ("检测检验检疫鉴定", "检测、检验、检疫、鉴定"), ("权利人辨认鉴别", "权利人辨认或者鉴别"),
               ("责令退款", "责令退还多收价款"), ("other", "其他")]

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="pauses")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=REASONS)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "中止计时"


class ObligationExtension(models.Model):
    """延期 — extra time approved by a named person, counted from the previous due date."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="extensions")
    count = models.PositiveIntegerField()
    unit = models.CharField(max_length=8, choices=Obligation.UNITS)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    date = models.DateField()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "延期"
