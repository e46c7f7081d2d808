from django.urls import path

from information.public import views
from information.reporting import views as reporting_views

app_name = "information"

urlpatterns = [
    path("informasi/", views.list_index, name="index"),
    path("informasi/permohonan/", views.request_form, name="form"),
    path("informasi/permohonan/terkirim/<int:pk>/", views.receipt, name="receipt"),
    path("informasi/lacak/", views.track, name="track"),
    path("informasi/lacak/<int:pk>/", views.track_detail, name="track_detail"),
    path("informasi/lacak/<int:pk>/keberatan/", views.object_view, name="object"),
    path("informasi/lacak/<int:pk>/data-saya/", views.my_data, name="my_data"),
    path("informasi/lacak/<int:pk>/surat/<slug:kind>/", views.notice, name="notice"),
    path("informasi/lacak/<int:pk>/berkas/", views.answer_file, name="answer_file"),
    path("informasi/statistik/", reporting_views.public_statistics, name="statistics"),
    path("informasi/berkas/<int:pk>/", views.list_file, name="list_file"),
    path("informasi/<slug:slug>/", views.unit_list, name="unit_list"),
]
