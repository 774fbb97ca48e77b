"""The ledger (留痕): append-only entries in an RFC 6962 Merkle log."""

from django.db import models

from sanxiang.lib.canonical import canonical_bytes
from sanxiang.lib.hashing import sha256_hex


class Ledgered(models.Model):
    """Mixin for domain models whose every change is ledgered (留痕对象).

    `sanxiang verify` compares `ledger_state()` of each row with the state digest of the row's
    last ledger entry, which catches edits made behind the actions' back.
    """

    ledger_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def ledger_type(cls) -> str:
        return cls._meta.label_lower

    def ledger_state(self) -> dict:
        return {
            field.attname: field.value_from_object(self)
            for field in self._meta.concrete_fields
            if field.attname not in self.ledger_exclude
        }

    def ledger_digest(self) -> str:
        return sha256_hex(canonical_bytes(self.ledger_state()))


class LedgerEntry(models.Model):
    """留痕条目 — one entry; `entry` holds its canonical JSON, the bytes the leaf hash covers."""

    index = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    agency = models.CharField(max_length=64, blank=True, db_index=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    state_digest = models.CharField(max_length=64, blank=True)
    entry = models.TextField()
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "index"])]
        verbose_name = "留痕条目"

    def __str__(self):
        return f"#{self.index} {self.action} {self.object_type}:{self.object_id}"
