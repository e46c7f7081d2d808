"""The tracking session: how a citizen who files without an account (a report, an information request) proves,
request after request, that they hold a record's tracking code. Entering the code in the rate-limited
tracking form (or filing the record) enters the record in the browser's session; the reporter's pages and
actions (rate, object, add information, see what they sent) ask `holds`, never a staff login.

The session is the reporter's alone and short: it ends when the browser closes (for a visitor who is not
logged in) and a record drops out of it after REPORTER_SESSION_IDLE_MINUTES without a visit.

The clear code itself is never kept: `hand_code` leaves it in the session for the receipt page, which
`take_code` empties, so it is shown once.

    reporter_sessions.enter(request, "complaint", complaint.pk)
    if not reporter_sessions.holds(request, "complaint", pk): raise Http404
    reporter_sessions.hand_code(request, "complaint", complaint.pk, display_code)
    code = reporter_sessions.take_code(request, "complaint", pk)   # the first time only
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "reporter"
CODES_KEY = "reporter_codes"
LIMIT = 20  # records one browser may follow at once (per kind)


def _idle_seconds() -> int:
    return settings.REPORTER_SESSION_IDLE_MINUTES * 60


def enter(request: HttpRequest, kind: str, pk: int) -> None:
    """The browser holds the code of record `pk` of `kind` (e.g. "complaint", "information_request")."""
    held = dict(request.session.get(SESSION_KEY, {}))
    records = {key: seen for key, seen in held.get(kind, {}).items() if key != str(pk)}
    records[str(pk)] = int(time.time())
    held[kind] = dict(sorted(records.items(), key=lambda item: item[1])[-LIMIT:])
    request.session[SESSION_KEY] = held
    if not request.user.is_authenticated:
        request.session.set_expiry(0)  # ends when the browser closes


def holds(request: HttpRequest, kind: str, pk: int) -> bool:
    """Does this browser hold record `pk`, visited within the idle limit? A visit refreshes the limit."""
    held = request.session.get(SESSION_KEY, {})
    seen = held.get(kind, {}).get(str(pk))
    now = int(time.time())
    if seen is None:
        return False
    if now - seen > _idle_seconds():
        forget(request, kind, pk)
        return False
    if now - seen > 60:  # write the session again at most once a minute per record
        held = dict(held)
        held[kind] = {**held[kind], str(pk): now}
        request.session[SESSION_KEY] = held
    return True


def forget(request: HttpRequest, kind: str, pk: int) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    records = {key: seen for key, seen in held.get(kind, {}).items() if key != str(pk)}
    held[kind] = records
    request.session[SESSION_KEY] = held


def hand_code(request: HttpRequest, kind: str, pk: int, code: str) -> None:
    """Leave the clear code for the receipt page of the record just filed (shown once, see `take_code`)."""
    request.session[CODES_KEY] = {f"{kind}:{pk}": code}


def take_code(request: HttpRequest, kind: str, pk: int) -> str | None:
    """The code left by `hand_code` for this record, removed from the session: None after the first call."""
    codes = request.session.get(CODES_KEY)
    if not codes:
        return None
    code = codes.get(f"{kind}:{pk}")
    if code is not None:
        del request.session[CODES_KEY]
    return code
