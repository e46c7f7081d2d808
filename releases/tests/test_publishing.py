"""The workflow: every (status, step) pair against the one table, the roles, the scheduler exactly once,
the publish hooks on commit, slugs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from humas.errors import Refused
from releases import publishing
from releases.models import Release, ReleaseEvent, Revision, Status

from .factories import draft, published


def force_status(release: Release, status: str) -> Release:
    now = timezone.now()
    Release.objects.filter(pk=release.pk).update(
        status=status,
        published_at=now if status in (Status.PUBLISHED, Status.WITHDRAWN) else None,
        publish_at=now + timedelta(hours=1) if status == Status.SCHEDULED else None,
    )
    release.refresh_from_db()
    return release


def run_step(action: str, release: Release, by) -> Release:
    return publishing.take(
        action, release, by=by, comment="alasan yang jelas", publish_at=timezone.now() + timedelta(days=1)
    )


@pytest.mark.parametrize("action", list(publishing.TRANSITIONS))
@pytest.mark.parametrize("status", list(Status.values))
def test_every_status_and_step_pair_follows_the_table(unit_tree, admin, status, action):
    release = force_status(draft(unit_tree["kanwil"], admin), status)
    rule = publishing.TRANSITIONS[action]
    if status in rule.sources:
        result = run_step(action, release, admin)
        assert result.status == rule.target
        assert Release.objects.get(pk=release.pk).status == rule.target
        assert ReleaseEvent.objects.filter(release=release, action=action, from_status=status).count() == 1
    else:
        with pytest.raises(Refused) as exc:
            run_step(action, release, admin)
        assert exc.value.status == 409
        assert Release.objects.get(pk=release.pk).status == status


def test_the_table_is_the_documented_workflow():
    assert publishing.allowed_pairs() == {
        ("draft", "in_review"),
        ("in_review", "draft"),
        ("approved", "draft"),
        ("in_review", "approved"),
        ("approved", "scheduled"),
        ("scheduled", "scheduled"),
        ("scheduled", "approved"),
        ("approved", "published"),
        ("scheduled", "published"),
        ("published", "withdrawn"),
        ("withdrawn", "published"),
    }


@pytest.mark.parametrize("action", ["approve", "return", "publish", "schedule", "withdraw", "restore", "unschedule"])
def test_a_writer_cannot_take_an_editors_step(unit_tree, writer, admin, action):
    rule = publishing.TRANSITIONS[action]
    release = force_status(draft(unit_tree["kanwil"], writer), sorted(rule.sources)[0])
    with pytest.raises(Refused) as exc:
        run_step(action, release, writer)
    assert exc.value.status == 403
    assert Release.objects.get(pk=release.pk).status == sorted(rule.sources)[0]


def test_another_units_staff_get_not_found_and_nothing_changes(unit_tree, editor):
    from conftest import make_staff

    stranger = make_staff("redaktur_timur", "editor", unit_tree["other"])
    release = force_status(draft(unit_tree["kanwil"], editor), Status.APPROVED)
    with pytest.raises(Refused) as exc:
        publishing.publish(release, by=stranger)
    assert exc.value.status == 404
    assert Release.objects.get(pk=release.pk).status == Status.APPROVED
    with pytest.raises(Refused):
        publishing.update_release(release, by=stranger, data={"title": "Diubah orang lain"})
    assert Release.objects.get(pk=release.pk).title != "Diubah orang lain"


def test_writer_edits_drafts_only_and_each_content_change_is_a_revision(unit_tree, writer, editor):
    release = draft(unit_tree["kanwil"], writer)
    publishing.update_release(release, by=writer, data={"body": "<p>Versi dua</p><script>x()</script>"})
    release.refresh_from_db()
    assert release.body == "<p>Versi dua</p>"
    assert Revision.objects.filter(release=release).count() == 2
    publishing.update_release(release, by=writer, data={"dateline": "KUPANG"})  # not content: no revision
    assert Revision.objects.filter(release=release).count() == 2
    publishing.submit(release, by=writer)
    with pytest.raises(Refused) as exc:
        publishing.update_release(release, by=writer, data={"title": "Diubah setelah diajukan"})
    assert exc.value.status == 403
    publishing.update_release(release, by=editor, data={"title": "Judul dari redaktur"})
    assert Release.objects.get(pk=release.pk).title == "Judul dari redaktur"


def test_return_needs_a_comment_and_the_writer_sees_it(unit_tree, writer, editor):
    release = draft(unit_tree["kanwil"], writer)
    publishing.submit(release, by=writer)
    with pytest.raises(Refused):
        publishing.return_to_writer(release, by=editor, comment="  ")
    publishing.return_to_writer(release, by=editor, comment="Tambahkan kutipan kepala kantor.")
    release.refresh_from_db()
    assert release.status == Status.DRAFT
    assert release.review_comment == "Tambahkan kutipan kepala kantor."


def test_a_duplicate_title_gets_a_distinct_readable_slug(unit_tree, writer):
    first = draft(unit_tree["kanwil"], writer, title="Rapat Koordinasi Penanganan Banjir")
    second = draft(unit_tree["kanwil"], writer, title="Rapat Koordinasi  Penanganan Banjir!")
    third = draft(unit_tree["kanwil"], writer, title="Rapat koordinasi penanganan banjir")
    assert first.slug == "rapat-koordinasi-penanganan-banjir"
    assert second.slug == "rapat-koordinasi-penanganan-banjir-2"
    assert third.slug == "rapat-koordinasi-penanganan-banjir-3"


def test_publishing_runs_the_hooks_once_after_commit(unit_tree, editor, django_capture_on_commit_callbacks):
    calls = []
    publishing.PUBLISHED_HOOKS.append(calls.append)
    try:
        release = draft(unit_tree["kanwil"], editor)
        publishing.submit(release, by=editor)
        publishing.approve(release, by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            publishing.publish(release, by=editor)
            assert calls == []  # nothing before the commit
        assert calls == [release.pk]
        with django_capture_on_commit_callbacks(execute=True):
            publishing.withdraw(release, by=editor, reason="Salah data")
            publishing.restore(release, by=editor)
        assert calls == [release.pk]  # a re-publication is not a new release
    finally:
        publishing.PUBLISHED_HOOKS.remove(calls.append)


def test_a_failing_hook_does_not_stop_the_others(unit_tree, editor, django_capture_on_commit_callbacks):
    calls = []

    def broken(release_id):
        raise RuntimeError("SMTP mati")

    publishing.PUBLISHED_HOOKS.extend([broken, calls.append])
    try:
        release = draft(unit_tree["kanwil"], editor)
        publishing.submit(release, by=editor)
        publishing.approve(release, by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            publishing.publish(release, by=editor)
        assert calls == [release.pk]
        assert Release.objects.get(pk=release.pk).status == Status.PUBLISHED
    finally:
        del publishing.PUBLISHED_HOOKS[-2:]


def test_a_release_scheduled_in_the_past_goes_out_at_the_next_tick(unit_tree, editor):
    release = draft(unit_tree["kanwil"], editor)
    publishing.submit(release, by=editor)
    publishing.approve(release, by=editor)
    publishing.schedule(release, by=editor, publish_at=timezone.now() - timedelta(hours=3))
    later = draft(unit_tree["kanwil"], editor, title="Belum waktunya terbit")
    publishing.submit(later, by=editor)
    publishing.approve(later, by=editor)
    publishing.schedule(later, by=editor, publish_at=timezone.now() + timedelta(hours=3))
    assert publishing.publish_due() == [release.pk]
    assert Release.objects.get(pk=release.pk).status == Status.PUBLISHED
    assert Release.objects.get(pk=later.pk).status == Status.SCHEDULED
    assert publishing.publish_due() == []


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_publish_each_release_exactly_once(unit_tree, editor):
    calls = []
    lock = threading.Lock()

    def hook(release_id):
        with lock:
            calls.append(release_id)

    ids = []
    for n in range(12):
        release = draft(unit_tree["kanwil"], editor, title=f"Rilis terjadwal nomor {n}")
        publishing.submit(release, by=editor)
        publishing.approve(release, by=editor)
        publishing.schedule(release, by=editor, publish_at=timezone.now() - timedelta(minutes=1))
        ids.append(release.pk)
    publishing.PUBLISHED_HOOKS.append(hook)
    results: list[list[int]] = []
    barrier = threading.Barrier(2)

    def tick():
        barrier.wait()
        try:
            results.append(publishing.publish_due())
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=tick) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        publishing.PUBLISHED_HOOKS.remove(hook)
    assert sorted(results[0] + results[1]) == sorted(ids)
    assert sorted(calls) == sorted(ids)
    assert ReleaseEvent.objects.filter(release_id__in=ids, action="publish").count() == len(ids)


@pytest.mark.django_db(transaction=True)
def test_two_editors_pressing_publish_at_once_publish_once(unit_tree):
    from conftest import make_staff

    first = make_staff("redaktur_satu", "editor", unit_tree["kanwil"])
    second = make_staff("redaktur_dua", "editor", unit_tree["kanwil"])
    release = draft(unit_tree["kanwil"], first)
    publishing.submit(release, by=first)
    publishing.approve(release, by=first)
    outcomes = []
    barrier = threading.Barrier(2)

    def press(user):
        barrier.wait()
        try:
            publishing.publish(Release.objects.get(pk=release.pk), by=user)
            outcomes.append("published")
        except Refused as exc:
            outcomes.append(exc.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes, key=str) == [409, "published"]
    assert ReleaseEvent.objects.filter(release=release, action="publish").count() == 1


def test_withdrawn_release_keeps_its_reason_and_is_out_of_the_public_list(unit_tree, editor):
    release = published(unit_tree["kanwil"], editor)
    publishing.withdraw(release, by=editor, reason="Data sedang diverifikasi ulang.")
    assert not Release.objects.public().filter(pk=release.pk).exists()
    assert Release.objects.visible().filter(pk=release.pk).exists()
    publishing.restore(release, by=editor)
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED and release.withdrawn_reason == ""
