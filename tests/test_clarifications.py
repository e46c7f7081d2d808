"""Clarification releases across the two apps: an editor links a release to reports (search, a trending topic);
when it is published each reporter is told once (e-mail in their language, a public event, the tracking page);
other units' reports answer 404; complaints and releases never import each other."""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.core import mail

from complaints.handling import clarifications, workflow
from complaints.models import Clarification, Complaint, ComplaintEvent, EventKind
from complaints.tests.test_workflow import file
from conftest import make_staff
from humas.errors import Refused
from releases import publishing
from releases.tests.factories import draft

ROOT = pathlib.Path(__file__).resolve().parent.parent


def approved(unit, editor, title="Klarifikasi: lampu jalan Udayana diperbaiki pekan ini"):
    release = draft(unit, editor, title, summary="Pemkot mengganti 40 lampu jalan di Jl. Udayana mulai Senin.")
    publishing.submit(release, by=editor)
    return publishing.approve(release, by=editor)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db(transaction=True)
def test_linked_reporters_are_told_once_when_the_release_is_published(unit_tree, editor, officer):
    named = file(unit_tree["kanwil"], reporter_name="Siti", reporter_email="siti@example.test")
    english = file(unit_tree["satker"], reporter_name="John", reporter_email="john@example.test")
    Complaint.objects.filter(pk=english.pk).update(language="en")  # filed from the English pages
    silent = file(unit_tree["kanwil"], reporter_name="", reporter_email="", identity_mode="anonymous")
    workflow.add_internal_note(named, by=officer, note="CATATAN-INTERNAL")
    release = approved(unit_tree["kanwil"], editor)
    assert clarifications.link(by=editor, release_id=release.pk, complaint_ids=[named.pk, english.pk, silent.pk]) == 3
    # linking twice adds nothing
    assert clarifications.link(by=editor, release_id=release.pk, complaint_ids=[named.pk]) == 0
    mail.outbox.clear()
    assert not ComplaintEvent.objects.filter(kind=EventKind.CLARIFICATION).exists()  # nothing before publication

    publishing.publish(release, by=editor)

    to_siti, to_john = mails_to("siti@example.test"), mails_to("john@example.test")
    assert len(to_siti) == 1 and len(to_john) == 1
    siti = to_siti[0].body + to_siti[0].alternatives[0][0]
    assert release.title in siti and "40 lampu jalan" in siti and f"/siaran-pers/{release.slug}/" in siti
    assert "Humas menerbitkan siaran pers" in siti  # Indonesian for Siti
    assert "Humas published a press release" in to_john[0].body  # English for John
    assert "CATATAN-INTERNAL" not in siti and named.issued_code not in siti and "/pengaduan/lacak/" in siti
    events = ComplaintEvent.objects.filter(kind=EventKind.CLARIFICATION)
    assert sorted(events.values_list("complaint_id", flat=True)) == sorted([named.pk, english.pk, silent.pk])
    assert all(release.title in e.public_message and e.actor_id is None for e in events)

    # again: the task run twice, a second link, a restore after withdrawal — nobody is told twice
    assert clarifications.notify_published(release.pk) == 0
    assert clarifications.link(by=editor, release_id=release.pk, complaint_ids=[named.pk]) == 0
    publishing.withdraw(release, by=editor, reason="Ralat data.")
    publishing.restore(release, by=editor)
    assert len(mails_to("siti@example.test")) == 1
    assert ComplaintEvent.objects.filter(kind=EventKind.CLARIFICATION).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_report_linked_after_publication_is_told_at_once_and_may_take_several_releases(unit_tree, editor):
    report = file(unit_tree["kanwil"], reporter_email="siti@example.test")
    first = approved(unit_tree["kanwil"], editor, "Klarifikasi pertama tentang lampu jalan")
    publishing.publish(first, by=editor)
    second = approved(unit_tree["kanwil"], editor, "Klarifikasi kedua tentang lampu jalan")
    publishing.publish(second, by=editor)
    mail.outbox.clear()
    clarifications.link(by=editor, release_id=first.pk, complaint_ids=[report.pk])
    clarifications.link(by=editor, release_id=second.pk, complaint_ids=[report.pk])
    subjects = [m.body for m in mails_to("siti@example.test")]
    assert len(subjects) == 2 and first.title in subjects[0] and second.title in subjects[1]
    assert report.clarifications.filter(notified_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_tracking_page_shows_the_clarification(client, unit_tree, editor):
    report = file(unit_tree["kanwil"])
    release = approved(unit_tree["kanwil"], editor)
    clarifications.link(by=editor, release_id=release.pk, complaint_ids=[report.pk])
    assert client.post("/pengaduan/lacak/", {"code": report.issued_code}).status_code == 302  # its session
    assert release.title not in client.get(f"/pengaduan/lacak/{report.pk}/").content.decode()
    publishing.publish(release, by=editor)
    clarifications.notify_published(release.pk)  # on commit in real life: the test's transaction never commits
    page = client.get(f"/pengaduan/lacak/{report.pk}/").content.decode()
    assert "Klarifikasi dari humas" in page and release.title in page and f"/siaran-pers/{release.slug}/" in page


@pytest.mark.django_db
def test_a_report_outside_the_editors_units_is_refused_with_404_and_nothing_is_linked(unit_tree, editor):
    ours = file(unit_tree["kanwil"])
    theirs = file(unit_tree["other"])
    release = approved(unit_tree["kanwil"], editor)
    with pytest.raises(Refused) as refused:
        clarifications.link(by=editor, release_id=release.pk, complaint_ids=[ours.pk, theirs.pk])
    assert refused.value.status == 404
    assert not Clarification.objects.exists()


@pytest.mark.django_db
def test_the_console_page_links_by_search_and_refuses_other_units(client, unit_tree, editor):
    ours = file(unit_tree["kanwil"], title="Lampu jalan padam di Jl. Udayana")
    theirs = file(unit_tree["other"], title="Lampu jalan padam di Jayapura")
    release = approved(unit_tree["kanwil"], editor)
    client.force_login(editor)
    detail = client.get(f"/staf/siaran-pers/{release.pk}/").content.decode()
    assert f"/staf/pengaduan/klarifikasi/{release.pk}/" in detail
    page = client.get(f"/staf/pengaduan/klarifikasi/{release.pk}/?q=lampu").content.decode()
    assert ours.title in page and theirs.title not in page
    assert client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/", {"ids": [theirs.pk]}).status_code == 404
    assert client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/", {"ids": ["abc"]}).status_code == 404
    empty = client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/", {})
    assert empty.status_code == 400 and "Pilih setidaknya satu laporan" in empty.content.decode()
    response = client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/?q=lampu", {"ids": [ours.pk]})
    assert response.status_code == 302
    assert list(Clarification.objects.values_list("complaint_id", flat=True)) == [ours.pk]
    # before it is published the link may be removed
    client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/", {"unlink": ours.pk})
    assert not Clarification.objects.exists()


@pytest.mark.django_db
def test_all_open_reports_of_a_trending_topic_are_linked_in_one_step(client, unit_tree, editor, officer):
    topic_reports = [
        file(unit_tree["kanwil"], title=f"Lampu jalan padam nomor {n}", description="Lampu jalan padam sejak lama.")
        for n in range(3)
    ]
    closed = topic_reports[2]
    workflow.reject(closed, by=officer, reason="incomplete", message="Data kurang.")
    file(unit_tree["kanwil"], title="Sampah menumpuk di pasar", description="Sampah tidak diangkut.")
    release = approved(unit_tree["kanwil"], editor)
    client.force_login(editor)
    page = client.get(f"/staf/pengaduan/klarifikasi/{release.pk}/").content.decode()
    topic = clarifications.topics(editor)[0]
    assert topic.label in page
    client.post(f"/staf/pengaduan/klarifikasi/{release.pk}/", {"topic": topic.label})
    linked = set(Clarification.objects.values_list("complaint_id", flat=True))
    assert linked == {topic_reports[0].pk, topic_reports[1].pk}  # open ones only


@pytest.mark.django_db
def test_who_may_link(client, unit_tree, editor, writer, officer):
    release = approved(unit_tree["kanwil"], editor)
    client.force_login(writer)
    assert client.get(f"/staf/pengaduan/klarifikasi/{release.pk}/").status_code == 403
    client.force_login(officer)  # no release role at all
    assert client.get(f"/staf/pengaduan/klarifikasi/{release.pk}/").status_code == 404
    client.force_login(make_staff("editor_timur", "editor", unit_tree["other"]))
    assert client.get(f"/staf/pengaduan/klarifikasi/{release.pk}/").status_code == 404
    client.force_login(editor)
    assert client.get("/staf/pengaduan/klarifikasi/999999/").status_code == 404


@pytest.mark.django_db
def test_a_link_the_reporter_was_told_of_cannot_be_removed(unit_tree, editor):
    report = file(unit_tree["kanwil"])
    release = approved(unit_tree["kanwil"], editor)
    publishing.publish(release, by=editor)
    clarifications.link(by=editor, release_id=release.pk, complaint_ids=[report.pk])
    with pytest.raises(Refused) as refused:
        clarifications.unlink(by=editor, release_id=release.pk, complaint_id=report.pk)
    assert refused.value.status == 409


def _imports(package: str) -> set[str]:
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_complaints_and_releases_never_import_each_other():
    assert "releases" not in _imports("complaints") and "mailing" not in _imports("complaints")
    assert "complaints" not in _imports("releases")
    assert not {"complaints", "releases", "mailing"} & _imports("humas")


@pytest.mark.django_db
def test_the_interface_links_a_topic_for_callers_outside_complaints(unit_tree, editor):
    from humas import clarifications as interface

    lights = file(unit_tree["kanwil"], title="Lampu jalan padam di Jl. Udayana")
    file(unit_tree["kanwil"], title="Sampah menumpuk di pasar", description="Sampah tidak diangkut.")
    release = approved(unit_tree["kanwil"], editor)
    assert interface.link_topic(by=editor, release_id=release.pk, label="lampu jalan") == 1
    assert list(Clarification.objects.values_list("complaint_id", flat=True)) == [lights.pk]
