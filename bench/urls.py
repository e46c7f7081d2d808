"""The portal's URLs plus /bench/minimal/, the baseline: a Django view that returns a few bytes through
the same middleware, settings and gunicorn workers, and touches neither the database nor the cache."""

from django.http import HttpResponse
from django.urls import path

from humas.urls import urlpatterns as portal


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *portal]
