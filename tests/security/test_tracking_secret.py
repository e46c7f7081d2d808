"""The tracking code is the reporter's only credential: stored as a keyed hash, shown once, never to staff
afterwards, and a reporter's action needs the reporter's tracking session, never a staff login."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from complaints.handling import digest, workflow
from complaints.models import Complaint, EventKind, Status
from complaints.public import intake
from humas import codes

from .conftest import signed_in, snapshot


def row_text(complaint: Complaint) -> str:
    """Every column of the report's row as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT complaints_complaint::text FROM complaints_complaint WHERE id = %s", [complaint.pk])
        return cursor.fetchone()[0]


def bare(code: str) -> str:
    return codes.normalise(code, "ADU")


def resolve(complaint: Complaint, officer) -> None:
    for to_status, kind in [(Status.VERIFIED, EventKind.VERIFIED), (Status.IN_PROGRESS, EventKind.ASSIGNED),
                            (Status.RESOLVED, EventKind.RESOLVED)]:  # fmt: skip
        workflow.move(workflow.locked(complaint), to_status=to_status, event_kind=kind, actor=officer,
                      public_message="Sudah diperbaiki.")  # fmt: skip


@pytest.mark.django_db
def test_the_row_keeps_a_keyed_hash_and_never_the_code(report):
    text = row_text(report)
    assert bare(report.issued_code) not in text and report.issued_code not in text
    stored = Complaint.objects.get(pk=report.pk)
    assert stored.tracking_digest == codes.digest(bare(report.issued_code))
    assert intake.find_by_code(report.issued_code.lower()) == stored


@pytest.mark.django_db
def test_codes_made_under_an_old_secret_key_still_open_their_report(settings, report):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "y" * 50
    assert intake.find_by_code(report.issued_code) is None
    settings.SECRET_KEY_FALLBACKS = [old]
    assert intake.find_by_code(report.issued_code).pk == report.pk


@pytest.mark.django_db
def test_staff_pages_exports_api_and_digests_show_the_reference_and_never_the_code(
    unit_tree, report, admin, django_capture_on_commit_callbacks
):
    code = bare(report.issued_code)
    Complaint.objects.filter(pk=report.pk).update(verification_due_at=timezone.now() - timedelta(hours=1))
    client = signed_in(admin)
    pages = {
        "queue": client.get("/staf/pengaduan/").content.decode(),
        "detail": client.get(f"/staf/pengaduan/{report.pk}/").content.decode(),
        "api list": client.get("/api/v1/staff/complaints/").content.decode(),
        "api detail": client.get(f"/api/v1/staff/complaints/{report.pk}/").content.decode(),
    }
    sheet = load_workbook(io.BytesIO(client.get("/staf/pengaduan/?format=xlsx").content)).active
    pages["xlsx"] = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest.queue_digests()
    pages["digest"] = " ".join(m.body for m in mail.outbox)
    for name, text in pages.items():
        assert report.display_reference in text, name
        assert code not in text.replace("-", ""), name


@pytest.mark.django_db
def test_the_admin_shows_the_reference_and_never_the_code(superuser, report):
    client = signed_in(superuser)
    listing = client.get("/admin/complaints/complaint/").content.decode()
    change = client.get(f"/admin/complaints/complaint/{report.pk}/change/").content.decode()
    found = client.get("/admin/complaints/complaint/", {"q": report.display_reference}).content.decode()
    assert report.display_reference in listing and report.title in found
    for text in (listing, change):
        assert bare(report.issued_code) not in text.replace("-", "")
        assert report.tracking_digest not in text


@pytest.mark.django_db
def test_update_emails_name_the_reference_not_the_code(unit_tree, report, officer, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify(report, by=officer, message="Kami verifikasi.")
    assert mail.outbox, "the reporter is told of the verification"
    for message in mail.outbox:
        assert report.display_reference in message.subject + message.body
        assert bare(report.issued_code) not in (message.subject + message.body).replace("-", "")


@pytest.mark.django_db
def test_a_staff_login_cannot_act_as_the_reporter(unit_tree, report, officer, admin):
    resolve(report, officer)
    before = snapshot()
    for user in (officer, admin):
        client = signed_in(user)
        assert client.get(f"/pengaduan/lacak/{report.pk}/").status_code == 404
        assert client.post(f"/pengaduan/lacak/{report.pk}/nilai/", {"score": "1"}).status_code == 404
        assert client.post(f"/pengaduan/lacak/{report.pk}/keberatan/", {"reason": "Bukan saya."}).status_code == 404
        assert client.post(f"/pengaduan/lacak/{report.pk}/tambah/", {"message": "Palsu."}).status_code == 404
        assert client.get(f"/pengaduan/terkirim/{report.pk}/").status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
def test_the_tracking_session_lets_the_reporter_act_and_ends_when_the_browser_closes(unit_tree, report, officer):
    resolve(report, officer)
    reporter = Client()
    assert reporter.post("/pengaduan/lacak/", {"code": report.issued_code}).status_code == 302
    assert reporter.session.get_expire_at_browser_close()
    assert reporter.post(f"/pengaduan/lacak/{report.pk}/nilai/", {"score": "4"}).status_code == 302
    assert Complaint.objects.get(pk=report.pk).rating == 4


@pytest.mark.django_db
def test_the_tracking_session_forgets_a_report_after_the_idle_limit(unit_tree, report, settings):
    settings.REPORTER_SESSION_IDLE_MINUTES = 30
    reporter = Client()
    reporter.post("/pengaduan/lacak/", {"code": report.issued_code})
    assert reporter.get(f"/pengaduan/lacak/{report.pk}/").status_code == 200
    later = time.time() + 31 * 60
    with mock.patch("humas.reporter_sessions.time.time", return_value=later):
        assert reporter.get(f"/pengaduan/lacak/{report.pk}/").status_code == 404
    # forgotten for good: coming back does not revive it without the code
    assert reporter.get(f"/pengaduan/lacak/{report.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_staff_intake_shows_the_code_once_to_read_it_out(unit_tree, officer):
    client = signed_in(officer)
    response = client.post(
        "/staf/pengaduan/baru/",
        {"channel": "phone", "kind": "complaint", "unit": "kanwil-tengah", "title": "Laporan lewat telepon",
         "description": "Warga menelepon soal jalan berlubang di depan sekolah dasar.", "identity_mode": "named",
         "reporter_name": "Ibu Sari", "reporter_phone": "0812-3456-7890", "visibility": "rahasia", "consent": "on"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    complaint = Complaint.objects.get()
    shown = [word.strip(".") for word in html.split() if word.startswith("ADU-")]
    assert len(shown) == 1 and intake.find_by_code(shown[0]) == complaint
    again = client.get(f"/staf/pengaduan/{complaint.pk}/").content.decode()
    assert bare(shown[0]) not in again.replace("-", "")


@pytest.mark.django_db
def test_the_api_answers_the_code_once_and_never_echoes_it(unit_tree, client):
    from complaints.tests.test_api import VALID

    filed = client.post("/api/v1/complaints/", VALID).json()
    assert filed["reference"].startswith("#") and intake.find_by_code(filed["tracking_code"])
    tracked = Client().get(f"/api/v1/complaints/{filed['tracking_code']}/")
    assert tracked.status_code == 200 and filed["tracking_code"] not in tracked.content.decode()
    assert tracked.json()["reference"] == filed["reference"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_codes_reporters_already_hold(unit_tree):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("complaints", "0006_summaries")])
    executor.loader.build_graph()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO complaints_complaint (created_at, updated_at, tracking_code, kind, unit_id, title, "
            "description, location, channel, reporter_name, reporter_email, reporter_phone, identity_mode, "
            "visibility, language, status, rating_comment, reopen_count, reject_reason) VALUES (now(), now(), "
            "'7KQ2M9XD4TNP', 'complaint', %s, 'Lama', 'Laporan lama', '', 'web', '', '', '', 'anonymous', 'public', "
            "'id', 'new', '', 0, '') RETURNING id",
            [unit_tree["kanwil"].pk],
        )
        pk = cursor.fetchone()[0]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    found = intake.find_by_code("adu-7kq2-m9xd-4tnp")
    assert found is not None and found.pk == pk
    assert "7KQ2M9XD4TNP" not in row_text(found)
