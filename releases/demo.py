"""Demo releases for `manage.py seed_demo`: a few dozen across units and months, with photos drawn by
Pillow (nothing downloaded), tags, credits and media contacts. Idempotent: existing demo releases (by
slug) are left alone, so running it again adds nothing twice."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from . import images, newsroom, publishing
from .models import Category, Release, Status

CATEGORIES = [("Siaran Pers", "siaran-pers"), ("Berita", "berita"), ("Pengumuman", "pengumuman"),
              ("Artikel", "artikel")]  # fmt: skip

TOPICS = [
    (
        "Layanan Pengaduan Daring Kini Buka 24 Jam",
        "pelayanan publik",
        "Mulai pekan ini warga dapat menyampaikan pengaduan kapan saja melalui portal dan aplikasi.",
    ),
    (
        "Sosialisasi Standar Pelayanan di Kecamatan",
        "pelayanan publik",
        "Petugas menjelaskan standar pelayanan, biaya dan waktu layanan kepada warga.",
    ),
    (
        "Rapat Koordinasi Penanganan Banjir",
        "kebencanaan",
        "Unit kerja menyepakati posko bersama dan jalur distribusi bantuan.",
    ),
    (
        "Penyaluran Bantuan Sosial Tahap Kedua",
        "bantuan sosial",
        "Bantuan disalurkan melalui kantor pos dan bank mitra dengan jadwal per desa.",
    ),
    (
        "Kunjungan Kerja ke Puskesmas Terpencil",
        "kesehatan",
        "Pimpinan meninjau ketersediaan obat dan tenaga kesehatan.",
    ),
    (
        "Pelatihan Keterbukaan Informasi bagi PPID",
        "keterbukaan informasi",
        "Pejabat pengelola informasi dilatih menangani permohonan sesuai UU 14/2008.",
    ),
    (
        "Penandatanganan Nota Kesepahaman dengan Universitas",
        "kerja sama",
        "Kerja sama mencakup magang mahasiswa dan riset kebijakan publik.",
    ),
    (
        "Peluncuran Aplikasi Antrean Daring",
        "digitalisasi",
        "Warga dapat mengambil nomor antrean dari ponsel sebelum datang.",
    ),
    ("Jadwal Layanan Selama Cuti Bersama", "pengumuman", "Layanan tetap buka secara terbatas pada hari cuti bersama."),
    ("Hasil Survei Kepuasan Masyarakat Semester I", "survei", "Indeks kepuasan naik dibanding semester sebelumnya."),
    (
        "Gerakan Tanam Pohon di Daerah Aliran Sungai",
        "lingkungan",
        "Sebanyak lima ribu bibit ditanam bersama warga dan pelajar.",
    ),
    ("Operasi Pasar Menjelang Hari Raya", "ekonomi", "Harga bahan pokok dijual di bawah harga pasar di sepuluh titik."),
]
PLACES = ["MATARAM", "JAKARTA", "KOTA BARAT", "KOTA TENGAH", "KOTA TIMUR", "KUPANG"]
PALETTE = [(11, 79, 138), (30, 107, 52), (161, 35, 27), (138, 83, 0), (70, 70, 120), (20, 120, 130)]


def demo_photo(seed: int, label: str) -> SimpleUploadedFile:
    rng = random.Random(seed)
    width, height = 1600, 1067
    image = Image.new("RGB", (width, height), PALETTE[seed % len(PALETTE)])
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(60, 320)
        colour = tuple(min(255, c + rng.randrange(20, 120)) for c in PALETTE[(seed + 1) % len(PALETTE)])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    draw.rectangle((0, height - 140, width, height), fill=(0, 0, 0))
    draw.text((40, height - 110), label[:60], fill=(255, 255, 255), font_size=48)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def body_for(title: str, lede: str, place: str) -> str:
    return (
        f"<p>{lede}</p>"
        "<p>Kepala unit menyampaikan bahwa langkah ini merupakan bagian dari upaya meningkatkan kualitas "
        "pelayanan publik dan keterbukaan informasi kepada masyarakat.</p>"
        "<h2>Langkah selanjutnya</h2>"
        "<ul><li>Evaluasi pelaksanaan setiap bulan;</li><li>Laporan terbuka di portal;</li>"
        "<li>Pengaduan warga ditindaklanjuti dalam lima hari kerja.</li></ul>"
        f"<blockquote><p>“Kami mengajak warga {place.title()} untuk ikut mengawasi dan memberi masukan.”</p>"
        "</blockquote>"
        '<p>Informasi lengkap tersedia di <a href="https://www.lapor.go.id/">SP4N-LAPOR!</a>.</p>'
    )


def seed(*, stdout, units: dict) -> None:
    if not units:
        return
    User = get_user_model()
    writer = User.objects.filter(username="penulis").first()
    editor = User.objects.filter(username="redaktur").first()
    admin = User.objects.filter(username="admin").first()
    if not (writer and editor and admin):
        return
    from django.contrib.auth.models import Permission

    # the demo's humas admin configures categories and tags (and may look at releases) in the admin
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="releases"))
    categories = [Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
                  for i, (name, slug) in enumerate(CATEGORIES)]  # fmt: skip
    unit_list = list(units.values())
    rng = random.Random(2026)
    created = 0
    now = timezone.now()
    first_published: list[int] = []
    for n in range(36):
        title_base, tag, lede = TOPICS[n % len(TOPICS)]
        unit = unit_list[n % len(unit_list)]
        title = title_base
        if n >= len(TOPICS):
            title = f"{title_base} di {unit.short_name or unit.name}"
        if n >= 2 * len(TOPICS):
            title = f"Evaluasi: {title}"
        if Release.objects.filter(slug=slugify(title)[:200]).exists():
            continue
        place = PLACES[n % len(PLACES)]
        created += 1
        with transaction.atomic():
            release = publishing.create_release(
                unit=unit,
                by=admin,
                data={
                    "title": title, "summary": lede, "body": body_for(title, lede, place),
                    "category": categories[n % len(categories)], "dateline": place,
                    "writer_user": writer, "editor_user": editor, "photographer_name": "Tim Dokumentasi Humas",
                    "contact_name": "Bagian Humas", "contact_phone": unit.phone or "(021) 555-0100",
                    "contact_email": unit.email or "humas@contoh.go.id",
                },
                tags=[tag, unit.short_name or unit.name],
            )  # fmt: skip
            for k in range(1 + n % 2):
                photo = images.add_photo(
                    release,
                    upload=demo_photo(n * 10 + k, title),
                    by=admin,
                    caption=f"Suasana kegiatan: {title.lower()}.",
                    credit="Humas/Tim Dokumentasi",
                    alt_text=f"Ilustrasi kegiatan {tag}",
                )
                images.make_renditions(photo.pk)  # now, so the demo looks right without a worker
            if n % 9 == 8:
                continue  # a few stay drafts for the console
            if n == 23:  # one goes to the verified media partners under embargo, published in two days
                publishing.update_release(release, by=admin, data={"embargo_until": now + timedelta(days=2)})
            publishing.submit(release, by=admin)
            publishing.approve(release, by=admin)
            if n == 23:
                continue
            if n % 12 == 11:
                publishing.schedule(release, by=admin, publish_at=now + timedelta(days=2))
                continue
            publishing.publish(release, by=admin)
            first_published.append(release.pk)
            # spread the demo over the past months
            when = now - timedelta(days=n * 5 + rng.randrange(0, 4), hours=rng.randrange(0, 8))
            Release.objects.filter(pk=release.pk).update(
                published_at=when, content_updated_at=when, view_count=rng.randrange(20, 900)
            )
            if n == 10:
                publishing.withdraw(release, by=admin, reason="Data dalam rilis ini sedang diverifikasi ulang.")
    seed_clarification(admin, unit_list[0], stdout=stdout)
    transaction.on_commit(newsroom.bump_version)
    published = Release.objects.filter(status=Status.PUBLISHED).count()
    stdout.write(f"Press releases: {created} created, {published} published in all.")


CLARIFICATION_TITLE = "Klarifikasi: Perbaikan Lampu Jalan Dipercepat"


def seed_clarification(admin, unit, *, stdout) -> None:
    """A clarification release linked to the open reports about street lights (through humas.clarifications)
    and published: those reports get a public entry, their reporters the e-mail."""
    from humas import clarifications
    from humas.errors import Refused

    if Release.objects.filter(title=CLARIFICATION_TITLE).exists():
        return
    with transaction.atomic():
        release = publishing.create_release(
            unit=unit, by=admin, tags=["lampu jalan"],
            data={
                "title": CLARIFICATION_TITLE, "dateline": PLACES[0],
                "summary": "Banyak warga melaporkan lampu jalan padam. Penggantian 120 titik lampu dipercepat dan "
                           "selesai akhir bulan ini.",
                "body": "<p>Penggantian lampu jalan yang padam dikerjakan bertahap mulai pekan ini, dimulai dari jalan "
                        "lingkar dan kawasan sekolah.</p>",
                "contact_name": "Bagian Humas", "contact_email": unit.email or "humas@contoh.go.id",
            },
        )  # fmt: skip
        publishing.submit(release, by=admin)
        publishing.approve(release, by=admin)
        try:
            linked = clarifications.link_topic(by=admin, release_id=release.pk, label="lampu jalan")
        except Refused:
            linked = 0
        publishing.publish(release, by=admin)
    stdout.write(f"Clarification release linked to {linked} open reports: {CLARIFICATION_TITLE}.")
