from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosures.compliance import ranking
from disclosures.compliance.models import last_complete_quarter
from villages.models import Township


class Command(BaseCommand):
    help = (
        "Publish each township's quarterly ranking (一季一晒) of the last complete quarter, "
        "once: a ranking already published is left as it is. Run daily (deploy/crontab)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--township", help="Only this township (9-digit code).")
        parser.add_argument("--quarter", help="This quarter, e.g. 2026-Q3, if it has ended.")

    def handle(self, *args, township=None, quarter=None, **options):
        townships = Township.objects.order_by("code")
        if township:
            townships = townships.filter(code=township)
            if not townships.exists():
                raise CommandError(f"No township with code {township}.")
        if quarter:
            try:
                year, number = quarter.upper().split("-Q")
                year, number = int(year), int(number)
                assert 1 <= number <= 4
            except (ValueError, AssertionError) as error:
                raise CommandError("Give the quarter as 2026-Q3.") from error
        else:
            year, number = last_complete_quarter(timezone.localdate())
        for place in townships:
            try:
                published = ranking.publish(place, year, number)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"{place.code} {place.name} {published.slug}: {len(published.rows)} villages, "
                f"fingerprint {published.short_fingerprint}"
            )
