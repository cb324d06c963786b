from django.core.management.base import BaseCommand
from django.utils import timezone

from disclosures.backup import back_up


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or a copy of the SQLite file) and the uploaded "
        "files, with a manifest of their SHA-256, into a new folder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The folder to write (default: backup-<date and time> here).",
        )

    def handle(self, *args, output=None, **options):
        folder = output or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}"
        manifest = back_up(folder)
        self.stdout.write(
            f"Backed up the database ({manifest['database']['file']}) and "
            f"{len(manifest['media'])} uploaded files to {folder}"
        )
