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
from sanxiang.orgs.marks import Confidentiality


class DocumentKind(models.TextChoices):
    """文书种类 — the forms of SAMR 《行政处罚文书格式范本（2021年修订版）》 built so far, and 株洲's
    重大行政执法决定法制审核表 (its plan's 附件)."""

    FILING_APPROVAL = "filing_approval", "立案审批表"
    NOT_FILING_APPROVAL = "not_filing_approval", "不予立案审批表"
    ONSITE_RECORD = "onsite_record", "现场笔录"
    INQUIRY_RECORD = "inquiry_record", "询问笔录"
    EDATA_RECORD = "edata_record", "电子数据证据提取笔录"
    PRESERVATION_NOTICE = "preservation_notice", "先行登记保存证据通知书"
    MEASURE_DECISION = "measure_decision", "实施行政强制措施决定书"
    MEASURE_LIST = "measure_list", "场所/设施/财物清单"
    MEASURE_EXTENSION = "measure_extension", "延长行政强制措施期限决定书"
    MEASURE_RELEASE = "measure_release", "解除行政强制措施决定书"
    SAMPLING_RECORD = "sampling_record", "抽样记录"
    INVESTIGATION_REPORT = "investigation_report", "案件调查终结报告"
    PENALTY_NOTICE = "penalty_notice", "行政处罚告知书"
    STATEMENT_RECORD = "statement_record", "陈述申辩笔录"
    HEARING_NOTICE = "hearing_notice", "听证通知书"
    HEARING_RECORD = "hearing_record", "听证笔录"
    HEARING_REPORT = "hearing_report", "听证报告"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书"
    ONSITE_DECISION = "onsite_decision", "当场行政处罚决定书"
    NO_PENALTY_DECISION = "no_penalty_decision", "不予行政处罚决定书"
    SERVICE_ADDRESS = "service_address", "送达地址确认书"
    SERVICE_RECEIPT = "service_receipt", "送达回证"
    DEMAND_NOTICE = "demand_notice", "催告书"
    CLOSING_APPROVAL = "closing_approval", "结案审批表"
    INSPECTION_NOTICE = "inspection_notice", "检查通知书"
    INSPECTION_RECORD = "inspection_record", "检查记录"
    ACCEPTANCE_NOTICE = "acceptance_notice", "受理通知书"
    NOT_ACCEPTED_DECISION = "not_accepted_decision", "不予受理决定书"
    LICENCE_GRANT = "licence_grant", "准予行政许可决定书"
    LICENCE_REFUSAL = "licence_refusal", "不予行政许可决定书"
    CASE_DECISION = "case_decision", "行政确认（裁决）决定书"
    # 劳动保障监察 (劳动保障监察条例第十八条第一款第二项): the order to correct within a time, and its 复查.
    RECTIFICATION_ORDER = "rectification_order", "劳动保障监察限期整改指令书"
    RECTIFICATION_RECHECK = "rectification_recheck", "整改复查记录"
    FILE_COVER = "file_cover", "卷宗封面"
    FILE_CATALOGUE = "file_catalogue", "卷内文件目录"
    FILE_NOTES = "file_notes", "卷内备考表"
    # 法制审核 (issue 9 §6): made from a review round (sanxiang/review/forms.py), filed in the 副卷
    CASE_REVIEW_FORM = "case_review_form", "案件审核表"
    LEGAL_REVIEW_FORM = "legal_review_form", "法制审核表"
    MAJOR_REVIEW_FORM = "major_review_form", "重大行政执法决定法制审核表"
    # 乌鲁木齐市场监管 records its general-procedure penalty review in the internal approval form
    INTERNAL_APPROVAL_FORM = "internal_approval_form", "行政处罚案件有关事项审批表"
    # 公示 (总局令第45号第8条: 送达时书面告知当事人将公示; issue 10 §3): made from a publication (decision 0072)
    PUBLICITY_NOTICE = "publicity_notice", "执法决定信息公示告知书"


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
    deactivated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)
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

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        for name in ("deactivated_by_id", "deactivated_at", "deactivation_reason"):
            if state.get(name) in (None, ""):
                state.pop(name, None)  # versions ledgered before these fields keep their digest
        return state

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
    # 密级 (the foundation's marks): the case's when generated; empty on documents made before the
    # field existed, which then follow their case (`mark`). The retrieval app reads it per record.
    confidentiality = models.CharField(max_length=24, choices=Confidentiality.choices, blank=True)
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
    # 签发 seals the PDF (signing.py): pdf_* then name the sealed file; the rendered one's digest stays here
    unsealed_pdf_sha256 = models.CharField(max_length=64, blank=True)
    seal_certificate_sha256 = models.CharField(max_length=64, blank=True)
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

    @property
    def mark(self) -> str:
        """The document's confidentiality, else its case's."""
        return self.confidentiality or self.case.confidentiality

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        for name in ("confidentiality", "unsealed_pdf_sha256", "seal_certificate_sha256"):
            if not state.get(name):
                state.pop(name, None)  # documents ledgered before these fields keep their digest
        return state

    def docx_record(self) -> dict:
        return {"path": self.docx_path, "sha256": self.docx_sha256, "sm3": self.docx_sm3, "size": self.docx_size}

    def pdf_record(self) -> dict:
        return {"path": self.pdf_path, "sha256": self.pdf_sha256, "sm3": self.pdf_sm3, "size": self.pdf_size}


class SignatureRole(models.TextChoices):
    OFFICER = "officer", "执法人员"
    PARTY = "party", "当事人（被询问人）"


class DocumentSignature(Ledgered):
    """手写签名 — a handwritten signature captured on a phone or tablet for a 笔录 or 送达回证: the PNG
    (stored by its digest), who signed in which role, and the account that held the device."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=16, choices=SignatureRole.choices)
    signer_name = models.CharField(max_length=100)
    png_path = models.CharField(max_length=200)
    png_sha256 = models.CharField(max_length=64)
    png_sm3 = models.CharField(max_length=64)
    png_size = models.PositiveIntegerField()
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["document", "role"]
        verbose_name = "手写签名"
        # each officer named signs once (two officers: 行政处罚法 第四十二条), the party once
        constraints = [models.UniqueConstraint(fields=["document", "role", "signer_name"],
                                               name="documents_each_signer_once")]

    def __str__(self):
        return f"{self.document}的{self.get_role_display()}签名（{self.signer_name}）"

    def png_record(self) -> dict:
        return {"path": self.png_path, "sha256": self.png_sha256, "sm3": self.png_sm3, "size": self.png_size}


class PaperOriginal(Ledgered):
    """纸质原件（扫描件） — a document of a case made on paper (a 笔录 signed at the scene, a 送达回证
    signed by the party, a decision issued on paper before the system), registered with its scan as
    that kind of document: 文号 if it has one, 成文日期, who signed it, and where the paper is kept.
    Frozen once registered (never edited, its scan's digests in the ledger entry); it meets the case
    file's requirements as that kind and is archived with its digest."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="paper_originals")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    number = models.CharField(max_length=100, blank=True)  # 文号, if the paper has one
    written_on = models.DateField()  # 成文日期
    signers = models.CharField(max_length=300)
    kept_at = models.CharField(max_length=300)  # where the paper original is kept
    supplement_reason = models.CharField(max_length=300, blank=True)  # 归档后补充原因 (an archived case only)
    upload = models.OneToOneField("records.Upload", on_delete=models.PROTECT, related_name="paper_original")
    media_type = models.CharField(max_length=120)  # the scan's type, judged by its bytes
    confidentiality = models.CharField(max_length=24, choices=Confidentiality.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["written_on", "id"]
        verbose_name = "纸质原件"

    def __str__(self):
        return f"{self.get_kind_display()}（纸质原件）{self.number}".rstrip()

    @property
    def mark(self) -> str:
        return self.confidentiality or self.case.confidentiality
