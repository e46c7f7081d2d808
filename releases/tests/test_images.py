"""Photos: the shared upload checks refuse what is not a photo; renditions are made once per spec."""

from __future__ import annotations

import io
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from humas.errors import Refused
from releases import images, publishing
from releases.models import ReleasePhoto, Rendition

from .factories import draft, jpeg_bytes, photo_upload


def test_a_photo_is_stored_without_exif_and_becomes_the_featured_one(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    upload = SimpleUploadedFile("kamera.jpg", jpeg_bytes(1600, 1000, exif=True), content_type="image/jpeg")
    photo = images.add_photo(release, upload=upload, by=writer, caption="Teks foto", credit="Humas")
    with photo.image.open("rb") as fh:
        data = fh.read()
    assert b"KameraMerek" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert dict(stored.getexif()) == {}
    assert photo.is_featured and (photo.width, photo.height) == (1600, 1000)
    second = images.add_photo(release, upload=photo_upload(), by=writer)
    assert not second.is_featured


def _upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, format="PNG")  # tiny file, 900 megapixels once decoded
    return out.getvalue()


BAD = {
    "not an image": (b"%PDF-1.4 bukan foto", "foto.jpg", "image/jpeg"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "image/svg+xml"),
    "html named jpg": (b"<html><script>alert(1)</script></html>", "foto.jpg", "image/jpeg"),
    "empty": (b"", "kosong.jpg", "image/jpeg"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_what_is_not_a_photo_is_refused_with_a_message(unit_tree, writer, case):
    release = draft(unit_tree["kanwil"], writer)
    with pytest.raises(ValidationError) as exc:
        images.add_photo(release, upload=_upload(*BAD[case]), by=writer)
    assert exc.value.messages and exc.value.messages[0]
    assert not ReleasePhoto.objects.filter(release=release).exists()


def test_a_decompression_bomb_is_refused(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    with pytest.raises(ValidationError) as exc:
        images.add_photo(release, upload=_upload(_bomb(), "bom.png", "image/png"), by=writer)
    assert exc.value.code == "too_many_pixels"
    assert not ReleasePhoto.objects.filter(release=release).exists()


def test_a_30_mb_file_is_refused_before_it_is_decoded(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    big = SimpleUploadedFile("besar.jpg", b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        images.add_photo(release, upload=big, by=writer)
    assert exc.value.code == "too_large"
    assert "20 MB" in " ".join(exc.value.messages)


def test_a_writer_cannot_add_photos_once_the_release_is_submitted(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    publishing.submit(release, by=writer)
    with pytest.raises(Refused) as exc:
        images.add_photo(release, upload=photo_upload(), by=writer)
    assert exc.value.status == 403


def test_renditions_cover_every_spec_in_webp_and_jpeg(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    photo = images.add_photo(release, upload=photo_upload(width=1600, height=1000), by=writer)
    assert images.make_renditions(photo.pk) == len(images.SPECS)
    found = {r.spec: r for r in Rendition.objects.filter(photo=photo)}
    assert set(found) == {"thumb.webp", "thumb.jpg", "medium.webp", "medium.jpg", "card.webp", "card.jpg"}
    assert (found["thumb.jpg"].width, found["thumb.jpg"].height) == (400, 250)
    assert (found["medium.webp"].width, found["medium.webp"].height) == (1200, 750)
    assert (found["card.jpg"].width, found["card.jpg"].height) == (1200, 630)
    with found["card.webp"].file.open("rb") as fh, Image.open(fh) as img:
        assert img.format == "WEBP"
    assert images.make_renditions(photo.pk) == len(images.SPECS)  # idempotent
    assert Rendition.objects.filter(photo=photo).count() == len(images.SPECS)


@pytest.mark.django_db(transaction=True)
def test_renditions_are_made_once_under_concurrency(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    photo = images.add_photo(release, upload=photo_upload(), by=writer)
    Rendition.objects.filter(photo=photo).delete()  # whatever the on-commit task made
    before = set(_rendition_files(photo))
    barrier = threading.Barrier(4)
    made = []

    def worker():
        barrier.wait()
        try:
            made.append(images.get_rendition(ReleasePhoto.objects.get(pk=photo.pk), "medium.webp").pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(made) == 4 and len(set(made)) == 1
    assert Rendition.objects.filter(photo=photo, spec="medium.webp").count() == 1
    rendition = Rendition.objects.get(photo=photo, spec="medium.webp")
    new_files = set(_rendition_files(photo)) - before
    assert new_files == {rendition.file.name.rsplit("/", 1)[1]}  # the losers deleted the files they made


def _rendition_files(photo) -> list[str]:
    folder = os.path.dirname(photo.image.storage.path(Rendition.file.field.generate_filename(None, "x.webp")))
    if not os.path.isdir(folder):
        return []
    return [n for n in os.listdir(folder) if n.startswith(f"{photo.pk}-medium-") and n.endswith(".webp")]


def test_reordering_and_the_featured_flag(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    a, b, c = (images.add_photo(release, upload=photo_upload(), by=writer) for _ in range(3))
    images.reorder_photos(release, by=writer, photo_ids=[c.pk, a.pk, b.pk])
    assert list(release.photos.order_by("order").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    with pytest.raises(Refused):
        images.reorder_photos(release, by=writer, photo_ids=[c.pk, a.pk])
    images.update_photo(b, by=writer, caption="baru", credit="", alt_text="", featured=True)
    assert list(release.photos.filter(is_featured=True).values_list("pk", flat=True)) == [b.pk]
    images.delete_photo(b, by=writer)
    assert release.photos.filter(is_featured=True).count() == 1


def test_attachments_must_be_pdfs(unit_tree, writer):
    release = draft(unit_tree["kanwil"], writer)
    with pytest.raises(ValidationError):
        images.add_attachment(
            release, upload=_upload(b"MZ\x90\x00exe", "kit.pdf", "application/pdf"), title="", by=writer
        )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = images.add_attachment(
        release, upload=_upload(pdf, "kit.pdf", "application/pdf"), title="Kit", by=writer
    )
    assert attachment.size == len(pdf) and attachment.file.name.endswith(".pdf")
