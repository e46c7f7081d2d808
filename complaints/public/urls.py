from django.urls import path

from complaints.public import feeds, privacy, views
from humas.security import shows_map

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", shows_map(geolocation=True)(views.complaint_form), name="form"),
    path("pengaduan/terkirim/<int:pk>/", views.receipt, name="receipt"),
    path("pengaduan/lacak/", views.track, name="track"),
    path("pengaduan/lacak/<int:pk>/", views.track_detail, name="track_detail"),
    path("pengaduan/lacak/<int:pk>/tambah/", views.add_information, name="add_information"),
    path("pengaduan/lacak/<int:pk>/nilai/", views.rate, name="rate"),
    path("pengaduan/lacak/<int:pk>/keberatan/", views.object_to_resolution, name="object"),
    path("pengaduan/lacak/<int:pk>/data-saya/", privacy.my_data, name="my_data"),
    path("pengaduan/lacak/<int:pk>/hapus-data/", privacy.ask_erasure, name="ask_erasure"),
    path("pengaduan/lampiran/<int:pk>/", views.attachment, name="attachment"),
    path("pengaduan/lampiran/<int:pk>/kecil/", views.attachment, {"variant": "thumbnail"}, name="thumbnail"),
    path("pengaduan/publik/", shows_map()(views.board), name="board"),
    path("pengaduan/publik/rss/", feeds.rss, name="rss"),
    path("pengaduan/peta/", shows_map()(views.map_page), name="map"),
    path("pengaduan/peta/data.geojson", views.map_data, name="map_data"),
    path("pengaduan/peta/tempat/", views.place, name="place"),
]
