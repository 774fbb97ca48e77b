"""归档案卷 and 移交清单: what archiving a case leaves behind.

An archived file is immutable: its catalogue (卷内文件目录, every file with its digests), its notes
(卷内备考表) and its DA/T 70 check result are written once; only the legal hold (保全) and the
transfer to the archive office are recorded on it later. Records added to the case after archiving
are a 补充 outside the archived file (docs/archive.md explains why they are not refused).
"""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class ArchivedCaseFile(Ledgered):
    """归档案卷 — one case's file as archived (正卷 and 副卷), with the result of the four checks."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="archived_file")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    archive_number = models.CharField(max_length=64)  # 档号: 全宗号-年度-保管期限代码-件号 (DA/T 13)
    archive_year = models.PositiveIntegerField()
    archive_seq = models.PositiveIntegerField()
    outcome = models.CharField(max_length=24)
    catalogue = models.JSONField(default=list)
    notes = models.JSONField(default=dict)
    checks = models.JSONField(default=dict)
    # The archived file's manifest, fixed at archiving (package.fix_manifest): the archive_case
    # entry carries its SHA-256, and every package exported from the file carries it.
    manifest = models.JSONField(default=dict)
    catalogue_sha256 = models.CharField(max_length=64)
    items = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    retention = models.CharField(max_length=32)  # 保管期限, e.g. 定期30年
    retention_basis = models.CharField(max_length=300)
    legal_hold = models.BooleanField(default=False)  # 保全: not to be destroyed whatever the retention
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    archived_at = models.DateTimeField()
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    archived_by_name = models.CharField(max_length=150)
    transfer = models.ForeignKey("archive.TransferList", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="files")

    objects = RestrictedManager()

    class Meta:
        ordering = ["-archived_at", "id"]
        verbose_name = "归档案卷"
        constraints = [models.UniqueConstraint(fields=["agency", "archive_year", "archive_seq"],
                                               name="archive_number_unique")]

    def __str__(self):
        return f"{self.archive_number}（{self.case.number}）"


class TransferList(Ledgered):
    """移交清单 — the archived files of one year an agency hands to its archive office in one act."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()  # the year the files were archived
    items = models.JSONField(default=list)  # [{archive_number, case_number, cause, items, pages, retention}]
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    made_by_name = models.CharField(max_length=150)
    received_by = models.CharField(max_length=100)  # 接收人 of the archive office

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = "移交清单"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="archive_transfer_per_year")]

    def __str__(self):
        return f"{self.year} 年度案卷移交清单"


class ExportStatus(models.TextChoices):
    REQUESTED = "requested", "排队中"
    BUILDING = "building", "正在生成"
    READY = "ready", "可以下载"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期删除"


class ArchiveExport(Ledgered):
    """归档信息包导出 — one request for an archived case's package: built by the job runner (which
    signs the checkpoint the package needs, never a request), downloadable until it expires."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="archive_exports")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_by_name = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=100, blank=True)  # in settings.ARCHIVE_EXPORT_DIR
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    records = models.PositiveIntegerField(null=True, blank=True)
    tree_size = models.PositiveBigIntegerField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "归档信息包导出"

    def __str__(self):
        return f"{self.case.number} 归档信息包"
