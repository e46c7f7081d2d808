"""Release photos and attachments: upload with the shared upload checks (type by content, size cap, bomb
guard, metadata stripped), renditions made once per (photo, spec) and stored as rows, and the ordering and
featured flag. Every change is a service function; views, the API and the admin call these."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from humas import access
from humas.errors import Refused
from humas.uploads import MB, clean_image, clean_pdf

from .models import Release, ReleaseAttachment, ReleasePhoto, Rendition, Status

PHOTO_MAX_BYTES = 20 * MB
PHOTO_MAX_SIDE = 4096
ATTACHMENT_MAX_BYTES = 20 * MB
MAX_PHOTOS = 30


@dataclass(frozen=True)
class Spec:
    name: str
    width: int
    height: int | None  # None: keep the aspect ratio; set: crop to width × height
    format: str  # "WEBP" or "JPEG"

    @property
    def key(self) -> str:
        return f"{self.name}.{'webp' if self.format == 'WEBP' else 'jpg'}"


SIZES = {"thumb": (400, None), "medium": (1200, None), "card": (1200, 630)}
SPECS: dict[str, Spec] = {
    spec.key: spec for name, (w, h) in SIZES.items() for spec in (Spec(name, w, h, "WEBP"), Spec(name, w, h, "JPEG"))
}


# --- permissions ---------------------------------------------------------------------------------------


def _check_may_edit(release: Release, by: Any) -> None:
    """Writers edit photos of drafts; editors and admins of any release of their units."""
    if not access.can(by, "release.write", release):
        raise Refused(_("You may not change this release."), code="forbidden", status=403)
    if release.status != Status.DRAFT and not access.can(by, "release.publish", release):
        raise Refused(
            _("Only an editor may change a release once it has been submitted for review."),
            code="forbidden",
            status=403,
        )


def _changed(release: Release) -> None:
    from .publishing import content_changed

    content_changed(release)


# --- photos --------------------------------------------------------------------------------------------


@transaction.atomic
def add_photo(
    release: Release,
    *,
    upload,
    by: Any,
    caption: str = "",
    credit: str = "",
    alt_text: str = "",
    featured: bool | None = None,
) -> ReleasePhoto:
    """Check and store a photo (re-encoded, EXIF/GPS gone). The first photo becomes the featured one."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _check_may_edit(release, by)
    if release.photos.count() >= MAX_PHOTOS:
        raise Refused(_("A release may have at most %(n)d photos.") % {"n": MAX_PHOTOS})
    clean = clean_image(upload, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE)
    order = (release.photos.aggregate(m=Max("order"))["m"] or 0) + 1
    has_featured = release.photos.filter(is_featured=True).exists()
    make_featured = featured if featured is not None else not has_featured
    if make_featured and has_featured:
        release.photos.filter(is_featured=True).update(is_featured=False)
    photo = ReleasePhoto(
        release=release,
        caption=caption.strip(),
        credit=credit.strip(),
        alt_text=alt_text.strip(),
        order=order,
        is_featured=make_featured,
    )
    photo.image.save(clean.file.name, clean.file, save=False)
    photo.save()
    _changed(release)
    from .tasks import make_renditions_task

    transaction.on_commit(lambda: make_renditions_task.delay(photo.pk))
    return photo


@transaction.atomic
def update_photo(
    photo: ReleasePhoto, *, by: Any, caption: str, credit: str, alt_text: str, featured: bool
) -> ReleasePhoto:
    release = Release.objects.select_for_update().get(pk=photo.release_id)
    _check_may_edit(release, by)
    if featured and not photo.is_featured:
        release.photos.filter(is_featured=True).update(is_featured=False)
    photo.caption, photo.credit, photo.alt_text = caption.strip(), credit.strip(), alt_text.strip()
    photo.is_featured = featured
    photo.save(update_fields=["caption", "credit", "alt_text", "is_featured", "updated_at"])
    _changed(release)
    return photo


@transaction.atomic
def reorder_photos(release: Release, *, by: Any, photo_ids: Sequence[int]) -> None:
    """Put the photos in the given order; ids of other releases' photos are refused."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _check_may_edit(release, by)
    photos = {p.pk: p for p in release.photos.all()}
    if set(photo_ids) != set(photos) or len(photo_ids) != len(photos):
        raise Refused(_("The photo order does not match the release's photos. Reload the page and try again."))
    for position, pk in enumerate(photo_ids, start=1):
        photos[pk].order = position
    ReleasePhoto.objects.bulk_update(photos.values(), ["order"])
    _changed(release)


@transaction.atomic
def delete_photo(photo: ReleasePhoto, *, by: Any) -> None:
    release = Release.objects.select_for_update().get(pk=photo.release_id)
    _check_may_edit(release, by)
    files = [photo.image.name, *photo.renditions.values_list("file", flat=True)]
    storage = photo.image.storage
    was_featured = photo.is_featured
    photo.delete()
    if was_featured:
        nxt = release.photos.order_by("order", "pk").first()
        if nxt:
            nxt.is_featured = True
            nxt.save(update_fields=["is_featured"])
    _changed(release)
    transaction.on_commit(lambda: [storage.delete(name) for name in files if name])


# --- renditions ----------------------------------------------------------------------------------------


def _render(photo: ReleasePhoto, spec: Spec) -> tuple[bytes, int, int]:
    with photo.image.open("rb") as fh, Image.open(fh) as source:
        image = ImageOps.exif_transpose(source)
        image = image.convert("RGB") if image.mode not in ("RGB",) else image
        if spec.height:
            image = ImageOps.fit(image, (spec.width, spec.height), Image.Resampling.LANCZOS)
        elif image.width > spec.width:
            ratio = spec.width / image.width
            image = image.resize((spec.width, max(1, round(image.height * ratio))), Image.Resampling.LANCZOS)
        else:
            image = image.copy()
        out = io.BytesIO()
        if spec.format == "WEBP":
            image.save(out, format="WEBP", quality=80, method=4)
        else:
            image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue(), image.width, image.height


def get_rendition(photo: ReleasePhoto, spec_key: str) -> Rendition:
    """The rendition of `photo` for `spec_key`, made once: concurrent callers end up with the same row (the
    unique (photo, spec) constraint decides; a loser deletes the file it made)."""
    spec = SPECS[spec_key]
    existing = Rendition.objects.filter(photo=photo, spec=spec_key).first()
    if existing:
        return existing
    data, width, height = _render(photo, spec)
    name = f"{photo.pk}-{spec.name}-{secrets.token_urlsafe(6)}.{spec.key.rsplit('.', 1)[1]}"
    rendition = Rendition(photo=photo, spec=spec_key, width=width, height=height)
    rendition.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        rendition.file.storage.delete(rendition.file.name)
        return Rendition.objects.get(photo=photo, spec=spec_key)
    return rendition


def make_renditions(photo_id: int, specs: Iterable[str] | None = None) -> int:
    """Make every missing rendition of a photo; returns how many exist afterwards. Idempotent."""
    photo = ReleasePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return 0
    for key in specs or SPECS:
        get_rendition(photo, key)
    return photo.renditions.count()


def renditions_by_spec(photo: ReleasePhoto) -> dict[str, Rendition]:
    """From prefetched renditions (no query when `renditions` was prefetched)."""
    return {r.spec: r for r in photo.renditions.all()}


# --- attachments ---------------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(release: Release, *, upload, title: str, by: Any) -> ReleaseAttachment:
    release = Release.objects.select_for_update().get(pk=release.pk)
    _check_may_edit(release, by)
    clean = clean_pdf(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    order = (release.attachments.aggregate(m=Max("order"))["m"] or 0) + 1
    attachment = ReleaseAttachment(
        release=release, title=(title.strip() or _("Press kit"))[:200], size=clean.size, order=order
    )
    attachment.file.save(clean.name, clean, save=False)
    attachment.save()
    _changed(release)
    return attachment


@transaction.atomic
def delete_attachment(attachment: ReleaseAttachment, *, by: Any) -> None:
    release = Release.objects.select_for_update().get(pk=attachment.release_id)
    _check_may_edit(release, by)
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    _changed(release)
    transaction.on_commit(lambda: storage.delete(name))
