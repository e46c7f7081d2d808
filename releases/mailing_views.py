"""Public pages of the media-partner mailing list (/mitra-media/) and the staff's distribution page of a
release. Views parse and call releases.subscriptions / releases.dispatch."""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from humas import access, ratelimit
from humas.errors import Refused
from humas.security import client_ip
from humas.views import staff_required

from . import dispatch, subscriber_import, subscriptions
from .mailing_forms import PreferencesForm, SubscribeForm
from .models import Delivery, DeliveryStatus, Dispatch, DispatchState, Release, Subscriber, SubscriberStatus

LOG_SIZE = 50


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("Columns: name, email, and optionally phone, outlet, language (id or en)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    prior_consent = forms.BooleanField(
        label=gettext_lazy(
            "These people agreed before to receive our press releases by e-mail (they are confirmed at once; "
            "otherwise each gets the confirmation e-mail)"
        ),
        required=False,
    )


def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    throttled = False
    if request.method == "POST":
        if not ratelimit.hit("subscribe", client_ip(request), limit=settings.SUBSCRIBE_LIMIT, window=3600):
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
                return redirect("releases:subscriber_sent")
    status = 429 if throttled else 200
    return render(request, "releases/mailing/subscribe.html", {"form": form, "throttled": throttled}, status=status)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/mailing/sent.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriptions.confirm(token=token)
    except Refused as exc:
        return render(request, "releases/mailing/problem.html", {"problem": str(exc)}, status=400)
    manage_token = subscriptions.manage_token(subscriber.pk)
    return render(request, "releases/mailing/confirmed.html", {"subscriber": subscriber, "token": manage_token})


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_manage(token)
    except Refused as exc:
        return render(request, "releases/mailing/problem.html", {"problem": str(exc)}, status=400)
    initial = {
        "units": subscriber.units.all(),
        "categories": subscriber.categories.all(),
        "tags": subscriber.tags.all(),
        "language": subscriber.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscriptions.update_preferences(subscriber, preferences=form.preferences())
        messages.success(request, _("Your preferences were saved."))
        return redirect("releases:subscriber_manage", token=token)
    context = {
        "form": form,
        "subscriber": subscriber,
        "unsubscribe_token": subscriptions.unsubscribe_token(subscriber.pk),
    }
    return render(request, "releases/mailing/manage.html", context)


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the authority
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (link scanners must not unsubscribe anyone); POST unsubscribes, from the
    button or as an RFC 8058 one-click request (body `List-Unsubscribe=One-Click`)."""
    try:
        subscriber = subscriptions.subscriber_for_unsubscribe(token)
    except Refused as exc:
        return render(request, "releases/mailing/problem.html", {"problem": str(exc)}, status=400)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("You have been unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(request, "releases/mailing/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "releases/mailing/unsubscribe.html", {"subscriber": subscriber, "token": token})


# --- staff -------------------------------------------------------------------------------------------


@staff_required
def distribution(request: HttpRequest, pk: int) -> HttpResponse:
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
        context["may_resend"] = access.can(request.user, "subscriber.manage", release)
    return render(request, "releases/mailing/distribution.html", context)


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
    return redirect("releases:staff_distribution", pk=pk)


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
    return render(request, "releases/mailing/staff_subscribers.html", context)


@staff_required
def subscriber_export(request: HttpRequest) -> StreamingHttpResponse:
    _may_manage(request)
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in subscriber_import.export_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mitra-media.csv"'
    return response


class Echo:
    def write(self, value: str) -> str:
        return value
