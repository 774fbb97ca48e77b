"""The ledger (留痕): append-only entries in an RFC 6962 Merkle log."""

from django.conf import settings
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
    deleted = models.BooleanField(default=False)
    entry = models.TextField()
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "index"])]
        verbose_name = "留痕条目"

    def __str__(self):
        return f"#{self.index} {self.action} {self.object_type}:{self.object_id}"


class PendingEntry(models.Model):
    """待排序条目 — an entry committed with its action but not yet given an index in the tree.

    Written instead of a `LedgerEntry` when another writer holds the sequencing lock
    (PostgreSQL) or `LEDGER_SEQUENCING = "deferred"`; the integrator (`sanxiang.ledger.sequencer`)
    assigns indices in commit-visible order, writes the entries and the tree, and deletes these
    rows, all in one transaction. `body` is the entry's canonical JSON without `index`, which
    goes in at character `split` (see `sequencer.EntryText`).
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField()
    agency = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    state_digest = models.CharField(max_length=64, blank=True)
    deleted = models.BooleanField(default=False)
    body = models.TextField()
    split = models.IntegerField()

    class Meta:
        verbose_name = "待排序条目"

    def __str__(self):
        return f"pending {self.id} {self.action} {self.object_type}:{self.object_id}"


class MerkleNode(models.Model):
    """默克尔树节点 — hash of the complete aligned subtree over leaves
    [index·2^level, (index+1)·2^level); level ≥ 1 (level 0 is `LedgerEntry.leaf_hash`)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_node_position")]
        verbose_name = "默克尔树节点"

    def __str__(self):
        return f"node({self.level}, {self.index})"


class Checkpoint(models.Model):
    """检查点 — a signed C2SP tlog-checkpoint note: origin, tree size, root hash, signatures."""

    tree_size = models.BigIntegerField(db_index=True)
    root_hash = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "检查点"

    def __str__(self):
        return f"checkpoint {self.tree_size} {self.root_hash[:12]}"


class Announcement(Ledgered):
    """账本公告 — a statement an administrator appends to the ledger (e.g. "日历已复核")."""

    text = models.TextField()
    agency = models.CharField(max_length=64, blank=True)
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "账本公告"

    def __str__(self):
        return self.text[:40]
