from django.urls import path

from complaints.reporting import views

app_name = "complaints_reporting"

urlpatterns = [
    path("staf/pengaduan/rekap/", views.recap_page, name="recap"),
    path("staf/pengaduan/dasbor/", views.dashboard_fragment, name="dashboard"),
]
