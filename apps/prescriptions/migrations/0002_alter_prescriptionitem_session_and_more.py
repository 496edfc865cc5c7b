"""State only: ConsultationSession moved to consultations on the same table (see consultations 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0001_initial'),
        ('prescriptions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='prescriptionitem',
                    name='session',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items_added', to='consultations.consultationsession'),
                ),
                migrations.AlterField(
                    model_name='prescriptionitem',
                    name='stopped_in_session',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='items_stopped', to='consultations.consultationsession'),
                ),
            ],
            database_operations=[],
        ),
    ]
