from django.urls import path

from . import views

app_name = "channels_social"

urlpatterns = [
    path("staf/kanal/", views.manage, name="manage"),
    path("staf/kanal/<int:pk>/tampil/", views.toggle, name="toggle"),
]
