import re
import time
import zlib
from itertools import groupby
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from villages.models import Township, Village
from villages.signs import render_signs


def count_pages(pdf):
    """Page objects in a PDF, including those WeasyPrint packs into compressed object streams."""
    view = memoryview(pdf)
    streams = re.finditer(rb"/Type\s*/ObjStm\b.*?stream\r?\n", pdf, re.S)
    chunks = [pdf, *(zlib.decompressobj().decompress(view[m.end() :]) for m in streams)]
    return sum(len(re.findall(rb"/Type\s*/Page\b", chunk)) for chunk in chunks)


def counted(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class Command(BaseCommand):
    help = (
        "Print the QR signs (一村一码) of one township's villages, of one village, or of every "
        "township, as one PDF with an A4 page per village."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--township", metavar="CODE", help="the township's 9-digit code")
        which.add_argument("--village", metavar="CODE", help="one village's 12-digit code")
        which.add_argument("--all", action="store_true", help="every township, in code order")
        parser.add_argument("--output", "-o", required=True, help="the PDF file to write")

    def handle(self, *args, township, village, output, verbosity, **options):
        started = time.perf_counter()
        villages = Village.objects.with_places().order_by("township__code", "code")
        if village is not None:
            villages = list(villages.filter(code=village))
            if not villages:
                raise CommandError(f"No village has the code {village!r} (12 digits).")
        elif township is not None:
            place = Township.objects.filter(code=township).first()
            if place is None:
                raise CommandError(f"No township has the code {township!r} (9 digits).")
            villages = list(villages.filter(township=place))
            if not villages:
                raise CommandError(f"Township {place.code} {place.name} has no villages.")
        else:
            villages = list(villages)
            if not villages:
                raise CommandError("There are no villages to print.")

        for place, group in groupby(villages, lambda v: v.township):
            group = list(group)
            if verbosity >= 1:
                self.stdout.write(f"{place.code} {place.name}: {counted(len(group), 'village')}")
            if verbosity >= 2:
                for one in group:
                    self.stdout.write(f"  {one.code} {one.name}  {one.public_url}")

        def progress(done, total):
            if verbosity >= 1:
                self.stdout.write(f"{done}/{total} signs laid out")

        pdf = render_signs(villages, progress=progress)
        path = Path(output)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        if verbosity >= 1:
            signs, pages = counted(len(villages), "sign"), counted(count_pages(pdf), "page")
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(f"Wrote {signs} ({pages}) to {path} in {seconds:.1f} s")
            )
