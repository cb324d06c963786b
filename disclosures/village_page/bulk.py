"""The nightly bulk download of a district (docs/open-data.md, "Bulk download"): one zip
with, for every village, its published months as JSON, its years as CSV, its
disclosures as JSON (livelihood lists masked as on the page), its registers as JSON and
CSV, and its whole fingerprint chain as CSV; and a manifest.json naming every file's
SHA-256 and every village's chain, link by link, as `verify_ledgers` checks it.

Made by `manage.py build_open_data` (deploy/crontab), never inside a request; served as
a file from MEDIA_ROOT/open-data/. It holds nothing the public pages do not show: the
same documents as the JSON twins and the same CSV as the downloads.
"""

import csv
import datetime
import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from common.downloads import csv_text
from common.qr import public_url
from disclosures.affairs.opendata import disclosure_document
from disclosures.affairs.public import masked_rows
from disclosures.assets.opendata import registers_document
from disclosures.assets.views import register_lists
from disclosures.finance import exports
from disclosures.finance.opendata import month_document
from disclosures.opendata import FORMAT
from disclosures.publishing import chain_links
from villages.models import Village

FOLDER = "open-data"


def archive_path(district_code):
    return Path(settings.MEDIA_ROOT) / FOLDER / f"{district_code}.zip"


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _csv(headers, rows):
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows([csv_text(value) for value in row] for row in rows)
    return output.getvalue().encode()


def link_url(link):
    for candidate in (link, getattr(link, "ledger", None), getattr(link, "matter", None)):
        if candidate is not None and hasattr(candidate, "get_absolute_url"):
            return public_url(candidate.get_absolute_url())
    return ""


def chain_block(village, links):
    return {
        "code": village.code,
        "name": village.name,
        "chain_length": len(links),
        "head": links[-1].fingerprint if links else "",
        "links": [
            {
                "position": link.chain_position,
                "kind": link._meta.model_name,
                "id": link.pk,
                "published_at": link.published_at.isoformat(),
                "fingerprint": link.fingerprint,
                "previous_fingerprint": link.previous_fingerprint,
            }
            for link in links
        ],
    }


def village_files(village, links, today):
    """[(path in the zip, bytes)] of one village."""
    base = village.code
    files = []
    months = list(village.ledger_months.published().order_by("year", "month"))
    for month in months:
        month.village = village
        files.append((f"{base}/finance/{month.period_slug}.json", _json(month_document(month))))
    for year in sorted({month.year for month in months}):
        of_year = [month for month in months if month.year == year]
        response = exports.year_download(village, year, of_year, "csv")
        files.append((f"{base}/finance/{year}.csv", response.content))
    disclosures = (
        village.disclosures.published()
        .select_related("item")
        .prefetch_related("attachments", "rows")
    )
    for disclosure in disclosures.order_by("pk"):
        disclosure.village = village
        rows = masked_rows(disclosure) if disclosure.item.has_livelihood_table else []
        content = disclosure_document(disclosure, disclosure.attachments.all(), rows)
        files.append((f"{base}/d/{disclosure.pk}.json", _json(content)))
    document = registers_document(village, register_lists(village, today), today)
    files.append((f"{base}/registers.json", _json(document)))
    files.append(
        (
            f"{base}/registers/contracts.csv",
            _csv(
                [
                    "编号",
                    "版本",
                    "承包方",
                    "用途",
                    "起始日期",
                    "终止日期",
                    "年租金",
                    "已到期",
                    "已收",
                    "逾期",
                    "指纹",
                ],
                (
                    [
                        c["number"],
                        c["version"],
                        c["counterparty"],
                        c["purpose"],
                        c["start_date"],
                        c["end_date"],
                        c["annual_rent"],
                        c["rent"]["due_so_far"],
                        c["rent"]["received"],
                        c["rent"]["overdue"],
                        c["fingerprint"],
                    ]
                    for c in document["contracts"]
                ),
            ),
        )
    )
    files.append(
        (
            f"{base}/registers/assets.csv",
            _csv(
                ["编号", "版本", "名称", "类别", "位置", "取得日期", "原值", "状态", "指纹"],
                (
                    [
                        a["number"],
                        a["version"],
                        a["name"],
                        a["kind"],
                        a["location"],
                        a["acquired_on"],
                        a["original_value"],
                        a["status"],
                        a["fingerprint"],
                    ]
                    for a in document["assets"]
                ),
            ),
        )
    )
    files.append(
        (
            f"{base}/registers/resources.csv",
            _csv(
                ["编号", "版本", "名称", "类别", "面积（亩）", "坐落", "现使用人", "指纹"],
                (
                    [
                        r["number"],
                        r["version"],
                        r["name"],
                        r["kind"],
                        r["area_mu"],
                        r["location"],
                        r["used_by"],
                        r["fingerprint"],
                    ]
                    for r in document["resources"]
                ),
            ),
        )
    )
    files.append(
        (
            f"{base}/chain.csv",
            _csv(
                [
                    "position",
                    "kind",
                    "id",
                    "published_at",
                    "fingerprint",
                    "previous_fingerprint",
                    "url",
                ],
                (
                    [
                        link.chain_position,
                        link._meta.model_name,
                        link.pk,
                        link.published_at.isoformat(),
                        link.fingerprint,
                        link.previous_fingerprint,
                        link_url(link),
                    ]
                    for link in links
                ),
            ),
        )
    )
    return files


def build_archive(district, now=None):
    """Write the district's zip (replacing the last one only once it is complete) and
    return its path."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    villages = Village.objects.with_places().filter(township__district=district).order_by("code")
    manifest = {
        "format": FORMAT,
        "kind": "bulk_manifest",
        "district": {"code": district.code, "name": district.name},
        "generated_at": now.isoformat(),
        "as_of": today.isoformat(),
        "villages": [],
        "files": [],
    }
    path = archive_path(district.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for village in villages:
                links = chain_links(village)
                manifest["villages"].append(chain_block(village, links))
                for name, content in village_files(village, links, today):
                    archive.writestr(name, content)
                    manifest["files"].append(
                        {
                            "path": name,
                            "bytes": len(content),
                            "sha256": hashlib.sha256(content).hexdigest(),
                        }
                    )
            archive.writestr("manifest.json", _json(manifest))
        # mkstemp makes the file readable by its owner only: nginx may serve it.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def available_archives(districts):
    """[(district, size in bytes, built at)] of the zips already built."""
    found = []
    for district in districts:
        path = archive_path(district.code)
        if path.exists():
            stat = path.stat()
            built = datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC)
            found.append((district, stat.st_size, built))
    return found
