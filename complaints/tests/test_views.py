"""The citizen's pages: the form and its bad input, the receipt, tracking, the reporter's actions, the board."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from complaints.handling import workflow
from complaints.models import Complaint, ComplaintEvent, EventKind, Status
from complaints.public import intake
from humas.models import OutboxEmail

from .conftest import form_data, photo

XSS = '<script>alert("x")</script>'


def file_one(client, **overrides):
    return client.post("/pengaduan/", form_data(**overrides))


def code_on_receipt(client, response) -> str:
    """The tracking code as the receipt page shows it (once) right after filing."""
    html = client.get(response["Location"]).content.decode()
    return re.search(r'id="tracking-code" data-code>([A-Z0-9-]+)<', html).group(1)


def complaint_of(response) -> Complaint:
    pk = int(re.search(r"/pengaduan/terkirim/(\d+)/", response["Location"]).group(1))
    return Complaint.objects.get(pk=pk)


@pytest.mark.django_db
class TestFiling:
    def test_the_form_shows_units_categories_and_plain_explanations(self, client, categories):
        html = client.get("/pengaduan/").content.decode()
        assert 'name="csrfmiddlewaretoken"' in html and 'name="started"' in html
        assert "Kanwil Tengah" in html and 'data-unit="kanwil-tengah"' in html
        assert all(category.name in html for category in categories.values())
        assert "Anonim" in html or "anonim" in html
        assert 'enctype="multipart/form-data"' in html

    def test_a_citizen_files_and_gets_a_receipt_with_the_code_and_the_date(
        self, client, categories, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/pengaduan/", {**form_data(category=categories["jalan"].pk), "attachments": [photo(), photo("b.png")]}
            )
        assert response.status_code == 302
        complaint = complaint_of(response)
        assert complaint.reporter_phone == "+6281234567890"
        assert complaint.attachments.count() == 2
        receipt = client.get(response["Location"])
        html = receipt.content.decode()
        code = re.search(r'id="tracking-code" data-code>(ADU-[A-Z0-9-]+)<', html).group(1)
        assert intake.find_by_code(code) == complaint
        assert "WITA" in html  # the verification date in the unit's zone
        assert len(mail.outbox) == 1 and code in mail.outbox[0].body
        # shown once: a reload of the receipt shows the reference, never the code again
        again = client.get(response["Location"]).content.decode()
        assert code not in again and complaint.display_reference in again

    def test_the_incident_date_is_picked_with_indonesian_month_names(self, client, unit_tree):
        html = client.get("/pengaduan/").content.decode()
        assert 'type="date"' not in html and 'name="incident_date_month"' in html
        assert '<option value="8">Agustus</option>' in html and ">August<" not in html
        picked = {"incident_date_day": "3", "incident_date_month": "8", "incident_date_year": "2026"}
        response = client.post("/pengaduan/", {**form_data(), **picked})
        assert response.status_code == 302 and str(complaint_of(response).incident_date) == "2026-08-03"
        refused = client.post(
            "/pengaduan/", {**form_data(), **picked, "incident_date_day": "31", "incident_date_month": "2"}
        )
        assert refused.status_code == 400 and "incident_date" in refused.context["form"].errors
        assert '<option value="2" selected>Februari</option>' in refused.content.decode()  # kept as picked

    def test_the_receipt_is_only_for_the_browser_that_filed(self, client, unit_tree):
        response = file_one(client)
        assert Client().get(response["Location"]).status_code == 404

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"title": "", "description": ""}, "title", "Bidang ini harus diisi."),
            ({"title": "x" * 151}, "title", "150"),
            ({"description": "y" * 5001}, "description", "5000"),
            ({"reporter_email": "budi@"}, "reporter_email", "Masukkan alamat email dengan format yang benar."),
            ({"reporter_phone": "0812"}, "reporter_phone", "0812-3456-7890"),
            ({"reporter_phone": "telepon saya"}, "reporter_phone", "0812-3456-7890"),
            ({"consent": None}, "consent", "persetujuan"),
            ({"reporter_name": ""}, "reporter_name", "anonim"),
            ({"reporter_email": "", "reporter_phone": ""}, "reporter_email", "anonim"),
            ({"incident_date": "2099-01-01"}, "incident_date", "masa depan"),
            ({"kind": "gossip"}, "kind", "Pilih"),
        ],
    )
    def test_bad_input_is_named_next_to_its_field_and_nothing_typed_is_lost(
        self, client, unit_tree, overrides, field, message
    ):
        response = file_one(client, **overrides)
        assert response.status_code == 400
        form = response.context["form"]
        assert field in form.errors
        assert message.lower() in " ".join(form.errors[field]).lower()
        html = response.content.decode()
        assert 'value="Budi Santoso"' in html or overrides.get("reporter_name") == ""
        assert "Jl. Pejanggik, Mataram" in html
        assert Complaint.objects.count() == 0

    def test_a_category_of_another_unit_is_refused(self, client, categories):
        response = file_one(client, category=categories["pungli"].pk)
        assert response.status_code == 400 and "category" in response.context["form"].errors

    def test_files_must_be_chosen_again_after_an_error_and_the_page_says_so(self, client, unit_tree):
        response = client.post("/pengaduan/", {**form_data(title=""), "attachments": [photo()]})
        assert response.status_code == 400
        assert "pilih kembali" in response.content.decode().lower()

    def test_six_files_and_disguised_files_are_refused_with_the_form_kept(self, client, unit_tree):
        six = client.post("/pengaduan/", {**form_data(), "attachments": [photo(f"{i}.jpg") for i in range(6)]})
        assert six.status_code == 400 and "attachments" in six.context["form"].errors
        html_as_jpg = photo("x.jpg", b"<html><script>alert(1)</script></html>")
        fake = client.post("/pengaduan/", {**form_data(), "attachments": [html_as_jpg]})
        assert fake.status_code == 400
        assert "x.jpg" in " ".join(fake.context["form"].errors["attachments"])
        assert Complaint.objects.count() == 0

    def test_script_in_every_text_field_is_shown_escaped(self, client, unit_tree):
        response = file_one(client, title=f"Judul {XSS}", description=f"Isi laporan panjang {XSS} " * 2,
                            location=XSS, reporter_name=f"Budi {XSS}")  # fmt: skip
        complaint = complaint_of(response)
        workflow.move(workflow.locked(complaint), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED,
                      public_message=f"Terverifikasi {XSS}")  # fmt: skip
        pages = [client.get(response["Location"]), client.get(f"/pengaduan/lacak/{complaint.pk}/"),
                 client.get("/pengaduan/publik/")]  # fmt: skip
        for page in pages:
            html = page.content.decode()
            assert "<script>alert" not in html
            assert "&lt;script&gt;alert" in html
        # and on a bad-input round trip
        bad = file_one(client, title=XSS, description="short")
        assert "<script>alert" not in bad.content.decode()

    def test_a_missing_csrf_token_is_refused(self, unit_tree):
        strict = Client(enforce_csrf_checks=True)
        assert strict.post("/pengaduan/", form_data()).status_code == 403
        assert Complaint.objects.count() == 0

    def test_a_filled_honeypot_is_refused_with_an_honest_message(self, client, unit_tree):
        response = file_one(client, website="http://spam.example")
        assert response.status_code == 400
        assert "kosongkan" in response.content.decode().lower()
        assert Complaint.objects.count() == 0

    def test_a_too_fast_post_is_refused(self, client, unit_tree, settings):
        settings.COMPLAINT_FORM_MIN_SECONDS = 3
        response = file_one(client)
        assert response.status_code == 400
        assert "terlalu cepat" in response.content.decode().lower()
        assert Complaint.objects.count() == 0

    def test_a_forged_or_missing_timestamp_is_refused_and_renewed(self, client, unit_tree):
        response = file_one(client, started="123:forged")
        assert response.status_code == 400
        assert response.context["form"]["started"].value() != "123:forged"
        missing = file_one(client, started="")
        assert missing.status_code == 400
        assert missing.context["form"]["started"].value()  # a fresh stamp to send again
        assert Complaint.objects.count() == 0

    def test_the_rate_limit_answers_429_without_reading_the_body(self, client, unit_tree, settings):
        settings.COMPLAINT_SUBMIT_LIMIT = 2
        assert file_one(client).status_code == 302
        assert file_one(client).status_code == 302
        third = file_one(client)
        assert third.status_code == 429
        html = third.content.decode()
        # refused before the body is read (humas.security.RequestLimitsMiddleware): the page says how to get
        # back to what was typed (the browser's Back button keeps it)
        assert "Terlalu banyak permintaan" in html and "Kembali" in html and "Jl. Pejanggik" not in html
        assert Complaint.objects.count() == 2
        # another address is not affected
        assert client.post("/pengaduan/", form_data(), REMOTE_ADDR="10.1.2.3").status_code == 302

    def test_an_anonymous_report_with_contact_data_is_stored_without_it(
        self, client, unit_tree, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = file_one(client, identity_mode="anonymous")
        complaint = complaint_of(response)
        assert (complaint.reporter_name, complaint.reporter_email, complaint.reporter_phone) == ("", "", "")
        assert not OutboxEmail.objects.exists() and len(mail.outbox) == 0


@pytest.fixture
def filed(client, unit_tree):
    response = file_one(client)
    complaint = complaint_of(response)
    complaint.issued_code = code_on_receipt(client, response)
    return complaint


@pytest.mark.django_db
class TestTracking:
    def test_the_code_opens_the_report_in_any_case_and_with_any_dashes(self, unit_tree, filed):
        visitor = Client()
        typed = filed.issued_code.lower().replace("-", " ")
        response = visitor.post("/pengaduan/lacak/", {"code": typed})
        assert response.status_code == 302 and response["Location"] == f"/pengaduan/lacak/{filed.pk}/"
        html = visitor.get(response["Location"]).content.decode()
        assert filed.title in html and "Laporan diterima" in html

    def test_a_wrong_code_answers_the_same_whether_it_is_malformed_or_unknown(self, unit_tree, filed):
        visitor = Client()
        malformed = visitor.post("/pengaduan/lacak/", {"code": "hello"})
        unknown = visitor.post("/pengaduan/lacak/", {"code": "ADU-0000-0000-0000"})
        assert malformed.status_code == unknown.status_code == 404
        assert malformed.context["form"].errors == unknown.context["form"].errors

    def test_reports_cannot_be_opened_by_number_without_the_code(self, unit_tree, filed):
        assert Client().get(f"/pengaduan/lacak/{filed.pk}/").status_code == 404

    def test_many_wrong_codes_are_throttled(self, unit_tree, filed, settings):
        visitor = Client()
        statuses = [
            visitor.post("/pengaduan/lacak/", {"code": f"ADU-0000-0000-{i:04d}"}).status_code
            for i in range(settings.COMPLAINT_TRACK_LIMIT + 200)
        ]
        assert statuses[: settings.COMPLAINT_TRACK_LIMIT] == [404] * settings.COMPLAINT_TRACK_LIMIT
        assert set(statuses[settings.COMPLAINT_TRACK_LIMIT :]) == {429}
        # even the right code waits now: the limit is per address, not per guess
        assert visitor.post("/pengaduan/lacak/", {"code": filed.issued_code}).status_code == 429

    def test_tracking_never_shows_internal_notes_or_the_reporters_identity(self, unit_tree, filed, officer):
        with_note = workflow.locked(filed)
        workflow.move(with_note, to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED, actor=officer,
                      public_message="Sudah kami verifikasi.", internal_note="CATATAN-INTERNAL rahasia")  # fmt: skip
        ComplaintEvent.objects.create(complaint=filed, kind=EventKind.NOTE, actor=officer, internal_note="NOTE-2")
        visitor = Client()
        visitor.post("/pengaduan/lacak/", {"code": filed.issued_code})
        html = visitor.get(f"/pengaduan/lacak/{filed.pk}/").content.decode()
        assert "Sudah kami verifikasi." in html
        assert "CATATAN-INTERNAL" not in html and "NOTE-2" not in html
        assert "Budi Santoso" not in html and "budi@example.test" not in html and "6281234567890" not in html
        assert officer.username not in html

    def test_the_reporter_adds_information_and_a_file_while_open(self, client, filed, officer):
        response = client.post(
            f"/pengaduan/lacak/{filed.pk}/tambah/", {"message": "Lubangnya makin besar.", "attachments": [photo()]}
        )
        assert response.status_code == 302
        event = filed.events.get(kind=EventKind.INFO_ADDED)
        assert event.by_reporter and event.public_message == "Lubangnya makin besar."
        assert event.attachments.count() == 1
        empty = client.post(f"/pengaduan/lacak/{filed.pk}/tambah/", {"message": "  "})
        assert empty.status_code == 400 and filed.events.filter(kind=EventKind.INFO_ADDED).count() == 1
        # once the report is no longer open, nothing more can be added
        self._resolve(filed, officer)
        closed = client.post(f"/pengaduan/lacak/{filed.pk}/tambah/", {"message": "Masih ada lagi."})
        assert closed.status_code == 400 and "sudah tidak terbuka" in closed.content.decode()
        assert filed.events.filter(kind=EventKind.INFO_ADDED).count() == 1

    def test_the_reporter_rates_a_resolved_report_which_closes_it(self, client, filed, officer):
        self._resolve(filed, officer)
        assert client.post(f"/pengaduan/lacak/{filed.pk}/nilai/", {"score": "9"}).status_code == 400
        response = client.post(f"/pengaduan/lacak/{filed.pk}/nilai/", {"score": "4", "comment": "Cepat."})
        assert response.status_code == 302
        filed.refresh_from_db()
        assert (filed.status, filed.rating, filed.rating_comment) == (Status.CLOSED, 4, "Cepat.")
        again = client.post(f"/pengaduan/lacak/{filed.pk}/nilai/", {"score": "1"})
        assert again.status_code == 400
        filed.refresh_from_db()
        assert filed.rating == 4

    def test_the_reporter_objects_within_ten_working_days_and_it_reopens(self, client, filed, officer):
        self._resolve(filed, officer)
        response = client.post(f"/pengaduan/lacak/{filed.pk}/keberatan/", {"reason": "Lubang belum ditutup."})
        assert response.status_code == 302
        filed.refresh_from_db()
        assert filed.status == Status.IN_PROGRESS and filed.reopen_count == 1

    def test_an_objection_after_ten_working_days_is_refused(self, client, filed, officer):
        from datetime import timedelta

        self._resolve(filed, officer)
        Complaint.objects.filter(pk=filed.pk).update(resolved_at=filed.created_at - timedelta(days=30))
        response = client.post(f"/pengaduan/lacak/{filed.pk}/keberatan/", {"reason": "Belum selesai."})
        assert response.status_code == 400 and "10 hari kerja" in response.content.decode()
        filed.refresh_from_db()
        assert filed.status == Status.RESOLVED

    def test_attachments_are_served_only_to_the_reporter_and_to_staff_of_the_unit(
        self, client, unit_tree, officer, other_unit_officer
    ):
        response = client.post("/pengaduan/", {**form_data(), "attachments": [photo()]})
        item = complaint_of(response).attachments.get()
        own = client.get(f"/pengaduan/lampiran/{item.pk}/")
        assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
        assert "sandbox" in own["Content-Security-Policy"]
        assert client.get(f"/pengaduan/lampiran/{item.pk}/kecil/")["Content-Type"] == "image/webp"
        assert Client().get(f"/pengaduan/lampiran/{item.pk}/").status_code == 404
        staff = Client()
        staff.force_login(officer)
        assert staff.get(f"/pengaduan/lampiran/{item.pk}/").status_code == 200
        stranger = Client()
        stranger.force_login(other_unit_officer)
        assert stranger.get(f"/pengaduan/lampiran/{item.pk}/").status_code == 404

    def test_pdfs_download_rather_than_display(self, client, unit_tree):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from .conftest import PDF

        pdf = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
        item = complaint_of(client.post("/pengaduan/", {**form_data(), "attachments": [pdf]})).attachments.get()
        response = client.get(f"/pengaduan/lampiran/{item.pk}/")
        assert response["Content-Disposition"].startswith("attachment;")

    @staticmethod
    def _resolve(complaint, officer):
        locked = workflow.locked(complaint)
        workflow.move(locked, to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED, actor=officer)
        workflow.move(locked, to_status=Status.IN_PROGRESS, event_kind=EventKind.RESPONSE, actor=officer)
        workflow.move(locked, to_status=Status.RESOLVED, event_kind=EventKind.RESOLVED, actor=officer,
                      public_message="Sudah ditambal.")  # fmt: skip


@pytest.mark.django_db
class TestBoard:
    def _verified(self, unit, **overrides):
        data = intake.ComplaintInput(
            kind="complaint", title="Laporan publik", description="x" * 40, unit=unit,
            reporter_name="Siti Rahma", reporter_email="siti@example.test", consent=True,
        )  # fmt: skip
        for key, value in overrides.items():
            setattr(data, key, value)
        complaint = intake.submit_complaint(data=data, files=[])
        workflow.move(workflow.locked(complaint), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED,
                      public_message="Diverifikasi.", internal_note="INTERNAL-X")  # fmt: skip
        return complaint

    def test_board_shows_verified_public_reports_without_names(self, client, unit_tree):
        self._verified(unit_tree["kanwil"], title="Terlihat di papan")
        self._verified(unit_tree["kanwil"], title="Laporan rahasia", visibility="rahasia")
        intake.submit_complaint(
            data=intake.ComplaintInput(kind="complaint", title="Belum diverifikasi", description="y" * 40,
                                       unit=unit_tree["kanwil"], consent=True, identity_mode="anonymous"),
            files=[],
        )  # fmt: skip
        html = client.get("/pengaduan/publik/").content.decode()
        assert "Terlihat di papan" in html and "Diverifikasi." in html
        assert "Laporan rahasia" not in html and "Belum diverifikasi" not in html
        assert "Siti Rahma" not in html and "siti@example.test" not in html and "INTERNAL-X" not in html

    def test_board_filters_and_pages(self, client, unit_tree):
        for i in range(23):
            self._verified(unit_tree["kanwil"] if i % 2 else unit_tree["other"], title=f"Laporan nomor {i:02d}")
        first = client.get("/pengaduan/publik/")
        assert len(first.context["page"].object_list) == 20
        second = client.get("/pengaduan/publik/?halaman=2")
        assert len(second.context["page"].object_list) == 3
        only_timur = client.get("/pengaduan/publik/?unit=kanwil-timur").context["page"].paginator.count
        assert only_timur == 12
        assert client.get("/pengaduan/publik/?status=closed").context["page"].paginator.count == 0
        assert client.get("/pengaduan/publik/?halaman=abc&tahun=zz&jenis=<x>").status_code == 200

    def test_board_needs_few_queries_whatever_the_number_of_reports(
        self, client, unit_tree, django_assert_max_num_queries
    ):
        for i in range(25):
            self._verified(unit_tree["kanwil"], title=f"Laporan nomor {i:02d}")
        with django_assert_max_num_queries(6):
            client.get("/pengaduan/publik/")


@pytest.mark.django_db
def test_the_complaint_form_sends_information_requests_to_their_own_form(client, unit_tree):
    page = client.get("/pengaduan/")
    assert b'value="information_request"' not in page.content
    assert b"/informasi/permohonan/" in page.content
    response = client.post("/pengaduan/", form_data(kind="information_request"))
    assert response.status_code == 400
    assert "/informasi/permohonan/" in str(response.context["form"].errors["kind"])
    assert not Complaint.objects.exists()
