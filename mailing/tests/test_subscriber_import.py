from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from mailing.models import MediaPartner, Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db

CSV = (
    "Name,Email,Outlet,Language\n"
    "Rina,rina@pos.example,Lombok Pos,id\n"
    "Tanpa Alamat,bukan-alamat,,id\n"
    ",noname@pos.example,,\n"
    "Dobel,RINA@pos.example,,\n"
    "Sekali,x@mailinator.com,,\n"
    "Budi,budi@radio.example,Radio Suara,en\n"
)


def test_good_lines_are_imported_and_bad_ones_reported_by_line(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    upload = SimpleUploadedFile("kontak.csv", CSV.encode("utf-8-sig"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mailing:staff_subscribers"), {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.created == 2
    assert [line for line, _ in report.problems] == [3, 4, 5, 6]
    assert set(Subscriber.objects.values_list("status", flat=True)) == {SubscriberStatus.PENDING}
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@radio.example", "rina@pos.example"]


def test_prior_consent_imports_confirmed_from_xlsx(client, admin):
    book = Workbook()
    book.active.append(["name", "email", "phone"])
    book.active.append(["Sari", "sari@tv.example", "0812-3456-7890"])
    data = io.BytesIO()
    book.save(data)
    client.force_login(admin)
    upload = SimpleUploadedFile("kontak.xlsx", data.getvalue())
    client.post(reverse("mailing:staff_subscribers"), {"file": upload, "prior_consent": "on"})
    sari = Subscriber.objects.get()
    assert sari.status == SubscriberStatus.CONFIRMED and "admin" in sari.consent_note
    assert not mail.outbox


def test_an_exported_file_imports_back_as_it_was(client, admin):
    Subscriber.objects.create(name="=Rina", email="rina@pos.example", phone="+62812345678")
    client.force_login(admin)
    exported = b"".join(client.get(reverse("mailing:staff_subscribers_export")).streaming_content)
    assert b"'=Rina" in exported  # written as text (humas.spreadsheets)
    Subscriber.objects.all().delete()
    upload = SimpleUploadedFile("mitra-media.csv", exported, content_type="text/csv")
    client.post(reverse("mailing:staff_subscribers"), {"file": upload, "prior_consent": "on"})
    back = Subscriber.objects.get()
    assert (back.name, back.email) == ("=Rina", "rina@pos.example")


def test_a_file_without_the_columns_is_refused(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("kontak.csv", b"foo,bar\n1,2\n")
    response = client.post(reverse("mailing:staff_subscribers"), {"file": upload})
    assert response.context["form"].errors["file"]
    assert not Subscriber.objects.exists()


def test_export_lists_every_subscriber(client, editor):
    Subscriber.objects.create(name="Rina", email="rina@pos.example", status=SubscriberStatus.CONFIRMED)
    Subscriber.objects.create(name="Budi", email="budi@tv.example", status=SubscriberStatus.UNSUBSCRIBED)
    client.force_login(editor)
    response = client.get(reverse("mailing:staff_subscribers_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["name", "email"] and rows[1][:2] == ["Rina", "rina@pos.example"]
    assert [row[:2] for row in rows[1:]] == [["Rina", "rina@pos.example"], ["Budi", "budi@tv.example"]]
    assert rows[2][5] == SubscriberStatus.UNSUBSCRIBED  # whatever their status


def test_the_list_filters_and_its_queries_do_not_grow(client, editor, django_assert_max_num_queries):
    Subscriber.objects.bulk_create(
        Subscriber(name=f"J{n}", email=f"j{n}@x.example", status=SubscriberStatus.CONFIRMED) for n in range(30)
    )
    Subscriber.objects.create(name="Menunggu", email="p@x.example")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mailing:staff_subscribers"), {"status": "pending"})
    assert [s.name for s in response.context["page"]] == ["Menunggu"]
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mailing:staff_subscribers"))
    outlet = MediaPartner.objects.create(name="Lombok Pos")
    Subscriber.objects.bulk_create(
        Subscriber(name=f"K{n}", email=f"k{n}@x.example", outlet=outlet, status=SubscriberStatus.CONFIRMED)
        for n in range(60)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("mailing:staff_subscribers"))
    assert len(response.context["page"]) == 50
    assert len(many) == len(few), [q["sql"] for q in many]


def test_writers_and_officers_may_not_manage_the_list(client, writer, officer):
    for user in (writer, officer):
        client.force_login(user)
        assert client.get(reverse("mailing:staff_subscribers")).status_code == 403
        assert client.get(reverse("mailing:staff_subscribers_export")).status_code == 403
