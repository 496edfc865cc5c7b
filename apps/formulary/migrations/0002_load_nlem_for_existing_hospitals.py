"""Hospitals created before the formulary get the NLEM 2022 rows too (new ones get them on creation)."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.formulary.services import FORM_ALIASES, NLEM_SOURCE, nlem_rows  # the data file, not the models

    Hospital = apps.get_model("hospitals", "Hospital")
    FormularyEntry = apps.get_model("formulary", "FormularyEntry")
    for hospital in Hospital.objects.all():
        have = {
            (name.lower(), strength, form)
            for name, strength, form in FormularyEntry.objects.filter(hospital=hospital).values_list(
                "generic_name", "strength", "form"
            )
        }
        new = []
        for row in nlem_rows():
            form = FORM_ALIASES.get(row["form"], row["form"])
            key = (row["generic_name"].lower(), row["strength"], form)
            if key not in have:
                have.add(key)
                new.append(
                    FormularyEntry(
                        hospital=hospital,
                        generic_name=row["generic_name"],
                        strength=row["strength"],
                        form=form,
                        route=row["route"],
                        source=NLEM_SOURCE,
                    )
                )
        FormularyEntry.objects.bulk_create(new, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("formulary", "0001_formulary_entry"), ("hospitals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
