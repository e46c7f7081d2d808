"""The intake service: one transaction, SLA dates, tracking codes, attachments, the receipt through the outbox."""

from __future__ import annotations

import io
import tracemalloc
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from PIL import Image

from complaints.models import Attachment, Complaint, ComplaintEvent, DueCount, EventKind, RecapCount, Status
from complaints.public import intake
from complaints.reporting import summaries
from humas import codes, dates, outbox
from humas.models import OutboxEmail
from tests.servers import closed_port

from .conftest import PDF, image_bytes, photo


def make_input(unit=None, **overrides) -> intake.ComplaintInput:
    values = {
        "kind": "complaint",
        "title": "Jalan berlubang di depan pasar",
        "description": "Lubang besar di depan pasar sudah dua minggu dan membahayakan pengendara.",
        "unit": unit,
        "identity_mode": "named",
        "reporter_name": "Budi",
        "reporter_email": "Budi@Example.test",
        "consent": True,
    }
    values.update(overrides)
    return intake.ComplaintInput(**values)


# --- tracking codes ---------------------------------------------------------------------------------------------


def test_tracking_codes_are_12_crockford_characters_from_secrets():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(len(c) == 12 and set(c) <= set(codes.ALPHABET) for c in made)
    # every position draws from the whole alphabet (a slip in the bit arithmetic would pin some characters)
    assert all({c[i] for c in made} == set(codes.ALPHABET) for i in range(codes.LENGTH))
    assert len(codes.ALPHABET) ** codes.LENGTH >= 2**60


@pytest.mark.parametrize(
    "typed",
    [
        "ADU-7KQ2-M9XD-4TNP",
        "adu-7kq2-m9xd-4tnp",
        "7KQ2M9XD4TNP",
        " 7kq2 m9xd 4tnp ",
        "ADU7KQ2M9XD4TNP",
        "7KQ2-M9XD-4TNP",
    ],
)
def test_codes_are_read_without_regard_to_case_dashes_or_spaces(typed):
    assert codes.normalise(typed, "ADU") == "7KQ2M9XD4TNP"


def test_crockford_look_alikes_are_read_as_digits():
    assert codes.normalise("ADU-OKQ2-M9XD-4TNL", "ADU") == "0KQ2M9XD4TN1"


@pytest.mark.parametrize("typed", ["", "ADU", "7KQ2M9XD4TN", "7KQ2M9XD4TNPX", "7KQ2M9XD4TU!", "<script>"])
def test_malformed_codes_are_not_codes(typed):
    assert codes.normalise(typed, "ADU") is None


# --- the service ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_submit_stores_complaint_first_event_due_dates_and_mails_the_receipt(
    unit_tree, django_capture_on_commit_callbacks
):
    complaint = intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[photo()])
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW
    assert complaint.reporter_email == "budi@example.test"
    assert complaint.consent_at is not None
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert (event.kind, event.by_reporter, event.to_status) == (EventKind.SUBMITTED, True, Status.NEW)
    assert complaint.attachments.count() == 1
    expected = dates.deadline(complaint.created_at, 3, "Asia/Makassar")
    assert abs(complaint.verification_due_at - expected) < timedelta(seconds=5)
    assert complaint.verification_due_at.astimezone(dates.zone("Asia/Makassar")).hour == 23
    # the receipt went out once, through the outbox
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["budi@example.test"]
    # the code in the body (shown once), the non-secret reference in the subject; the row keeps only a hash
    assert complaint.issued_code in message.body and complaint.issued_code in message.alternatives[0][0]
    assert complaint.display_reference in message.subject and complaint.issued_code not in message.subject
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.tracking_digest == codes.digest(codes.normalise(complaint.issued_code, "ADU"))
    assert stored.reference == f"{timezone.localdate(stored.created_at).year}-{stored.pk:06d}"
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


@pytest.mark.django_db
def test_unknown_unit_goes_to_the_root_unit_and_a_category_decides_the_unit(unit_tree, categories):
    complaint = intake.submit_complaint(data=make_input(), files=[])
    assert complaint.unit == unit_tree["root"]
    by_category = intake.submit_complaint(data=make_input(category=categories["layanan"]), files=[])
    assert by_category.unit == unit_tree["satker"]


@pytest.mark.django_db
def test_anonymous_reports_keep_no_contact_data_even_if_sent(unit_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = intake.submit_complaint(
            data=make_input(
                unit_tree["kanwil"], identity_mode="anonymous", reporter_name="Budi", reporter_phone="+628123456789"
            ),
            files=[],
        )
    complaint.refresh_from_db()
    assert (complaint.reporter_name, complaint.reporter_email, complaint.reporter_phone) == ("", "", "")
    assert not OutboxEmail.objects.exists() and len(mail.outbox) == 0


@pytest.mark.django_db
def test_a_bad_file_saves_nothing_at_all(unit_tree, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    html = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[photo(), html])
    assert "foto.jpg" in error.value.messages[0]
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


@pytest.mark.django_db
def test_files_written_before_a_failure_are_removed(unit_tree, settings, tmp_path, monkeypatch):
    settings.PRIVATE_MEDIA_ROOT = tmp_path

    saves = []
    real_save = Attachment.save

    def explode(self, *args, **kwargs):  # the second attachment's row fails after its file was written
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("database went away")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", explode)
    with pytest.raises(RuntimeError):
        intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[photo(), photo("b.png")])
    assert len(saves) == 2  # files were written before the failure…
    assert Complaint.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # …and are gone


@pytest.mark.django_db
def test_a_failure_at_the_last_step_leaves_no_report_event_count_or_mail(unit_tree, monkeypatch):
    written = summaries.record_new

    def broken_counts(complaint):  # the counts are written last: the report, event and receipt are in
        assert Complaint.objects.count() == 1 and OutboxEmail.objects.exists()
        written(complaint)
        assert RecapCount.objects.exists()
        raise RuntimeError("database went away")

    monkeypatch.setattr(summaries, "record_new", broken_counts)
    with pytest.raises(RuntimeError):
        intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    assert Complaint.objects.count() == 0 and ComplaintEvent.objects.count() == 0
    assert not RecapCount.objects.exists() and not DueCount.objects.exists() and not OutboxEmail.objects.exists()


def filed_alone(unit, **overrides):
    """File a report with nothing else to write (anonymous: no receipt; no files), capturing its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = intake.submit_complaint(data=make_input(unit, identity_mode="anonymous", **overrides), files=[])
    return report, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_report_alone_is_filed_in_one_message_without_a_transaction_block(unit_tree):
    report, sql = filed_alone(unit_tree["kanwil"])
    # one round trip: no BEGIN or COMMIT around it (PostgreSQL runs one message as one transaction); the
    # holidays the deadlines skip are read once per process (humas.dates), here the first time
    assert [q for q in sql if not q.startswith('SELECT "humas_collectiveleaveday"')] == sql[-1:], sql
    message = sql[-1]
    # the counts first, their rows locked in the order of every other writer of them (recap, then due)…
    parts = [part.split(" (")[0] for part in message.split("; ")]
    assert parts == [
        'INSERT INTO "complaints_recapcount"', 'INSERT INTO "complaints_duecount"', "WITH report AS",
    ]  # fmt: skip
    # … then the report and the event that points to it, in one statement
    assert 'event AS (INSERT INTO "complaints_complaintevent"' in message and "(SELECT id FROM report)" in message
    assert not any(word in message.upper() for word in ("PREPARE", "EXECUTE ", "NEXTVAL", "CURRVAL", "LASTVAL"))
    stored = Complaint.objects.get()
    assert stored.pk == report.pk and report.issued_code
    event = ComplaintEvent.objects.get()
    assert (event.complaint_id, event.kind, event.by_reporter, event.to_status) == (
        report.pk, EventKind.SUBMITTED, True, Status.NEW
    )  # fmt: skip
    day = RecapCount.objects.get(unit=unit_tree["kanwil"], grain="d", kind="", status="", channel="")
    assert day.count == 1 and DueCount.objects.get().count == 1
    # what the caller gets back is a saved instance, as if read from the database
    assert report._state.adding is False and report._state.db == "default"
    assert report.unit == unit_tree["kanwil"] and report.created_at == stored.created_at


@pytest.mark.django_db(transaction=True)
def test_one_message_stores_exactly_what_the_orm_stores(unit_tree, categories, monkeypatch):
    """The message renders each value with the fields' own methods; the ORM path (the embedded SQLite's)
    must store the same report, event and counts."""
    from django.db import connection

    from complaints.models import Channel

    def rows():
        report = Complaint.objects.values().get()
        event = ComplaintEvent.objects.values().get()
        counts = sorted(RecapCount.objects.values_list("grain", "kind", "status", "channel", "count"))
        return report, event, counts, sorted(DueCount.objects.values_list("count", flat=True))

    def file():
        intake.submit_complaint(
            data=make_input(category=categories["layanan"], identity_mode="anonymous", latitude=None, location="Pasar"),
            files=[],
            channel=Channel.API,
            language="en",
        )

    file()
    by_message = rows()
    Complaint.objects.all().delete()
    RecapCount.objects.all().delete()
    DueCount.objects.all().delete()
    monkeypatch.setattr(connection, "vendor", "orm-path")  # _store and the summaries take the ORM's way
    file()
    by_orm = rows()
    moments = {"id", "created_at", "updated_at", "consent_at", "tracking_digest", "complaint_id"}
    for message_row, orm_row in zip(by_message[:2], by_orm[:2], strict=True):
        assert {k: v for k, v in message_row.items() if k not in moments} == {
            k: v for k, v in orm_row.items() if k not in moments
        }
    assert by_message[2:] == by_orm[2:]


@pytest.mark.django_db(transaction=True)
def test_a_failure_at_the_end_of_the_message_leaves_nothing(unit_tree, monkeypatch):
    from humas import db

    rendered = db.insert

    def dangling_event(instance, given=None):  # the event points to no report: refused at the commit
        if isinstance(instance, ComplaintEvent):
            given = {"complaint_id": "(SELECT id FROM report) + 1000000"}
        return rendered(instance, given=given)

    monkeypatch.setattr(db, "insert", dangling_event)
    with pytest.raises(IntegrityError):
        filed_alone(unit_tree["kanwil"])
    assert not Complaint.objects.exists() and not ComplaintEvent.objects.exists()
    assert not RecapCount.objects.exists() and not DueCount.objects.exists()


@pytest.mark.django_db
def test_a_report_with_a_receipt_writes_its_counts_last(unit_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]
    # the report and its event, then the receipt's outbox row, then the counts: rows every filing of the day
    # shares are locked from there to the commit only
    assert [sql.split(" (")[0] for sql in writes] == [
        "WITH report AS", 'INSERT INTO "humas_outboxemail"', 'INSERT INTO "complaints_recapcount"',
    ]  # fmt: skip
    assert '; INSERT INTO "complaints_duecount"' in writes[2]
    assert OutboxEmail.objects.filter(key=f"complaint-receipt:{report.pk}").exists()


# --- attachments ------------------------------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (120, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    exif[0x8825] = {1: "S", 2: (8.0, 35.0, 0.0), 3: "E", 4: (116.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.django_db
def test_photos_are_stored_without_gps_under_private_random_names_with_a_thumbnail(unit_tree, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    complaint = intake.submit_complaint(
        data=make_input(unit_tree["kanwil"]), files=[photo("../../etc/passwd.jpg", jpeg_with_gps())]
    )
    item = complaint.attachments.get()
    assert item.original_name == "passwd.jpg"
    assert "passwd" not in item.file.name and ".." not in item.file.name
    stored = (tmp_path / item.file.name).read_bytes()
    assert b"KameraRahasia" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
    with Image.open(tmp_path / item.thumbnail.name) as thumb:
        assert thumb.format == "WEBP" and max(thumb.size) == 400
    assert str(tmp_path) not in settings.MEDIA_ROOT.as_posix()


@pytest.mark.django_db
def test_pdfs_are_kept_byte_for_byte(unit_tree, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    complaint = intake.submit_complaint(
        data=make_input(unit_tree["kanwil"]),
        files=[SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")],
    )
    item = complaint.attachments.get()
    assert item.kind == "pdf" and (tmp_path / item.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("foto.jpg", PDF, "disguised"),
        ("foto.jpg", b"<!doctype html><html><body onload=alert(1)></body></html>", "disguised"),
        ("surat.pdf", image_bytes("PNG"), "disguised"),
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "bad_type"),
        ("hal.html", b"<html><script>alert(1)</script></html>", "bad_type"),
        ("animasi.gif", image_bytes("GIF"), "bad_type"),
        ("kosong.jpg", b"", "disguised"),
    ],
)
def test_files_that_are_not_what_they_claim_or_not_allowed_are_refused(name, data, problem):
    with pytest.raises(ValidationError) as error:
        intake.prepare_attachments([SimpleUploadedFile(name, data)])
    assert error.value.code == problem
    assert error.value.messages[0].startswith(name)


def test_a_png_with_html_appended_loses_the_html():
    polyglot = image_bytes("PNG") + b"<html><script>alert('xss')</script></html>"
    prepared = intake.prepare_attachments([SimpleUploadedFile("poli.png", polyglot)])
    assert b"<script" not in prepared[0].file.read()


def test_six_attachments_are_refused():
    with pytest.raises(ValidationError) as error:
        intake.prepare_attachments([photo(f"{i}.jpg") for i in range(6)])
    assert error.value.code == "too_many_files"


def test_an_11_mb_file_is_refused_before_it_is_decoded():
    big = SimpleUploadedFile("besar.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF")
    with pytest.raises(ValidationError) as error:
        intake.prepare_attachments([big])
    assert error.value.code == "too_large"


def test_a_decompression_bomb_is_refused_without_a_memory_spike():
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG", optimize=True)
    data = bomb.getvalue()
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            intake.prepare_attachments([SimpleUploadedFile("bom.png", data)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.code == "too_many_pixels"
    assert peak < 20 * 1024 * 1024  # decoding it would take 400 MB


# --- outbox -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_complaint_is_saved_and_the_sweep_sends_the_receipt_once(unit_tree):
    from humas.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=f"redis://127.0.0.1:{closed_port()}/0", task_always_eager=False)
    app._pool = None  # connect to the dead broker, not through a pooled connection to the live one
    app.amqp._producer_pool = None
    try:
        complaint = intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    finally:
        app.conf.update(**saved)
        app._pool = None
        app.amqp._producer_pool = None
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    message = OutboxEmail.objects.get(key=f"complaint-receipt:{complaint.pk}")
    assert message.status == OutboxEmail.Status.PENDING
    assert len(mail.outbox) == 0
    # the periodic sweep, a few minutes later: sent once; a second sweep sends nothing more
    later = timezone.now() + timedelta(minutes=5)
    assert outbox.sweep(now=later) == 1
    assert outbox.sweep(now=later) == 0
    assert outbox.deliver(message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.SENT and message.attempts == 1


@pytest.mark.django_db
def test_a_failing_smtp_server_is_retried_later_not_lost(unit_tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    complaint = intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    message = OutboxEmail.objects.get(key=f"complaint-receipt:{complaint.pk}")
    assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.PENDING and message.attempts == 1
    assert message.next_attempt_at > timezone.now() and "ConnectionRefused" in message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_enqueue_is_idempotent_per_key(unit_tree):
    complaint = intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    context = {"complaint_id": complaint.pk}
    first = outbox.enqueue(key="k:1", to="a@example.test", template="emails/complaint_receipt", context=context)
    again = outbox.enqueue(key="k:1", to="b@example.test", template="emails/complaint_receipt", context=context)
    assert first == again
    assert OutboxEmail.objects.filter(key="k:1").get().to == "a@example.test"


@pytest.mark.django_db
def test_filing_pays_for_no_index_that_no_query_uses():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE tablename LIKE 'complaints_%%'")
        indexes = cursor.fetchall()
    complaint = [definition for table, definition in indexes if table == "complaints_complaint"]
    # the tracking digest is only ever looked up by equality: no LIKE-pattern index beside its unique one
    assert not [d for d in complaint if "tracking_digest" in d and "pattern_ops" in d]
    assert [d for d in complaint if "UNIQUE" in d and "(tracking_digest)" in d]
    # a table's unit index alone is redundant where another index leads with the unit
    for table in ("complaint", "recapcount", "duecount", "handlingtime", "mapcount"):
        alone = [d for t, d in indexes if t == f"complaints_{table}" and d.endswith("(unit_id)")]
        leading = [d for t, d in indexes if t == f"complaints_{table}" and "(unit_id, " in d]
        assert not alone and leading, table
