"""查阅与调阅: every look at a record of a case (查阅留痕), requests for access by those without it
(调阅申请) and the party's requests for copies (当事人申请复制)."""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class AccessMode(models.TextChoices):
    VIEW = "view", "查看"
    DOWNLOAD = "download", "下载"


class RecordAccess(Ledgered):
    """查阅留痕 — one view or download of a record's file: who, when, which file, why (the purpose
    given, or the 调阅 grant used), and the digest of what was served (the watermarked copy's)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="record_accesses")
    record_kind = models.CharField(max_length=32)
    record_id = models.PositiveBigIntegerField()
    record_name = models.CharField(max_length=200)
    file = models.CharField(max_length=32)
    file_sha256 = models.CharField(max_length=64)
    served_sha256 = models.CharField(max_length=64)
    watermarked = models.BooleanField(default=False)
    mode = models.CharField(max_length=16, choices=AccessMode.choices)
    purpose = models.CharField(max_length=300, blank=True)
    grant = models.ForeignKey("AccessRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    confidentiality = models.CharField(max_length=24)
    byte_range = models.CharField(max_length=100, blank=True)
    # Who: the user; an operator's command (`sanxiang archive export`, decision 0079) has no user and
    # names the system actor instead (运维命令行).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()

    objects = RestrictedManager()

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if not state.get("actor_name"):
            state.pop("actor_name", None)  # rows ledgered before the field keep their digest
        return state

    @property
    def who(self) -> str:
        if self.user is None:
            return self.actor_name
        return self.user.get_full_name() or self.user.username

    # The files a record serves, by their key in `file` (retrieval/kinds.py), as a page names them.
    FILE_LABELS = {"pdf": "PDF", "docx": "Word 文档", "file": "原件", "scan": "扫描件", "content": "内容",
                   "package": "归档信息包"}

    @property
    def file_label(self) -> str:
        return self.FILE_LABELS.get(self.file, "文件")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "查阅留痕"
        indexes = [models.Index(fields=["case", "at"])]


class AccessRequestKind(models.TextChoices):
    INSPECT = "inspect", "调阅"
    COPY = "copy", "调阅并复制"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
    EXPIRED = "expired", "已到期"


class AccessRequest(Ledgered):
    """调阅申请 — someone without standing access (another unit's officer, a reviewer outside the case,
    a supervisor: 执法监督条例 Art.22) asks for a case's records with a reason; the entitled head
    approves (a grant until `until`) or refuses with a reason."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=AccessRequestKind.choices, default=AccessRequestKind.INSPECT)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "调阅申请"
        indexes = [models.Index(fields=["status", "until"])]

    def __str__(self):
        return f"{self.get_kind_display()}申请（{self.case.number or self.case.cause}）"


class PartyCopyStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "待负责人审批"
    TO_ANSWER = "to_answer", "待答复"
    PROVIDED = "provided", "已提供"
    REFUSED = "refused", "不予提供"


class PartyCopyRequest(Ledgered):
    """当事人申请复制 — a party asks for copies of a case's records; staff register it (parties have no
    login), the head approves where the profile says so (`records.party_copy_requires_approval`), and
    the agency answers — provided, or refused with a reason — by `due_on`."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="party_copy_requests")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    records = models.CharField(max_length=500)  # what the party asks to copy, in their words
    # the records asked for, by key ("evidence:27"): only these (less what the head withholds) are offered
    asked = models.JSONField(default=list, blank=True)
    # what the head keeps back on approving: [{"record": key, "name": ..., "reason": ...}]
    withheld = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=24, choices=PartyCopyStatus.choices)
    needs_approval = models.BooleanField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()
    due_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)  # the head's opinion (审批意见)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.CharField(max_length=500, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = "当事人申请复制"
