"""Reply templates: placeholders filled per report (identity modes respected), unknown placeholders refused by
name, parent units' templates offered to their children, the "use template" step without JavaScript, the
console pages that maintain them and the admin, with scope (404) and role (403) checks."""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.handling import replies
from complaints.models import ComplaintEvent, EventKind, ReplyPurpose, ReplyTemplate, Status
from conftest import make_staff
from humas import codes
from humas.errors import Refused

from .test_workflow import file, put_in

pytestmark = pytest.mark.django_db

BODY = "Yth. {nama_pelapor}, laporan {referensi} sedang ditangani {unit}; batas waktu {tenggat}."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def template(unit, purpose=ReplyPurpose.RESPONSE, name="Tanggapan umum", body=BODY, by=None, **extra):
    return replies.save_template(unit=unit, purpose=purpose, name=name, body=body, by=by, **extra)


class TestPlaceholders:
    def test_a_named_reporters_name_the_reference_unit_and_deadline_are_filled(self, unit_tree):
        report = put_in(file(unit_tree["kanwil"], reporter_name="Budi Santoso"), Status.IN_PROGRESS)
        text = replies.fill(template(unit_tree["kanwil"]), report)
        assert text.startswith(f"Yth. Budi Santoso, laporan {report.display_reference} sedang ditangani Kanwil Tengah;")
        assert "WITA" in text and "{" not in text  # the deadline in the unit's own zone

    @pytest.mark.parametrize("mode", ["anonim", "anonymous"])
    def test_anonim_and_anonymous_reporters_are_never_named(self, unit_tree, mode):
        extra = {"identity_mode": mode, "reporter_name": "Rahasia Sekali"}
        if mode == "anonymous":
            extra.update(reporter_name="", reporter_email="")
        report = file(unit_tree["kanwil"], **extra)
        text = replies.fill(template(unit_tree["kanwil"]), report)
        assert "Rahasia" not in text and text.startswith("Yth. Bapak/Ibu Pelapor,")

    def test_the_reference_is_never_the_secret_tracking_code(self, unit_tree):
        report = file(unit_tree["kanwil"])
        text = replies.fill(template(unit_tree["kanwil"], body="{referensi}"), report)
        assert report.issued_code not in text and codes.normalise(report.issued_code, "ADU") not in text

    def test_an_unknown_placeholder_is_refused_by_name(self, unit_tree):
        with pytest.raises(Refused) as refused:
            template(unit_tree["kanwil"], body="Yth. {nama}, {unit} menjawab {jawaban}.")
        assert "{nama}" in refused.value.message and "{jawaban}" in refused.value.message
        assert "{unit}" not in refused.value.message.split(".")[0]
        with pytest.raises(Refused, match="kurung kurawal"):
            template(unit_tree["kanwil"], body="Yth. {nama_pelapor, terima kasih")
        assert not ReplyTemplate.objects.exists()

    def test_a_category_of_another_unit_and_a_name_used_twice_are_refused(self, unit_tree, categories):
        with pytest.raises(Refused):
            template(unit_tree["kanwil"], category=categories["pungli"])
        template(unit_tree["kanwil"])
        with pytest.raises(Refused) as clash:
            template(unit_tree["kanwil"], body="Lain")
        assert clash.value.status == 409


class TestOffered:
    def test_parent_templates_are_offered_to_children_the_units_own_first(self, unit_tree, categories):
        own = template(unit_tree["satker"], name="Z milik satker")
        parent = template(unit_tree["kanwil"], name="A milik kanwil")
        root = template(unit_tree["root"], name="B milik pusat")
        template(unit_tree["other"], name="Milik kanwil lain")
        template(unit_tree["kanwil"], name="Penolakan", purpose=ReplyPurpose.REJECTION)
        only_other_category = template(unit_tree["satker"], name="Khusus", category=categories["layanan"])
        template(unit_tree["satker"], name="Nonaktif", is_active=False)
        report = file(unit_tree["satker"])
        assert list(replies.templates_for(report, ReplyPurpose.RESPONSE)) == [own, parent, root]
        report.category = categories["layanan"]
        assert only_other_category in replies.templates_for(report, ReplyPurpose.RESPONSE)
        # a parent's report is never offered a child's template
        assert list(replies.templates_for(file(unit_tree["kanwil"]), ReplyPurpose.RESPONSE)) == [parent, root]


class TestActionForm:
    def test_use_template_fills_the_message_without_sending_and_keeps_what_was_typed(self, unit_tree, officer):
        report = put_in(file(unit_tree["satker"], reporter_name="Budi"), Status.IN_PROGRESS)
        chosen = template(unit_tree["kanwil"])
        client = signed_in(officer)
        page = client.get(f"/staf/pengaduan/{report.pk}/").content.decode()
        assert "Tanggapan umum (Kanwil Tengah)" in page and 'name="use_template"' in page
        events = ComplaintEvent.objects.count()
        response = client.post(
            f"/staf/pengaduan/{report.pk}/respond/",
            {"template": chosen.pk, "message": "Terima kasih atas laporannya.", "use_template": "1"},
        )
        assert response.status_code == 200 and ComplaintEvent.objects.count() == events  # nothing sent
        html = response.content.decode()
        assert f"Terima kasih atas laporannya.\n\nYth. Budi, laporan {report.display_reference}" in html
        assert response.context["open_action"] == "respond"
        # the officer edits the text and sends it as an ordinary response
        done = client.post(f"/staf/pengaduan/{report.pk}/respond/", {"message": "Yth. Budi, sudah kami perbaiki."})
        assert done.status_code == 302
        event = ComplaintEvent.objects.filter(complaint=report, kind=EventKind.RESPONSE).get()
        assert event.public_message == "Yth. Budi, sudah kami perbaiki."

    def test_rejection_keeps_the_chosen_reason_when_a_template_is_used(self, unit_tree, officer):
        report = file(unit_tree["kanwil"])
        chosen = template(unit_tree["kanwil"], purpose=ReplyPurpose.REJECTION, name="Bukan wewenang", body="Maaf.")
        response = signed_in(officer).post(
            f"/staf/pengaduan/{report.pk}/reject/",
            {"template": chosen.pk, "reason": "out_of_scope", "message": "", "use_template": "1"},
        )
        form = {action.name: form for action, form in response.context["actions"]}["reject"]
        assert form.initial["message"] == "Maaf." and form.initial["reason"] == "out_of_scope"

    def test_a_template_not_offered_for_this_report_is_refused(self, unit_tree, officer):
        report = file(unit_tree["kanwil"])
        elsewhere = template(unit_tree["other"], name="Milik kanwil lain")
        response = signed_in(officer).post(
            f"/staf/pengaduan/{report.pk}/respond/", {"template": elsewhere.pk, "message": "Isi", "use_template": "1"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Pilih salah satu templat yang ditawarkan." in html and "Isi</textarea>" in html
        assert "Milik kanwil lain" not in html

    def test_a_viewer_cannot_use_templates(self, unit_tree, viewer):
        report = file(unit_tree["kanwil"])
        chosen = template(unit_tree["kanwil"])
        response = signed_in(viewer).post(
            f"/staf/pengaduan/{report.pk}/respond/", {"template": chosen.pk, "use_template": "1"}
        )
        assert response.status_code == 403

    def test_the_detail_page_reads_the_templates_in_a_fixed_number_of_queries(
        self, unit_tree, officer, django_assert_max_num_queries
    ):
        report = put_in(file(unit_tree["satker"]), Status.IN_PROGRESS)
        client = signed_in(officer)
        client.get(f"/staf/pengaduan/{report.pk}/")
        for n in range(6):
            template(unit_tree["kanwil"], name=f"T{n}", purpose=list(ReplyPurpose)[n % 4])
        with django_assert_max_num_queries(30) as counted:
            client.get(f"/staf/pengaduan/{report.pk}/")
        before = len(counted.captured_queries)
        for n in range(6, 12):
            template(unit_tree["satker"], name=f"T{n}", purpose=list(ReplyPurpose)[n % 4])
        with django_assert_max_num_queries(before):
            client.get(f"/staf/pengaduan/{report.pk}/")


class TestConsole:
    def test_an_officer_creates_edits_and_deletes_a_template(self, unit_tree, officer, categories):
        client = signed_in(officer)
        assert client.get("/staf/pengaduan/templat/").status_code == 200
        data = {"unit": "kanwil-tengah", "category": categories["jalan"].pk, "purpose": "resolution",
                "name": "Jalan diperbaiki", "body": "Yth. {nama_pelapor}, jalan sudah diperbaiki.",
                "is_active": "on"}  # fmt: skip
        assert client.post("/staf/pengaduan/templat/baru/", data).status_code == 302
        saved = ReplyTemplate.objects.get()
        assert saved.category == categories["jalan"] and saved.updated_by == officer
        assert "Jalan diperbaiki" in client.get("/staf/pengaduan/templat/").content.decode()
        edit = client.post(f"/staf/pengaduan/templat/{saved.pk}/", {**data, "name": "Jalan sudah baik"})
        assert edit.status_code == 302
        saved.refresh_from_db()
        assert saved.name == "Jalan sudah baik"
        assert client.post(f"/staf/pengaduan/templat/{saved.pk}/hapus/").status_code == 302
        assert not ReplyTemplate.objects.exists()

    def test_an_unknown_placeholder_is_named_and_nothing_typed_is_lost(self, unit_tree, officer):
        data = {"unit": "kanwil-tengah", "purpose": "response", "name": "Coba",
                "body": "Yth. {nama}, laporan {referensi} kami terima."}  # fmt: skip
        response = signed_in(officer).post("/staf/pengaduan/templat/baru/", data)
        html = response.content.decode()
        assert response.status_code == 400 and "{nama}" in html and "Placeholder" not in html
        assert "Yth. {nama}, laporan {referensi} kami terima.</textarea>" in html
        assert not ReplyTemplate.objects.exists()

    def test_another_units_template_is_404_and_a_viewer_gets_403(self, unit_tree, officer, viewer):
        other = template(unit_tree["other"], name="Milik kanwil lain")
        client = signed_in(officer)
        assert client.get(f"/staf/pengaduan/templat/{other.pk}/").status_code == 404
        assert client.post(f"/staf/pengaduan/templat/{other.pk}/hapus/").status_code == 404
        data = {"unit": "kanwil-timur", "purpose": "response", "name": "X", "body": "Isi"}
        assert client.post("/staf/pengaduan/templat/baru/", data).status_code == 400
        assert "Milik kanwil lain" not in client.get("/staf/pengaduan/templat/").content.decode()
        assert signed_in(viewer).get("/staf/pengaduan/templat/").status_code == 403

    def test_the_units_above_show_their_templates_read_only(self, unit_tree):
        template(unit_tree["kanwil"], name="Dari kanwil")
        satker_officer = make_staff("officer_satker", "officer", unit_tree["satker"])
        html = signed_in(satker_officer).get("/staf/pengaduan/templat/").content.decode()
        assert "Dari kanwil" in html and "Ditawarkan dari unit di atas" in html

    def test_the_admin_refuses_an_unknown_placeholder_and_saves_through_the_service(self, unit_tree, superuser):
        client = signed_in(superuser)
        data = {"unit": unit_tree["kanwil"].pk, "purpose": "response", "name": "Admin", "body": "{salah}",
                "is_active": "on"}  # fmt: skip
        response = client.post("/admin/complaints/replytemplate/add/", data)
        assert response.status_code == 200 and "{salah}" in response.content.decode()
        good = {**data, "body": "Yth. {nama_pelapor}"}
        assert client.post("/admin/complaints/replytemplate/add/", good).status_code == 302
        assert ReplyTemplate.objects.get().updated_by == superuser
