"""An Open311 POST becomes the web form's input: its fields are mapped onto complaints' ApiComplaintForm, which
checks them with the same rules and messages as the form and the REST API. Only what GeoReport adds is
checked here: the service code, that a place is given, the media URL, the attributes."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from complaints.models import IdentityMode, Kind, Visibility
from complaints.public.forms import ApiComplaintForm
from open311 import georeport

TITLE_LENGTH = 100


def title_of(description: str) -> str:
    """The report's title: its first line, cut at a word near TITLE_LENGTH characters."""
    first = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    if len(first) <= TITLE_LENGTH:
        return first
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


def is_public_url(url: str) -> bool:
    """An http(s) URL whose host is a public address (every address it resolves to). The portal never fetches
    it; a private, loopback or link-local host is refused so that no one plants an internal address here."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except forms.ValidationError:
        return False
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


class Problem(Exception):
    """A request GeoReport refuses: the HTTP status and the messages of its error list."""

    def __init__(self, status: int, *messages: str):
        super().__init__(messages[0] if messages else "")
        self.status = status
        self.messages = [str(m) for m in messages]


def complaint_form(params, *, category_codes: set[str]) -> tuple[ApiComplaintForm, str]:
    """The complaint form bound to the POST's parameters, and the media URL; Problem for GeoReport's own
    checks. The caller runs the form's validation (the same as the web form's)."""
    code = params.get("service_code", "").strip()
    if not code:
        raise Problem(400, _("service_code is required."))
    if code not in category_codes:
        raise Problem(404, _("There is no service with the code %(code)s.") % {"code": code})
    jurisdiction = params.get("jurisdiction_id", "").strip()
    if jurisdiction and jurisdiction != georeport.jurisdiction_id():
        raise Problem(404, _("Unknown jurisdiction_id %(id)s.") % {"id": jurisdiction})
    lat, lng = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    address_id = params.get("address_id", "").strip()
    if not ((lat and lng) or address or address_id):
        raise Problem(400, _("Give the place: lat and long, or address_string, or address_id."))
    media_url = params.get("media_url", "").strip()
    if media_url and not is_public_url(media_url):
        raise Problem(400, _("media_url must be a public http(s) address; it is not fetched."))
    consent = params.get("attribute[consent]", "").strip().lower()
    identity = params.get("attribute[identity]", "").strip().lower()
    visibility = params.get("attribute[visibility]", "").strip().lower() or Visibility.PUBLIC
    problems = []
    if identity and identity not in georeport.IDENTITY_VALUES:
        problems.append(_("attribute[identity] must be one of: %s.") % ", ".join(georeport.IDENTITY_VALUES))
    if visibility not in georeport.VISIBILITY_VALUES:
        problems.append(_("attribute[visibility] must be one of: %s.") % ", ".join(georeport.VISIBILITY_VALUES))
    if problems:
        raise Problem(400, *problems)
    name = " ".join(part for part in (params.get("first_name", ""), params.get("last_name", "")) if part.strip())
    email, phone = params.get("email", "").strip(), params.get("phone", "").strip()
    if not identity:
        identity = IdentityMode.NAMED if (name.strip() or email or phone) else IdentityMode.ANONYMOUS
    description = params.get("description", "")
    location = address or (f"address_id {address_id}" if address_id else "")
    data = {
        "kind": Kind.COMPLAINT,
        "unit": "",
        "category": code,
        "title": title_of(description),
        "description": description,
        "location": location[:200],
        "latitude": lat,
        "longitude": lng,
        "identity_mode": identity,
        "reporter_name": name,
        "reporter_email": email,
        "reporter_phone": phone,
        "visibility": visibility,
        "consent": "on" if consent in ("yes", "true", "1") else "",
    }
    return ApiComplaintForm(data=data, files={}), media_url


FIELD_NAMES = {
    "title": "description",
    "reporter_name": "first_name",
    "reporter_email": "email",
    "reporter_phone": "phone",
    "latitude": "lat",
    "longitude": "long",
    "consent": "attribute[consent]",
    "identity_mode": "attribute[identity]",
    "visibility": "attribute[visibility]",
    "category": "service_code",
}


def form_problem(form) -> Problem:
    """The form's errors as GeoReport's error list, each naming the Open311 field: 'lat: …'."""
    messages = []
    for field, errors in form.errors.items():
        label = FIELD_NAMES.get(field, field)
        messages.extend(f"{label}: {message}" if field != "__all__" else str(message) for message in errors)
    return Problem(400, *messages)
