"""上传 (uploads): the bytes of a future evidence item or audio-video record, received with the
tus 1.0 protocol into a partial file and moved into the content-addressed store once complete."""

from django.conf import settings
from django.db import models

from sanxiang.ledger.models import Ledgered


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
    # Set once, on completion (ledgered with the stored file).
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    media_type = models.CharField("文件类型", max_length=120, blank=True)
    path = models.CharField("存储路径", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)

    ledger_exclude = ("offset", "touched_at", "lease", "lease_until")

    class Meta:
        verbose_name = "上传"
        indexes = [models.Index(fields=["completed_at", "touched_at"])]

    def __str__(self):
        return self.filename or f"上传 {self.pk}"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None
