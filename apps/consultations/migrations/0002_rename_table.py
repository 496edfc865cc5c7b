"""The session table takes its app's name; rows, indexes, constraints and foreign keys go with it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("visits", "0003_delete_consultationsession"),
    ]

    operations = [
        migrations.AlterModelTable(name="consultationsession", table=None),
    ]
