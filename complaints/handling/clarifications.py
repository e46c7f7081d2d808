"""Clarification releases: an editor links a press release to the reports it answers (found by search or as
"all open reports of a trending topic"); when the release is published, each linked report gets a public
event and its reporter, if they gave an address, one e-mail with the release's summary and link, in their
language. A report may be linked to several releases; its reporter is never told twice about the same one
(one link per report and release, an outbox message keyed by both).

The release lives in `releases`, which complaints never imports: it is read through humas.clarifications
(plain data), and releases tells humas.clarifications when a release is out, which calls `release_published`.
Linking is the editor's: the release must be one they may publish, the reports in their units (404 else)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.handling import queue, workflow
from complaints.models import OPEN_STATUSES, Clarification, Complaint
from complaints.reporting import trends
from humas import access, outbox
from humas import clarifications as interface
from humas.errors import Refused

TEMPLATE = "emails/clarification"
PERMISSION = "release.publish"  # who links: whoever may publish the release
TOPIC_DAYS = 30
CANDIDATES = 50  # reports shown per search


def release_for(user: Any, release_id: int) -> interface.ReleaseInfo:
    """The release, if the user may link reports to it: 404 when it does not exist or is outside their
    units, 403 when they may see but not publish it."""
    info = interface.release(release_id)
    if info is None or not access.can(user, "release.view", info.unit_id):
        raise Refused(_("This release does not exist."), code="not_found", status=404)
    if not access.can(user, PERMISSION, info.unit_id):
        raise Refused(_("Your role does not allow this step."), code="forbidden", status=403)
    return info


def scope(user: Any) -> QuerySet[Complaint]:
    """The reports an editor may link: those of the units where they may publish."""
    return access.scope(user, PERMISSION, Complaint.objects.all())


def linked(release_id: int) -> list[Clarification]:
    return list(
        Clarification.objects.filter(release_id=release_id)
        .select_related("complaint__unit")
        .order_by("linked_at", "pk")
    )


def search(user: Any, release_id: int, text: str) -> list[Complaint]:
    """Reports in the editor's units matching `text` (PostgreSQL's Indonesian full-text search), not linked
    yet, newest first."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return []
    found = queue.search(scope(user), text).exclude(clarifications__release_id=release_id)
    return list(found.select_related("unit").order_by("-created_at", "-pk")[:CANDIDATES])


def topics(user: Any) -> list[trends.Topic]:
    """The trending topics of the last 30 days in the editor's units."""
    return trends.trending(access.unit_ids_for(user, PERMISSION), days=TOPIC_DAYS)


def topic_reports(user: Any, label: str) -> QuerySet[Complaint]:
    """All open reports of a topic in the editor's units (the queue's search for the topic's words)."""
    return queue.search(scope(user).filter(status__in=OPEN_STATUSES), label)


@transaction.atomic
def link(*, by: Any, release_id: int, complaint_ids: Iterable[int]) -> int:
    """Link reports to the release as its clarification. A report outside the editor's units refuses the
    whole request (404, nothing linked). A report linked already is left alone. When the release is out
    already, the newly linked reporters are told at once. Returns how many links are new."""
    info = release_for(by, release_id)
    ids = sorted({int(pk) for pk in complaint_ids})
    if not ids:
        raise Refused(_("Choose at least one report."), code="empty")
    found = set(scope(by).filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise Refused(_("Report not found."), code="not_found", status=404)
    taken = set(
        Clarification.objects.filter(release_id=release_id, complaint_id__in=ids).values_list("complaint_id", flat=True)
    )
    new = [pk for pk in ids if pk not in taken]
    Clarification.objects.bulk_create(
        [Clarification(complaint_id=pk, release_id=release_id, release_title=info.title, linked_by=by) for pk in new],
        ignore_conflicts=True,
    )
    if info.published and new:
        _tell(
            info,
            Clarification.objects.select_for_update().filter(
                release_id=release_id, complaint_id__in=new, notified_at__isnull=True
            ),
        )
    return len(new)


@transaction.atomic
def link_topic(*, by: Any, release_id: int, label: str) -> int:
    """Link every open report of a trending topic (in the editor's units)."""
    ids = list(topic_reports(by, label).values_list("pk", flat=True))
    if not ids:
        raise Refused(_("No open report matches this topic now."), code="empty")
    return link(by=by, release_id=release_id, complaint_ids=ids)


@transaction.atomic
def unlink(*, by: Any, release_id: int, complaint_id: int) -> None:
    """Remove a link before its reporter was told (afterwards it is part of the report's history)."""
    release_for(by, release_id)
    found = (
        Clarification.objects.select_for_update()
        .filter(release_id=release_id, complaint_id=complaint_id, complaint__in=scope(by))
        .first()
    )
    if found is None:
        raise Refused(_("Report not found."), code="not_found", status=404)
    if found.notified_at is not None:
        raise Refused(_("The reporter was already told of this clarification; the link stays in the report's history."),
                      code="notified", status=409)  # fmt: skip
    found.delete()


def release_published(release_id: int) -> int:
    """humas.clarifications' handler, on commit of a release's first publication: tell the linked reporters
    (a task, or here when the broker is away). Returns how many were told here."""
    if not Clarification.objects.filter(release_id=release_id, notified_at__isnull=True).exists():
        return 0
    from complaints.tasks import clarify_reporters_task

    try:
        clarify_reporters_task.apply_async(args=[release_id], retry=False)
    except Exception:  # the broker is not there: do it now rather than never
        return notify_published(release_id)
    return 0


BATCH = 200


def notify_published(release_id: int) -> int:
    """Tell every linked reporter not told yet, BATCH reports per transaction; rows are claimed with SKIP
    LOCKED, so two runs at once tell each reporter once. Returns how many reports were told."""
    info = interface.release(release_id)
    if info is None or not info.published:
        return 0
    told = 0
    while True:
        with transaction.atomic():
            rows = list(
                Clarification.objects.select_for_update(skip_locked=True)
                .filter(release_id=release_id, notified_at__isnull=True)
                .order_by("pk")[:BATCH]
            )
            _tell(info, rows)
            told += len(rows)
        if len(rows) < BATCH:
            return told


def _tell(info: interface.ReleaseInfo, rows: Iterable[Clarification]) -> None:
    """Inside a transaction holding the rows: the public event, the e-mail, the copy of what was told."""
    now = timezone.now()
    for row in rows:
        complaint = Complaint.objects.only("pk", "language", "reporter_email").get(pk=row.complaint_id)
        with translation.override(complaint.language or settings.LANGUAGE_CODE):
            message = _("Humas published a clarification about this matter: “%(title)s”. %(url)s") % {
                "title": info.title,
                "url": info.url,
            }
        event = workflow.clarify(complaint.pk, message=message)
        row.release_title, row.release_summary, row.release_url = info.title[:200], info.summary, info.url
        row.notified_at, row.event = now, event
        row.save(update_fields=["release_title", "release_summary", "release_url", "notified_at", "event"])
        if complaint.reporter_email:
            outbox.enqueue(
                key=f"clarification:{row.complaint_id}:{row.release_id}",
                to=complaint.reporter_email,
                template=TEMPLATE,
                context={"clarification_id": row.pk},
                language=complaint.language,
            )


def for_reporter(complaint: Complaint) -> list[Clarification]:
    """The clarifications the reporter was told of, for the tracking page."""
    return list(complaint.clarifications.filter(notified_at__isnull=False).order_by("notified_at", "pk"))


def email_context(stored: dict) -> dict:
    """The outbox's context builder for the clarification e-mail."""
    row = Clarification.objects.select_related("complaint__unit").get(pk=stored["clarification_id"])
    return {
        "complaint": row.complaint,
        "clarification": row,
        "track_url": f"{settings.SITE_URL}/pengaduan/lacak/",
    }
