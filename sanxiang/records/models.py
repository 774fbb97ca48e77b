"""上传 (uploads): the bytes of a future evidence item or audio-video record, received with the
tus 1.0 protocol into a partial file and moved into the content-addressed store once complete."""

from django.conf import settings
from django.db import models

from sanxiang.ledger.models import Ledgered
from sanxiang.orgs.marks import Confidentiality


class Upload(Ledgered):
    """上传 — one file sent in pieces (断点续传) by a person of an agency.

    Its creation, completion and removal are ledgered; the progress of the bytes (`offset`, the
    lease of the request appending, the time of the last piece) is routine state outside the
    ledger digest. Once complete it names the stored file (`path`, `sha256`, `sm3`, `size`) that an
    evidence item or an audio-video record is made from later; it is never changed again.
    """

    agency = models.ForeignKey("orgs.Agency", verbose_name="执法主体", on_delete=models.PROTECT,
                               related_name="uploads")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                              related_name="uploads")
    length = models.BigIntegerField("文件大小（字节）")
    filename = models.CharField("文件名", max_length=255, blank=True)
    metadata = models.JSONField("上传元数据", default=dict, blank=True)
    created_at = models.DateTimeField("开始时间")
    # Routine progress, outside the ledger digest.
    offset = models.BigIntegerField("已接收（字节）", default=0)
    touched_at = models.DateTimeField("最近接收时间")
    lease = models.CharField("追加请求标识", max_length=32, blank=True)
    lease_until = models.DateTimeField("追加请求有效期", null=True, blank=True)
    # On the S3 store: the multipart upload the bytes stream into as they arrive (sanxiang.storage.parts).
    multipart = models.JSONField("分段存储状态", default=dict, blank=True)
    # Set once, on completion (ledgered with the stored file).
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    media_type = models.CharField("文件类型", max_length=120, blank=True)
    path = models.CharField("存储路径", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    # Set once when its bytes are refused for their type (已拒收): it can never be resumed (ledgered).
    refused_at = models.DateTimeField("拒收时间", null=True, blank=True)
    refused_reason = models.CharField("拒收理由", max_length=300, blank=True)

    ledger_exclude = ("offset", "touched_at", "lease", "lease_until", "multipart")

    class Meta:
        verbose_name = "上传"
        indexes = [models.Index(fields=["completed_at", "touched_at"])]

    def __str__(self):
        return self.filename or f"上传 {self.pk}"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    @property
    def type_label(self) -> str:
        """The file's type as people see it (图片, 音频, PDF 文件…), never its MIME type."""
        from .content import type_label

        return type_label(self.media_type)


# ---- 证据 and 音像记录, made from completed uploads (issue 8 §2) --------------------------------

class EvidenceKind(models.TextChoices):
    """证据种类 — the eight kinds of 行政处罚法 第四十六条."""

    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    TESTIMONY = "testimony", "证人证言"
    STATEMENT = "statement", "当事人的陈述"
    EXPERT_OPINION = "expert_opinion", "鉴定意见"
    SITE_RECORD = "site_record", "勘验笔录、现场笔录"


class PartySignature(models.Model):
    """当事人签名确认's signature (株洲: the party confirms the printed photos or the transcript): the party's
    handwritten signature drawn on the signature pad the 笔录 use (a PNG stored by its digest), or the
    officer's note that the party refused to sign and why (decision 0089)."""

    party_signer = models.CharField("确认的当事人（签名人）", max_length=100, blank=True)
    party_signature_path = models.CharField("当事人签名图像", max_length=200, blank=True)
    party_signature_sha256 = models.CharField("当事人签名 SHA-256", max_length=64, blank=True)
    party_signature_sm3 = models.CharField("当事人签名 SM3", max_length=64, blank=True)
    party_signature_size = models.PositiveIntegerField("当事人签名大小", null=True, blank=True)
    party_refusal_reason = models.CharField("当事人拒绝签名的理由", max_length=500, blank=True)

    class Meta:
        abstract = True

    # how the party's confirmation was signed (decision 0089): the handwritten signature, the noted refusal —
    # or neither, for a confirmation recorded before the signature was required (kept as it was, not back-filled)
    SIGNATURE_LABELS = {"signed": "当事人手写签名", "refused": "当事人拒绝签名（执法人员注明理由）",
                        "not_captured": "确认时未采集签名"}

    @property
    def party_signature_status(self) -> str:
        """"signed", "refused", "not_captured" (confirmed before decision 0089), or "" (not confirmed)."""
        if getattr(self, "party_confirmed_on", None) is None:
            return ""
        if self.party_signature_path:
            return "signed"
        return "refused" if self.party_refusal_reason else "not_captured"

    @property
    def party_signature_label(self) -> str:
        return self.SIGNATURE_LABELS.get(self.party_signature_status, "")

    def party_signature_record(self) -> dict:
        return {"path": self.party_signature_path, "sha256": self.party_signature_sha256,
                "sm3": self.party_signature_sm3, "size": self.party_signature_size}


class EvidenceItem(Ledgered, PartySignature):
    """证据 — one item of evidence of a case, made from a completed upload of the officer's own.

    Never edited or deleted: a correction (更正) is a new item whose `replaces` names the old one,
    which is then shown as corrected. 电子数据 carries its 提取笔录 (`extraction_*`); an evidence copy of
    an audio-video record (`recording`) carries the generated 文字说明 (`copy_note`).
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="evidence_items")
    upload = models.ForeignKey(Upload, verbose_name="文件", on_delete=models.PROTECT, related_name="evidence_items")
    kind = models.CharField("证据种类", max_length=24, choices=EvidenceKind.choices)
    title = models.CharField("名称", max_length=200)
    content = models.TextField("内容说明", blank=True)
    occurred_at = models.DateTimeField("形成或拍摄时间", null=True, blank=True)
    place = models.CharField("地点", max_length=300, blank=True)
    officers = models.CharField("执法人员", max_length=300, blank=True)
    recorder = models.CharField("记录人", max_length=100, blank=True)
    purpose = models.CharField("证明对象", max_length=500, blank=True)
    source = models.CharField("来源", max_length=300)
    collected_on = models.DateField("收集日期")
    collected_by = models.CharField("收集人", max_length=200)
    transcript = models.TextField("文字记录", blank=True)  # 录音整理成文 / 照片说明
    confidentiality = models.CharField("保密标识", max_length=24, choices=Confidentiality.choices)
    # 电子数据 提取笔录
    extraction_method = models.CharField("提取方法", max_length=300, blank=True)
    extraction_medium = models.CharField("原始存储介质或设备", max_length=300, blank=True)
    extracted_at = models.DateTimeField("提取时间", null=True, blank=True)
    extraction_digest = models.CharField("提取时计算的校验值", max_length=128, blank=True)
    extraction_officers = models.CharField("提取人员", max_length=200, blank=True)
    # 视听资料复制件: the recording it copies and its 文字说明 (maker, time, source digest)
    recording = models.ForeignKey("AudioVideoRecord", verbose_name="原始音像记录", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="evidence_copies")
    copy_note = models.TextField("复制件文字说明", blank=True)
    party_confirmed_on = models.DateField("当事人签名确认日期", null=True, blank=True)
    party_confirmation = models.CharField("当事人确认情况", max_length=300, blank=True)
    replaces = models.ForeignKey("self", verbose_name="更正的证据", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.CharField("更正原因", max_length=300, blank=True, default="")  # with `replaces`
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "证据"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}“{self.title}”"


class AudioVideoRecord(Ledgered, PartySignature):
    """音像记录 — a recording of an enforcement act: declared by the officer when it ends (the upload
    obligation, 音像记录存储时限, opens), its file attached from a completed upload, held unattached
    until linked to a case when it was made before one existed.

    The metadata the agency's profile asks (`records.av_metadata_fields`) are fields here; the act
    recorded is a key of the 音像记录事项清单 (`records.catalogue`).
    """

    agency = models.ForeignKey("orgs.Agency", verbose_name="执法主体", on_delete=models.PROTECT,
                               related_name="recordings")
    case = models.ForeignKey("cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="recordings")
    upload = models.OneToOneField(Upload, verbose_name="文件", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="recording")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="recordings")
    act = models.CharField("记录的执法活动", max_length=32, blank=True)  # a key of records.catalogue.ACTS
    title = models.CharField("名称", max_length=200)
    content = models.TextField("记录内容", blank=True)
    party = models.CharField("当事人", max_length=200, blank=True)
    officers = models.CharField("执法人员（承办人）", max_length=300)
    recorder = models.CharField("记录人", max_length=100)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=300)
    device = models.CharField("记录设备", max_length=200)
    purpose = models.CharField("证明对象", max_length=500, blank=True)
    opening_statement = models.TextField("开始时的语音说明", blank=True)
    party_informed = models.BooleanField("已告知当事人正在音像记录", default=False)
    interruptions = models.TextField("中断情况及理由", blank=True)
    remote_work = models.BooleanField("异地执法或连续工作", default=False)
    returned_at = models.DateTimeField("返回单位时间", null=True, blank=True)
    transcript = models.TextField("文字记录", blank=True)
    party_confirmed_on = models.DateField("当事人签名确认日期", null=True, blank=True)
    party_confirmation = models.CharField("当事人确认情况", max_length=300, blank=True)
    confidentiality = models.CharField("保密标识", max_length=24, choices=Confidentiality.choices)
    created_at = models.DateTimeField("登记时间")
    stored_at = models.DateTimeField("存储时间", null=True, blank=True)  # the upload's completion, once attached
    stored_late = models.BooleanField("逾期存储", default=False)
    late_reason = models.CharField("逾期存储理由", max_length=500, blank=True)
    linked_at = models.DateTimeField("关联案件时间", null=True, blank=True)

    class Meta:
        verbose_name = "音像记录"
        ordering = ["started_at", "id"]

    def __str__(self):
        return f"音像记录“{self.title}”"

    @property
    def return_days(self) -> int | None:
        """Days from the end of recording to the return to the unit (异地执法), as the register shows them."""
        from django.utils import timezone

        if not self.remote_work or self.returned_at is None:
            return None
        return (timezone.localtime(self.returned_at).date() - timezone.localtime(self.ended_at).date()).days


class RecordingWaiver(Ledgered):
    """未音像记录的说明 — for an act of the 音像记录事项清单 done without its recording: a head's reasoned
    exception (批准例外) for a mandatory one, the handler's reason (说明理由) for a recommended one."""

    APPROVED_EXCEPTION = "exception"
    EXPLANATION = "explanation"
    KINDS = [(APPROVED_EXCEPTION, "负责人批准的例外"), (EXPLANATION, "承办人说明的理由")]

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="recording_waivers")
    occurrence = models.CharField("执法活动", max_length=64)  # records.catalogue.Occurrence.ref
    act = models.CharField("清单事项", max_length=32)
    kind = models.CharField("种类", max_length=16, choices=KINDS)
    reason = models.CharField("理由", max_length=500)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准或说明人", on_delete=models.PROTECT,
                                 related_name="+")
    given_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "未音像记录的说明"
        ordering = ["given_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "occurrence"], name="records_waiver_once")]


class RecordingHandover(Ledgered):
    """音像记录原件移交 — one hand-over of a recording's original medium (to the archive): from, to, when,
    medium, place. Every hand-over is kept and listed on the recording."""

    recording = models.ForeignKey(AudioVideoRecord, verbose_name="音像记录", on_delete=models.PROTECT,
                                  related_name="handovers")
    handed_by = models.CharField("移交人", max_length=100)
    received_by = models.CharField("接收人", max_length=100)  # the name, as shown and written on the medium
    # The receiver's account when the receiver is a user of the agency (named, the one recording it, or the
    # only person of the agency with that name): the archive check asks who, not what name (s19, issue 8).
    received_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人账号", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField("移交时间")
    medium = models.CharField("载体", max_length=200)
    place = models.CharField("地点", max_length=300)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "音像记录原件移交"
        ordering = ["handed_at", "id"]
