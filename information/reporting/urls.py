from django.urls import path

from information.reporting import views

app_name = "information_reports"

urlpatterns = [
    path("staf/informasi/laporan/", views.staff_report, name="report"),
]
