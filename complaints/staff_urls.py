from django.urls import path

from . import staff

app_name = "complaints_staff"

urlpatterns = [
    path("staf/pengaduan/", staff.queue_view, name="queue"),
    path("staf/pengaduan/baru/", staff.intake_view, name="intake"),
    path("staf/pengaduan/<int:pk>/", staff.detail_view, name="detail"),
    path("staf/pengaduan/<int:pk>/<slug:name>/", staff.action_view, name="action"),
]
