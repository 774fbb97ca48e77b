from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class Section(models.TextChoices):
    """事前公开栏目 — the parts of an agency's before-enforcement disclosure kept as versioned data."""

    AGENCY = "agency", "机构职能与联系方式"
    MATTERS = "matters", "行政执法事项清单"
    GUIDES = "guides", "服务指南"
    RANDOM_ITEMS = "random_items", "随机抽查事项清单"
    WINDOWS = "windows", "岗位信息公示牌"
    # 行政处罚裁量基准 (行政处罚法 第三十四条: 应当向社会公布): violation → basis → level → standard.
    BENCHMARKS = "benchmarks", "行政处罚裁量基准"


class ChangeCause(models.TextChoices):
    """调整原因类别 — why a new version was published; a law or function change is what the seeds'
    update rule (动态调整; 乌鲁木齐: 60 个工作日内) speaks of."""

    ROUTINE = "routine", "日常更新"
    LAW = "law", "法律、法规、规章变化"
    FUNCTIONS = "functions", "机构职能变化"
    CORRECTION = "correction", "更正错误"


class DisclosureVersion(Ledgered):
    """事前公开信息版本 — one version of one section of an agency's 事前公开 (机构职能、执法事项清单、
    服务指南、随机抽查事项清单、岗位信息公示牌).

    A version is never changed: the next one, with its reason, supersedes it from the moment it is
    published; the portal shows the latest and the history of every section with the reasons.
    `content` is validated by `schema.py` for its section.
    """

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="disclosures")
    section = models.CharField(max_length=24, choices=Section.choices)
    version = models.PositiveIntegerField()
    cause = models.CharField(max_length=16, choices=ChangeCause.choices, default=ChangeCause.ROUTINE)
    reason = models.CharField(max_length=300)
    content = models.JSONField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    made_by_name = models.CharField(max_length=150)
    made_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "section", "-version"]
        verbose_name = "事前公开信息版本"
        constraints = [
            models.UniqueConstraint(fields=["agency", "section", "version"], name="disclosure_section_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}{self.get_section_display()}（第{self.version}版）"


class DisclosureTrigger(Ledgered):
    """事前公开调整事由 — a law, regulation or rule that took effect or was repealed, or a change of the
    agency's functions, after which its 事前公开 must be updated: the profile's
    `publicity.update_after_change` (乌鲁木齐: 60 个工作日) opens the deadline 事前公开动态调整期限 from
    `occurred_on`; a profile without a period ("及时") records the cause without a deadline. The
    version published in answer closes it (`answered_by`)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="disclosure_triggers")
    cause = models.CharField(max_length=16, choices=ChangeCause.choices)
    description = models.CharField(max_length=300)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    answered_by = models.ForeignKey(DisclosureVersion, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="answers")

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "-occurred_on", "-id"]
        verbose_name = "事前公开调整事由"

    def __str__(self) -> str:
        return f"{self.get_cause_display()}：{self.description}"


class GuideFile(Ledgered):
    """服务指南附件 — a file the agency's editors attach to one 申请材料 of a 服务指南 as its 示范文本 or
    常见错误示例 (issue 10 §1): a filled-in form as PDF, Word (.docx) or an image (PNG, JPEG), checked by
    its bytes (files.py). The bytes are in the content-addressed store (`path` is their SHA-256); the
    guide's version names the file by `sha256` with its name, type and size, so attaching or removing
    one publishes a new version with its reason. It is public only once a published version names it."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="guide_files")
    filename = models.CharField("文件名", max_length=120)
    media_type = models.CharField("文件类型", max_length=120)
    size = models.BigIntegerField("文件大小（字节）")
    path = models.CharField("存储路径", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_by_name = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "-uploaded_at", "-id"]
        verbose_name = "服务指南附件"
        indexes = [models.Index(fields=["agency", "sha256"])]

    def __str__(self) -> str:
        return self.filename
