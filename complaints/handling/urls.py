from django.urls import path

from complaints.handling import views
from humas.security import shows_map

app_name = "complaints_staff"

urlpatterns = [
    path("staf/pengaduan/", views.queue_view, name="queue"),
    path("staf/pengaduan/baru/", views.intake_view, name="intake"),
    path("staf/pengaduan/klarifikasi/<int:release_id>/", views.clarification_view, name="clarification"),
    path("staf/pengaduan/peta/", shows_map()(views.queue_map), name="map"),
    path("staf/pengaduan/templat/", views.template_list, name="templates"),
    path("staf/pengaduan/templat/baru/", views.template_create, name="template_create"),
    path("staf/pengaduan/templat/<int:pk>/", views.template_edit, name="template_edit"),
    path("staf/pengaduan/templat/<int:pk>/hapus/", views.template_delete, name="template_delete"),
    path("staf/pengaduan/<int:pk>/", views.detail_view, name="detail"),
    path("staf/pengaduan/<int:pk>/<slug:name>/", views.action_view, name="action"),
]
