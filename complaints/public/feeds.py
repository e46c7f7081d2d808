"""RSS 2.0 of the public board: reports newly verified and reports resolved, for the whole portal, one unit
(?unit=<slug>, with its sub-units) or one category (?kategori=<id>). Only what the board shows: the title, the
unit, the category, the status and the public answer of a resolution; never an identity, never a `rahasia`
report."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complaints.models import BOARD_STATUSES, Category, Complaint, ComplaintEvent, EventKind, Status, Visibility
from humas.context_processors import site_identity
from humas.models import Unit

FEED_SIZE = 30


def _scope(request: HttpRequest):
    reports = Complaint.objects.filter(visibility=Visibility.PUBLIC, status__in=BOARD_STATUSES)
    title = _("Public reports · %(portal)s") % {"portal": site_identity()["name"]}
    query = {}
    slug = request.GET.get("unit", "")[:80]
    if slug:
        unit = Unit.objects.active().filter(slug=slug).first()
        if unit is None:
            raise Http404
        reports = reports.filter(unit__in=Unit.objects.subtree_of([unit]))
        title = _("Public reports · %(unit)s") % {"unit": unit.name}
        query["unit"] = slug
    category_id = request.GET.get("kategori", "")
    if category_id:
        category = Category.objects.filter(pk=int(category_id)).first() if category_id.isdigit() else None
        if category is None:
            raise Http404
        reports = reports.filter(category=category)
        title = f"{title} · {category.name}"
        query["kategori"] = category_id
    return reports, title, query


@require_GET
def rss(request: HttpRequest) -> HttpResponse:
    reports, title, query = _scope(request)
    fields = ("pk", "title", "status", "created_at", "verified_at", "resolved_at", "unit__name", "category__name")
    base = reports.select_related("unit", "category").only(*fields)
    new = list(base.order_by("-created_at", "-pk")[:FEED_SIZE])
    resolved = list(
        base.filter(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False).order_by("-resolved_at")[
            :FEED_SIZE
        ]
    )
    answers = {
        event.complaint_id: event.public_message
        for event in ComplaintEvent.objects.filter(complaint__in=[r.pk for r in resolved], kind=EventKind.RESOLVED)
        .exclude(public_message="")
        .only("complaint_id", "public_message")
    }
    board = f"{settings.SITE_URL}{reverse('complaints:board')}"
    feed = feedgenerator.Rss201rev2Feed(
        title=title,
        link=board + (f"?{urlencode(query)}" if query else ""),
        description=_("Public reports newly verified and reports resolved, without names."),
        language="id",
        feed_url=request.build_absolute_uri(),
    )
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    entries = [("new", report, report.verified_at or report.created_at) for report in new]
    entries += [("resolved", report, report.resolved_at) for report in resolved]
    entries.sort(key=lambda entry: entry[2], reverse=True)
    for kind, report, when in entries[:FEED_SIZE]:
        label = _("New report") if kind == "new" else _("Resolved")
        facts = " · ".join(part for part in (report.unit.name, report.category.name if report.category else "") if part)
        description = f"{facts}. {answers.get(report.pk, '')}".strip() if kind == "resolved" else f"{facts}."
        feed.add_item(
            title=f"[{label}] {report.title}",
            link=f"{board}#laporan-{report.pk}",
            description=description,
            pubdate=when,
            unique_id=f"tag:{host},{report.created_at:%Y-%m-%d}:report:{report.pk}:{kind}",
            unique_id_is_permalink=False,
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
