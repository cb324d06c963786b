from django.urls import path, re_path, register_converter

from disclosures import (
    exports,
    photos,
    posters,
    views,
    views_affairs,
    views_matters,
    views_powers,
    views_questions,
    views_sunshine,
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
register_converter(exports.ExportFormatConverter, "export_format")

app_name = "disclosures"

urlpatterns = [
    path("v/<village_code:code>/", views.village_page, name="village"),
    path(
        "v/<village_code:code>/finance/<period:period>/", views.finance_month, name="finance_month"
    ),
    # The affairs catalog: a module's page, one disclosure, its files and its list as CSV.
    path("v/<village_code:code>/m/<slug:module>/", views_affairs.module_page, name="module"),
    path("v/<village_code:code>/d/<int:pk>/", views_affairs.disclosure_page, name="disclosure"),
    path(
        "v/<village_code:code>/d/<int:pk>.csv",
        views_affairs.disclosure_csv,
        name="disclosure_csv",
    ),
    path(
        "v/<village_code:code>/attachments/<slug:token>",
        views_affairs.attachment,
        name="attachment",
    ),
    path(
        "v/<village_code:code>/attachments/<slug:token>/thumbnail",
        views_affairs.attachment,
        {"thumbnail": True},
        name="attachment_thumbnail",
    ),
    path(
        "v/<village_code:code>/cadres/<int:pk>/photo",
        views_affairs.cadre_photo,
        name="cadre_photo",
    ),
    # 码上问: ask about the village or one line; the asker follows it by a tracking code.
    path("v/<village_code:code>/ask/", views_questions.ask, name="ask"),
    path("v/<village_code:code>/questions/", views_questions.village_questions, name="questions"),
    path("q/", views_questions.track, name="track"),
    path("q/<slug:tracking_code>/", views_questions.tracking, name="tracking"),
    path("v/<village_code:code>/matters/", views_matters.matters, name="matters"),
    path("v/<village_code:code>/matters/<int:pk>/", views_matters.matter, name="matter"),
    # Quarterly sunshine reports (阳光述职): every quarter and each cadre's history; one meeting.
    path("v/<village_code:code>/sunshine/", views_sunshine.sunshine, name="sunshine"),
    path(
        "v/<village_code:code>/sunshine/<year:year>-q<quarter:quarter>/",
        views_sunshine.sunshine_report,
        name="sunshine_report",
    ),
    # The small and micro power lists, one positive item's flowchart, the printed booklet.
    path("v/<village_code:code>/powers/", views_powers.power_list, name="powers"),
    path("v/<village_code:code>/powers/<int:pk>/", views_powers.power_item, name="power_item"),
    path(
        "v/<village_code:code>/powers/booklet.pdf",
        views_powers.power_booklet,
        name="power_booklet",
    ),
    path("v/<village_code:code>/finance/<year:year>/", views.finance_year, name="finance_year"),
    # The permanent address of one entry: redirects to it on its month's page.
    path("v/<village_code:code>/entries/<int:entry_id>/", views.entry_permalink, name="entry"),
    path(
        "v/<village_code:code>/finance/<period:period>/poster.pdf",
        posters.month_poster,
        name="finance_month_poster",
    ),
    # Receipt photos of published entries; the token is 32 hex digits (photos.py).
    re_path(
        r"^v/(?P<code>\d{12})/receipts/(?P<token>[0-9a-f]{32})\.jpg$",
        photos.receipt_photo,
        name="receipt_photo",
    ),
    re_path(
        r"^v/(?P<code>\d{12})/receipts/(?P<token>[0-9a-f]{32})-thumb\.jpg$",
        photos.receipt_thumbnail,
        name="receipt_thumbnail",
    ),
    # Downloads of published months and years (exports.py): .csv or .xlsx.
    path(
        "v/<village_code:code>/finance/<period:period>.<export_format:fmt>",
        exports.finance_month_export,
        name="finance_month_export",
    ),
    path(
        "v/<village_code:code>/finance/<int:year>.<export_format:fmt>",
        exports.finance_year_export,
        name="finance_year_export",
    ),
]
