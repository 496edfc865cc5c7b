"""ConsultationSession moves here from visits without touching a row.

The table stays where it is: this migration only tells Django's state that the model now
lives in consultations (still on the table visits_consultationsession); prescriptions 0002 and
pharmacy 0003 point their foreign keys at it in the state alone; visits 0003 drops the old
model from the state; consultations 0002 finally renames the table, which carries every row,
index, constraint and foreign key with it. The content type follows the model, so anything
that names it (the admin's log, permissions) keeps pointing at the same rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source="visits", target="consultations"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label=target, model="consultationsession").exists():
        content_types.filter(app_label=source, model="consultationsession").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="consultations", target="visits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hospitals', '0001_initial'),
        ('visits', '0002_keyset_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ConsultationSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('session_number', models.PositiveSmallIntegerField(editable=False)),
                        ('token_number', models.PositiveIntegerField(editable=False)),
                        ('token_date', models.DateField(editable=False)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('completed', 'Completed')], default='open', max_length=10)),
                        ('started_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('completed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('doctor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consultation_sessions', to=settings.AUTH_USER_MODEL)),
                        ('hospital', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hospitals.hospital')),
                        ('visit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='visits.visit')),
                    ],
                    options={
                        'db_table': 'visits_consultationsession',
                        'ordering': ['created_at', 'id'],
                        'indexes': [models.Index(fields=['hospital', 'doctor', 'status', 'created_at'], name='session_queue_idx'), models.Index(fields=['hospital', 'token_date'], name='session_hosp_day_idx')],
                        'constraints': [models.UniqueConstraint(fields=('visit', 'session_number'), name='session_number_unique_per_visit'), models.UniqueConstraint(fields=('doctor', 'token_date', 'token_number'), name='session_token_unique_per_doctor_day'), models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('visit',), name='session_one_open_per_visit'), models.CheckConstraint(condition=models.Q(('status__in', ['open', 'completed'])), name='session_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', True), ('status', 'open')), models.Q(('completed_at__isnull', False), ('status', 'completed')), _connector='OR'), name='session_completed_iff_completed_at')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
