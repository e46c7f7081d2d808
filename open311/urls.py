from django.urls import re_path

from open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.services, name="services"),
    re_path(rf"^services/(?P<code>[^/.]{{1,40}}){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests, name="requests"),
    re_path(rf"^requests/(?P<pk>[0-9]{{1,12}}){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<value>[^/.]{{1,64}}){FMT}", views.token, name="token"),
]
