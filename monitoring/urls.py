from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("staf/isu/", views.issues_page, name="issues"),
    path("staf/isu/angka/", views.issues_fragment, name="issues_fragment"),
    path("staf/isu/sumber/", views.sources_page, name="sources"),
    path("staf/isu/sumber/<int:pk>/<slug:action>/", views.source_action, name="source_action"),
    path("staf/isu/kata-kunci/", views.watchlist_page, name="watchlist"),
    path("staf/isu/kata-kunci/<int:pk>/hapus/", views.watchterm_delete, name="watchterm_delete"),
    path("staf/isu/kliping/", views.clippings_page, name="clippings"),
    path("staf/isu/kliping/<int:pk>/<slug:action>/", views.clipping_action, name="clipping_action"),
    path("staf/isu/analisis/", views.analysis_page, name="analysis"),
]
