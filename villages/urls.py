from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("d/<str:code>/", views.district_page, name="district"),
    path("v/<str:code>/qr.svg", views.qr_code, name="qr"),
    path("v/<str:code>/share.png", views.village_card, name="village_card"),
    path("share.png", views.portal_card, name="portal_card"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
]
