"""涉案财物保管: the goods a case holds (查封、扣押、先行登记保存的财物, 没收的非法财物) and every hand-over
(交接) from seizure to disposal. The registers (执法台账) themselves are reads (`registry.py`), no rows.

A goods row names its current holder and place; only a hand-over (`HandOver`) moves it, and each
hand-over starts from the holder before it, so the chain has no gaps. The last hand-over of a
disposed row is its disposal (罚没财物处置), with the approval.
"""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class GoodsOrigin(models.TextChoices):
    """财物来源 — why the agency holds the goods."""

    SEIZED = "seized", "查封、扣押"
    PRESERVED = "preserved", "先行登记保存"
    CONFISCATED = "confiscated", "没收（行政处罚决定）"


class CustodyStage(models.TextChoices):
    """保管环节 — where in the chain the goods are: forward only."""

    SEIZURE = "seizure", "现场查扣"
    CUSTODY = "custody", "保管场所"
    WAREHOUSE = "warehouse", "罚没物品仓库"
    DISPOSED = "disposed", "已处置"


STAGE_ORDER = [CustodyStage.SEIZURE, CustodyStage.CUSTODY, CustodyStage.WAREHOUSE, CustodyStage.DISPOSED]


class DisposalMethod(models.TextChoices):
    """罚没财物处置方式."""

    AUCTION = "auction", "拍卖"
    DESTROY = "destroy", "销毁"
    TRANSFER = "transfer", "移交"
    RETURN = "return", "返还"


class Goods(Ledgered):
    """涉案财物 — one item the agency holds for a case: seized, preserved or confiscated, with its current
    holder (保管人) and place (存放地点) until it is disposed of."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="goods")
    seized_item = models.OneToOneField("cases.SeizedItem", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="goods")  # the 清单 row it came from, if seized
    origin = models.CharField(max_length=16, choices=GoodsOrigin.choices)
    name = models.CharField(max_length=200)
    spec = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=20)
    holder = models.CharField(max_length=200)  # 当前保管人 (a person's or a body's name)
    place = models.CharField(max_length=300)  # 当前存放地点
    stage = models.CharField(max_length=16, choices=CustodyStage.choices, default=CustodyStage.SEIZURE)
    registered_on = models.DateField()
    disposal_method = models.CharField(max_length=16, choices=DisposalMethod.choices, blank=True)
    disposed_on = models.DateField(null=True, blank=True)
    disposal_approval = models.CharField(max_length=500, blank=True)  # 审批意见、文号
    disposal_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    disposal_proceeds = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)  # 拍卖所得
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = "涉案财物"
        indexes = [models.Index(fields=["agency", "stage"])]

    def __str__(self):
        return f"{self.name}（{self.case.title}）"


class HandOver(Ledgered):
    """财物交接 — one hand-over of goods: from whom to whom, when, where, the state of the goods, both
    signatures (by name) and the reason. The first one takes the goods in (登记入库); a disposal
    (处置) is the last."""

    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="hand_overs")
    seq = models.PositiveIntegerField()
    from_holder = models.CharField(max_length=200)
    to_holder = models.CharField(max_length=200)
    from_place = models.CharField(max_length=300, blank=True)
    to_place = models.CharField(max_length=300)
    stage = models.CharField(max_length=16, choices=CustodyStage.choices)  # the stage the goods reach
    handed_at = models.DateTimeField()
    location = models.CharField(max_length=300)  # 交接地点
    condition = models.CharField(max_length=500)  # 财物状况
    handed_by = models.CharField(max_length=100)  # 移交人签名
    received_by = models.CharField(max_length=100)  # 接收人签名
    # 外部接收人的身份证件号码或单位 (decision 0092): set when the receiver is no account of the agency
    receiver_outside = models.CharField(max_length=200, blank=True, default="")
    reason = models.CharField(max_length=500)
    disposal_method = models.CharField(max_length=16, choices=DisposalMethod.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["goods_id", "seq"]
        verbose_name = "财物交接"
        constraints = [models.UniqueConstraint(fields=["goods", "seq"], name="registers_handover_seq")]
