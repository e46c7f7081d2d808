"""The staff console and the staff API: queue, filters, search, detail, actions, identity rules, access."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from complaints.handling import workflow
from complaints.models import Complaint, EventKind, Status
from conftest import make_staff

from .test_workflow import file, put_in


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestQueue:
    def test_officer_sees_the_units_reports_and_not_another_units(self, unit_tree, officer):
        here = file(unit_tree["satker"], title="Laporan satker tengah")
        there = file(unit_tree["other"], title="Laporan kanwil timur")
        html = signed_in(officer).get("/staf/pengaduan/").content.decode()
        assert here.title in html and there.title not in html

    def test_filters_by_status_kind_channel_deadline_and_mine(self, unit_tree, officer):
        a = put_in(file(unit_tree["kanwil"], title="Satu laporan verifikasi"), Status.VERIFIED)
        b = file(unit_tree["kanwil"], title="Dua laporan baru", kind="aspiration")
        Complaint.objects.filter(pk=b.pk).update(verification_due_at=timezone.now() - timedelta(hours=1))
        client = signed_in(officer)

        def titles(query):
            return [c.title for c, *_ in client.get(f"/staf/pengaduan/?{query}").context["rows"]]

        assert titles("status=verified") == [a.title]
        assert titles("kind=aspiration") == [b.title]
        assert titles("deadline=overdue") == [b.title]
        assert titles("mine=on") == []
        workflow.assign(a, by=officer, officer=officer)
        assert titles("mine=on") == [a.title]
        assert titles("unit=satker-tengah") == []

    def test_full_text_search_understands_indonesian_word_forms(self, unit_tree, officer):
        file(unit_tree["kanwil"], title="Perbaikan jembatan di desa", description="Jembatan rusak berat sejak banjir.")
        file(unit_tree["kanwil"], title="Antrean layanan panjang", description="Loket hanya satu yang buka.")
        client = signed_in(officer)
        found = [c.title for c, *_ in client.get("/staf/pengaduan/?q=jembatan+diperbaiki").context["rows"]]
        assert found == ["Perbaikan jembatan di desa"]

    def test_bad_filters_get_a_message_not_an_error(self, unit_tree, officer):
        response = signed_in(officer).get("/staf/pengaduan/?since=2026-13-45&unit=kanwil-timur&status=nonsense")
        assert response.status_code == 400
        assert response.context["form"].errors

    def test_the_queue_needs_few_queries_whatever_its_size(self, unit_tree, officer, django_assert_max_num_queries):
        for i in range(3):
            file(unit_tree["kanwil"], title=f"Laporan nomor {i:03d}")
        client = signed_in(officer)
        client.get("/staf/pengaduan/")
        with django_assert_max_num_queries(10):
            client.get("/staf/pengaduan/")
        for i in range(40):
            file(unit_tree["satker"], title=f"Laporan tambahan {i:03d}")
        with django_assert_max_num_queries(10):
            response = client.get("/staf/pengaduan/")
        assert len(response.context["rows"]) == 25

    def test_bulk_assign_changes_all_or_nothing(self, unit_tree, officer):
        mine = [put_in(file(unit_tree["kanwil"]), Status.VERIFIED) for _ in range(2)]
        foreign = put_in(file(unit_tree["other"]), Status.VERIFIED)
        client = signed_in(officer)
        refused = client.post("/staf/pengaduan/", {"ids": [mine[0].pk, foreign.pk], "officer": officer.pk})
        assert refused.status_code == 404
        assert not Complaint.objects.filter(assigned_to=officer).exists()
        done = client.post("/staf/pengaduan/", {"ids": [c.pk for c in mine], "officer": officer.pk})
        assert done.status_code == 302
        assert Complaint.objects.filter(assigned_to=officer, status=Status.IN_PROGRESS).count() == 2

    def test_the_xlsx_export_holds_the_filtered_queue_and_hides_anonim_identities(self, unit_tree, officer):
        file(unit_tree["kanwil"], title="Laporan dengan nama", reporter_name="Budi Santoso")
        file(unit_tree["kanwil"], title="Laporan anonim", identity_mode="anonim", reporter_name="Rahasia Sekali")
        file(unit_tree["other"], title="Laporan unit lain")
        response = signed_in(officer).get("/staf/pengaduan/?format=xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Nomor referensi" and "Judul" in rows[0]
        titles = {row[6] for row in rows[1:]}
        assert titles == {"Laporan dengan nama", "Laporan anonim"}
        flat = " ".join(str(v) for row in rows for v in row if v)
        assert "Budi Santoso" in flat and "Rahasia Sekali" not in flat


@pytest.mark.django_db
class TestDetailAndActions:
    def test_another_units_report_is_404_by_url_action_and_api(self, unit_tree, other_unit_officer):
        complaint = file(unit_tree["kanwil"])
        client = signed_in(other_unit_officer)
        assert client.get(f"/staf/pengaduan/{complaint.pk}/").status_code == 404
        assert client.post(f"/staf/pengaduan/{complaint.pk}/verify/", {}).status_code == 404
        assert client.get(f"/api/v1/staff/complaints/{complaint.pk}/").status_code == 404
        assert client.post(f"/api/v1/staff/complaints/{complaint.pk}/verify/", {}).status_code == 404
        complaint.refresh_from_db()
        assert complaint.status == Status.NEW

    def test_a_viewer_reads_but_gets_no_buttons_and_403_on_post(self, unit_tree, viewer):
        complaint = file(unit_tree["kanwil"])
        client = signed_in(viewer)
        response = client.get(f"/staf/pengaduan/{complaint.pk}/")
        assert response.status_code == 200 and response.context["actions"] == []
        assert client.post(f"/staf/pengaduan/{complaint.pk}/verify/", {"message": ""}).status_code == 403

    def test_an_officer_verifies_answers_and_resolves_from_the_console(self, unit_tree, officer):
        complaint = file(unit_tree["kanwil"])
        client = signed_in(officer)
        page = client.get(f"/staf/pengaduan/{complaint.pk}/")
        assert [a.name for a, _form in page.context["actions"]] == ["verify", "reject", "mark_duplicate", "add_note"]
        assert client.post(f"/staf/pengaduan/{complaint.pk}/verify/", {"message": "Diverifikasi."}).status_code == 302
        assert client.post(f"/staf/pengaduan/{complaint.pk}/respond/", {"message": "Sedang dicek."}).status_code == 302
        assert client.post(f"/staf/pengaduan/{complaint.pk}/resolve/", {"message": "Selesai."}).status_code == 302
        complaint.refresh_from_db()
        assert complaint.status == Status.RESOLVED and complaint.first_response_at is not None

    def test_a_refused_action_keeps_the_typed_text_and_says_why(self, unit_tree, officer):
        complaint = file(unit_tree["kanwil"])
        client = signed_in(officer)
        response = client.post(f"/staf/pengaduan/{complaint.pk}/resolve/", {"message": "Teks yang saya ketik"})
        assert response.status_code == 409
        html = response.content.decode()
        assert "Teks yang saya ketik" in html
        complaint.refresh_from_db()
        assert complaint.status == Status.NEW
        empty = client.post(f"/staf/pengaduan/{complaint.pk}/reject/", {"reason": "spam", "message": ""})
        assert empty.status_code == 400

    def test_the_same_form_posted_twice_counts_once(self, unit_tree, officer):
        complaint = put_in(file(unit_tree["kanwil"]), Status.IN_PROGRESS)
        client = signed_in(officer)
        data = {"message": "Jawaban kami.", "request_id": "f" * 32}
        assert client.post(f"/staf/pengaduan/{complaint.pk}/respond/", data).status_code == 302
        assert client.post(f"/staf/pengaduan/{complaint.pk}/respond/", data).status_code == 409
        assert complaint.events.filter(kind=EventKind.RESPONSE).count() == 1

    @pytest.mark.parametrize("viewer_role", ["officer", "unit_admin", "humas_admin"])
    def test_anonim_identity_is_shown_only_to_the_humas_admin(self, unit_tree, viewer_role):
        users = {
            "officer": make_staff("o1", "officer", unit_tree["kanwil"]),
            "unit_admin": make_staff("a1", "admin", unit_tree["kanwil"]),
            "humas_admin": make_staff("h1", "admin", unit_tree["root"]),
        }
        complaint = file(unit_tree["kanwil"], identity_mode="anonim", reporter_name="Nama Rahasia",
                         reporter_email="rahasia@example.test")  # fmt: skip
        client = signed_in(users[viewer_role])
        page = client.get(f"/staf/pengaduan/{complaint.pk}/").content.decode()
        api = client.get(f"/api/v1/staff/complaints/{complaint.pk}/").content.decode()
        xlsx = client.get("/staf/pengaduan/?format=xlsx").content
        sheet = " ".join(str(v) for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)
                         for v in row if v)  # fmt: skip
        visible = viewer_role == "humas_admin"
        for text in (page, api, sheet):
            assert ("Nama Rahasia" in text) is visible
            assert ("rahasia@example.test" in text) is visible

    def test_similar_reports_are_offered_and_mark_as_duplicate_links_them(self, unit_tree, officer):
        original = file(unit_tree["kanwil"], title="Jembatan desa Sukamaju rusak berat",
                        description="Jembatan desa Sukamaju rusak setelah banjir, warga tidak bisa lewat.")  # fmt: skip
        copy = file(unit_tree["kanwil"], title="Jembatan Sukamaju rusak",
                    description="Jembatan di desa Sukamaju rusak karena banjir kemarin.")  # fmt: skip
        file(unit_tree["kanwil"], title="Antrean loket panjang", description="Hanya satu loket buka setiap pagi.")
        client = signed_in(officer)
        page = client.get(f"/staf/pengaduan/{copy.pk}/")
        assert [c.pk for c in page.context["similar"]][:1] == [original.pk]
        response = client.post(f"/staf/pengaduan/{copy.pk}/mark_duplicate/", {"original": original.display_reference})
        assert response.status_code == 302
        copy.refresh_from_db()
        assert copy.duplicate_of == original and copy.status == Status.REJECTED
        assert copy.events.get(kind=EventKind.DUPLICATE).public_message

    def test_staff_record_a_phone_report(self, unit_tree, officer):
        client = signed_in(officer)
        response = client.post(
            "/staf/pengaduan/baru/",
            {
                "channel": "phone", "kind": "complaint", "unit": "kanwil-tengah", "title": "Laporan lewat telepon",
                "description": "Warga menelepon soal jalan berlubang di depan sekolah dasar.", "identity_mode": "named",
                "reporter_name": "Ibu Sari", "reporter_phone": "0812-3456-7890", "visibility": "rahasia",
                "consent": "on",
            },
        )  # fmt: skip
        assert response.status_code == 302
        complaint = Complaint.objects.get()
        assert complaint.channel == "phone"
        event = complaint.events.get()
        assert event.actor == officer and not event.by_reporter


@pytest.mark.django_db
class TestStaffApi:
    def test_queue_and_actions_through_the_api(self, unit_tree, officer):
        complaint = file(unit_tree["kanwil"])
        file(unit_tree["other"])
        client = signed_in(officer)
        listing = client.get("/api/v1/staff/complaints/?status=new").json()
        assert [r["id"] for r in listing["results"]] == [complaint.pk]
        done = client.post(f"/api/v1/staff/complaints/{complaint.pk}/verify/", {"message": "OK"},
                           content_type="application/json")  # fmt: skip
        assert done.status_code == 200 and done.json()["status"] == "verified"
        wrong = client.post(f"/api/v1/staff/complaints/{complaint.pk}/verify/", {}, content_type="application/json")
        assert wrong.status_code == 409 and wrong.json()["detail"] and wrong.json()["errors"] == {}

    def test_api_errors_come_in_the_one_shape(self, unit_tree, officer):
        complaint = file(unit_tree["kanwil"])
        client = signed_in(officer)
        unknown = client.post(f"/api/v1/staff/complaints/{complaint.pk}/fly/", {}, content_type="application/json")
        assert unknown.status_code == 404 and set(unknown.json()) == {"detail", "errors"}
        bad_filter = client.get("/api/v1/staff/complaints/?since=kemarin")
        assert bad_filter.status_code == 400 and "since" in bad_filter.json()["errors"]
        empty = client.post(f"/api/v1/staff/complaints/{complaint.pk}/reject/", {"reason": "spam", "message": ""},
                            content_type="application/json")  # fmt: skip
        assert empty.status_code == 400 and empty.json()["detail"]
        complaint.refresh_from_db()
        assert complaint.status == Status.NEW

    def test_token_auth_works_and_anonymous_calls_are_refused(self, unit_tree, officer):
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=officer)
        assert Client().get("/api/v1/staff/complaints/").status_code in (401, 403)
        ok = Client().get("/api/v1/staff/complaints/", HTTP_AUTHORIZATION=f"Token {token.key}")
        assert ok.status_code == 200

    def test_the_api_never_shows_internal_notes_to_the_reporter_side(self, unit_tree, officer):
        filed = file(unit_tree["kanwil"])
        complaint = put_in(filed, Status.IN_PROGRESS)
        workflow.add_internal_note(complaint, by=officer, note="HANYA-STAF")
        staff = signed_in(officer).get(f"/api/v1/staff/complaints/{complaint.pk}/").content.decode()
        public = Client().get(f"/api/v1/complaints/{filed.issued_code}/").content.decode()
        assert "HANYA-STAF" in staff and "HANYA-STAF" not in public
