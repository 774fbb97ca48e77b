from django.db import models


class SearchEntry(models.Model):
    """检索条目 — one item on the public portal as the public search finds it.

    Only what is public right now is here: publishing adds the entry, withdrawal and expiry remove
    it (in the same transaction, through `engine.index` and `engine.remove`). `tokens` is what the
    full-text index holds (sanxiang/search/tokens.py); the index itself is SQLite's FTS5 table
    `search_fts` or PostgreSQL's `tsv` column (migration 0001).
    """

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    published_on = models.DateField()
    ref = models.CharField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    tokens = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["agency", "published_on"], name="search_agency_published")]

    def __str__(self):
        return self.title
