"""Releases' side of clarification releases (see humas.clarifications): a release read as plain data for
complaints, and the publication hook that tells complaints a release is out."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from humas import clarifications

from .models import Release, Status


def release_info(release_id: int) -> clarifications.ReleaseInfo | None:
    release = Release.objects.filter(pk=release_id).only("pk", "unit_id", "title", "summary", "slug", "status").first()
    if release is None:
        return None
    return clarifications.ReleaseInfo(
        id=release.pk,
        unit_id=release.unit_id,
        title=release.title,
        summary=release.summary,
        url=settings.SITE_URL + _path(release.slug),
        status=release.status,
        status_label=str(release.get_status_display()),
        published=release.status == Status.PUBLISHED,
    )


def _path(slug: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the page in the default language, whoever asks
        return reverse("releases:detail", args=[slug])


def announce(release_id: int) -> None:
    """The PUBLISHED_HOOKS entry: complaints hears that the release is out."""
    clarifications.published(release_id)
