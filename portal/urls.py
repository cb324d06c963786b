# Public URLs carry no language prefix: /v/<code>/ is printed on signs and must never change.
# The language is chosen by the browser's Accept-Language or the set_language form (a cookie).
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("villages.urls")),
    path("", include("disclosures.urls")),
]
