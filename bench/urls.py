"""The portal's URLs plus the baselines the benchmarks compare against, served by the same gunicorn."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response

from complaints.api import ComplaintSubmit
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


class IntakeChecksOnly(ComplaintSubmit):
    """The complaint API's first part alone (DRF, the rate limit, parsing and the form), storing nothing: with
    IntakeStoreOnly it shows where a submission's time goes (bench/intake.py --parts)."""

    def post(self, request):
        form = self.checked(request)
        return form if isinstance(form, Response) else Response({"valid": True}, status=201)


class IntakeStoreOnly(ComplaintSubmit):
    """The complaint API's second part alone: the report of the first request's body, validated once per
    process, filed again for every request (intake.submit_complaint and the receipt answer, through DRF)."""

    form = None

    def post(self, request):
        if IntakeStoreOnly.form is None:
            form = self.checked(request)
            if isinstance(form, Response):
                return form
            IntakeStoreOnly.form = form
        return self.stored(request, IntakeStoreOnly.form)


def minimal(request):
    """The newsroom's baseline: a few bytes through the same middleware, no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline-insert/", baseline_insert),
    path("bench/minimal/", minimal),
    path("bench/intake-checks/", IntakeChecksOnly.as_view()),
    path("bench/intake-store/", IntakeStoreOnly.as_view()),
    *portal,
]
