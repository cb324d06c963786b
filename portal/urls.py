# Public URLs carry no language prefix: /v/<code>/ is printed on signs and must never change.
# The language is chosen by the browser's Accept-Language or a link in the footer (a cookie).
from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("villages.urls")),
    path("", include("disclosures.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
