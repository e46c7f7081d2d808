"""What the mailing list puts into the shared templates' slots: the staff menu item, the newsroom's invitation
to subscribe, and on a release's staff page the e-mail dispatch button, the test e-mail form and the count
of media partners e-mailed."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from humas import access

from .models import Delivery, DeliveryStatus


def staff_menu_item(request: HttpRequest) -> str:
    if not access.has_any(request.user, "subscriber.manage"):
        return ""
    return render_to_string("mailing/_staff_menu.html", {}, request=request)


def newsroom_invitation(request: HttpRequest) -> str:
    return render_to_string("mailing/_newsroom_invitation.html", {}, request=request)


def dispatch_button(request: HttpRequest, *, release) -> str:
    if not release.published_at:
        return ""
    return render_to_string("mailing/_dispatch_button.html", {"release": release}, request=request)


def test_mail_form(request: HttpRequest, *, release) -> str:
    if not access.can(request.user, "release.write", release):
        return ""
    return render_to_string("mailing/_test_mail_form.html", {"release": release}, request=request)


def emailed_count(request: HttpRequest, *, release) -> str:
    """How many media partners received the release by e-mail, with a link to the dispatch page."""
    count = Delivery.objects.filter(dispatch__release=release, status=DeliveryStatus.SENT).count()
    return render_to_string("mailing/_emailed_count.html", {"release": release, "emailed": count}, request=request)
