from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.discovery.demo import DEMO_ACCOUNTS, DEMO_HOSPITAL_NAME, build_demo, demo_exists


class Command(BaseCommand):
    help = "Build the demo hospital with one account per role and visits at every stage (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with production settings (publishes demo passwords)."
        )

    def handle(self, *args, force: bool = False, **options):
        if settings.ENVIRONMENT == "production" and not force:
            raise CommandError(
                "Refusing to seed demo accounts with production settings: their passwords are public. "
                "Use --force if this really is a demo installation."
            )
        if demo_exists():
            self.stdout.write(f"{DEMO_HOSPITAL_NAME} is already seeded; nothing changed.")
        else:
            display_key = build_demo()
            self.stdout.write(self.style.SUCCESS(f"Seeded {DEMO_HOSPITAL_NAME}."))
            # Shown this once (only its hash is kept); the hospital admin can make more on the Displays page.
            self.stdout.write(f"\nWaiting-room display: http://127.0.0.1:8000/display/{display_key}/")
        self.stdout.write("\nDemo accounts (log in at http://127.0.0.1:8000/login/):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role_label:<15} {account.username:<17} {account.password}")
