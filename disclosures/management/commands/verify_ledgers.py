from django.core.management.base import BaseCommand, CommandError

from disclosures import publishing
from disclosures.publishing import verify_village
from villages.models import Village


class Command(BaseCommand):
    help = (
        "Recompute every village's fingerprint chain; check each fingerprint against the "
        "seal signed with CHAIN_SIGNING_KEY when it was published, the chain's length "
        "and end against its signed head, and every receipt photo and attachment against "
        "its SHA-256. Names each item with a problem and exits 1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--village", help="Only this village (12-digit code).")
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help="Once, after upgrading: seal what was published before seals existed, in "
            "every village whose chain otherwise verifies; then check as usual.",
        )

    def handle(self, *args, village=None, verbosity=1, seal_existing=False, **options):
        villages = Village.objects.order_by("code")
        if village:
            villages = villages.filter(code=village)
            if not villages.exists():
                raise CommandError(f"No village with code {village}.")
        if seal_existing:
            self.seal(villages)
        checked = problems = 0
        for place in villages:
            count, found = verify_village(place)
            checked += count
            for what, problem in found:
                problems += 1
                self.stderr.write(f"{place.code} {place.name}: {what} {problem}")
            if verbosity >= 2 and count:
                self.stdout.write(f"{place.code} {place.name}: {count} published items")
        summary = f"Checked {checked} published items in {villages.count()} villages: "
        if problems:
            raise CommandError(summary + f"{problems} problem(s).", returncode=1)
        self.stdout.write(
            summary + "every fingerprint matches, and so do the seals, heads and files."
        )

    def seal(self, villages):
        for place in villages:
            sealed = publishing.seal_existing(place)
            if sealed is None:
                self.stderr.write(f"{place.code} {place.name}: not sealed, see below")
            elif sealed:
                self.stdout.write(f"{place.code} {place.name}: sealed {sealed} published items")
