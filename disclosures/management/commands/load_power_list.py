"""Load the district's template of the small and micro power lists (38 + 30 items).

    manage.py load_power_list --district 371603 [--dry-run]

Items are matched by (district, list, number): running it again changes only what the
template changed, and a second run writes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from disclosures.powers.list_template import NEGATIVE, POSITIVE
from disclosures.powers.models import ListKind, PowerItem, PowerStep
from villages.models import District


def template_rows():
    """(kind, number, fields, steps) for every item of the template."""
    for row in POSITIVE:
        fields = {
            "name": row["name"],
            "category": row["category"],
            "legal_basis": row["legal_basis"],
            "responsible": row["responsible"],
            "risk_points": "\n".join(row["risk_points"]),
            "disclosure": "\n".join(row["disclosure"]),
            "discipline": row["discipline"],
            "consequence": "",
        }
        yield ListKind.POSITIVE, row["number"], fields, row["steps"]
    for row in NEGATIVE:
        fields = {
            "name": row["act"],
            "category": row["category"],
            "legal_basis": row["legal_basis"],
            "responsible": "",
            "risk_points": "",
            "disclosure": "",
            "discipline": "",
            "consequence": row["consequence"],
        }
        yield ListKind.NEGATIVE, row["number"], fields, []


def load(district):
    """Create or update the district's items; returns (created, updated, unchanged)."""
    existing = {
        (item.kind, item.number): item
        for item in PowerItem.objects.filter(district=district).prefetch_related("steps")
    }
    created = updated = unchanged = 0
    for kind, number, fields, steps in template_rows():
        item = existing.get((kind, number))
        wanted_steps = [tuple(step) for step in steps]
        if item is None:
            item, _ = PowerItem.objects.update_or_create(
                district=district, kind=kind, number=number, defaults=fields
            )
            created += 1
        else:
            have_steps = [(s.actor, s.action, s.time_limit) for s in item.steps.all()]
            same_fields = all(getattr(item, name) == value for name, value in fields.items())
            if same_fields and have_steps == wanted_steps:
                unchanged += 1
                continue
            item, _ = PowerItem.objects.update_or_create(
                district=district, kind=kind, number=number, defaults=fields
            )
            item.steps.all().delete()
            updated += 1
        PowerStep.objects.bulk_create(
            PowerStep(item=item, order=order, actor=actor, action=action, time_limit=limit)
            for order, (actor, action, limit) in enumerate(wanted_steps, start=1)
        )
    return created, updated, unchanged


class Command(BaseCommand):
    help = "Load the template power lists (38 positive, 30 negative items) for a district."

    def add_arguments(self, parser):
        parser.add_argument(
            "--district", required=True, help="The district's 6-digit code, e.g. 371603."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, district, dry_run, **options):
        try:
            district = District.objects.get(code=district)
        except District.DoesNotExist:
            raise CommandError(f"No district with code {district}.") from None
        with transaction.atomic():
            created, updated, unchanged = load(district)
            if dry_run:
                transaction.set_rollback(True)
        if options["verbosity"] < 1:
            return
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{district.name} ({district.code}) power lists: {len(POSITIVE)} positive, "
            f"{len(NEGATIVE)} negative; {created} created, {updated} updated, "
            f"{unchanged} unchanged."
        )
