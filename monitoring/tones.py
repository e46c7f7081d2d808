"""The tone of complaints, kept in ComplaintTone (complaints has no column of ours and needs no hook). Beat's
sweep task runs every minute and scores the complaints that arrived since, in batches: a complaint's tone is
there within about a minute of its arrival, and a broker or worker outage only delays it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint

from . import sentiment
from .models import ComplaintTone

SWEEP_DAYS = 31  # older complaints are left unscored by the sweep (the issues look back 30 days)
SWEEP_BATCH = 500


def score(complaint_ids: list[int]) -> int:
    """Compute and store the tone of the complaints that have none. Returns how many were scored."""
    done = set(ComplaintTone.objects.filter(complaint_id__in=complaint_ids).values_list("complaint_id", flat=True))
    rows = list(
        Complaint.objects.filter(pk__in=[i for i in complaint_ids if i not in done]).values_list(
            "pk", "title", "description"
        )
    )
    if not rows:
        return 0
    tones = sentiment.classify([f"{title}. {description}" for _pk, title, description in rows])
    with transaction.atomic():
        ComplaintTone.objects.bulk_create(
            [ComplaintTone(complaint_id=pk, tone=t, score=p) for (pk, _a, _b), (t, p) in zip(rows, tones, strict=True)],
            ignore_conflicts=True,
        )
    return len(rows)


def sweep(now=None) -> int:
    now = now or timezone.now()
    missing = (
        Complaint.objects.filter(created_at__gte=now - timedelta(days=SWEEP_DAYS))
        .exclude(pk__in=ComplaintTone.objects.values("complaint_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    while batch := list(missing[:SWEEP_BATCH]):
        total += score(batch)
        if len(batch) < SWEEP_BATCH:
            break
    return total
