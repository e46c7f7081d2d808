"""Share links and ready captions of a release, built from its public address (the texts themselves come from
channels_social.share, which knows no release)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from channels_social import share

from ..models import Release


def content_key(release: Release | int) -> str:
    return f"release:{release.pk if isinstance(release, Release) else int(release)}"


def public_url(release: Release) -> str:
    return settings.SITE_URL + reverse("releases:detail", kwargs={"slug": release.slug})


def share_links(release: Release) -> list[share.ShareLink]:
    return share.share_links(url=public_url(release), title=release.title, campaign=release.slug)


def captions(release: Release) -> dict[str, str]:
    tags = [tag.name for tag in release.tags.all()]
    return share.captions(title=release.title, summary=release.summary, url=public_url(release),
                          campaign=release.slug, tags=tags)  # fmt: skip
