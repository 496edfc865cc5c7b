"""State only: ConsultationSession moved to consultations on the same table (see consultations 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pharmacy', '0003_alter_dispenserecord_session'),
        ('prescriptions', '0002_alter_prescriptionitem_session_and_more'),
        ('visits', '0002_keyset_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ConsultationSession',
                ),
            ],
            database_operations=[],
        ),
    ]
