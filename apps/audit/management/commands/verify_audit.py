"""`manage.py verify_audit`: walk every chain of the audit log and name the first link that does not hold."""

from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import PLATFORM_CHAIN, check_anchor, related_model, verify_chains


def anchor(text: str) -> tuple[int, int, str]:
    chain, seq, hash_ = text.split(":")
    return int(chain), int(seq), hash_


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chains (one per hospital, one for events without a hospital): reports the "
        "first broken link of each (an edit, a deletion, a reordering or an insertion) and exits non-zero if "
        "there is one. Prints each chain's head as chain:seq:hash, to be kept somewhere else and given back "
        "with --anchor later: the one check that shows the end of a chain cut off or rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=anchor,
            metavar="CHAIN:SEQ:HASH",
            help="A head printed by an earlier run; may be given many times.",
        )

    def handle(self, *args, **options):
        reports = verify_chains()
        hospitals = related_model("hospital")._default_manager.in_bulk(
            [report.hospital_id for report in reports if report.hospital_id]
        )
        problems = 0
        for report in reports:
            hospital = hospitals.get(report.hospital_id)
            name = f"hospital {report.hospital_id} ({hospital})" if hospital else "events without a hospital"
            if report.broken:
                problems += 1
                self.stdout.write(self.style.ERROR(f"{name}: BROKEN at {report.broken}"))
            else:
                head = f"{report.hospital_id or PLATFORM_CHAIN}:{report.head_seq}:{report.head_hash}"
                self.stdout.write(f"{name}: {report.events} events intact; head {head}")
        for chain, seq, hash_ in options["anchor"]:
            if problem := check_anchor(chain, seq, hash_):
                problems += 1
                self.stdout.write(self.style.ERROR(f"anchor {chain}:{seq}: {problem}"))
            else:
                self.stdout.write(f"anchor {chain}:{seq}: still in its chain")
        if problems:
            raise CommandError(f"The audit log has been tampered with: {problems} problem(s), see above.")
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} chains of the audit log are intact."))
