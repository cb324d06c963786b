# Public URLs carry no language prefix: /v/<code>/ is printed on signs and must never change.
# The language is chosen by the browser's Accept-Language or a link in the footer (a cookie).
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("villages.urls")),
    path("", include("disclosures.urls")),
]
