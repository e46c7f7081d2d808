"""Personal data kept no longer than needed (UU 27/2022): past the term after closing, nothing identifying a
reporter is left in any table, in the staff export or in the search index, while the report, its answer and
the statistics stay; a reporter downloads what the portal holds and asks for erasure before the term, which
an admin confirms; the mailing list forgets unconfirmed and departed subscribers (a hash keeps the latter
from being imported again)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from complaints.handling import workflow
from complaints.models import Attachment, Complaint, EventKind, Status
from complaints.reporting.summaries import RecapCount
from complaints.tests.conftest import form_data, photo
from complaints.tests.reports import PATHS
from humas import retention
from humas.models import OutboxEmail
from mailing import subscriber_import
from mailing.models import Subscriber, SubscriberStatus, Suppression

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Sari Dewi Kusumawardani", "sari.kusumawardani@example.test", "0813-7777-4242"
IDENTIFYING = [NAME, "Kusumawardani", EMAIL, "77774242", "KTP_Sari"]  # the phone is stored as +6281377774242


def file_by_web(client: Client, **overrides) -> Complaint:
    data = form_data(reporter_name=NAME, reporter_email=EMAIL, reporter_phone=PHONE, **overrides)
    response = client.post("/pengaduan/", {**data, "attachments": [photo("KTP_Sari_Dewi.jpg")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Complaint.objects.latest("pk")


def walk(complaint: Complaint, status: str, *, public_message: str = "") -> Complaint:
    steps = PATHS[Status(status)]
    for to_status, kind in steps:
        message = public_message if kind == EventKind.RESOLVED else ""
        workflow.move(workflow.locked(complaint), to_status=to_status, event_kind=kind, public_message=message)
    return Complaint.objects.get(pk=complaint.pk)


def recap() -> list[tuple]:
    return sorted(RecapCount.objects.values_list("unit_id", "grain", "start", "kind", "status", "channel", "count"))


def rows_holding(values: list[str]) -> list[str]:
    """Every table of the database, every row as text: which tables still hold one of `values`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (table names from the catalogue)
            for (row,) in cursor.fetchall():
                hits = [value for value in values if value.lower() in row.lower()]
                if hits:
                    found.append(f"{table}: {hits}")
    return found


def test_past_the_term_nothing_identifying_is_left_in_tables_exports_or_the_search_index(
    client, unit_tree, admin, superuser
):
    report = walk(file_by_web(client), Status.CLOSED, public_message="Jalan sudah ditambal pada 3 Desember.")
    fresh = walk(file_by_web(Client(), title="Lampu jalan padam di depan sekolah"), Status.CLOSED)
    still_open = file_by_web(Client(), title="Saluran air tersumbat di gang")
    recap_before = recap()
    assert len(rows_holding(IDENTIFYING)) >= 3, "the test data never reached the tables"
    Complaint.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=731))
    Complaint.objects.filter(pk=fresh.pk).update(closed_at=timezone.now() - timedelta(days=700))

    later = timezone.now() + timedelta(days=1)
    with mock.patch.object(timezone, "now", return_value=later):  # the clock moved past the term
        assert retention.run()["complaints"] == 1
        assert retention.run()["complaints"] == 0  # a second run changes nothing

    erased = Complaint.objects.get(pk=report.pk)
    assert (erased.reporter_name, erased.reporter_email, erased.reporter_phone) == ("", "", "")
    assert erased.anonymised_at is not None and erased.title == "Jalan berlubang di depan pasar"
    assert erased.events.filter(public_message__startswith="Jalan sudah ditambal").exists()  # the answer stays
    assert recap() == recap_before  # the statistics stay
    assert Attachment.objects.filter(complaint=erased).get().original_name.startswith("lampiran-")
    # the two reports within their term keep their reporter (one closed 700 days ago, one still open)
    assert Complaint.objects.filter(pk__in=[fresh.pk, still_open.pk], reporter_email=EMAIL).count() == 2
    Complaint.objects.filter(pk__in=[fresh.pk, still_open.pk]).delete()
    OutboxEmail.objects.all().delete()  # (the other two reports' mail, not under test here)
    assert rows_holding(IDENTIFYING) == []

    staff = Client()
    staff.force_login(superuser)
    export = staff.get("/staf/pengaduan/", {"format": "xlsx"})
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.content)) as book:
        text = " ".join(book.read(name).decode(errors="replace") for name in book.namelist())
    assert "Jalan berlubang" in text and not [value for value in IDENTIFYING if value in text]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM complaints_complaint WHERE to_tsvector('indonesian'::regconfig, coalesce(title, '')"
            " || ' ' || coalesce(description, '')) @@ plainto_tsquery('indonesian', %s)",
            ["Kusumawardani"],
        )
        assert cursor.fetchone()[0] == 0
    assert f"/staf/pengaduan/{report.pk}/" in staff.get("/staf/pengaduan/", {"q": "berlubang"}).content.decode()
    assert f"/staf/pengaduan/{report.pk}/" not in staff.get("/staf/pengaduan/", {"q": NAME}).content.decode()


def test_the_reporter_downloads_what_the_portal_holds_from_the_tracking_session_only(client, unit_tree):
    report = file_by_web(client)
    response = client.get(f"/pengaduan/lacak/{report.pk}/data-saya/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="pengaduan-{report.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    held = json.loads(response.content)
    assert held["reporter"] == {**held["reporter"], "name": NAME, "email": EMAIL, "phone": "+6281377774242"}
    assert held["attachments"][0]["name"] == "KTP_Sari_Dewi.jpg" and held["history"][0]["kind"] == "submitted"
    assert "internal_note" not in response.content.decode()
    assert Client().get(f"/pengaduan/lacak/{report.pk}/data-saya/").status_code == 404  # a stranger
    page = client.get(f"/pengaduan/lacak/{report.pk}/").content.decode()
    assert f"/pengaduan/lacak/{report.pk}/data-saya/" in page


def test_the_reporter_asks_for_erasure_and_an_admin_confirms_it(client, unit_tree, superuser):
    report = file_by_web(client)
    url = f"/pengaduan/lacak/{report.pk}/hapus-data/"
    refused = client.post(url, follow=True)  # still being handled
    assert "Laporan masih ditangani" in refused.content.decode()
    assert Complaint.objects.get(pk=report.pk).erasure_requested_at is None
    assert Client().post(url).status_code == 404  # not the reporter's browser
    walk(report, Status.CLOSED)
    assert "Minta hapus data pribadi saya" in client.get(f"/pengaduan/lacak/{report.pk}/").content.decode()
    asked = client.post(url, follow=True)
    assert "Permintaan Anda telah dicatat" in asked.content.decode()
    assert Complaint.objects.get(pk=report.pk).erasure_requested_at is not None
    other = walk(file_by_web(Client()), Status.CLOSED)  # closed, but its reporter did not ask

    admin_client = Client()
    admin_client.force_login(superuser)
    listed = admin_client.get("/admin/complaints/complaint/", {"erasure": "asked"})
    assert listed.status_code == 200
    done = admin_client.post(
        "/admin/complaints/complaint/", {"action": "erase_reporter_data", "_selected_action": [report.pk, other.pk]}
    )
    assert done.status_code == 302
    assert Complaint.objects.get(pk=report.pk).reporter_email == ""
    assert Complaint.objects.get(pk=other.pk).reporter_email == EMAIL
    page = client.get(f"/pengaduan/lacak/{report.pk}/").content.decode()
    assert "Nama dan kontak Anda telah dihapus" in page


def test_unconfirmed_subscribers_go_after_30_days_and_departed_ones_leave_only_a_hash(admin, unit_tree):
    now = timezone.now()
    old = now - timedelta(days=31)
    pending = Subscriber.objects.create(name="Belum Konfirmasi", email="pending@redaksi.test")
    recent = Subscriber.objects.create(name="Baru Daftar", email="baru@redaksi.test")
    Subscriber.objects.create(
        name="Sudah Berhenti", email="Berhenti@Redaksi.test", status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=old
    )
    staying = Subscriber.objects.create(name="Tetap", email="tetap@redaksi.test", status=SubscriberStatus.CONFIRMED)
    Subscriber.objects.filter(pk__in=[pending.pk, staying.pk]).update(created_at=old)

    assert retention.run()["subscribers"] == 2
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, staying.pk}
    assert Suppression.objects.count() == 1 and "berhenti" not in Suppression.objects.get().digest
    assert rows_holding(["berhenti@redaksi.test", "Sudah Berhenti", "pending@redaksi.test"]) == []
    assert retention.run()["subscribers"] == 0

    report = subscriber_import.import_contacts(
        data=b"name,email\nSudah Berhenti,berhenti@redaksi.test\nOrang Baru,orang.baru@redaksi.test\n",
        filename="kontak.csv",
        prior_consent=True,
        by=admin,
    )
    assert Subscriber.objects.filter(email__iexact="berhenti@redaksi.test").count() == 0
    assert Subscriber.objects.filter(email="orang.baru@redaksi.test").exists()
    assert [line for line, _problem in report.problems] == [2]


def test_sent_mail_goes_after_its_term(settings):
    settings.RETENTION_DAYS_OUTBOX = 90
    old = OutboxEmail.objects.create(key="old", to="lama@example.test", template="t", status=OutboxEmail.Status.SENT)
    OutboxEmail.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=91))
    OutboxEmail.objects.create(key="new", to="baru@example.test", template="t", status=OutboxEmail.Status.SENT)
    waiting = OutboxEmail.objects.create(key="wait", to="tunggu@example.test", template="t")
    OutboxEmail.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=91))
    assert retention.run()["outbox"] == 1
    assert set(OutboxEmail.objects.values_list("key", flat=True)) == {"new", "wait"}
    assert mail.outbox == []
