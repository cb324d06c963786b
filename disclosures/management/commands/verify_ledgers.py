import time

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
        parser.add_argument(
            "--progress",
            action="store_true",
            help="A progress line on stderr (the default when stderr is a terminal).",
        )

    def handle(
        self, *args, village=None, verbosity=1, seal_existing=False, progress=False, **options
    ):
        villages = Village.objects.order_by("code")
        if village:
            villages = villages.filter(code=village)
            if not villages.exists():
                raise CommandError(f"No village with code {village}.")
        if seal_existing:
            self.seal(villages)
        show_progress = progress or (verbosity >= 1 and self.stderr.isatty())
        total, started = villages.count(), time.monotonic()
        checked = problems = 0
        # One village at a time, each in a few queries (verify_village): a province's
        # hundreds of thousands of items are never in memory together.
        for done, place in enumerate(villages.iterator(), start=1):
            count, found = verify_village(place)
            checked += count
            for what, problem in found:
                problems += 1
                self.stderr.write(f"{place.code} {place.name}: {what} {problem}")
            if verbosity >= 2 and count:
                self.stdout.write(f"{place.code} {place.name}: {count} published items")
            if show_progress:
                self.progress(done, total, checked, started)
        if show_progress:
            self.stderr.write("")
        summary = f"Checked {checked} published items in {total} villages: "
        if problems:
            raise CommandError(summary + f"{problems} problem(s).", returncode=1)
        self.stdout.write(
            summary + "every fingerprint matches, and so do the seals, heads and files."
        )

    def progress(self, done, total, checked, started):
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done)
        bar = "#" * (30 * done // total)
        self.stderr.write(
            f"\r[{bar:<30}] {done}/{total} villages · {checked:,} items · {elapsed:.0f} s, "
            f"about {left:.0f} s left ",
            ending="",
        )
        self.stderr.flush()

    def seal(self, villages):
        for place in villages:
            sealed = publishing.seal_existing(place)
            if sealed is None:
                self.stderr.write(f"{place.code} {place.name}: not sealed, see below")
            elif sealed:
                self.stdout.write(f"{place.code} {place.name}: sealed {sealed} published items")
