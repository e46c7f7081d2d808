"""Authoring and the publishing workflow. One transition table, read by the services below, the console's
templates (which buttons to show), the API and the tests (every pair tried).

    draft ─submit→ in_review ─approve→ approved ─publish→ published ─withdraw→ withdrawn
      ↑               │ return               │ schedule         ↑  ←──restore───┘
      └───────────────┴──────────────────────┘ (reopen)    scheduled ─(tick or publish now)┘

An embargo (`embargo_until`) is the release's publication time given to verified media partners in advance:
approving a release with an embargo schedules it at that time and, on commit, calls EMBARGO_HOOKS (the mailing
list sends the embargoed copy). Moving the embargo (the schedule step or the form), withdrawing it (cancelling
the schedule) or lifting it early (publishing now) calls EMBARGO_CHANGED_HOOKS with the step's event.

Every change is one atomic service function that writes a ReleaseEvent (or a Revision for content), and
runs its side effects on commit. A first publication calls every hook in PUBLISHED_HOOKS with the release
id, once, after the transaction commits; a withdrawal calls every hook in WITHDRAWN_HOOKS with the release id
inside its transaction (what they change is withdrawn with it, or not at all). Other apps (the mailing list)
fill these lists from their AppConfig.ready(); releases imports none of them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from humas import access
from humas.errors import Refused
from humas.models import Unit

from . import newsroom
from .models import Release, ReleaseEvent, Revision, Status, Tag
from .richtext import sanitize

logger = logging.getLogger(__name__)

# Called with the release id after a release's first publication has committed (now or by the scheduler).
# Dotted paths or callables; a failing hook is logged and does not stop the others.
PUBLISHED_HOOKS: list[str | Callable[[int], Any]] = []
# Called with the release id inside a withdrawal's transaction; a failing hook fails the withdrawal.
WITHDRAWN_HOOKS: list[str | Callable[[int], Any]] = []
# Called with the release id after a release under embargo was approved (or given an embargo once approved)
# has committed: its embargoed copy goes to the verified media partners. Failures are logged, like PUBLISHED_HOOKS.
EMBARGO_HOOKS: list[str | Callable[[int], Any]] = []
# Called with the ReleaseEvent id after the embargo of a release already out under embargo moved ("schedule",
# "embargo"), was withdrawn ("unschedule") or lifted early ("publish") has committed.
EMBARGO_CHANGED_HOOKS: list[str | Callable[[int], Any]] = []


def add_hook(hooks: list, hook: str | Callable[[int], Any]) -> None:
    """Add a hook to PUBLISHED_HOOKS or WITHDRAWN_HOOKS once (an AppConfig.ready() may run again)."""
    if hook not in hooks:
        hooks.append(hook)


def _call(hook: str | Callable[[int], Any], release_id: int) -> None:
    (import_string(hook) if isinstance(hook, str) else hook)(release_id)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    permission: str
    label: Any
    comment: str = ""  # "required" when the user must say why


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", frozenset({Status.DRAFT}), Status.IN_REVIEW, "release.write",
                   gettext_lazy("Submit for review")),
        Transition("return", frozenset({Status.IN_REVIEW, Status.APPROVED}), Status.DRAFT, "release.publish",
                   gettext_lazy("Return to the writer"), comment="required"),
        Transition("approve", frozenset({Status.IN_REVIEW}), Status.APPROVED, "release.publish",
                   gettext_lazy("Approve")),
        Transition("reopen", frozenset({Status.APPROVED}), Status.DRAFT, "release.write",
                   gettext_lazy("Reopen for changes")),
        Transition("schedule", frozenset({Status.APPROVED, Status.SCHEDULED}), Status.SCHEDULED, "release.publish",
                   gettext_lazy("Schedule")),
        Transition("unschedule", frozenset({Status.SCHEDULED}), Status.APPROVED, "release.publish",
                   gettext_lazy("Cancel the schedule")),
        Transition("publish", frozenset({Status.APPROVED, Status.SCHEDULED}), Status.PUBLISHED, "release.publish",
                   gettext_lazy("Publish now")),
        Transition("withdraw", frozenset({Status.PUBLISHED}), Status.WITHDRAWN, "release.publish",
                   gettext_lazy("Withdraw"), comment="required"),
        Transition("restore", frozenset({Status.WITHDRAWN}), Status.PUBLISHED, "release.publish",
                   gettext_lazy("Publish again")),
    ]
}  # fmt: skip


def allowed_pairs() -> set[tuple[str, str]]:
    return {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}


def available_actions(release: Release, user: Any) -> list[Transition]:
    """The transitions the user may take from the release's status now (for the console's buttons)."""
    return [t for t in TRANSITIONS.values() if release.status in t.sources and access.can(user, t.permission, release)]


def may_edit(release: Release, user: Any) -> bool:
    """Writers edit drafts of their units; editors and admins any release of their units (corrections)."""
    if release.status == Status.DRAFT:
        return access.can(user, "release.write", release)
    return access.can(user, "release.publish", release)


# --- side effects on commit ----------------------------------------------------------------------------


def run_published_hooks(release_id: int) -> None:
    for hook in PUBLISHED_HOOKS:
        try:
            _call(hook, release_id)
        except Exception:
            logger.exception("published hook %r failed for release %s", hook, release_id)


def run_withdrawn_hooks(release_id: int) -> None:
    for hook in WITHDRAWN_HOOKS:
        _call(hook, release_id)


def content_changed(release: Release) -> None:
    """The public copy of a release changed: its `updated` date moves and cached pages are dropped."""
    if release.status in (Status.PUBLISHED, Status.WITHDRAWN):
        Release.objects.filter(pk=release.pk).update(content_updated_at=timezone.now())
        transaction.on_commit(newsroom.bump_version)


# --- slugs and tags ------------------------------------------------------------------------------------


def _base_slug(title: str) -> str:
    slug = slugify(title)[:200].strip("-")
    if len(slugify(title)) > 200 and "-" in slug:
        slug = slug.rsplit("-", 1)[0]  # do not cut a word in half
    return slug or "siaran-pers"


def unique_slug(title: str) -> str:
    """A readable slug from the title; a duplicate title gets -2, -3… (one query for the taken ones)."""
    base = _base_slug(title)
    taken = set(Release.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for raw in names:
        name = " ".join(raw.split())[:60]
        slug = slugify(name)[:70]
        if not slug or slug in tags:
            continue
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags[slug] = tag
    return list(tags.values())


# --- content -------------------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "title", "summary", "body", "language", "category", "dateline",
    "writer_user", "writer_name", "editor_user", "editor_name", "photographer_user", "photographer_name",
    "contact_name", "contact_phone", "contact_email", "embargo_until",
)  # fmt: skip
CONTENT_FIELDS = ("title", "summary", "body")


def _validate(release: Release) -> None:
    try:
        release.full_clean(exclude=["slug", "unit", "created_by", "writer_user", "editor_user", "photographer_user"])
    except ValidationError as exc:
        first = next(iter(exc.message_dict.values()))[0] if hasattr(exc, "message_dict") else exc.messages[0]
        raise Refused(first) from None


@transaction.atomic
def create_release(*, unit: Unit, by: Any, data: dict[str, Any], tags: Iterable[str] = ()) -> Release:
    """A new draft in `unit`. The body is sanitised; the slug comes from the title and is kept for good."""
    if not access.can(by, "release.write", unit):
        raise Refused(_("You may not write releases for this unit."), code="forbidden", status=403)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    release = Release(unit=unit, created_by=by, status=Status.DRAFT, **data)
    if release.embargo_until is not None:
        check_embargo(release, release.embargo_until)
    release.body = sanitize(release.body)
    release.title = " ".join(release.title.split())
    if not release.writer_user_id and not release.writer_name:
        release.writer_user = by
    _validate(release)
    for attempt in range(3):
        release.slug = unique_slug(release.title)
        try:
            with transaction.atomic():
                release.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    release.tags.set(tags_from_names(tags))
    Revision.objects.create(release=release, title=release.title, summary=release.summary, body=release.body, by=by)
    ReleaseEvent.objects.create(release=release, action="create", to_status=Status.DRAFT, by=by)
    return release


@transaction.atomic
def update_release(
    release: Release, *, by: Any, data: dict[str, Any], tags: Iterable[str] | None = None, unit: Unit | None = None
) -> Release:
    """Save the writer's or editor's changes; a change to title, summary or body is kept as a revision."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if not may_edit(release, by):
        if not access.can(by, "release.write", release):
            raise Refused(_("You may not change this release."), code="forbidden", status=403)
        raise Refused(
            _("Only an editor may change a release once it has been submitted for review."),
            code="forbidden",
            status=403,
        )
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if unit is not None and unit.pk != release.unit_id:
        if not access.can(by, "release.write", unit):
            raise Refused(_("You may not write releases for this unit."), code="forbidden", status=403)
        release.unit = unit
    before = {name: getattr(release, name) for name in CONTENT_FIELDS}
    data = dict(data)
    embargo = data.pop("embargo_until", release.embargo_until)
    for name, value in data.items():
        setattr(release, name, value)
    release.body = sanitize(release.body)
    release.title = " ".join(release.title.split())
    _validate(release)
    content_moved = any(getattr(release, name) != before[name] for name in CONTENT_FIELDS)
    if content_moved:
        release.content_updated_at = timezone.now()
    release.save()
    if embargo != release.embargo_until:
        _change_embargo(release, embargo, by=by)
    if tags is not None:
        release.tags.set(tags_from_names(tags))
    if content_moved:
        Revision.objects.create(release=release, title=release.title, summary=release.summary, body=release.body, by=by)
    if release.status in (Status.PUBLISHED, Status.WITHDRAWN):
        transaction.on_commit(newsroom.bump_version)
    return release


# --- the embargo ---------------------------------------------------------------------------------------


def embargo_text(release: Release, moment: datetime | None = None) -> str:
    """'EMBARGO hingga Senin, 8 Desember 2026 09.00 WITA' in the unit's zone (the active language's words)."""
    from humas import dates

    moment = moment or release.embargo_until
    local = dates.to_local(moment, release.unit.time_zone)
    when = f"{dates.format_date(local)} {local:%H.%M} {dates.zone_abbreviation(release.unit.time_zone, local)}"
    return _("EMBARGO until %(when)s") % {"when": when}


def check_embargo(release: Release, until: datetime) -> None:
    """An embargo lifts in the future, and not before the publication a release is already scheduled for."""
    from humas import dates

    if until <= timezone.now():
        raise Refused(_("The embargo time has passed. Choose a time in the future."), code="embargo_past")
    if (
        release.status == Status.SCHEDULED
        and release.embargo_until is None
        and release.publish_at
        and (until < release.publish_at)
    ):
        raise Refused(
            _("The embargo would lift before the scheduled publication (%(when)s). Choose that time or later.")
            % {"when": dates.format_datetime(release.publish_at, release.unit.time_zone)},
            code="embargo_before_schedule",
        )


def _embargo_out(release: Release, *, by: Any, action: str) -> None:
    """The release, approved, goes out under embargo: scheduled at the embargo time; the hooks send it."""
    release.status = Status.SCHEDULED
    release.publish_at = release.embargo_until
    release.save(update_fields=["status", "publish_at", "embargo_until", "updated_at"])
    ReleaseEvent.objects.create(
        release=release, action=action, from_status=Status.APPROVED, to_status=Status.SCHEDULED,
        comment=release.embargo_until.isoformat(), by=_user_or_none(by),
    )  # fmt: skip
    release_id = release.pk
    transaction.on_commit(lambda: _run_logged(EMBARGO_HOOKS, release_id))


def _embargo_changed(event: ReleaseEvent) -> None:
    event_id = event.pk
    transaction.on_commit(lambda: _run_logged(EMBARGO_CHANGED_HOOKS, event_id))


def _run_logged(hooks: list, value: int) -> None:
    for hook in hooks:
        try:
            _call(hook, value)
        except Exception:
            logger.exception("hook %r failed for %s", hook, value)


def _change_embargo(release: Release, until: datetime | None, *, by: Any) -> None:
    """The form (or the API) changed the embargo of a locked release, inside update_release's transaction."""
    if release.status in (Status.PUBLISHED, Status.WITHDRAWN):
        raise Refused(_("The release is published: its embargo can no longer change."), code="embargo_published")
    if until is None:
        if release.under_embargo:
            raise Refused(
                _("The release is out under embargo: cancel the schedule to withdraw the embargo."),
                code="embargo_out",
            )
        release.embargo_until = None
        release.save(update_fields=["embargo_until", "updated_at"])
        return
    check_embargo(release, until)
    moving = release.under_embargo
    release.embargo_until = until
    if release.status in (Status.DRAFT, Status.IN_REVIEW):
        release.save(update_fields=["embargo_until", "updated_at"])
    elif moving:
        release.publish_at = until
        release.save(update_fields=["embargo_until", "publish_at", "updated_at"])
        _embargo_changed(ReleaseEvent.objects.create(
            release=release, action="embargo", from_status=Status.SCHEDULED, to_status=Status.SCHEDULED,
            comment=until.isoformat(), by=_user_or_none(by),
        ))  # fmt: skip
    else:  # approved, or scheduled without an embargo: it goes out now
        release.status = Status.APPROVED
        _embargo_out(release, by=by, action="embargo")


# --- the workflow --------------------------------------------------------------------------------------


def _transition(release: Release, action: str, *, by: Any, comment: str = "") -> tuple[Release, str]:
    """Lock the row, check the table and the role, write the event. Returns the locked release and the
    status it came from."""
    rule = TRANSITIONS[action]
    locked = Release.objects.select_for_update().get(pk=release.pk)
    if by is not None and not access.can(by, rule.permission, locked):
        if not access.can(by, "release.view", locked):
            raise Refused(_("This release does not exist."), code="not_found", status=404)
        raise Refused(_("Your role does not allow this step."), code="forbidden", status=403)
    if locked.status not in rule.sources:
        raise Refused(
            _("This step is not possible: the release is now “%(status)s”. Reload the page to see its state.")
            % {"status": locked.get_status_display()},
            code="conflict",
            status=409,
        )
    comment = (comment or "").strip()
    if rule.comment == "required" and not comment:
        raise Refused(_("Please say why (the comment is required for this step)."), code="comment_required")
    source = locked.status
    locked.status = rule.target
    ReleaseEvent.objects.create(
        release=locked, action=action, from_status=source, to_status=rule.target, comment=comment, by=by
    )
    return locked, source


def _user_or_none(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def submit(release: Release, *, by: Any) -> Release:
    release, _source = _transition(release, "submit", by=by)
    release.review_comment = ""
    release.save(update_fields=["status", "review_comment", "updated_at"])
    return release


@transaction.atomic
def return_to_writer(release: Release, *, by: Any, comment: str) -> Release:
    release, _source = _transition(release, "return", by=by, comment=comment)
    release.review_comment = comment.strip()
    release.save(update_fields=["status", "review_comment", "updated_at"])
    return release


@transaction.atomic
def approve(release: Release, *, by: Any) -> Release:
    release, _source = _transition(release, "approve", by=by)
    if release.embargo_until is not None:
        check_embargo(release, release.embargo_until)
    if not release.editor_user_id and not release.editor_name:
        release.editor_user = _user_or_none(by)
    release.save(update_fields=["status", "editor_user", "updated_at"])
    if release.embargo_until is not None:
        _embargo_out(release, by=by, action="schedule")
    return release


@transaction.atomic
def reopen(release: Release, *, by: Any) -> Release:
    release, _source = _transition(release, "reopen", by=by)
    release.save(update_fields=["status", "updated_at"])
    return release


@transaction.atomic
def schedule(release: Release, *, by: Any, publish_at: datetime) -> Release:
    """Publish at `publish_at`. A time already past is kept: the next tick of the scheduler publishes it."""
    if publish_at is None:
        raise Refused(_("Choose the date and time of publication."), code="publish_at_required")
    release, _source = _transition(release, "schedule", by=by, comment=publish_at.isoformat())
    moving = release.under_embargo
    if moving:  # the release goes public when its embargo lifts: moving one moves the other
        check_embargo(release, publish_at)
        release.embargo_until = publish_at
    release.publish_at = publish_at
    release.save(update_fields=["status", "publish_at", "embargo_until", "updated_at"])
    if moving:
        _embargo_changed(release.events.order_by("-pk").first())
    return release


@transaction.atomic
def unschedule(release: Release, *, by: Any) -> Release:
    release, _source = _transition(release, "unschedule", by=by)
    embargoed = release.embargo_until is not None
    release.publish_at = release.embargo_until = None  # an embargo goes with its schedule: it is withdrawn
    release.save(update_fields=["status", "publish_at", "embargo_until", "updated_at"])
    if embargoed:
        _embargo_changed(release.events.order_by("-pk").first())
    return release


def _go_public(release: Release, *, first: bool) -> None:
    now = timezone.now()
    if first:
        release.published_at = now
    release.withdrawn_reason, release.withdrawn_at = "", None
    release.save(update_fields=["status", "published_at", "withdrawn_reason", "withdrawn_at", "updated_at"])
    transaction.on_commit(newsroom.bump_version)
    if first:
        release_id = release.pk
        transaction.on_commit(lambda: run_published_hooks(release_id))


@transaction.atomic
def publish(release: Release, *, by: Any) -> Release:
    """Publish now (from approved, or a scheduled release ahead of its time). `by=None` is the scheduler.
    Two editors pressing at once: the row lock lets one through, the other gets a 409."""
    release, source = _transition(release, "publish", by=by)
    lifted_early = source == Status.SCHEDULED and release.embargo_until is not None
    _go_public(release, first=release.published_at is None)
    if lifted_early:
        _embargo_changed(release.events.order_by("-pk").first())
    return release


@transaction.atomic
def withdraw(release: Release, *, by: Any, reason: str) -> Release:
    """Take a release out of lists and feeds; its page stays with the public reason."""
    release, _source = _transition(release, "withdraw", by=by, comment=reason)
    release.withdrawn_reason = reason.strip()
    release.withdrawn_at = timezone.now()
    release.save(update_fields=["status", "withdrawn_reason", "withdrawn_at", "updated_at"])
    run_withdrawn_hooks(release.pk)  # e.g. its e-mails still waiting are cancelled with the withdrawal
    transaction.on_commit(newsroom.bump_version)
    return release


@transaction.atomic
def restore(release: Release, *, by: Any) -> Release:
    release, _source = _transition(release, "restore", by=by)
    _go_public(release, first=False)
    return release


def take(action: str, release: Release, *, by: Any, comment: str = "", publish_at: datetime | None = None) -> Release:
    """Dispatch one of TRANSITIONS' actions (the console and the API call this)."""
    if action not in TRANSITIONS:
        raise Refused(_("Unknown step."), code="unknown_action", status=404)
    if action == "return":
        return return_to_writer(release, by=by, comment=comment)
    if action == "withdraw":
        return withdraw(release, by=by, reason=comment)
    if action == "schedule":
        return schedule(release, by=by, publish_at=publish_at)
    return {
        "submit": submit, "approve": approve, "reopen": reopen, "unschedule": unschedule,
        "publish": publish, "restore": restore,
    }[action](release, by=by)  # fmt: skip


# --- the scheduler -------------------------------------------------------------------------------------

DUE_BATCH = 50


def publish_due(*, now: datetime | None = None) -> list[int]:
    """Publish every scheduled release whose time has come, each exactly once even when two beat processes
    (or workers) run this at the same moment: rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and
    re-checked under the lock. Returns the ids published by this call."""
    published: list[int] = []
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            due = list(
                Release.objects.select_for_update(skip_locked=True)
                .filter(status=Status.SCHEDULED, publish_at__lte=moment)
                .order_by("publish_at", "pk")[:DUE_BATCH]
            )
            for release in due:
                release.status = Status.PUBLISHED
                ReleaseEvent.objects.create(
                    release=release, action="publish", from_status=Status.SCHEDULED, to_status=Status.PUBLISHED,
                    comment=_("Published on schedule."), by=None,
                )  # fmt: skip
                _go_public(release, first=release.published_at is None)
                published.append(release.pk)
        if len(due) < DUE_BATCH:
            return published
