"""归档后补充原因 on the paper original's row (s19, issue 8): before, it was only in the ledger entry's
payload. The rows registered since are filled from their `register_paper_original` entries."""

import json

from django.db import migrations, models


def from_the_ledger(apps, schema_editor):
    PaperOriginal = apps.get_model("documents", "PaperOriginal")
    sources = [(apps.get_model("ledger", "LedgerEntry"), "entry"), (apps.get_model("ledger", "PendingEntry"), "body")]
    for model, field in sources:
        rows = model.objects.filter(action="register_paper_original", object_type="documents.paperoriginal")
        for object_id, text in rows.values_list("object_id", field):
            try:
                reason = (json.loads(text).get("payload") or {}).get("supplement_reason") or ""
            except (ValueError, AttributeError):
                continue
            if reason:
                PaperOriginal.objects.filter(pk=object_id, supplement_reason="").update(supplement_reason=reason[:300])


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0007_internal_approval_form'),
        ('ledger', '0005_pending_entries'),
    ]

    operations = [
        migrations.AddField(
            model_name='paperoriginal',
            name='supplement_reason',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(from_the_ledger, migrations.RunPython.noop),
    ]
