from django.urls import path

from information.handling import views

app_name = "information_staff"

urlpatterns = [
    path("staf/informasi/", views.queue_view, name="queue"),
    path("staf/informasi/baru/", views.intake_view, name="intake"),
    path("staf/informasi/dicatat/<int:pk>/", views.recorded_view, name="recorded"),
    path("staf/informasi/daftar/", views.list_view, name="list"),
    path("staf/informasi/daftar/baru/", views.item_edit, name="item_new"),
    path("staf/informasi/daftar/<int:pk>/", views.item_edit, name="item_edit"),
    path("staf/informasi/<int:pk>/", views.detail_view, name="detail"),
    path("staf/informasi/<int:pk>/surat/<slug:kind>/", views.notice_view, name="notice"),
    path("staf/informasi/<int:pk>/berkas/<slug:which>/", views.document_view, name="file"),
    path("staf/informasi/<int:pk>/<slug:name>/", views.action_view, name="action"),
]
