"""The portal's own data: the public number of each published decision (decision 0070).

A published decision is addressed on the portal as /gk/<agency>/jueding/<number>/: `number` is a
per-agency sequence given at its first publication (1, 2, 3 … in the order of publication), never
reused, so an address shared in a chat keeps pointing at the same decision — and it is not the
database id of anything. `published` records the day each version was published (the history the
portal shows: number, day, correction reason — never an earlier version's text).

Both are consequences of the ledgered 发布 / 发布更正 moves of the `publication` table, written in
their transaction by the listener in `indexing.py`; `sanxiang search reindex` fills them for
publications published before this table existed.
"""

from django.db import models


class DecisionNumber(models.Model):
    """公开决定编号 — the public number of one published decision within its agency."""

    publication = models.OneToOneField("publicity.Publication", on_delete=models.PROTECT,
                                       related_name="public_number")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    published = models.JSONField(default=dict)  # {"<version number>": "YYYY-MM-DD"} of each published version

    class Meta:
        verbose_name = "公开决定编号"
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="portal_decision_number_unique")]

    def __str__(self):
        return f"公开决定第{self.number}号"
