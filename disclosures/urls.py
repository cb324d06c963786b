from django.urls import path, register_converter

from disclosures import views


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


register_converter(PeriodConverter, "period")
register_converter(VillageCodeConverter, "village_code")

app_name = "disclosures"

urlpatterns = [
    path("v/<village_code:code>/", views.village_page, name="village"),
    path(
        "v/<village_code:code>/finance/<period:period>/", views.finance_month, name="finance_month"
    ),
]
