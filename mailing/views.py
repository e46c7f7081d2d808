"""Public pages of the media-partner mailing list (/mitra-media/), the staff's list of media contacts with each
one's consent record, and the e-mail dispatch page of a release. Views parse and call mailing.subscriptions /
mailing.dispatch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from humas import access, ratelimit, spreadsheets
from humas.errors import Refused
from humas.security import client_ip
from humas.views import staff_required
from releases.models import Release

from . import dispatch, embargo, partners, subscriber_import, subscriptions
from .forms import ImportForm, PreferencesForm, SubscribeForm
from .models import Delivery, DeliveryStatus, Dispatch, DispatchState, MediaPartner, Subscriber, SubscriberStatus

LOG_SIZE = 50


def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    throttled = False
    if request.method == "POST":
        if not ratelimit.allow("subscribe", client_ip(request)):
            throttled = True
        elif form.is_valid():
            d = form.cleaned_data
            try:
                subscriptions.subscribe(
                    name=d["name"], email=d["email"], outlet=d["outlet"], preferences=form.preferences(),
                    ip=client_ip(request),
                )  # fmt: skip
            except Refused as exc:
                form.add_error("email", str(exc))
            else:
                return redirect("mailing:subscriber_sent")
    status = 429 if throttled else 200
    return render(request, "mailing/subscribe.html", {"form": form, "throttled": throttled}, status=status)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "mailing/sent.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET (the link in the e-mail) shows a page with a button: mail scanners and link previews follow links and
    must not subscribe anyone. POST (the button) confirms."""
    try:
        if request.method != "POST":
            subscriber = subscriptions.subscriber_for_confirm(token)
            return render(request, "mailing/confirm.html", {"subscriber": subscriber, "token": token})
        subscriber = subscriptions.confirm(token=token, ip=client_ip(request))
    except Refused as exc:
        return render(request, "mailing/problem.html", {"problem": str(exc)}, status=400)
    manage_token = subscriptions.manage_token(subscriber.pk)
    return render(request, "mailing/confirmed.html", {"subscriber": subscriber, "token": manage_token})


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_manage(token)
    except Refused as exc:
        return render(request, "mailing/problem.html", {"problem": str(exc)}, status=400)
    initial = {
        "units": subscriber.units.all(),
        "categories": subscriber.categories.all(),
        "tags": subscriber.tags.all(),
        "language": subscriber.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscriptions.update_preferences(subscriber, preferences=form.preferences(), ip=client_ip(request))
        messages.success(request, _("Your preferences were saved."))
        return redirect("mailing:subscriber_manage", token=token)
    context = {
        "form": form,
        "subscriber": subscriber,
        "unsubscribe_token": subscriptions.unsubscribe_token(subscriber.pk),
    }
    return render(request, "mailing/manage.html", context)


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the authority
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (link scanners must not unsubscribe anyone); POST unsubscribes, from the
    button or as an RFC 8058 one-click request (body `List-Unsubscribe=One-Click`)."""
    try:
        subscriber = subscriptions.subscriber_for_unsubscribe(token)
    except Refused as exc:
        return render(request, "mailing/problem.html", {"problem": str(exc)}, status=400)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        subscriptions.unsubscribe(subscriber, channel="one-click" if one_click else "web", ip=client_ip(request))
        if one_click:
            return HttpResponse(_("You have been unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(request, "mailing/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "mailing/unsubscribe.html", {"subscriber": subscriber, "token": token})


# --- staff -------------------------------------------------------------------------------------------


@staff_required
def dispatch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The release's e-mail dispatch: progress, failures, retries (refreshes itself while it runs)."""
    release = access.get_for(request.user, "release.view", Release.objects.select_related("unit"), pk=pk)
    item = Dispatch.objects.filter(release=release).first()
    context = {"release": release, "dispatch": item, "LOG_SIZE": LOG_SIZE}
    if item is not None:
        context["progress"] = dispatch.progress(item)
        context["problems"] = (
            Delivery.objects.filter(dispatch=item, status__in=[DeliveryStatus.FAILED])
            .exclude(last_error="")
            .select_related("subscriber__outlet")
            .order_by("-pk")[:LOG_SIZE]
        )
        context["retrying"] = (
            Delivery.objects.filter(dispatch=item, status=DeliveryStatus.PENDING)
            .exclude(last_error="")
            .select_related("subscriber__outlet")
            .order_by("-pk")[:LOG_SIZE]
        )
        context["live"] = item.state in (DispatchState.PREPARING, DispatchState.SENDING)
        context["embargo_views"] = embargo.views_by_delivery(item.pk)
        context["may_resend"] = access.can(request.user, "subscriber.manage", release)
    return render(request, "mailing/dispatch.html", context)


@staff_required
@require_POST
def resend_failed(request: HttpRequest, pk: int) -> HttpResponse:
    release = access.get_for(request.user, "subscriber.manage", Release.objects.all(), pk=pk)
    item = Dispatch.objects.select_related("release").filter(release=release).first()
    if item is not None:
        try:
            count = dispatch.resend_failed(item)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(count)d failed deliveries are sent again.") % {"count": count})
    return redirect("mailing:staff_dispatch", pk=pk)


@staff_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    """'Send a test to me' on the release's staff page."""
    release = access.get_for(request.user, "release.view", Release.objects.select_related("unit"), pk=pk)
    try:
        address = dispatch.request_test(release, by=request.user)
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("A test e-mail of this release is on its way to %(address)s. Nobody else receives it.")
            % {"address": address},
        )
    return redirect("releases:staff_detail", pk=pk)


# --- the embargoed preview ---------------------------------------------------------------------------

EMBARGO_STATUS = {"invalid": 400, "expired": 410, "withdrawn": 410, "unverified": 403}


def embargo_preview(request: HttpRequest, token: str) -> HttpResponse:
    """The release under embargo for the media partner the link was sent to: named on the page, never
    indexed, each view logged; a refused link says why (and a lifted embargo leads to the public page)."""
    preview = embargo.open_preview(token, ip=client_ip(request))
    if preview.problem == "published":
        return redirect("releases:detail", slug=preview.release.slug)
    context = {"preview": preview, "release": preview.release}
    if preview.problem:
        response = render(request, "mailing/embargo_problem.html", context, status=EMBARGO_STATUS[preview.problem])
    else:
        from releases.newsroom import selectors
        from releases.publishing import embargo_text

        context["release"] = selectors.release_page_for_staff(preview.release.pk)
        context["embargo"] = embargo_text(preview.release)
        response = render(request, "mailing/embargo_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff -------------------------------------------------------------------------------------------


def _may_manage(request: HttpRequest) -> None:
    if not access.has_any(request.user, "subscriber.manage"):
        raise PermissionDenied


@staff_required
def subscriber_list(request: HttpRequest) -> HttpResponse:
    """The media contacts: filtered by status or a search, with the import form and the export link."""
    _may_manage(request)
    form = ImportForm()
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = subscriber_import.import_contacts(
                    data=upload.read(), filename=upload.name, prior_consent=form.cleaned_data["prior_consent"],
                    by=request.user,
                )  # fmt: skip
            except Refused as exc:
                form.add_error("file", str(exc))
    rows = Subscriber.objects.select_related("outlet").order_by("name", "pk")
    status = request.GET.get("status", "")
    if status in SubscriberStatus.values:
        rows = rows.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(outlet__name__icontains=query))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "report": report,
        "status": status,
        "q": query,
        "statuses": SubscriberStatus.choices,
    }
    return render(request, "mailing/staff_subscribers.html", context)


@staff_required
def subscriber_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One media contact with their preferences and consent record (read only)."""
    _may_manage(request)
    subscriber = get_object_or_404(Subscriber.objects.select_related("outlet"), pk=pk)
    context = {
        "subscriber": subscriber,
        "units": list(subscriber.units.all()),
        "categories": list(subscriber.categories.all()),
        "tags": list(subscriber.tags.all()),
        "events": list(subscriber.events.select_related("by")[:200]),
    }
    return render(request, "mailing/staff_subscriber.html", context)


@staff_required
def subscriber_export(request: HttpRequest) -> StreamingHttpResponse:
    _may_manage(request)
    writer = spreadsheets.csv_writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in subscriber_import.export_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mitra-media.csv"'
    return response


class Echo:
    def write(self, value: str) -> str:
        return value


@staff_required
def partner_list(request: HttpRequest) -> HttpResponse:
    """The media outlets with their verification: verified ones receive releases under embargo."""
    _may_manage(request)
    rows = MediaPartner.objects.select_related("verified_by", "revoked_by").annotate(
        journalists=Count("subscribers", filter=Q(subscribers__status=SubscriberStatus.CONFIRMED))
    )
    return render(request, "mailing/staff_partners.html", {"partners": rows.order_by("name")})


@staff_required
@require_POST
def partner_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _may_manage(request)
    partner = get_object_or_404(MediaPartner, pk=pk)
    if action not in ("verifikasi", "cabut"):
        raise Http404
    try:
        if action == "verifikasi":
            partners.verify(partner, by=request.user)
            messages.success(request, _("%(name)s is verified.") % {"name": partner.name})
        else:
            partners.revoke(partner, by=request.user)
            messages.success(request, _("The verification of %(name)s is revoked.") % {"name": partner.name})
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("mailing:staff_partners")
