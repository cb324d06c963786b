import datetime

from django.core.management.base import BaseCommand

from common.generated import prune
from disclosures.generated import GeneratedFile
from villages.models import SignBatch


class Command(BaseCommand):
    help = (
        "Delete the PDFs the worker made that a newer version of the same thing has "
        "replaced (a month's poster before its correction, yesterday's booklet, an older "
        "sign batch of the same villages) for longer than the grace period. The current "
        "file of each is never deleted. Daily, from cron (deploy/crontab)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24,
            help="keep a replaced file this long, for downloads still under way (24)",
        )

    def handle(self, *args, grace_hours, verbosity, **options):
        grace = datetime.timedelta(hours=grace_hours)
        for model, what in ((GeneratedFile, "posters and booklets"), (SignBatch, "sign batches")):
            count = prune(model, grace)
            if verbosity >= 1:
                self.stdout.write(f"{what}: {count} superseded deleted")
