"""Send unanswered questions past their deadline to the township. Run once a day (cron or
a systemd timer): running it again the same day changes nothing."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosures.questions.models import Question


class Command(BaseCommand):
    help = "Escalate villagers' questions that are past their deadline to the township."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601, e.g. 2026-12-01T08:00+08:00).",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: {error}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        escalated = Question.objects.escalate_overdue(now)
        self.stdout.write(f"Escalated {escalated} overdue question(s) to their township.")
