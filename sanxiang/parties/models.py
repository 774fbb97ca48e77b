"""当事人 — the parties an agency deals with (persons, individual businesses, organisations)."""

from django.db import models
from django.db.models import Q

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    ORG = "org", "法人或其他组织"


class IdKind(models.TextChoices):
    """身份证件种类 — of a person, or of an individual business's operator."""

    RIC = "ric", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT = "foreign_permanent", "外国人永久居留身份证"
    NONE = "none", "无证件"


class Party(Ledgered):
    """当事人 — a person, individual business or organisation registered by one agency.

    Personal data: the row belongs to the agency that registered it and is never shared with
    another agency (each registers its own). A person is identified by a 公民身份号码 (GB 11643)
    or another document; an organisation or individual business by its 统一社会信用代码 (GB 32100).
    """

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField(max_length=32, choices=PartyKind.choices)
    name = models.CharField(max_length=200)
    # The person's document, or that of the individual business's operator.
    id_kind = models.CharField(max_length=32, choices=IdKind.choices, blank=True)
    id_number = models.CharField(max_length=64, blank=True)
    # Why there is no document (无证件), or why an organisation has no credit code.
    no_id_reason = models.CharField(max_length=200, blank=True)
    credit_code = models.CharField(max_length=18, blank=True)
    no_credit_code_reason = models.CharField(max_length=200, blank=True)
    legal_representative = models.CharField(max_length=100, blank=True)
    operator = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency_id", "name", "id"]
        verbose_name = "当事人"
        constraints = [
            models.UniqueConstraint(fields=["agency", "credit_code"], condition=~Q(credit_code=""),
                                    name="parties_party_unique_credit_code"),
            models.UniqueConstraint(fields=["agency", "id_kind", "id_number"],
                                    condition=Q(kind="person") & ~Q(id_number=""),
                                    name="parties_party_unique_person_id"),
        ]
        indexes = [models.Index(fields=["agency", "name"])]

    def __str__(self):
        return self.name
