"""The staff console for releases (/staf/siaran-pers/): lists by status, the editor with live preview,
photos and attachments, the workflow's buttons, the history with diffs. Views parse and call services."""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from humas import access
from humas.errors import Refused
from humas.views import staff_required

from . import images, newsroom, publishing
from .forms import ActionForm, AttachmentForm, PhotoEditForm, PhotoForm, ReleaseForm
from .models import Release, ReleaseAttachment, ReleasePhoto, Revision, Status
from .newsroom.views import render_release
from .richtext import plain_text, sanitize

TAB_STATUSES = {
    "review": [Status.IN_REVIEW],
    "approved": [Status.APPROVED],
    "scheduled": [Status.SCHEDULED],
    "published": [Status.PUBLISHED],
    "withdrawn": [Status.WITHDRAWN],
    "drafts": [Status.DRAFT],
}
PAGE_SIZE = 25
_IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)
# Tiptap (inside django-prose-editor 0.28.0) injects its base stylesheet as one <style> element; its hash
# allows exactly that stylesheet on the editor pages. A new editor version with other CSS shows up as a CSP
# report in the browser test.
EDITOR_STYLE_HASHES = ("'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",)


def allow_importmap(view):
    """The editor's ES modules need an import map, which can only be inline: this view's CSP allows that
    one script by its SHA-256 hash (nothing else inline runs), and the editor's own base stylesheet."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("text/html") and hasattr(response, "content"):
            hashes = [
                "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
                for m in _IMPORTMAP.findall(response.content.decode())
            ]
            if hashes:
                from django.conf import settings

                policy = settings.CONTENT_SECURITY_POLICY.replace(
                    "script-src 'self'", "script-src 'self' " + " ".join(hashes)
                ).replace("style-src 'self'", "style-src 'self' " + " ".join(EDITOR_STYLE_HASHES))
                response["Content-Security-Policy"] = policy
        return response

    return wrapper


def _release_for(request: HttpRequest, pk: int, action: str = "release.view") -> Release:
    return access.get_for(
        request.user, action, Release.objects.select_related("unit", "category", "writer_user", "editor_user"), pk=pk
    )


def _refused(request: HttpRequest, exc: Refused) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise Http404
    messages.error(request, exc.message)


# --- lists ---------------------------------------------------------------------------------------------


@staff_required
def release_list(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "release.view"):
        raise PermissionDenied
    visible = access.scope(request.user, "release.view", Release.objects.all())
    may_publish = access.has_any(request.user, "release.publish")
    tab = request.GET.get("tab") or ("review" if may_publish else "mine")
    counts = visible.aggregate(
        mine=Count("pk", filter=Q(status=Status.DRAFT) & (Q(created_by=request.user) | Q(writer_user=request.user))),
        **{name: Count("pk", filter=Q(status__in=statuses)) for name, statuses in TAB_STATUSES.items()},
    )
    if tab == "mine":
        rows = visible.filter(Q(created_by=request.user) | Q(writer_user=request.user), status=Status.DRAFT)
    elif tab in TAB_STATUSES:
        rows = visible.filter(status__in=TAB_STATUSES[tab])
    else:
        raise Http404
    q = " ".join(request.GET.get("q", "").split())[:100]
    if q:
        rows = rows.filter(title__icontains=q)
    order = "publish_at" if tab == "scheduled" else "-updated_at"
    page = Paginator(rows.select_related("unit", "writer_user").order_by(order, "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tabs = [
        ("mine", _("My drafts")), ("review", _("Waiting for review")), ("approved", _("Approved")),
        ("scheduled", _("Scheduled")), ("published", _("Published")), ("withdrawn", _("Withdrawn")),
        ("drafts", _("All drafts")),
    ]  # fmt: skip
    posted = {}
    if tab in ("published", "withdrawn"):
        from .social.posts import posted_platforms

        posted = posted_platforms([r.pk for r in page.object_list])
    return render(
        request,
        "releases/staff/list.html",
        {
            "page": page,
            "posted": posted,
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label in tabs],
            "q": q,
            "may_write": access.has_any(request.user, "release.write"),
        },
    )


# --- writing -------------------------------------------------------------------------------------------


@staff_required
@allow_importmap
def release_create(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, "release.write"):
        raise PermissionDenied
    return _draft_form(
        request, None, _("The draft was saved. Add photos, then submit it for review."),
        lambda form: publishing.create_release(
            unit=form.cleaned_data["unit"], by=request.user, data=form.service_data(), tags=form.tag_names()
        ),
    )  # fmt: skip


@staff_required
@allow_importmap
def release_edit(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk, "release.write")
    if not publishing.may_edit(release, request.user):
        raise PermissionDenied
    return _draft_form(
        request, release, _("Your changes were saved."),
        lambda form: publishing.update_release(
            release, by=request.user, data=form.service_data(), tags=form.tag_names(), unit=form.cleaned_data["unit"]
        ),
    )  # fmt: skip


def _draft_form(request: HttpRequest, release: Release | None, saved: str, save) -> HttpResponse:
    """The draft's form, new or existing: `save(form)` calls the service and returns the release; a refusal
    is shown on the form (a permission refusal is a 403)."""
    form = ReleaseForm(request.POST or None, instance=release, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except Refused as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
        else:
            messages.success(request, saved)
            return redirect("releases:staff_detail", pk=result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "releases/staff/edit.html", {"form": form, "release": release}, status=status)


@staff_required
@require_POST
def live_preview(request: HttpRequest) -> HttpResponse:
    """The article as the public page will show it, from the editor's unsaved fields (sanitised alike)."""
    if not access.has_any(request.user, "release.write"):
        raise PermissionDenied
    release = Release(
        title=request.POST.get("title", "")[:200],
        summary=request.POST.get("summary", "")[:600],
        body=sanitize(request.POST.get("body", "")),
        dateline=request.POST.get("dateline", "")[:60],
        writer_name=request.POST.get("writer_name", "")[:120],
        editor_name=request.POST.get("editor_name", "")[:120],
        contact_name=request.POST.get("contact_name", "")[:120],
        contact_phone=request.POST.get("contact_phone", "")[:30],
        contact_email=request.POST.get("contact_email", "")[:254],
    )
    return HttpResponse(render_to_string("releases/_article_text.html", {"release": release}, request=request))


# --- one release ---------------------------------------------------------------------------------------


@staff_required
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _release_for(request, pk))


def _detail_page(
    request: HttpRequest, release: Release, *, action_form: ActionForm | None = None, failed: str = ""
) -> HttpResponse:
    """The release's staff page; after a refused step (`failed`), with what was typed for it kept (400)."""
    photos = list(release.photos.prefetch_related("renditions").order_by("order", "pk"))
    return render(
        request,
        "releases/staff/detail.html",
        {
            "release": release,
            "photos": photos,
            "attachments": list(release.attachments.all()),
            "events": list(release.events.select_related("by")[:50]),
            "revisions": list(release.revisions.select_related("by")[:30]),
            "actions": publishing.available_actions(release, request.user),
            "may_edit": publishing.may_edit(release, request.user),
            "action_form": action_form or ActionForm(time_zone=release.unit.time_zone),
            "failed_action": failed,
            "photo_form": PhotoForm(),
            "attachment_form": AttachmentForm(),
            "pending_views": newsroom.counter.pending_views(release.pk),
            **_distribution_context(release),
        },
        status=400 if failed else 200,
    )


def _distribution_context(release: Release) -> dict:
    """Captions, the posting checklist and the reach, once the release is out."""
    from .social import posts, reach, sharing

    if not release.published_at:
        return {}
    return {
        "captions": sharing.captions(release),
        "checklist": posts.checklist(release),
        "reach": reach.reach_by_source(release),
        "public_url": sharing.public_url(release),
    }


@staff_required
def release_preview(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk)
    page = newsroom.selectors.release_page_for_staff(release.pk)
    return render_release(request, page, preview=True)


@staff_required
@require_POST
def release_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    release = _release_for(request, pk)
    if action not in publishing.TRANSITIONS:
        raise Http404
    form = ActionForm(request.POST, time_zone=release.unit.time_zone)
    if not form.is_valid():
        messages.error(request, _("Check the date and time of publication."))
        return _detail_page(request, release, action_form=form, failed=action)
    try:
        publishing.take(
            action, release, by=request.user, comment=form.cleaned_data["comment"],
            publish_at=form.cleaned_data["publish_at"],
        )  # fmt: skip
    except Refused as exc:
        _refused(request, exc)
        return _detail_page(request, release, action_form=form, failed=action)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": publishing.TRANSITIONS[action].label})
    return redirect("releases:staff_detail", pk=pk)


# --- photos and attachments ----------------------------------------------------------------------------


@staff_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk, "release.write")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            images.add_photo(
                release, upload=form.cleaned_data["image"], by=request.user, caption=form.cleaned_data["caption"],
                credit=form.cleaned_data["credit"], alt_text=form.cleaned_data["alt_text"],
                featured=form.cleaned_data["featured"] or None,
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The photo was added."))
            return redirect("releases:staff_detail", pk=pk)
    else:
        messages.error(request, _("Choose a photo to upload."))
    return redirect("releases:staff_detail", pk=pk)


def _photo_for(request: HttpRequest, pk: int, photo_id: int) -> tuple[Release, ReleasePhoto]:
    release = _release_for(request, pk, "release.write")
    photo = release.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return release, photo


@staff_required
@require_POST
def photo_edit(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    _release, photo = _photo_for(request, pk, photo_id)
    form = PhotoEditForm(request.POST)
    if form.is_valid():
        try:
            images.update_photo(photo, by=request.user, **form.cleaned_data)
        except Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The photo's details were saved."))
    return redirect("releases:staff_detail", pk=pk)


@staff_required
@require_POST
def photo_delete(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    _release, photo = _photo_for(request, pk, photo_id)
    try:
        images.delete_photo(photo, by=request.user)
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("releases:staff_detail", pk=pk)


@staff_required
@require_POST
def photo_order(request: HttpRequest, pk: int) -> HttpResponse:
    """The order from the number fields (or from drag and drop, which fills them in)."""
    release = _release_for(request, pk, "release.write")
    positions = []
    for key, value in request.POST.items():
        if key.startswith("order-") and key[6:].isdigit():
            try:
                positions.append((int(value), int(key[6:])))
            except ValueError:
                messages.error(request, _("Positions must be whole numbers."))
                return redirect("releases:staff_detail", pk=pk)
    try:
        images.reorder_photos(release, by=request.user, photo_ids=[pid for _pos, pid in sorted(positions)])
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The photo order was saved."))
    return redirect("releases:staff_detail", pk=pk)


@staff_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk, "release.write")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file to upload."))
        return redirect("releases:staff_detail", pk=pk)
    try:
        images.add_attachment(
            release, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The attachment was added."))
    return redirect("releases:staff_detail", pk=pk)


@staff_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    release = _release_for(request, pk, "release.write")
    attachment = ReleaseAttachment.objects.filter(release=release, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        images.delete_attachment(attachment, by=request.user)
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The attachment was removed."))
    return redirect("releases:staff_detail", pk=pk)


# --- history -------------------------------------------------------------------------------------------


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ('same'|'added'|'removed', text)."""
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "  ":
            out.append(("same", text))
        elif code == "+ ":
            out.append(("added", text))
        elif code == "- ":
            out.append(("removed", text))
    return out


@staff_required
def revision_diff(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    release = _release_for(request, pk)
    revision = Revision.objects.select_related("by").filter(release=release, pk=revision_id).first()
    if revision is None:
        raise Http404
    previous = (
        Revision.objects.filter(release=release, created_at__lte=revision.created_at)
        .exclude(pk=revision.pk)
        .filter(Q(created_at__lt=revision.created_at) | Q(pk__lt=revision.pk))
        .order_by("-created_at", "-pk")
        .first()
    )
    old = previous or Revision(title="", summary="", body="")
    sections = [
        (_("Title"), _diff(old.title, revision.title)),
        (_("Summary"), _diff(old.summary, revision.summary)),
        (_("Body"), _diff(plain_text(old.body), plain_text(revision.body))),
    ]
    return render(
        request,
        "releases/staff/diff.html",
        {"release": release, "revision": revision, "previous": previous, "sections": sections},
    )
