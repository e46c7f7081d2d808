"""The daily SLA digest: every officer and unit admin gets one e-mail listing the reports of their units that
are overdue or due by the end of the next working day (not one mail per report)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.handling import sla
from complaints.models import Complaint
from humas import access, dates, outbox
from humas.models import Membership, Role

TEMPLATE = "emails/sla_digest"
MAX_LISTED = 50


@transaction.atomic
def queue_digests(*, now=None) -> int:
    """Queue today's digest for each handler who has something due. Idempotent per user and day."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    handler_ids = Membership.objects.filter(role__in=[Role.OFFICER, Role.ADMIN], user__is_active=True).values("user_id")
    queued = 0
    for user in get_user_model().objects.filter(pk__in=handler_ids).exclude(email=""):
        scope = access.scope(user, "complaint.handle", Complaint.objects.all())
        overdue = list(scope.filter(sla.overdue_q(now)).order_by("pk").values_list("pk", flat=True)[:MAX_LISTED])
        soon = list(scope.filter(sla.due_soon_q(now)).order_by("pk").values_list("pk", flat=True)[:MAX_LISTED])
        if not overdue and not soon:
            continue
        outbox.enqueue(
            key=f"sla-digest:{user.pk}:{day.isoformat()}",
            to=user.email,
            template=TEMPLATE,
            context={"user_id": user.pk, "overdue": overdue, "soon": soon, "day": day.isoformat()},
            language=settings.LANGUAGE_CODE,
        )
        queued += 1
    return queued


def digest_context(stored: dict) -> dict:
    user = get_user_model().objects.get(pk=stored["user_id"])
    wanted = set(stored["overdue"]) | set(stored["soon"])
    by_id = {c.pk: c for c in Complaint.objects.filter(pk__in=wanted).select_related("unit")}

    def rows(ids):
        out = []
        for pk in ids:
            complaint = by_id.get(pk)
            if complaint is None:
                continue
            due = sla.current_due(complaint)
            out.append(
                {
                    "complaint": complaint,
                    "due": dates.format_datetime(due, complaint.unit.time_zone) if due else "",
                    "url": f"{settings.SITE_URL}/staf/pengaduan/{complaint.pk}/",
                }
            )
        return out

    return {
        "user": user,
        "overdue": rows(stored["overdue"]),
        "soon": rows(stored["soon"]),
        "queue_url": f"{settings.SITE_URL}/staf/pengaduan/",
        "day": dates.format_date(date.fromisoformat(stored["day"])),
    }
