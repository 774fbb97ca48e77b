# Joins the three 0003 migrations of issue 7's parallel branches (coercion, inspection, deadlines).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_coercion'),
        ('cases', '0003_inspection'),
        ('cases', '0003_remakes_onsite_collection'),
    ]

    operations = []
