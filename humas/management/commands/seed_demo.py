"""Demo data: fictional units in the three time zones and one staff user per role. Idempotent: running it
again updates the same rows. Later apps add their own demo data through the `demo_seeders` hook."""

from __future__ import annotations

import secrets
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from humas.context_processors import forget_site_identity
from humas.models import CollectiveLeaveDay, Membership, Role, TimeZone, Unit, UnitKind

UNITS = [
    # slug, name, short name, kind, parent slug, zone, address, phone
    ("humas-pusat", "Biro Hubungan Masyarakat Kementerian Contoh", "Humas Kementerian Contoh", UnitKind.PUSAT, None,
     TimeZone.WIB, "Jl. Merdeka Contoh No. 1, Jakarta Pusat 10110", "(021) 555-0100"),
    ("kanwil-nusa-barat", "Kantor Wilayah Provinsi Nusa Barat", "Kanwil Nusa Barat", UnitKind.KANWIL, "humas-pusat",
     TimeZone.WIB, "Jl. Pemuda Contoh No. 12, Kota Barat 25111", "(0751) 555-0120"),
    ("satker-kota-barat", "Satuan Kerja Kota Barat", "Satker Kota Barat", UnitKind.SATKER, "kanwil-nusa-barat",
     TimeZone.WIB, "Jl. Sudirman Contoh No. 5, Kota Barat 25112", "(0751) 555-0121"),
    ("kanwil-nusa-tengah", "Kantor Wilayah Provinsi Nusa Tengah", "Kanwil Nusa Tengah", UnitKind.KANWIL, "humas-pusat",
     TimeZone.WITA, "Jl. Udayana Contoh No. 8, Kota Tengah 83121", "(0370) 555-0130"),
    ("satker-kabupaten-tengah", "Satuan Kerja Kabupaten Tengah", "Satker Kab. Tengah", UnitKind.SATKER,
     "kanwil-nusa-tengah", TimeZone.WITA, "Jl. Pendidikan Contoh No. 3, Kabupaten Tengah 83311", "(0370) 555-0131"),
    ("kanwil-nusa-timur", "Kantor Wilayah Provinsi Nusa Timur", "Kanwil Nusa Timur", UnitKind.KANWIL, "humas-pusat",
     TimeZone.WIT, "Jl. Samratulangi Contoh No. 4, Kota Timur 99111", "(0967) 555-0140"),
]  # fmt: skip

# username, role, unit slug, full name
STAFF = [
    ("admin", Role.ADMIN, "humas-pusat", "Ayu Lestari"),
    ("redaktur", Role.EDITOR, "kanwil-nusa-tengah", "Bambang Wicaksono"),
    ("penulis", Role.WRITER, "kanwil-nusa-tengah", "Citra Maharani"),
    ("petugas", Role.OFFICER, "satker-kabupaten-tengah", "Dedi Kurniawan"),
    ("pimpinan", Role.VIEWER, "kanwil-nusa-tengah", "Endang Susilowati"),
    ("ppid", Role.PPID, "kanwil-nusa-tengah", "Fitri Handayani"),
    ("atasan", Role.ATASAN_PPID, "kanwil-nusa-tengah", "Gede Suryawan"),
]

COLLECTIVE_LEAVE = [
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi"),
    (date(2026, 3, 20), "Cuti bersama Idulfitri 1447 H"),
    (date(2026, 3, 23), "Cuti bersama Idulfitri 1447 H"),
    (date(2026, 3, 24), "Cuti bersama Idulfitri 1447 H"),
    (date(2026, 12, 24), "Cuti bersama Hari Raya Natal"),
]


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


class Command(BaseCommand):
    help = "Create or refresh the fictional demo units, staff users (one per role) and collective-leave days."

    @transaction.atomic
    def handle(self, *args, **options):
        by_slug: dict[str, Unit] = {}
        for slug, name, short, kind, parent, zone, address, phone in UNITS:
            unit, _ = Unit.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name, "short_name": short, "kind": kind, "parent": by_slug.get(parent) if parent else None,
                    "time_zone": zone, "address": address, "phone": phone, "email": f"humas@{slug}.contoh.go.id",
                    "is_active": True,
                },
            )  # fmt: skip
            by_slug[slug] = unit

        User = get_user_model()
        passwords: list[tuple[str, str, str]] = []
        for username, role, unit_slug, full_name in STAFF:
            first, _, last = full_name.partition(" ")
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@contoh.go.id",
                    "is_active": True,
                },
            )
            if role == Role.ADMIN:
                user.is_staff = True  # may open the Django admin for configuration
            password = demo_password(username) if settings.DEBUG else secrets.token_urlsafe(24)
            user.set_password(password)
            user.save()
            Membership.objects.get_or_create(user=user, unit=by_slug[unit_slug], role=role)
            passwords.append((username, Role(role).label, password))
        if by_slug:
            admin = User.objects.get(username="admin")
            self._grant_admin_site(admin)

        for day, description in COLLECTIVE_LEAVE:
            CollectiveLeaveDay.objects.update_or_create(date=day, defaults={"description": description})

        for app_config in apps.get_app_configs():
            seeder = getattr(app_config, "seed_demo", None)
            if callable(seeder):
                seeder(stdout=self.stdout, units=by_slug)

        transaction.on_commit(forget_site_identity)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(by_slug)} units, {len(passwords)} staff users."))
        if settings.DEBUG:
            self.stdout.write("Staff sign-in at /staf/masuk/ (DEBUG is on, so the demo passwords are shown):")
            for username, label, password in passwords:
                self.stdout.write(f"  {username:<10} {password:<22} {label}")
        else:
            self.stdout.write(
                "DEBUG is off: the staff users got random passwords; set them with `manage.py changepassword`."
            )

    def _grant_admin_site(self, user) -> None:
        from django.contrib.auth.models import Permission

        wanted = Permission.objects.filter(content_type__app_label="humas")
        user.user_permissions.add(*wanted)
