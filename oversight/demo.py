"""Demo data for the units' compliance page: the demo releases of the last two months logged as posted on
their unit's social channels (two of every three, so some units post more than others)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from channels_social.models import Post
from releases.models import Release
from releases.social import posts


def seed(*, stdout, units) -> None:
    editor = get_user_model().objects.filter(username="admin").first()
    if editor is None or Post.objects.exists():
        return
    recent = Release.objects.public().filter(
        unit__in=list(units.values()), published_at__gte=timezone.now() - timedelta(days=60)
    )
    logged = 0
    for index, release in enumerate(recent.order_by("published_at", "pk")):
        if index % 3 == 2:
            continue
        for channel in [c for c in posts.channels_for(release) if c.unit_id == release.unit_id][:2]:
            posts.log_post(release, channel_id=channel.pk, by=editor)
            logged += 1
    stdout.write(f"Social posts logged for the compliance page: {logged}.")
