"""Staff import and export of the media contacts list. The import checks each line and reports the bad ones
by line number while the good ones are imported; contacts are confirmed only when the importing staff member
states that they consented before, otherwise they are pending and get the double-opt-in e-mail. Each contact
imported starts its consent record with who imported it, from which file and line, and what they stated."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from humas import spreadsheets
from humas.errors import Refused

from . import retention, subscriptions
from .models import EventKind, Subscriber, SubscriberStatus

COLUMNS = ["name", "email", "phone", "outlet", "language"]
MAX_ROWS = 20000


@dataclass
class ImportReport:
    created: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _rows(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:
            raise Refused(_("This is not an XLSX file Excel or LibreOffice can open.")) from None
        lines = ([("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused(_("Save the file as CSV in UTF-8 and upload it again.")) from None
        lines = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(lines, [])]
    if "email" not in header or "name" not in header:
        raise Refused(_("The first line must name the columns, at least 'name' and 'email'."))
    for number, values in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            raise Refused(_("At most %(n)d contacts can be imported at once.") % {"n": MAX_ROWS})
        if not any(v.strip() for v in values):
            continue
        # a file the portal exported comes back as it was (humas.spreadsheets escaped formula-like values)
        yield (
            number,
            {
                key: (spreadsheets.unescape(values[i].strip()) if i < len(values) else "")
                for i, key in enumerate(header)
            },
        )


@transaction.atomic
def import_contacts(*, data: bytes, filename: str, prior_consent: bool, by) -> ImportReport:
    report = ImportReport()
    seen: set[str] = set()
    existing = {e.lower() for e in Subscriber.objects.values_list("email", flat=True)}
    now = timezone.now()
    for number, row in _rows(data, filename):
        email = subscriptions.normalise_email(row.get("email", ""))
        try:
            validate_email(email)
        except ValidationError:
            report.problems.append((number, _("'%(email)s' is not an e-mail address.") % {"email": email}))
            continue
        if not row.get("name"):
            report.problems.append((number, _("The name is missing.")))
            continue
        if subscriptions.is_disposable(email):
            report.problems.append((number, _("A throw-away address is not imported.")))
            continue
        if email.lower() in existing or email.lower() in seen:
            report.problems.append((number, _("This address is on the list already; it was left as it is.")))
            continue
        if retention.is_suppressed(email):
            report.problems.append((number, _("This address left the list earlier and is never added again.")))
            continue
        language = row.get("language", "id").lower()[:2]
        subscriber = Subscriber.objects.create(
            name=row["name"][:120],
            email=email,
            phone=row.get("phone", "")[:30],
            outlet=subscriptions.outlet_named(row.get("outlet", "")),
            language=language if language in ("id", "en") else "id",
            status=SubscriberStatus.CONFIRMED if prior_consent else SubscriberStatus.PENDING,
            consent_at=now if prior_consent else None,
            confirmed_at=now if prior_consent else None,
            consent_note=(_("imported by %(user)s, who stated prior consent") % {"user": by.get_username()})[:200]
            if prior_consent
            else "",
        )
        seen.add(email.lower())
        subscriptions.record_event(
            subscriber, EventKind.IMPORTED, by=by, channel="import",
            details={"prior_consent": prior_consent, "file": filename[:100], "line": number},
        )  # fmt: skip
        if not prior_consent:
            subscriptions.send_confirmation(subscriber, subscriptions.confirm_token(subscriber), key_suffix="import")
        report.created += 1
    return report


def export_rows() -> Iterator[list[str]]:
    yield [*COLUMNS, "status", "confirmed_at"]
    rows = Subscriber.objects.select_related("outlet").order_by("pk").iterator(chunk_size=2000)
    for s in rows:
        confirmed = s.confirmed_at.isoformat() if s.confirmed_at else ""
        yield [s.name, s.email, s.phone, s.outlet.name if s.outlet else "", s.language, s.status, confirmed]
