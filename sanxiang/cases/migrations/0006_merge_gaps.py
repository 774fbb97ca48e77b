from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_coercion_items"),
        ("cases", "0005_inspection_code_scanned"),
    ]

    operations = []
