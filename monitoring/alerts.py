"""Alerts to each unit's humas admins, through the outbox: an immediate e-mail when an issue's negative volume
(clippings and complaints) in the last 6 hours reaches MONITORING_NEGATIVE_ALERT_THRESHOLD (checked by beat
every ten minutes; one e-mail per admin, issue and day), and a daily digest of the new negative clippings and
the rising issues. A unit's alerts cover it and every unit below it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from humas import outbox
from humas.models import Membership, Role, Unit

from . import issues
from .models import Clipping, Tone

SPIKE_TEMPLATE = "emails/monitoring_spike"
DIGEST_TEMPLATE = "emails/monitoring_digest"
DIGEST_MAX_CLIPPINGS = 20


def _admins_by_unit() -> dict[int, list[tuple[int, str]]]:
    """unit id → (user id, e-mail) of its admins who have an address."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = Membership.objects.filter(role=Role.ADMIN, unit__is_active=True, user__is_active=True).exclude(
        user__email=""
    )
    for unit_id, user_id, email in rows.values_list("unit_id", "user_id", "user__email").order_by("unit_id", "user_id"):
        found.setdefault(unit_id, []).append((user_id, email))
    return found


def _scope(unit_id: int) -> frozenset[int]:
    return frozenset(Unit.objects.subtree_of([unit_id]).values_list("pk", flat=True))


def check_spikes(now=None) -> int:
    """Queue an e-mail for each issue over the threshold. Returns the number of messages queued."""
    now = now or timezone.now()
    threshold = settings.MONITORING_NEGATIVE_ALERT_THRESHOLD
    queued = 0
    for unit_id, admins in _admins_by_unit().items():
        unit = Unit.objects.get(pk=unit_id)
        hot = [i for i in issues.compute(_scope(unit_id), period="6h", now=now) if i.tones[Tone.NEGATIVE] >= threshold]
        with transaction.atomic():
            for issue in hot:
                for user_id, email in admins:
                    outbox.enqueue(
                        key=f"monitoring-spike:{unit_id}:{user_id}:{issue.term}:{timezone.localdate(now)}",
                        to=email,
                        template=SPIKE_TEMPLATE,
                        context={
                            "unit": unit.name, "issue": issue.label, "negative": issue.tones[Tone.NEGATIVE],
                            "volume": issue.volume, "threshold": threshold, "clippings_url": issue.clippings_url,
                        },
                    )  # fmt: skip
                    queued += 1
    return queued


def send_digests(now=None) -> int:
    """Queue each admin's daily digest (none when there is nothing to tell). Returns the messages queued."""
    now = now or timezone.now()
    queued = 0
    for unit_id, admins in _admins_by_unit().items():
        unit = Unit.objects.get(pk=unit_id)
        scope = _scope(unit_id)
        negative = list(
            Clipping.objects.filter(
                unit_id__in=scope, tone=Tone.NEGATIVE, is_irrelevant=False, created_at__gte=now - timedelta(days=1)
            )
            .order_by("-published_at")
            .values("title", "outlet", "url")[:DIGEST_MAX_CLIPPINGS]
        )
        rising = [
            {"label": i.label, "volume": i.volume, "previous": i.previous, "negative": i.tones[Tone.NEGATIVE]}
            for i in issues.compute(scope, period="7d", now=now)
            if i.change in {"rising", "new"}
        ]
        if not negative and not rising:
            continue
        with transaction.atomic():
            for user_id, email in admins:
                outbox.enqueue(
                    key=f"monitoring-digest:{unit_id}:{user_id}:{timezone.localdate(now)}",
                    to=email,
                    template=DIGEST_TEMPLATE,
                    context={"unit": unit.name, "negative": negative, "rising": rising},
                )
                queued += 1
    return queued


def spike_context(context: dict) -> dict:
    return {**context, "site_url": settings.SITE_URL}


def digest_context(context: dict) -> dict:
    return {**context, "site_url": settings.SITE_URL}
