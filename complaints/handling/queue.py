"""Selectors of the staff side: the queue with its filters and search, one report for staff, similar reports.
Every query starts from what the user's units and role allow (humas.access)."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.handling import sla
from complaints.models import OPEN_STATUSES, Category, Channel, Complaint, Kind, Status
from humas import access
from humas.forms import DayPicker
from humas.models import Unit

# the same expression as the GIN index of migration 0002 (PostgreSQL matches it whatever the qualification)
SEARCH_EXPRESSION = (
    "to_tsvector('indonesian'::regconfig, coalesce(complaints_complaint.title, '') || ' ' || "
    "coalesce(complaints_complaint.description, ''))"
)
SIMILAR_DAYS = 90

SORTS = {
    "terbaru": ("-created_at", "-pk"),
    "terlama": ("created_at", "pk"),
    "tenggat": ("verification_due_at", "resolution_due_at", "pk"),
}


class QueueFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    unit = forms.ModelChoiceField(
        label=_("Unit (with its sub-units)"), required=False, queryset=Unit.objects.none(), to_field_name="slug",
        empty_label=_("All my units"),
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.none(), empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices])
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due soon"))],
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DayPicker())
    until = forms.DateField(label=_("To"), required=False, widget=DayPicker())
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("terbaru", _("Newest first")), ("terlama", _("Oldest first")), ("tenggat", _("By deadline"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = access.units_for(user, "complaint.view").order_by("name")
        self.fields["unit"].queryset = units
        self.fields["category"].queryset = Category.objects.filter(unit__in=units).select_related("unit")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


def visible(user) -> QuerySet[Complaint]:
    return access.scope(user, "complaint.view", Complaint.objects.all())


def search(queryset: QuerySet[Complaint], text: str) -> QuerySet[Complaint]:
    """Full-text search with PostgreSQL's Indonesian configuration (stemmed words, any order); on SQLite
    every word must occur in the title or the description."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.extra(  # noqa: S610 — a fixed expression, the user's text travels as a parameter
            where=[f"{SEARCH_EXPRESSION} @@ websearch_to_tsquery('indonesian'::regconfig, %s)"], params=[text]
        )
    for word in text.split()[:8]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


def filtered(user, data: dict | None) -> tuple[QueueFilter, QuerySet[Complaint]]:
    """The queue as the user asked for it. Invalid filters are reported by the form and ignored."""
    form = QueueFilter(data or None, user=user)
    queryset = visible(user)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if d.get("unit"):
            queryset = queryset.filter(unit__in=Unit.objects.subtree_of([d["unit"]]))
        for field in ("status", "kind", "channel"):
            if d.get(field):
                queryset = queryset.filter(**{field: d[field]})
        if d.get("category"):
            queryset = queryset.filter(category=d["category"])
        if d.get("deadline") == "overdue":
            queryset = queryset.filter(sla.overdue_q())
        elif d.get("deadline") == "soon":
            queryset = queryset.filter(sla.due_soon_q())
        if d.get("mine"):
            queryset = queryset.filter(assigned_to=user)
        if d.get("since"):
            queryset = queryset.filter(created_at__date__gte=d["since"])
        if d.get("until"):
            queryset = queryset.filter(created_at__date__lte=d["until"])
        queryset = search(queryset, d.get("q") or "")
        order = SORTS.get(d.get("sort") or "terbaru", SORTS["terbaru"])
    else:
        order = SORTS["terbaru"]
    queryset = queryset.select_related("unit", "category", "assigned_to").order_by(*order)
    return form, queryset


_WORD = re.compile(r"[a-zA-Z]{4,}")


def similar(user, complaint: Complaint, *, limit: int = 5) -> list[Complaint]:
    """Open reports of the last 90 days in the user's scope, ranked by how much their text resembles this one."""
    since = timezone.now() - timedelta(days=SIMILAR_DAYS)
    pool = (
        visible(user)
        .filter(status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(pk=complaint.pk)
        .select_related("unit")
    )
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(f"{complaint.title} {complaint.description}")))[:30]
    if not words:
        return []
    if connection.vendor == "postgresql":
        query = " | ".join(words)
        ranked = pool.extra(  # noqa: S610 — fixed expressions; the words travel as parameters
            select={"rank": f"ts_rank({SEARCH_EXPRESSION}, to_tsquery('indonesian'::regconfig, %s))"},
            select_params=[query],
            where=[f"{SEARCH_EXPRESSION} @@ to_tsquery('indonesian'::regconfig, %s)"],
            params=[query],
        ).order_by("-rank", "-created_at")
        return list(ranked[:limit])
    own = set(words)
    scored = []
    for other in pool.only("pk", "title", "description", "status", "created_at", "unit__name")[:500]:
        theirs = {w.lower() for w in _WORD.findall(f"{other.title} {other.description}")}
        overlap = len(own & theirs)
        if overlap:
            scored.append((overlap, other.created_at, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [item[2] for item in scored[:limit]]


def shows_identity(user, complaint: Complaint) -> bool:
    """Named reports show who reported to anyone who may see them; an `anonim` reporter is shown only to the
    triaging humas admin, that is an admin of the report's own root unit (not of another tree's root); a fully
    anonymous report has nothing to show. The console, the staff API, the exports and the admin all ask here."""
    if complaint.identity_mode == "named":
        return True
    if complaint.identity_mode == "anonim":
        return access.is_root_admin(user, complaint.unit_id)
    return False


NEARBY_METRES = 200
NEARBY_DAYS = 30
EARTH_METRES = 6_371_000


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


def nearby(user, complaint: Complaint, *, metres: int = NEARBY_METRES, days: int = NEARBY_DAYS, limit: int = 10):
    """Reports in the user's scope filed within `metres` of this one's point in the last `days` days, nearest
    first, as (report, metres) pairs. One query: a box on the indexed coordinates, the circle in Python."""
    if complaint.latitude is None or complaint.longitude is None:
        return []
    lat, lng = float(complaint.latitude), float(complaint.longitude)
    dlat = metres / 111_320
    dlng = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    pool = (
        visible(user)
        .filter(
            latitude__gte=lat - dlat, latitude__lte=lat + dlat, longitude__gte=lng - dlng, longitude__lte=lng + dlng,
            created_at__gte=timezone.now() - timedelta(days=days),
        )
        .exclude(pk=complaint.pk)
        .select_related("unit")
        .only("pk", "title", "status", "created_at", "latitude", "longitude", "unit__short_name",
              "unit__name")
    )  # fmt: skip
    found = []
    for other in pool[:500]:
        away = distance_m(lat, lng, float(other.latitude), float(other.longitude))
        if away <= metres:
            found.append((other, round(away)))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]
