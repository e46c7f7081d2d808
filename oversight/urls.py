from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("staf/kepatuhan/", views.compliance_page, name="compliance"),
]
