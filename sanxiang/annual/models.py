"""行政执法统计年报 — an agency's figures of one year: the units' submissions to the legal office,
the figures the platform does not hold (entered with their source), the compiled report, its
approval, publication and the recipients it was reported to (issue 10 §6, docs/annual.md).

The states move only through the transition tables in `workflows.py`; every other write is an
action in `actions.py` with its ledger entry in the same transaction.
"""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class ReportStatus(models.TextChoices):
    """年报状态."""

    COMPILING = "compiling", "汇总中"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已公开"


class SubmissionStatus(models.TextChoices):
    """科室（单位）报送状态."""

    DRAFT = "draft", "未报送"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"


class RecordedItem(models.TextChoices):
    """平台未办理、由法制机构录入的数字（注明来源）."""

    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"
    EXPROPRIATION = "expropriation", "行政征收"
    REQUISITION = "requisition", "行政征用"


class AnnualReport(Ledgered):
    """行政执法统计年报 — one agency's report on one year (上年度行政执法总体情况有关数据)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveIntegerField()
    status = models.CharField(max_length=16, default=ReportStatus.COMPILING)
    figures = models.JSONField(default=dict, blank=True)  # compiled at approval (the published numbers)
    approved_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    warning = models.CharField(max_length=8, blank=True)  # yellow/red before/after the publication date (job)
    created_at = models.DateTimeField()
    # The PDF rendered by the job runner once the report is published (LibreOffice, never in a request);
    # the portal and the staff page offer it for download once it exists.
    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    pdf_failure = models.CharField(max_length=500, blank=True)

    ledger_exclude = ("warning",)
    objects = RestrictedManager()
    PDF_FIELDS = ("pdf_path", "pdf_sha256", "pdf_size", "pdf_failure")

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        for name in self.PDF_FIELDS:  # reports ledgered before the PDF existed keep their digest
            if state.get(name) in ("", None):
                state.pop(name, None)
        return state

    class Meta:
        ordering = ["-year", "agency_id"]
        verbose_name = "行政执法统计年报"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="annual_report_unique_year")]

    def __str__(self):
        return f"{self.agency.name} {self.year}年度行政执法统计年报"

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label


class UnitSubmission(Ledgered):
    """科室报送 — one unit's figures of the year sent to the legal office (法制机构)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="annual_submissions")
    status = models.CharField(max_length=16, default=SubmissionStatus.DRAFT)
    figures = models.JSONField(default=dict, blank=True)  # the unit's figures as submitted
    submitted_on = models.DateField(null=True, blank=True)
    returned_reason = models.CharField(max_length=500, blank=True)
    warning = models.CharField(max_length=8, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    ledger_exclude = ("warning",)
    objects = RestrictedManager()

    class Meta:
        ordering = ["report_id", "unit_id"]
        verbose_name = "年度执法数据报送"
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="annual_submission_unique_unit")]

    def __str__(self):
        return f"{self.unit.name} {self.report.year}年度执法数据报送"

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.status).label

    def obligation_units(self) -> list:
        return [self.unit]


class RecordedFigure(Ledgered):
    """录入数字 — a figure the platform does not hold (复议、诉讼…), entered by the legal office with its source."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="recorded")
    item = models.CharField(max_length=24, choices=RecordedItem.choices)
    count = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=300)  # 数据来源说明
    entered_on = models.DateField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["report_id", "item", "id"]
        verbose_name = "年报录入数字"
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="annual_recorded_unique_item")]


class ReportDelivery(Ledgered):
    """报送记录 — the published report sent to one of the recipients the profile names."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.CharField(max_length=100)
    delivered_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["report_id", "delivered_on", "id"]
        verbose_name = "年报报送记录"
        constraints = [models.UniqueConstraint(fields=["report", "recipient"], name="annual_delivery_unique")]
