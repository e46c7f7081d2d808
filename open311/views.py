"""GeoReport v2 at /open311/v2/: every resource in .json and .xml, errors as the spec's error list. Views
parse and call georeport (reading), forms (checking) and filing (the one write)."""

from __future__ import annotations

from datetime import timedelta

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from complaints.models import OPEN_STATUSES, Status, Visibility
from humas import ratelimit
from open311 import clients, filing, georeport
from open311.forms import Problem, complaint_form, form_problem
from open311.models import Request

CLOSED_STATUSES = [s for s in Status.values if s not in OPEN_STATUSES]


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("discovery", 1)[0]
    return georeport.render(
        fmt,
        {
            "changeset": georeport.CHANGESET,
            "contact": settings.DEFAULT_FROM_EMAIL,
            "key_service": _("API keys are issued by the humas office to registered client apps; ask %(contact)s.")
            % {"contact": settings.DEFAULT_FROM_EMAIL},
            "endpoints": [
                {
                    "specification": georeport.SPECIFICATION,
                    "url": url,
                    "changeset": georeport.CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        root="discovery",
    )


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [georeport.service(category) for category in georeport.service_categories()]
    return georeport.render(fmt, rows, root="services", item="service")


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = georeport.service_categories().filter(pk=int(code)).first() if code.isdigit() else None
    if category is None:
        return georeport.error(fmt, 404, _("There is no service with the code %(code)s.") % {"code": code})
    return georeport.render(fmt, georeport.definition(category), root="service_definition")


@csrf_exempt  # a client app authenticates with its api_key, never with a cookie
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        if request.method == "POST":
            return _post(request, fmt)
        return _list(request, fmt)
    except Problem as problem:
        headers = {"Retry-After": "3600"} if problem.status == 429 else None
        return georeport.error(fmt, problem.status, *problem.messages, headers=headers)


def _post_params(request: HttpRequest) -> QueryDict:
    """The POST's parameters: form-encoded as the spec says, or an XML <service_request> (an extension),
    parsed without DTDs or entities (defusedxml): a body that declares any is refused."""
    content_type = request.content_type or ""
    if not content_type.endswith("xml"):
        return request.POST
    try:
        root = fromstring(request.body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError):
        raise Problem(400, _("The XML body cannot be read, or declares a DTD or entities (refused).")) from None
    params = QueryDict(mutable=True)
    for node in root:
        if node.tag == "attribute":
            for item in node:
                params[f"attribute[{item.tag}]"] = (item.text or "").strip()
        else:
            params[node.tag] = (node.text or "").strip()
    return params


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    params = _post_params(request)
    key = params.get("api_key", "").strip()
    if not key:
        raise Problem(403, _("api_key is required to file a request; ask the humas office for one."))
    client = clients.client_for_key(key)
    if client is None:
        raise Problem(403, _("Invalid api_key received -- can't proceed with create_request."))
    if not client.is_active:
        raise Problem(403, _("This api_key was revoked."))
    if not ratelimit.allow("open311-request", str(client.pk)):
        raise Problem(429, _("Too many requests with this api_key in the last hour. Try again later."))
    codes = {str(pk) for pk in georeport.service_categories().values_list("pk", flat=True)}
    form, media_url = complaint_form(params, category_codes=codes)
    if not form.is_valid():
        raise form_problem(form)
    filed = filing.file_request(
        client=client, form=form, media_url=media_url, language=getattr(request, "LANGUAGE_CODE", None)
    )
    return georeport.render(fmt, [_receipt(filed)], root="service_requests", item="request", status=201)


def _receipt(filed: Request) -> dict:
    """What the POST answers: the id (not for a `rahasia` report: it is never shown, so only the token), the
    token, and the receipt as the service notice (the tracking code, shown this once, and the verification
    deadline)."""
    from complaints.public import intake

    complaint = filed.complaint
    receipt = intake.receipt_context(complaint)
    notice = _(
        "Report received. Tracking code %(code)s: keep it to follow the report at %(url)s. It is verified by "
        "%(verify_by)s."
    ) % {"code": complaint.issued_code, "url": receipt["track_url"], "verify_by": receipt["verify_by"]}
    row = {"token": filed.token, "service_notice": notice, "account_id": None}
    if complaint.visibility == Visibility.PUBLIC:
        row = {"service_request_id": str(complaint.pk), **row}
    return row


def _dates(params) -> tuple:
    """start and end from ISO 8601 (with offset); without them the last 90 days; a longer range is clamped
    to the 90 days that end at `end_date`."""
    parsed = {}
    for name in ("start_date", "end_date"):
        raw = params.get(name, "").strip()
        if raw:
            try:
                value = parse_datetime(raw.replace(" ", "+"))
            except ValueError:
                value = None
            if value is None:
                raise Problem(400, _("%(name)s must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00+07:00.")
                              % {"name": name})  # fmt: skip
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            parsed[name] = value
    end = parsed.get("end_date") or timezone.now()
    start = parsed.get("start_date") or end - timedelta(days=georeport.DEFAULT_DAYS)
    if start > end:
        raise Problem(400, _("start_date must come before end_date."))
    start = max(start, end - timedelta(days=georeport.MAX_DAYS))
    return start, end


def _page(params, name: str, default: int, maximum: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise Problem(400, _("%(name)s must be a whole number from 1.") % {"name": name})
    return min(int(raw), maximum)


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    found = georeport.public_requests()
    ids = [part.strip() for part in params.get("service_request_id", "").split(",") if part.strip()]
    if ids:  # the spec: with ids, every other filter is ignored
        if not all(part.isdigit() for part in ids):
            raise Problem(400, _("service_request_id must be numbers separated by commas."))
        found = found.filter(pk__in=[int(part) for part in ids[: georeport.MAX_PAGE_SIZE]])
    else:
        start, end = _dates(params)
        found = found.filter(created_at__gte=start, created_at__lte=end)
        codes = [part.strip() for part in params.get("service_code", "").split(",") if part.strip()]
        if codes:
            if not all(part.isdigit() for part in codes):
                raise Problem(400, _("service_code must be service codes separated by commas."))
            found = found.filter(category_id__in=[int(part) for part in codes])
        statuses = {part.strip() for part in params.get("status", "").split(",") if part.strip()}
        if statuses - {"open", "closed"}:
            raise Problem(400, _("status must be open, closed or both (open,closed)."))
        if statuses == {"open"}:
            found = found.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            found = found.filter(status__in=CLOSED_STATUSES)
    size = _page(params, "page_size", georeport.DEFAULT_PAGE_SIZE, georeport.MAX_PAGE_SIZE)
    number = _page(params, "page", 1, 10**6)
    try:
        rows = Paginator(found, size, allow_empty_first_page=True).page(number).object_list
    except EmptyPage:
        rows = []
    data = [georeport.request_row(complaint) for complaint in rows]
    return georeport.render(fmt, data, root="service_requests", item="request")


@require_GET
def request_detail(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    complaint = georeport.public_requests(verified_only=False).filter(pk=pk).first()
    if complaint is None:
        return georeport.error(fmt, 404, _("There is no public request with the id %(id)s.") % {"id": pk})
    return georeport.render(fmt, [georeport.request_row(complaint)], root="service_requests", item="request")


@require_GET
def token(request: HttpRequest, value: str, fmt: str) -> HttpResponse:
    """The request id of a token (a public report's; a `rahasia` report's token answers 404 like an unknown one)."""
    filed = Request.objects.filter(token=value, complaint__visibility=Visibility.PUBLIC).only("token", "complaint_id")
    filed = filed.first() if value.isalnum() else None
    if filed is None:  # unknown, or a `rahasia` report's: never shown through Open311
        return georeport.error(fmt, 404, _("There is no request with this token."))
    row = {"service_request_id": str(filed.complaint_id), "token": filed.token}
    return georeport.render(fmt, [row], root="service_requests", item="request")
