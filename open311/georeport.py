"""What GeoReport v2 answers, as plain dicts and lists, and their two renderings (JSON and XML).

Privacy: only public reports (never `rahasia`) that staff have verified (the public board's statuses) are
listed or shown; what is shown is what the public board shows — the title (as `description`), the status, the
unit, the category, the dates, the latest public answer (`status_notes`) — plus the point rounded to about
100 m (humas.geo.public_coordinate). Never the reporter's identity, the full text, internal notes, exact
coordinates or the free-text address."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.models import BOARD_STATUSES, OPEN_STATUSES, Category, Complaint, ComplaintEvent, Visibility
from humas import geo
from humas.dates import zone

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00Z"  # when this server's GeoReport contract last changed
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_DAYS = 90  # GET requests without dates: the last 90 days
MAX_DAYS = 90  # a longer range is clamped to its last 90 days
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 200

# the attributes every service asks for (its service definition): the report's identity and visibility
# modes, and the reporter's consent under UU 27/2022 that the client app collected
IDENTITY_VALUES = ("named", "anonim", "anonymous")
VISIBILITY_VALUES = ("public", "rahasia")


def jurisdiction_id() -> str:
    """The site's domain, from SITE_URL."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def iso(moment: datetime | None, tz_name: str) -> str | None:
    """ISO 8601 with the unit's offset, e.g. 2026-12-06T14:30:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone(tz_name)).isoformat(timespec="seconds")


# --- services -----------------------------------------------------------------------------------------------


def service_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, unit__is_active=True).select_related("unit")


def service(category: Category) -> dict:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k.strip() for k in category.keywords.split(",") if k.strip()),
        "group": category.unit.name,
    }


def definition(category: Category) -> dict:
    def values(pairs):
        return [{"key": key, "name": str(name)} for key, name in pairs]

    return {
        "service_code": str(category.pk),
        "attributes": [
            {
                "variable": True,
                "code": "consent",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": _("The reporter agreed that the office processes the report's data."),
                "order": 1,
                "description": _(
                    "I agree that the office processes the data in this report only to handle it, as Law 27/2022 "
                    "on personal data protection requires, and keeps it no longer than needed."
                ),
                "values": values([("yes", _("Yes"))]),
            },
            {
                "variable": True,
                "code": "identity",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _(
                    "Default: named when a name and a contact are given, fully anonymous when none is."
                ),
                "order": 2,
                "description": _("Your identity"),
                "values": values(
                    [
                        ("named", _("Named — the handling unit sees your name and contact so it can reach you.")),
                        ("anonim", _("Confidential (anonim) — only the humas office sees who you are.")),
                        ("anonymous", _("Fully anonymous — no name or contact is kept.")),
                    ]
                ),
            },
            {
                "variable": True,
                "code": "visibility",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("Default: public."),
                "order": 3,
                "description": _("Who may read the report?"),
                "values": values(
                    [
                        ("public", _("Public — the report (without your name) and the answers may appear publicly.")),
                        ("rahasia", _("Confidential (rahasia) — never shown publicly.")),
                    ]
                ),
            },
        ],
    }


# --- requests -----------------------------------------------------------------------------------------------


def public_requests(*, verified_only: bool = True) -> QuerySet[Complaint]:
    """The reports GeoReport shows, with what a row needs in two queries: public ones verified by staff (the
    list); with `verified_only=False` also those not verified yet or rejected (one request by its id, which
    then shows only its status and dates: see request_row)."""
    found = Complaint.objects.filter(visibility=Visibility.PUBLIC)
    if verified_only:
        found = found.filter(status__in=BOARD_STATUSES)
    return (
        found.select_related("unit", "category", "open311")
        .defer("description", "reporter_name", "reporter_email", "reporter_phone", "location", "rating_comment")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ComplaintEvent.objects.filter(by_reporter=False)
                .exclude(public_message="")
                .only("pk", "complaint_id", "public_message", "created_at")
                .order_by("-created_at", "-pk"),
                to_attr="public_answers",
            )
        )
        .order_by("-created_at", "-pk")
    )


def service_notice(complaint: Complaint) -> str:
    days = complaint.category.resolution_days if complaint.category else 14
    return ngettext(
        "Verified within 3 working days; handled within %(days)d working day.",
        "Verified within 3 working days; handled within %(days)d working days.",
        days,
    ) % {"days": days}


def request_row(complaint: Complaint) -> dict:
    """One request. A report staff have not verified (new or rejected) shows only its status, service, unit and
    dates: its text and place are not public before someone has looked at them."""
    tz_name = complaint.unit.time_zone
    vetted = complaint.status in BOARD_STATUSES
    answers = getattr(complaint, "public_answers", []) if vetted else []
    try:
        media_url = complaint.open311.media_url or None
    except Complaint.open311.RelatedObjectDoesNotExist:
        media_url = None
    return {
        "service_request_id": str(complaint.pk),
        "status": "open" if complaint.status in OPEN_STATUSES else "closed",
        "status_notes": answers[0].public_message if answers else None,
        "service_name": complaint.category.name if complaint.category else None,
        "service_code": str(complaint.category_id) if complaint.category_id else None,
        "description": complaint.title if vetted else None,
        "agency_responsible": complaint.unit.name,
        "service_notice": service_notice(complaint),
        "requested_datetime": iso(complaint.created_at, tz_name),
        "updated_datetime": iso(complaint.updated_at, tz_name),
        "expected_datetime": iso(complaint.resolution_due_at, tz_name),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": geo.public_coordinate(complaint.latitude) if vetted else None,
        "long": geo.public_coordinate(complaint.longitude) if vetted else None,
        "media_url": media_url if vetted else None,
    }


# --- rendering ------------------------------------------------------------------------------------------------


def _xml_value(parent: ElementTree.Element, name: str, value) -> None:
    node = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif isinstance(value, list):
        child = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}[name]
        for item in value:
            _xml_value(node, child, item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render(fmt: str, data, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """`data` (a list of `item` dicts, or one dict) as JSON, or as XML under `root`."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        node = ElementTree.Element(root)
        for row in data if isinstance(data, list) else [data]:
            parent = ElementTree.SubElement(node, item) if item else node
            for key, value in row.items():
                _xml_value(parent, key, value)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(node, encoding="unicode")
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def error(fmt: str, status: int, *descriptions: str, headers: dict | None = None) -> HttpResponse:
    """The spec's error list: [{"code": <HTTP status>, "description": "…"}], or <errors><error>… in XML."""
    rows = [{"code": status, "description": str(text)} for text in descriptions]
    response = render(fmt, rows, root="errors", item="error", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
