from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("v/<str:code>/qr.svg", views.qr_code, name="qr"),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
]
