"""The portal's URLs plus the baselines the benchmarks compare against, served by the same gunicorn."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from humas.urls import urlpatterns as portal


@csrf_exempt
def baseline_insert(request):
    """A minimal view that does one INSERT: the floor any complaint submission is measured against."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_baseline (title, body, created_at) VALUES (%s, %s, now())",
            [request.POST.get("title", ""), request.POST.get("description", "")],
        )
    return JsonResponse({"ok": True}, status=201)


def minimal(request):
    """The newsroom's baseline: a few bytes through the same middleware, no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline-insert/", baseline_insert),
    path("bench/minimal/", minimal),
    *portal,
]
