from django.core.management.base import BaseCommand, CommandError

from disclosures.village_page.bulk import build_archive
from villages.models import District


class Command(BaseCommand):
    help = (
        "Build each district's bulk download of open data (a zip of JSON and CSV per "
        "village with a manifest of fingerprints) in MEDIA_ROOT/open-data/. Nightly "
        "(deploy/crontab); the last complete zip is served until the new one is ready."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="Only this district (6-digit code).")

    def handle(self, *args, district=None, **options):
        districts = District.objects.order_by("code")
        if district:
            districts = districts.filter(code=district)
            if not districts.exists():
                raise CommandError(f"No district with code {district}.")
        for place in districts:
            path = build_archive(place)
            self.stdout.write(f"{place.code} {place.name}: {path} ({path.stat().st_size} bytes)")
