import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    # External content: the words live once, in search_searchentry.tokens.
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_searchentry', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
]
POSTGRESQL = [
    "ALTER TABLE search_searchentry ADD COLUMN tsv tsvector GENERATED ALWAYS AS"
    " (array_to_tsvector(string_to_array(tokens, ' '))) STORED",
    "CREATE INDEX search_tsv ON search_searchentry USING gin (tsv)",
]


def full_text_index(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def drop_full_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE search_fts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=32)),
                ("published_on", models.DateField()),
                ("ref", models.CharField(max_length=80, unique=True)),
                ("title", models.CharField(max_length=300)),
                ("summary", models.TextField()),
                ("tokens", models.TextField()),
                ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                             to="orgs.agency")),
            ],
            options={
                "indexes": [models.Index(fields=["agency", "published_on"], name="search_agency_published")],
            },
        ),
        migrations.RunPython(full_text_index, drop_full_text_index),
    ]
