"""执法文书: the documents a case issues, and the templates they are filled from.

A document is filled from its case with the newest active template of its kind (the agency's own
version, else the national one), numbered (文号) by the agency's rule, rendered to PDF by the job
runner and then issued (签发): from then on its files are frozen — their digests are in the ledger
and nothing changes it again. A correction is a new document that names the one it replaces.
"""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class DocumentKind(models.TextChoices):
    """文书种类 — the forms of SAMR 《行政处罚文书格式范本（2021年修订版）》 built so far."""

    FILING_APPROVAL = "filing_approval", "立案审批表"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书"
    SERVICE_RECEIPT = "service_receipt", "送达回证"


class DocumentStatus(models.TextChoices):
    """文书状态 — 待生成 (the PDF is queued) → 已生成 → 已签发 (frozen)."""

    PENDING = "pending", "待生成"
    GENERATED = "generated", "已生成"
    ISSUED = "issued", "已签发"
    FAILED = "failed", "生成失败"


class DocumentTemplate(Ledgered):
    """文书模板 — one version of a .docx template of a kind, national (agency empty) or an agency's own.

    Versions are never changed or deleted: documents issued with an old version keep naming it.
    """

    agency = models.ForeignKey("orgs.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="document_templates")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    file_path = models.CharField(max_length=200)  # in sanxiang.storage, named by its SHA-256
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField()
    reason = models.CharField(max_length=300)

    objects = RestrictedManager()

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = "文书模板"
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "version"], name="documents_template_version"),
            models.UniqueConstraint(fields=["kind", "version"], condition=models.Q(agency__isnull=True),
                                    name="documents_national_template_version"),
        ]

    def __str__(self):
        owner = self.agency.name if self.agency_id else "国家默认"
        return f"{owner}{self.get_kind_display()}模板第 {self.version} 版"


class Document(Ledgered):
    """执法文书 — one numbered document of a case, filled from a template and rendered to PDF."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")  # the numbering's owner
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    status = models.CharField(max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="documents")
    number = models.CharField(max_length=100)  # 文号
    number_year = models.PositiveIntegerField()
    number_seq = models.PositiveIntegerField()
    fields = models.JSONField(default=dict)  # what was filled in: the case's values and the 说理 written for it
    docx_path = models.CharField(max_length=200)
    docx_sha256 = models.CharField(max_length=64)
    docx_sm3 = models.CharField(max_length=64)
    docx_size = models.PositiveBigIntegerField()
    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sm3 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    generated_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "执法文书"
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "number_year", "number_seq"],
                                               name="documents_number_unique")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def docx_record(self) -> dict:
        return {"path": self.docx_path, "sha256": self.docx_sha256, "sm3": self.docx_sm3, "size": self.docx_size}

    def pdf_record(self) -> dict:
        return {"path": self.pdf_path, "sha256": self.pdf_sha256, "sm3": self.pdf_sm3, "size": self.pdf_size}
