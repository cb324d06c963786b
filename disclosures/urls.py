"""Every public address of a village. They are printed on signs and posters: never change
one. Each feature's views are in `<feature>/views.py`."""

from django.urls import path, re_path, register_converter

from disclosures.affairs import views as affairs
from disclosures.assets import views as assets
from disclosures.compliance import views as township
from disclosures.finance import exports
from disclosures.finance import views as finance
from disclosures.matters import views as matters
from disclosures.powers import views as powers
from disclosures.questions import views as questions
from disclosures.sunshine import views as sunshine
from disclosures.verification import views as verification
from disclosures.village_page.views import (
    bulk_download,
    open_data_page,
    village_feed,
    village_json,
    village_page,
)


class PeriodConverter:
    """yyyy-mm, as in /v/371603201201/finance/2022-07/."""

    regex = r"\d{4}-(0[1-9]|1[0-2])"

    def to_python(self, value):
        year, month = value.split("-")
        return int(year), int(month)

    def to_url(self, value):
        year, month = value
        return f"{year:04d}-{month:02d}"


class VillageCodeConverter:
    regex = r"\d{12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TownshipCodeConverter(VillageCodeConverter):
    regex = r"\d{9}"


class YearConverter:
    """yyyy, as in /v/371603201201/finance/2022/."""

    regex = r"\d{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


class QuarterConverter:
    """1 to 4, as in /v/371603201201/sunshine/2026-q3/."""

    regex = r"[1-4]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(PeriodConverter, "period")
register_converter(QuarterConverter, "quarter")
register_converter(YearConverter, "year")
register_converter(VillageCodeConverter, "village_code")
register_converter(TownshipCodeConverter, "township_code")
register_converter(exports.ExportFormatConverter, "export_format")

app_name = "disclosures"

urlpatterns = [
    path("v/<village_code:code>/", village_page, name="village"),
    # Open data: the village page's JSON twin and the feed of what the village publishes.
    path("v/<village_code:code>.json", village_json, name="village_json"),
    path("v/<village_code:code>/feed.atom", village_feed, name="village_feed"),
    # The township: its villages, its quarterly rankings (一季一晒) and its feed.
    path("t/<township_code:township>/", township.township_page, name="township"),
    path("t/<township_code:township>/feed.atom", township.township_feed, name="township_feed"),
    path(
        "t/<township_code:township>/ranking/<year:year>-Q<quarter:quarter>/",
        township.ranking_page,
        name="ranking",
    ),
    path(
        "t/<township_code:township>/ranking/<year:year>-Q<quarter:quarter>.json",
        township.ranking_json,
        name="ranking_json",
    ),
    # Open data for anyone: what every field means, and each district's nightly zip.
    path("open-data/", open_data_page, name="open_data"),
    re_path(r"^open-data/(?P<district>\d{6})\.zip$", bulk_download, name="bulk_download"),
    # Anyone checks a printed fingerprint: which village, which item, does it still match.
    path("verify/", verification.verify, name="verify"),
    path(
        "v/<village_code:code>/finance/<period:period>/",
        finance.finance_month,
        name="finance_month",
    ),
    # The affairs catalog: a module's page, one disclosure, its files and its list as CSV.
    path("v/<village_code:code>/m/<slug:module>/", affairs.module_page, name="module"),
    path("v/<village_code:code>/d/<int:pk>/", affairs.disclosure_page, name="disclosure"),
    path(
        "v/<village_code:code>/d/<int:pk>.csv",
        affairs.disclosure_csv,
        name="disclosure_csv",
    ),
    path(
        "v/<village_code:code>/attachments/<slug:token>",
        affairs.attachment,
        name="attachment",
    ),
    path(
        "v/<village_code:code>/attachments/<slug:token>/thumbnail",
        affairs.attachment,
        {"thumbnail": True},
        name="attachment_thumbnail",
    ),
    path(
        "v/<village_code:code>/cadres/<int:pk>/photo",
        affairs.cadre_photo,
        name="cadre_photo",
    ),
    # 码上问: ask about the village or one line; the asker follows it by a tracking code.
    path("v/<village_code:code>/ask/", questions.ask, name="ask"),
    path("v/<village_code:code>/questions/", questions.village_questions, name="questions"),
    path("q/", questions.track, name="track"),
    path("q/<slug:tracking_code>/", questions.tracking, name="tracking"),
    path("v/<village_code:code>/matters/", matters.matters, name="matters"),
    path("v/<village_code:code>/matters/<int:pk>/", matters.matter, name="matter"),
    # Quarterly sunshine reports (阳光述职): every quarter and each cadre's history; one meeting.
    path("v/<village_code:code>/sunshine/", sunshine.sunshine, name="sunshine"),
    path(
        "v/<village_code:code>/sunshine/<year:year>-q<quarter:quarter>/",
        sunshine.sunshine_report,
        name="sunshine_report",
    ),
    # The registers of collective assets, resources and contracts (三资), and one record of
    # each with its published versions. Numbers are the village's own, e.g. ZC-001.
    path("v/<village_code:code>/registers/", assets.register_index, name="registers"),
    path("v/<village_code:code>/assets/<slug:number>/", assets.asset_record, name="asset_record"),
    path(
        "v/<village_code:code>/resources/<slug:number>/",
        assets.resource_record,
        name="resource_record",
    ),
    path(
        "v/<village_code:code>/contracts/<slug:number>/",
        assets.contract_record,
        name="contract_record",
    ),
    # The small and micro power lists, one positive item's flowchart, the printed booklet.
    path("v/<village_code:code>/powers/", powers.power_list, name="powers"),
    path("v/<village_code:code>/powers/<int:pk>/", powers.power_item, name="power_item"),
    path(
        "v/<village_code:code>/powers/booklet.pdf",
        powers.power_booklet,
        name="power_booklet",
    ),
    path("v/<village_code:code>/finance/<year:year>/", finance.finance_year, name="finance_year"),
    # The permanent address of one entry: redirects to it on its month's page.
    path("v/<village_code:code>/entries/<int:entry_id>/", finance.entry_permalink, name="entry"),
    path(
        "v/<village_code:code>/finance/<period:period>/poster.pdf",
        finance.month_poster,
        name="finance_month_poster",
    ),
    # Receipt photos of published entries; the token is 32 hex digits (photos.py).
    re_path(
        r"^v/(?P<code>\d{12})/receipts/(?P<token>[0-9a-f]{32})\.jpg$",
        finance.receipt_photo,
        name="receipt_photo",
    ),
    re_path(
        r"^v/(?P<code>\d{12})/receipts/(?P<token>[0-9a-f]{32})-thumb\.jpg$",
        finance.receipt_thumbnail,
        name="receipt_thumbnail",
    ),
    # Downloads of published months and years (exports.py, finance/views.py): .csv or .xlsx.
    path(
        "v/<village_code:code>/finance/<period:period>.<export_format:fmt>",
        finance.finance_month_export,
        name="finance_month_export",
    ),
    # Open data: the JSON twins of the public pages (docs/open-data.md).
    path(
        "v/<village_code:code>/finance/<period:period>.json",
        finance.finance_month_json,
        name="finance_month_json",
    ),
    path(
        "v/<village_code:code>/finance/<year:year>.json",
        finance.finance_year_json,
        name="finance_year_json",
    ),
    path("v/<village_code:code>/registers.json", assets.register_json, name="registers_json"),
    path("v/<village_code:code>/assets/<slug:number>.json", assets.asset_json, name="asset_json"),
    path(
        "v/<village_code:code>/resources/<slug:number>.json",
        assets.resource_json,
        name="resource_json",
    ),
    path(
        "v/<village_code:code>/contracts/<slug:number>.json",
        assets.contract_json,
        name="contract_json",
    ),
    path("v/<village_code:code>/d/<int:pk>.json", affairs.disclosure_json, name="disclosure_json"),
    path("v/<village_code:code>/m/<slug:module>.json", affairs.module_json, name="module_json"),
    path("v/<village_code:code>/matters.json", matters.matters_json, name="matters_json"),
    path("v/<village_code:code>/sunshine.json", sunshine.sunshine_json, name="sunshine_json"),
    path("v/<village_code:code>/matters/<int:pk>.json", matters.matter_json, name="matter_json"),
    path(
        "v/<village_code:code>/sunshine/<year:year>-q<quarter:quarter>.json",
        sunshine.sunshine_report_json,
        name="sunshine_report_json",
    ),
    path(
        "v/<village_code:code>/finance/<int:year>.<export_format:fmt>",
        finance.finance_year_export,
        name="finance_year_export",
    ),
]
