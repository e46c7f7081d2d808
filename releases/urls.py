"""Public newsroom and the staff console, inside i18n_patterns (Indonesian at /, English under /en/)."""

from __future__ import annotations

from django.urls import path

from . import console
from .newsroom import feeds, views
from .social import views as social_views

app_name = "releases"

urlpatterns = [
    path("siaran-pers/", views.newsroom_list, name="list"),
    path("siaran-pers/rss/", feeds.rss, name="rss"),
    path("siaran-pers/atom/", feeds.atom, name="atom"),
    path("siaran-pers/feed.json", feeds.json_feed, name="json_feed"),
    path("siaran-pers/<slug:slug>/", views.release_detail, name="detail"),
    path("siaran-pers/<slug:slug>/foto/<int:photo_id>/unduh/", views.photo_download, name="photo_download"),
    path("staf/siaran-pers/", console.release_list, name="staff_list"),
    path("staf/siaran-pers/baru/", console.release_create, name="staff_create"),
    path("staf/siaran-pers/pratinjau-langsung/", console.live_preview, name="staff_live_preview"),
    path("staf/siaran-pers/<int:pk>/", console.release_detail, name="staff_detail"),
    path("staf/siaran-pers/<int:pk>/ubah/", console.release_edit, name="staff_edit"),
    path("staf/siaran-pers/<int:pk>/pratinjau/", console.release_preview, name="staff_preview"),
    path("staf/siaran-pers/<int:pk>/langkah/<slug:action>/", console.release_action, name="staff_action"),
    path("staf/siaran-pers/<int:pk>/foto/", console.photo_add, name="staff_photo_add"),
    path("staf/siaran-pers/<int:pk>/foto/urutan/", console.photo_order, name="staff_photo_order"),
    path("staf/siaran-pers/<int:pk>/foto/<int:photo_id>/", console.photo_edit, name="staff_photo_edit"),
    path("staf/siaran-pers/<int:pk>/foto/<int:photo_id>/hapus/", console.photo_delete, name="staff_photo_delete"),
    path("staf/siaran-pers/<int:pk>/lampiran/", console.attachment_add, name="staff_attachment_add"),
    path(
        "staf/siaran-pers/<int:pk>/lampiran/<int:attachment_id>/hapus/",
        console.attachment_delete,
        name="staff_attachment_delete",
    ),
    path("staf/siaran-pers/<int:pk>/revisi/<int:revision_id>/", console.revision_diff, name="staff_revision"),
    path("staf/siaran-pers/<int:pk>/kanal/", social_views.log_post, name="staff_log_post"),
    path("staf/siaran-pers/laporan/", social_views.monthly_report, name="staff_report"),
]
