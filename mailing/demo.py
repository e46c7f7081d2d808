"""Demo media partners for `manage.py seed_demo` (run after the releases' seeding, in its transaction): a
few outlets with confirmed subscribers, and only the newest demo releases e-mailed to them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from releases.models import Release, Status

from . import dispatch
from .models import Delivery, EventKind, MediaPartner, OutletKind, Subscriber, SubscriberEvent, SubscriberStatus

MAILED_DEMO_RELEASES = 2

DEMO_PARTNERS = [
    ("Lombok Pos", OutletKind.PRINT, "https://lombokpos.example", "Rina Wartawati", "rina@lombokpos.example", "id"),
    ("Suara NTB Daring", OutletKind.ONLINE, "https://suarantb.example", "Budi Santoso", "budi@suarantb.example", "id"),
    ("Radio Rinjani FM", OutletKind.RADIO, "", "Sari Dewi", "sari@rinjanifm.example", "id"),
    ("Antara Biro Mataram", OutletKind.AGENCY, "https://antara.example", "John Carter", "john@antara.example", "en"),
]


def seed(*, stdout) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is not None:  # the demo's humas admin may look at the media partners in the admin too
        admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="mailing"))
    seed_media_partners(stdout=stdout)
    if admin is not None:
        for partner in MediaPartner.objects.filter(verified=True, verified_at__isnull=True):
            MediaPartner.objects.filter(pk=partner.pk).update(verified_by=admin, verified_at=timezone.now())
    send_embargoed_copies(stdout=stdout)
    mailed = skip_mailing_but_newest()
    if mailed:
        stdout.write(f"E-mailed to the media partners (var/mail/ in the embedded mode): {', '.join(mailed)}.")


def send_embargoed_copies(*, stdout) -> None:
    """The demo's release under embargo was approved before the partners existed: send its embargoed copy now."""
    from . import embargo

    for release in Release.objects.filter(status=Status.SCHEDULED, embargo_until__isnull=False):
        if not Delivery.objects.filter(dispatch__release=release, embargoed=True).exists():
            embargo.start(release.pk)
            stdout.write(f"Under embargo, to the verified media partners: {release.title}.")


def skip_mailing_but_newest() -> list[str]:
    """The demo back-dates its releases over past months. The releases first published in this seeding have
    no dispatch yet (their publication hooks run when the seeding commits, after the partners exist): only
    the newest MAILED_DEMO_RELEASES of them go to the demo media partners, the others are skipped. Returns
    the titles that will be e-mailed."""
    fresh = Release.objects.filter(published_at__isnull=False, dispatch__isnull=True)
    newest = list(
        fresh.filter(status=Status.PUBLISHED)
        .order_by("-published_at")
        .values_list("pk", "title")[:MAILED_DEMO_RELEASES]
    )
    keep = {pk for pk, _title in newest}
    for pk in fresh.values_list("pk", flat=True):
        if pk not in keep:
            dispatch.skip(pk)
    return [title for _pk, title in newest]


def seed_media_partners(*, stdout) -> None:
    """A few media partners with confirmed subscribers: the newest demo releases and every later publication
    write their e-mails as .eml files under var/mail/ in the embedded mode."""
    now = timezone.now()
    for outlet, kind, website, name, email, language in DEMO_PARTNERS:
        partner, _ = MediaPartner.objects.get_or_create(
            name=outlet, defaults={"kind": kind, "website": website, "verified": True}
        )
        subscriber, created = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "name": name, "outlet": partner, "language": language, "status": SubscriberStatus.CONFIRMED,
                "consent_at": now, "confirmed_at": now, "consent_note": "demo",
            },
        )  # fmt: skip
        if created:
            SubscriberEvent.objects.create(
                subscriber=subscriber, kind=EventKind.IMPORTED, channel="demo", details={"prior_consent": True}
            )
    stdout.write(f"Media partners: {MediaPartner.objects.count()}, subscribers: {Subscriber.objects.count()}.")
