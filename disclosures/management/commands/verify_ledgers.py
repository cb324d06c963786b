from django.core.management.base import BaseCommand, CommandError

from disclosures.publishing import chain_members, verify_chain
from villages.models import Village


class Command(BaseCommand):
    help = (
        "Recompute every village's fingerprint chain and name each published month or "
        "correction whose stored content no longer matches. Exits 1 if any does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--village", help="Only this village (12-digit code).")

    def handle(self, *args, village=None, verbosity=1, **options):
        villages = Village.objects.order_by("code")
        if village:
            villages = villages.filter(code=village)
            if not villages.exists():
                raise CommandError(f"No village with code {village}.")
        checked = problems = 0
        for place in villages:
            links = sorted(
                (
                    link
                    for model in chain_members()
                    for link in model.objects.published().filter(**model.chain_filter(place))
                ),
                key=lambda link: link.chain_position or 0,
            )
            checked += len(links)
            for link, problem in verify_chain(links):
                problems += 1
                self.stderr.write(f"{place.code} {place.name}: {link} {problem}")
            if verbosity >= 2 and links:
                self.stdout.write(f"{place.code} {place.name}: {len(links)} published items")
        summary = f"Checked {checked} published items in {villages.count()} villages: "
        if problems:
            raise CommandError(summary + f"{problems} problem(s).", returncode=1)
        self.stdout.write(summary + "every fingerprint matches.")
