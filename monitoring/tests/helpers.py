"""Rows for the monitoring tests, made in bulk at known moments."""

from __future__ import annotations

import itertools
from datetime import datetime

from complaints.models import Complaint
from monitoring import clippings
from monitoring.models import Clipping

_codes = (f"M{n:063d}" for n in itertools.count())  # stand-ins for the keyed hashes
_urls = itertools.count()


def complaints(unit, texts: list[tuple[str, str]], *, at: datetime) -> list[Complaint]:
    made = Complaint.objects.bulk_create(
        Complaint(tracking_digest=next(_codes), unit=unit, title=title, description=description)
        for title, description in texts
    )
    Complaint.objects.filter(pk__in=[c.pk for c in made]).update(created_at=at)
    return made


def clip(unit, title: str, *, at: datetime, tone: str = "", outlet: str = "Kabar Tengah", summary: str = "", **extra):
    return Clipping.objects.create(
        unit=unit, outlet=outlet, title=title, summary=summary, url=f"https://kabar.example/{next(_urls)}",
        fingerprint=clippings.fingerprint(f"{title} {next(_urls)}"), published_at=at, tone=tone, **extra,
    )  # fmt: skip
