"""`manage.py verify_audit`: walk every chain of the audit log and name the first link that does not hold."""

from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import verify_chains
from apps.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chains (one per hospital, one for events without a hospital): reports the "
        "first broken link of each (an edit, a deletion, a reordering or an insertion) and exits non-zero if "
        "there is one; prints each chain's head hash, to be kept somewhere else (docs/operations.md)."
    )

    def handle(self, *args, **options):
        reports = verify_chains()
        hospitals = AuditEvent._meta.get_field("hospital").related_model.objects.in_bulk(
            [report.hospital_id for report in reports if report.hospital_id]
        )
        broken = 0
        for report in reports:
            hospital = hospitals.get(report.hospital_id)
            name = f"hospital {report.hospital_id} ({hospital.name})" if hospital else "events without a hospital"
            if report.broken:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{name}: BROKEN at {report.broken}"))
            else:
                self.stdout.write(
                    f"{name}: {report.events} events intact; head seq {report.head_seq} {report.head_hash}"
                )
        if broken:
            raise CommandError(f"The audit log has been tampered with: {broken} of {len(reports)} chains are broken.")
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} chains of the audit log are intact."))
