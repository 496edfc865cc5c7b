"""State only: ConsultationSession moved to consultations on the same table (see consultations 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0001_initial'),
        ('pharmacy', '0002_keyset_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='dispenserecord',
                    name='session',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='dispense_record', to='consultations.consultationsession'),
                ),
            ],
            database_operations=[],
        ),
    ]
