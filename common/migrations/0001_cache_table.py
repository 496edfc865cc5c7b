# The database cache's table (common.models.CacheEntry): `migrate` makes it, so a fresh install needs
# no `createcachetable` (SPEC §8). A database where `createcachetable` already made it (every install
# before this migration, through `make migrate`) keeps its table and rows: only the state is added.

from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    model = apps.get_model("common", "CacheEntry")
    if model._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)


def drop_cache_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("common", "CacheEntry"))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CacheEntry",
                    fields=[
                        ("cache_key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                        ("value", models.TextField()),
                        ("expires", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "django_cache"},
                ),
            ],
        ),
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
