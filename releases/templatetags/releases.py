"""Template helpers for releases: responsive pictures from the renditions, JSON-LD, the workflow's buttons."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _renditions(photo) -> dict:
    found = getattr(photo, "renditions_map", None)
    if found is None:
        found = {r.spec: r for r in photo.renditions.all()}
    return found


def _srcset(renditions: dict, ext: str) -> str:
    parts = [renditions.get(f"{name}.{ext}") for name in ("thumb", "medium")]
    return ", ".join(f"{r.file.url} {r.width}w" for r in parts if r)


@register.simple_tag
def picture(photo, size: str = "medium", sizes: str = "(min-width: 48rem) 46rem, 100vw", eager: bool = False):
    """<picture> with a WebP srcset and a JPEG fallback, lazy unless `eager`; the original when no
    rendition exists yet (they are made right after the upload)."""
    if photo is None:
        return ""
    renditions = _renditions(photo)
    alt = photo.alt_text or photo.caption
    loading = "eager" if eager else "lazy"
    fallback = renditions.get(f"{size}.jpg")
    if not fallback:
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async">',
            photo.image.url, alt, photo.width, photo.height, loading,
        )  # fmt: skip
    webp = _srcset(renditions, "webp") if size != "card" else ""
    jpeg = _srcset(renditions, "jpg") if size != "card" else ""
    source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else ""
    return format_html(
        '<picture>{}<img src="{}"{} alt="{}" width="{}" height="{}" loading="{}" decoding="async"></picture>',
        source,
        fallback.file.url,
        format_html(' srcset="{}" sizes="{}"', jpeg, sizes) if jpeg else "",
        alt,
        fallback.width,
        fallback.height,
        loading,
    )


@register.simple_tag
def rendition_url(photo, spec: str = "card.jpg") -> str:
    if photo is None:
        return ""
    found = _renditions(photo).get(spec)
    return found.file.url if found else photo.image.url


@register.filter
def jsonld(data) -> str:
    """A JSON-LD data block (not executed, so the CSP's script-src does not apply), safely escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 — escaped above


@register.simple_tag
def tag_links(tags, base_url: str):
    return format_html_join(", ", '<a href="{}?tag={}" rel="tag">{}</a>', ((base_url, t.slug, t.name) for t in tags))


@register.filter
def step_label(action: str) -> str:
    from django.utils.translation import gettext as _

    from ..publishing import TRANSITIONS

    if action == "create":
        return _("Created")
    rule = TRANSITIONS.get(action)
    return str(rule.label) if rule else action


@register.filter
def status_label(status: str) -> str:
    from ..models import Status

    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.simple_tag
def body_with_dateline(release):
    """The body (sanitised at save) with the dateline opening its first paragraph: "MATARAM – Mulai …"."""
    from ..richtext import with_dateline

    return mark_safe(with_dateline(release.body, release.dateline))  # noqa: S308 — sanitised on every save


@register.simple_tag
def embargo_text(release) -> str:
    """'EMBARGO hingga Senin, 8 Desember 2026 09.00 WITA' (publishing.embargo_text)."""
    from releases.publishing import embargo_text as text

    return text(release) if release.embargo_until else ""
