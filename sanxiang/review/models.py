from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class CatalogueVersion(Ledgered):
    """法制审核目录清单版本 — one version of an agency's 重大执法决定法制审核目录清单.

    A version is never changed: a new one, in force from its date, supersedes it for decisions
    made from that date on. `rules` is the validated list of `conditions.Rule` (key, label,
    citation, condition). Version 1 of an agency is usually seeded from its rule profile.
    """

    SEEDED, ADOPTED = "profile", "adopted"
    ORIGINS = [(SEEDED, "由规则配置生成"), (ADOPTED, "本机关发布")]

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="review_catalogues")
    version = models.PositiveIntegerField()
    effective_from = models.DateField(null=True, blank=True)  # empty: in force from the start
    reason = models.CharField(max_length=300)
    origin = models.CharField(max_length=16, choices=ORIGINS)
    profile_key = models.CharField(max_length=64, blank=True)  # the profile a seeded version came from
    rules = models.JSONField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    made_by_name = models.CharField(max_length=150)
    made_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "-version"]
        verbose_name = "法制审核目录清单版本"
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="review_catalogue_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}法制审核目录清单（第{self.version}版）"
