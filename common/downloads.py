"""Downloads, one way for every page that offers one. CSV: UTF-8 with a BOM (so Excel reads
the Chinese), and no cell a spreadsheet would run as a formula. XLSX: an openpyxl workbook
as an attachment."""

import csv
import io

from django.http import HttpResponse

from common.text import clean_text


def csv_text(value):
    """Plain text for a cell: dates as 2026-07-15, amounts as 6500.00, and text that a
    spreadsheet would take for a formula (=, +, -, @) quoted with an apostrophe."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "quantize"):
        return f"{value:.2f}"
    value = clean_text(str(value), multiline=True)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(headers, rows, filename):
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows([csv_text(value) for value in row] for row in rows)
    response = HttpResponse(
        output.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_value(value):
    """A value openpyxl can always write: text without the control characters XML 1.0
    cannot hold (openpyxl raises on them, and a published text is never edited again)."""
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    return value


def xlsx_response(workbook, filename):
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
