"""Hostile input, case by case: formula cells, oversized and malformed uploads, tracking-code guessing, other
units' ids in staff URLs and APIs, another reporter's attachment, posts without a CSRF token, open redirects,
off-site paths, header injection, enormous query strings, control characters and invalid UTF-8, unknown query
parameters on cached pages. Each case asserts the status and that nothing changed."""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from PIL import Image

from complaints.models import Attachment, Complaint
from complaints.tests.conftest import PDF, form_data, image_bytes, photo
from conftest import make_staff
from humas import ratelimit
from humas.models import Unit
from humas.spreadsheets import FORMULA_STARTS, safe_cell, safe_row
from mailing.models import Subscriber
from releases.newsroom import cache as newsroom_cache

from .conftest import file_report, signed_in, snapshot

FORMULAS = ['=HYPERLINK("http://evil.example")', "+62812", "-1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\tx", "\rx"]


class Untouchable(io.RawIOBase):
    """A request body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def cells_of_xlsx(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_neutral(values) -> None:
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_STARTS), value


# --- formula cells ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_start_is_neutralised(text):
    assert safe_cell(text) == "'" + text
    assert safe_row([text, 3, None, "ok"]) == ["'" + text, 3, None, "ok"]


@pytest.mark.django_db
def test_the_queue_export_writes_public_form_values_as_text(unit_tree, admin):
    file_report(unit_tree["kanwil"], title=FORMULAS[0], reporter_name=FORMULAS[3], reporter_email="=x@example.test",
                reporter_phone="+6281234567890")  # fmt: skip
    before = snapshot()
    response = signed_in(make_staff("root_admin", "admin", unit_tree["root"])).get("/staf/pengaduan/?format=xlsx")
    assert response.status_code == 200
    cells = cells_of_xlsx(response.content)
    assert not any(cell.data_type == "f" for cell in cells)
    assert_neutral(cell.value for cell in cells)
    assert "'" + FORMULAS[0] in [cell.value for cell in cells] and "'=x@example.test" in [c.value for c in cells]
    assert snapshot() == before


@pytest.mark.django_db
def test_the_subscriber_csv_writes_names_and_addresses_as_text(unit_tree, superuser):
    Subscriber.objects.create(name="=1+2", email="-x@radio.example", phone="+62812")
    response = signed_in(superuser).get("/staf/mitra-media/ekspor.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:3] == ["'=1+2", "'-x@radio.example", "'+62812"]
    assert_neutral(value for row in rows for value in row)


@pytest.mark.django_db
def test_the_recap_exports_write_a_unit_name_as_text(unit_tree, superuser):
    Unit.objects.filter(slug="kanwil-tengah").update(name="@SUM(1+1)")
    file_report(unit_tree["kanwil"])
    client = signed_in(superuser)
    text = client.get("/staf/pengaduan/rekap/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "'@SUM(1+1)" in text
    assert_neutral(value for row in csv.reader(io.StringIO(text)) for value in row)
    cells = cells_of_xlsx(client.get("/staf/pengaduan/rekap/", {"format": "xlsx"}).content)
    assert not any(cell.data_type == "f" for cell in cells)


@pytest.mark.django_db
def test_the_reach_report_writes_a_release_title_as_text(unit_tree, editor, superuser,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    from releases.tests.factories import published

    with django_capture_on_commit_callbacks(execute=True):
        release = published(unit_tree["kanwil"], editor, '=WEBSERVICE("http://evil.example")')
    month = release.published_at.strftime("%Y-%m")
    response = signed_in(superuser).get("/staf/siaran-pers/laporan/", {"bulan": month, "format": "xlsx"})
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        cells = cells_of_xlsx(response.content)
        assert not any(cell.data_type == "f" for cell in cells)
        assert_neutral(cell.value for cell in cells)


# --- oversized and malformed uploads ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/pengaduan/", "/api/v1/complaints/", "/mitra-media/", "/staf/masuk/"])
def test_a_body_over_the_limit_is_refused_unread(unit_tree, settings, path):
    before = snapshot()
    response = Client().post(
        path, **{"wsgi.input": Untouchable(), "CONTENT_LENGTH": str(settings.MAX_REQUEST_BYTES + 1),
                 "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    )  # fmt: skip
    assert response.status_code == 413
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/pengaduan/", "/api/v1/complaints/"])
def test_a_throttled_clients_upload_is_refused_unread(unit_tree, settings, path):
    settings.COMPLAINT_SUBMIT_LIMIT = 1
    assert ratelimit.allow("complaint-submit", "127.0.0.1")
    before = snapshot()
    response = Client().post(
        path, **{"wsgi.input": Untouchable(), "CONTENT_LENGTH": "5000000",
                 "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    )  # fmt: skip
    assert response.status_code == 429
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_without_files_over_the_memory_limit_is_refused_unread(unit_tree, settings, content_type):
    before = snapshot()
    response = Client().post(
        "/api/v1/complaints/", **{"wsgi.input": Untouchable(), "CONTENT_TYPE": content_type,
                                  "CONTENT_LENGTH": str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )  # fmt: skip
    assert response.status_code == 413 and response.json()["detail"]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_a_400(unit_tree):
    response = Client().post("/pengaduan/", **{"CONTENT_LENGTH": "banyak", "CONTENT_TYPE": "text/plain"})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/pengaduan/", "/api/v1/complaints/"])
def test_a_malformed_multipart_body_stores_nothing(unit_tree, path):
    before = snapshot()
    body = b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nno end boundary'
    response = Client().post(path, data=body, content_type="multipart/form-data; boundary=x")
    assert response.status_code in (400, 403)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        ("foto.jpg", PDF, "image/jpeg"),  # a PDF named as a photo
        ("surat.pdf", image_bytes(), "application/pdf"),  # a photo named as a PDF
        ("skrip.html", b"<script>alert(1)</script>", "text/html"),
        ("kosong.jpg", b"", "image/jpeg"),
    ],
)
def test_disguised_and_empty_files_are_refused_and_nothing_is_stored(unit_tree, upload):
    before = snapshot()
    name, data, content_type = upload
    upload = SimpleUploadedFile(name, data, content_type)
    response = Client().post("/pengaduan/", {**form_data(), "attachments": [upload]})
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused(unit_tree):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")  # a few KB on disk, 144 megapixels decoded
    before = snapshot()
    bomb = SimpleUploadedFile("peta.png", out.getvalue(), "image/png")
    response = Client().post("/pengaduan/", {**form_data(), "attachments": [bomb]})
    assert response.status_code == 400
    assert snapshot() == before


# --- tracking-code guessing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_guessing_codes_through_the_api_is_throttled_and_the_right_code_waits_too(unit_tree, report, settings):
    statuses = [Client().get(f"/api/v1/complaints/ADU-0000-0000-{i:04d}/").status_code for i in range(40)]
    limit = settings.COMPLAINT_TRACK_LIMIT
    assert statuses[:limit] == [404] * limit and set(statuses[limit:]) == {429}
    assert Client().get(f"/api/v1/complaints/{report.issued_code}/").status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("guess", ["ADU-0000-0000-0000", "hello", "' OR 1=1 --", "ADU-%00", "0" * 500])
def test_a_wrong_code_answers_404_alike_in_page_and_api(unit_tree, report, guess):
    page = Client().post("/pengaduan/lacak/", {"code": guess})
    api = Client().get("/api/v1/complaints/" + guess.replace("%", "%25") + "/")
    assert page.status_code in (400, 404) and api.status_code == 404
    assert api.json()["detail"] == "Kami tidak menemukan laporan dengan kode ini."


@pytest.mark.django_db
def test_the_public_board_and_feeds_carry_no_codes_or_references_that_open_reports(unit_tree, report, officer):
    from complaints.handling import workflow

    workflow.verify(report, by=officer, message="Diverifikasi.")
    board = Client().get("/pengaduan/publik/").content.decode()
    assert report.title in board
    assert report.issued_code not in board and report.tracking_digest not in board
    assert Client().get(f"/pengaduan/lacak/{report.pk}/").status_code == 404


# --- other units' ids in staff URLs and APIs ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", "/staf/pengaduan/{other}/", None),
        ("post", "/staf/pengaduan/{other}/verify/", {"message": "x"}),
        ("post", "/staf/pengaduan/{other}/assign/", {"officer": "{officer}"}),
        ("post", "/staf/pengaduan/{mine}/mark_duplicate/", {"original": "{other}"}),
        ("get", "/api/v1/staff/complaints/{other}/", None),
        ("post", "/api/v1/staff/complaints/{other}/verify/", {"message": "x"}),
        ("post", "/api/v1/staff/complaints/{mine}/forward/", {"to_unit": "tidak-ada"}),
        ("get", "/staf/unit/kanwil-timur/ubah/", None),
        ("get", "/pengaduan/lampiran/{other_attachment}/", None),
    ],
)
def test_another_units_ids_answer_404_and_change_nothing(unit_tree, officer, method, url, data):
    mine = file_report(unit_tree["kanwil"])
    other = file_report(unit_tree["other"])
    attachment = _attachment_for(other)
    names = {"other": other.pk, "mine": mine.pk, "officer": officer.pk, "other_attachment": attachment.pk}
    url = url.format(**names)
    data = {key: value.format(**names) for key, value in (data or {}).items()}
    before = snapshot()
    client = signed_in(officer)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code in (400, 404), (url, response.status_code)
    if "mark_duplicate" not in url and "forward" not in url:
        assert response.status_code == 404, url
    assert snapshot() == before


def _attachment_for(complaint: Complaint) -> Attachment:
    from complaints.public import intake

    event = complaint.events.get()
    prepared = intake.prepare_attachments([photo()])
    intake.store_attachments(complaint, event, prepared, [])
    return complaint.attachments.get()


@pytest.mark.django_db
def test_the_queue_filter_naming_another_unit_is_refused(unit_tree, officer, other_report):
    response = signed_in(officer).get("/staf/pengaduan/", {"unit": "kanwil-timur"})
    assert response.status_code == 400 and other_report.title not in response.content.decode()
    api = signed_in(officer).get("/api/v1/staff/complaints/", {"unit": "kanwil-timur"})
    assert api.status_code == 400 and other_report.title not in api.content.decode()


# --- another reporter's attachment --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reporter_cannot_open_another_reporters_attachment(unit_tree):
    alice, bob = Client(), Client()
    assert alice.post("/pengaduan/", {**form_data(), "attachments": [photo()]}).status_code == 302
    filed = bob.post("/pengaduan/", {**form_data(reporter_email="bob@example.test"), "attachments": [photo()]})
    assert filed.status_code == 302
    alices, bobs = Attachment.objects.order_by("pk")
    assert alice.get(f"/pengaduan/lampiran/{alices.pk}/").status_code == 200
    assert alice.get(f"/pengaduan/lampiran/{bobs.pk}/").status_code == 404
    assert alice.get(f"/pengaduan/lampiran/{bobs.pk}/kecil/").status_code == 404
    bob_code = bob.get(filed["Location"]).content.decode().split("data-code>", 1)[1].split("<", 1)[0]
    assert Client().get(f"/api/v1/complaints/{bob_code}/attachments/{alices.pk}/").status_code == 404


# --- posts without a CSRF token -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data",
    [
        ("/pengaduan/", "form"),
        ("/pengaduan/lacak/", {"code": "ADU-0000-0000-0000"}),
        ("/pengaduan/lacak/{report}/nilai/", {"score": "1"}),
        ("/mitra-media/", {"name": "X", "email": "x@example.test"}),
        ("/staf/pengaduan/{report}/verify/", {"message": "x"}),
        ("/staf/lupa-sandi/", {"email": "officer_kanwil@example.test"}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(unit_tree, report, officer, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    before = snapshot()
    payload = form_data() if data == "form" else data
    response = client.post(url.format(report=report.pk), payload)
    assert response.status_code == 403
    assert snapshot() == before and not mail.outbox


# --- open redirects and off-site paths ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "\\\\evil.example", "http:evil.example"]
)
def test_next_never_leads_off_site(unit_tree, officer, target):
    client = Client()
    signed = client.post(f"/staf/masuk/?next={target}", {"username": "officer_kanwil", "password": "s3cret-Passw0rd"})
    assert signed.status_code == 302 and "evil" not in signed["Location"]
    switched = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert switched.status_code == 302 and "evil" not in switched["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/pengaduan/", "/en//evil.example/"])
def test_the_language_switcher_never_links_off_site(unit_tree, path):
    response = Client().get(path)
    assert response.status_code in (200, 301, 302, 404)
    html = response.content.decode()
    assert 'href="//evil' not in html and "href='//evil" not in html
    if response.status_code in (301, 302):
        assert not response["Location"].startswith("//")


# --- header injection ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_name_with_line_breaks_cannot_add_mail_headers(unit_tree):
    mail.outbox.clear()
    response = Client().post(
        "/pengaduan/", form_data(reporter_name="Budi\r\nBcc: korban@evil.example", title="Judul\r\nSubject: palsu")
    )
    assert response.status_code in (302, 400)
    for message in mail.outbox:
        assert message.recipients() == ["budi@example.test"]
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert "Bcc" not in headers and "korban@evil.example" not in headers and "palsu" not in headers


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["budi@example.test\r\nBcc: x@evil.example", "budi@example.test%0ABcc:x@evil"])
def test_an_address_with_line_breaks_is_refused(unit_tree, email):
    before = snapshot()
    assert Client().post("/pengaduan/", form_data(reporter_email=email)).status_code == 400
    assert Client().post("/mitra-media/", {"name": "X", "email": email}).status_code in (200, 400)
    assert snapshot() == before and not Subscriber.objects.exists()


# --- enormous query strings, control characters, invalid UTF-8 ----------------------------------------------

HOSTILE_VALUES = ["x" * 20000, "\x00", "a\x00b", "%00", "\x1b[31m", "\u202e\ufeff", "%FF%FE", "' OR '1'='1", "<script>"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_public_pages_survive_any_query_value(unit_tree, value):
    for path, name in [("/pengaduan/publik/", "unit"), ("/pengaduan/publik/", "tahun"), ("/siaran-pers/", "q"),
                       ("/siaran-pers/", "unit"), ("/siaran-pers/rss/", "tag"), ("/pengaduan/", "unit"),
                       ("/", "page")]:  # fmt: skip
        response = Client().get(path, {name: value})
        assert response.status_code in (200, 400, 404), (path, name, repr(value)[:20], response.status_code)
        assert b"<script>" not in response.content or value != "<script>"


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_staff_pages_survive_any_query_value(unit_tree, officer, value):
    client = signed_in(officer)
    for name in ("q", "status", "unit", "since", "halaman"):
        response = client.get("/staf/pengaduan/", {name: value})
        assert response.status_code in (200, 400), (name, repr(value)[:20], response.status_code)


@pytest.mark.django_db
def test_invalid_utf8_in_a_raw_query_string_is_not_a_500(unit_tree):
    for path in ("/siaran-pers/", "/pengaduan/publik/", "/staf/masuk/", "/siaran-pers/feed.json"):
        response = Client().get(path, QUERY_STRING="q=%FF%FE%00&unit=%C0%AF")
        assert response.status_code in (200, 400, 404), path


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["title", "description", "reporter_name", "location"])
def test_control_characters_in_form_fields_are_refused_or_stored_harmlessly(unit_tree, field):
    before = snapshot()
    response = Client().post("/pengaduan/", form_data(**{field: "Jalan rusak\x00 parah sekali di depan pasar"}))
    assert response.status_code == 400
    assert snapshot() == before


# --- unknown query parameters on cached pages ---------------------------------------------------------------


@pytest.fixture
def newsroom(unit_tree, editor, django_capture_on_commit_callbacks):
    from releases.tests.factories import published

    with django_capture_on_commit_callbacks(execute=True):
        return published(unit_tree["kanwil"], editor, "Jembatan Baru Diresmikan", tags=["Infrastruktur"])


def stored_keys(paths: list[str]) -> set[str]:
    keys: set[str] = set()
    real_put = newsroom_cache.put
    with mock.patch.object(newsroom_cache, "put", side_effect=lambda k, *a, **kw: keys.add(k) or real_put(k, *a, **kw)):
        for path in paths:
            assert Client().get(path).status_code == 200, path
    return keys


@pytest.mark.django_db
@pytest.mark.parametrize("base", ["/siaran-pers/", "/siaran-pers/rss/", "/siaran-pers/atom/", "/siaran-pers/feed.json"])
def test_unknown_parameters_create_no_cache_entries(newsroom, base):
    first = stored_keys([base])
    junk = stored_keys([f"{base}?utm_source=x", *(f"{base}?zz={n}" for n in range(5)), f"{base}?page=1&a=b"])
    assert first and not (junk - first)


@pytest.mark.django_db
def test_made_up_filter_values_are_answered_but_not_cached(newsroom):
    keys = stored_keys([f"/siaran-pers/?unit=tidak-ada-{n}" for n in range(3)] + ["/siaran-pers/?year=1999"])
    assert not any(":page:" in key for key in keys)


@pytest.mark.django_db
def test_a_cached_page_never_carries_another_visitors_query(newsroom):
    first = Client().get("/siaran-pers/?unit=kanwil-tengah&jebakan=%22evil%22&q=").content.decode()
    second = Client().get("/siaran-pers/?unit=kanwil-tengah").content.decode()
    for html in (first, second):
        assert "jebakan" not in html and "evil" not in html
    feed = Client().get("/siaran-pers/rss/?unit=kanwil-tengah&jebakan=1").content.decode()
    assert "jebakan" not in feed
