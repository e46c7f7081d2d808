from __future__ import annotations

import time
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from . import access, dates, outbox, passwords, units
from .errors import Refused
from .forms import StaffLoginForm, UnitAreaForm, UnitContactForm
from .models import Membership, Role, Unit
from .security import client_ip


def staff_required(view):
    """Log in first; then only users with a membership (or superusers) get in, others see 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- public pages -----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    units_list = (
        Unit.objects.active().select_related("parent").order_by(F("parent_id").asc(nulls_first=True), "name")[:50]
    )
    return render(request, "humas/home.html", {"units": units_list})


def contact(request: HttpRequest) -> HttpResponse:
    units_list = list(Unit.objects.active().order_by("name"))
    return render(request, "humas/contact.html", {"units": units_list})


def unit_contact(request: HttpRequest, slug: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.active().select_related("parent"), slug=slug)
    children = unit.children.filter(is_active=True).order_by("name")
    return render(
        request,
        "humas/unit_contact.html",
        {"unit": unit, "children": children, "zone": dates.zone_abbreviation(unit.time_zone)},
    )


# --- staff console ----------------------------------------------------------------------------------


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    held = (
        Membership.objects.filter(user=request.user, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__name", "role")
    )
    by_unit: dict[Unit, list[str]] = defaultdict(list)
    for membership in held:
        by_unit[membership.unit].append(membership.get_role_display())
    return render(
        request, "staff/home.html", {"memberships": dict(by_unit), "mail_attention": mail_attention(request.user)}
    )


def mail_attention(user) -> list[tuple[str, int, str]]:
    """(label, count, admin list of the failed rows) of each kind of mail that gave up, for the staff who may
    send it again (from the admin: the outbox's change permission); nobody else sees a notice they cannot act
    on."""
    if not (user.is_staff and user.has_perm("humas.change_outboxemail")):
        return []
    counts = outbox.needing_attention()
    return [
        (str(stuck.label), count, reverse(stuck.admin_url) + "?status__exact=failed")
        for stuck, count in ((outbox.STUCK[name], count) for name, count in counts.items())
        if count
    ]


@staff_required
def staff_units(request: HttpRequest) -> HttpResponse:
    visible = access.scope(request.user, "unit.view", Unit.objects.select_related("parent")).order_by("name")
    return render(request, "staff/units.html", {"units": visible})


@staff_required
def staff_unit(request: HttpRequest, slug: str) -> HttpResponse:
    unit = access.get_for(
        request.user,
        "unit.view",
        Unit.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Unit.objects.order_by("name")),
        ),
        slug=slug,
    )
    members = []
    if access.can(request.user, "member.manage", unit):
        members = list(Membership.objects.filter(unit=unit).select_related("user").order_by("user__username", "role"))
    return render(
        request,
        "staff/unit.html",
        {
            "unit": unit,
            "members": members,
            "my_roles": sorted(Role(r).label for r in access.roles_in(request.user, unit)),
            "may_manage": access.can(request.user, "unit.manage", unit),
        },
    )


@staff_required
def staff_unit_edit(request: HttpRequest, slug: str) -> HttpResponse:
    unit = access.get_for(request.user, "unit.manage", Unit.objects.all(), slug=slug)
    form = UnitContactForm(request.POST or None, request.FILES or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            units.update_unit_contact(
                unit,
                by=request.user,
                logo=form.cleaned_data["logo_upload"],
                remove_logo=form.cleaned_data["remove_logo"],
                **{name: form.cleaned_data[name] for name in units.CONTACT_FIELDS},
            )
        except ValidationError as exc:
            form.add_error("logo_upload", exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The unit's contact details were saved."))
            return redirect("humas:staff_unit", slug=unit.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/unit_edit.html", {"unit": unit, "form": form}, status=status)


@staff_required
def staff_unit_area(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload (or remove) the unit's area; the page shows the current outline on a map when there is one."""
    unit = access.get_for(request.user, "unit.manage", Unit.objects.all(), slug=slug)
    form = UnitAreaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            units.set_unit_area(unit, by=request.user, area=form.cleaned_data.get("area"))
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            if form.cleaned_data.get("area"):
                messages.success(request, _("The unit's area was saved."))
            else:
                messages.success(request, _("The unit's area was removed."))
            return redirect("humas:staff_unit", slug=unit.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/unit_area.html", {"unit": unit, "form": form, "map": map_settings()},
                  status=status)  # fmt: skip


def map_settings() -> dict:
    """What a page's map script needs: the tile server and its attribution, Leaflet's files."""
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


# --- staff login --------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("humas:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset.subject.txt"
    success_url = reverse_lazy("humas:password_reset_done")

    def post(self, request, *args, **kwargs):
        """Every answer leaves after PASSWORD_RESET_MIN_SECONDS, so its timing tells nobody whether the
        address belongs to an account."""
        started = time.monotonic()
        response = super().post(request, *args, **kwargs)
        time.sleep(max(0.0, settings.PASSWORD_RESET_MIN_SECONDS - (time.monotonic() - started)))
        return response

    def form_valid(self, form):
        # through the outbox (humas.passwords), rate-limited, the link under SITE_URL: not Django's form.save()
        if not passwords.request_reset(email=form.cleaned_data["email"], ip=client_ip(self.request)):
            form.add_error(None, _("Too many requests from your network. Wait a while and try again."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("humas:password_reset_complete")
