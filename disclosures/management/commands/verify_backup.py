from django.core.management.base import BaseCommand, CommandError

from disclosures.backup import problems_of


class Command(BaseCommand):
    help = (
        "Check a backup folder against its manifest and the database in use (the restored "
        "one): every file present with its SHA-256, every file the database names backed "
        "up. Exits 1 if anything is wrong. Run verify_ledgers as well."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        problems = problems_of(folder)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {folder}.", returncode=1)
        self.stdout.write(f"The backup in {folder} is whole.")
