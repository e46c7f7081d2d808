from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from humas.uploads import clean_image


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (300, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = {1: "S", 2: (8.0, 35.0, 0.0), 3: "E", 4: (116.0, 7.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"pelapor: Budi")
    return out.getvalue()


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_reencoding_drops_exif_and_gps_and_applies_the_orientation():
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get(0x010F) == "KameraMerek"
    clean = clean_image(upload(raw))
    data = clean.file.read()
    with Image.open(io.BytesIO(data)) as result:
        assert dict(result.getexif()) == {}
        assert "exif" not in result.info and "comment" not in result.info
        assert result.size == (200, 300)  # turned upright before the orientation tag was dropped
    assert b"KameraMerek" not in data and b"Budi" not in data
    assert clean.file.name.endswith(".jpg") and "foto" not in clean.file.name


def test_type_is_recognised_by_content_not_name():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    with pytest.raises(ValidationError) as error:
        clean_image(upload(pdf, name="foto.jpg"))
    assert error.value.code == "bad_type"
    png = io.BytesIO()
    Image.new("RGB", (10, 10)).save(png, format="PNG")
    assert clean_image(upload(png.getvalue(), name="dokumen.pdf")).format == "PNG"


def test_formats_outside_the_allow_list_are_refused():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ValidationError) as error:
        clean_image(upload(gif.getvalue(), name="a.gif"))
    assert error.value.code == "bad_type"


def test_size_cap_is_enforced_before_decoding():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(b"x" * 2048), max_bytes=1024)
    assert error.value.code == "too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(b""))
    assert error.value.code == "empty"


def test_a_decompression_bomb_is_refused_without_decoding_it():
    # a tiny PNG that claims 30000 x 30000 pixels
    bomb = io.BytesIO()
    Image.new("1", (30000, 30000)).save(bomb, format="PNG", optimize=True)
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError) as error:
        clean_image(upload(bomb.getvalue(), name="bom.png"))
    assert error.value.code == "too_many_pixels"


def test_large_images_are_scaled_down_to_the_cap():
    big = io.BytesIO()
    Image.new("RGB", (4000, 1000), (0, 0, 0)).save(big, format="PNG")
    clean = clean_image(upload(big.getvalue(), name="lebar.png"), max_side=1000, output_format="WEBP")
    assert (clean.format, clean.width, clean.height) == ("WEBP", 1000, 250)
