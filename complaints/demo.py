"""Demo data for complaints: categories of the demo units and a few dozen reports in every status, made
through the same services as real ones (then back-dated, so the lists look lived-in)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.handling import replies, workflow
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    IdentityMode,
    Kind,
    ReplyPurpose,
    ReplyTemplate,
    Status,
    Visibility,
)
from complaints.public import intake
from complaints.reporting import summaries
from humas import access

CATEGORIES = [
    ("Pelayanan publik", "Antrean, sikap petugas, prosedur yang berbelit.", 14, "antrean, loket, petugas"),
    ("Infrastruktur", "Jalan rusak, lampu jalan, drainase, fasilitas kantor.", 60, "jalan, lampu, drainase, sampah"),
    ("Informasi publik", "Permintaan salinan dokumen dan data (UU 14/2008).", 14, "dokumen, data, salinan"),
    ("Pungutan liar", "Biaya di luar ketentuan resmi.", 5, "pungli, biaya, tarif"),
]

# demo areas (south, west, north, east): each kanwil around a provincial capital, its satker inside it
AREAS = {
    "kanwil-nusa-barat": (-1.10, 100.20, -0.80, 100.50),  # around Padang
    "satker-kota-barat": (-0.98, 100.32, -0.90, 100.40),
    "kanwil-nusa-tengah": (-8.75, 116.00, -8.45, 116.30),  # around Mataram
    "satker-kabupaten-tengah": (-8.62, 116.05, -8.55, 116.15),
    "kanwil-nusa-timur": (-2.65, 140.55, -2.45, 140.80),  # around Jayapura
}


def seed_areas(units: dict) -> None:
    """Give the demo units their areas (once), through the console's service."""
    from humas import geo
    from humas.units import set_unit_area

    admin = get_user_model().objects.filter(username="admin").first()
    for slug, (south, west, north, east) in AREAS.items():
        unit = units.get(slug)
        if unit is None or admin is None or unit.area_size is not None:
            continue
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        set_unit_area(unit, by=admin, area=geo.area_from_geometry({"type": "Polygon", "coordinates": [ring]}))


def demo_point(rng: random.Random, unit) -> tuple[Decimal | None, Decimal | None]:
    """A random point in the unit's demo area for two reports in three; None for the others and arealess units."""
    box = AREAS.get(unit.slug)
    if box is None or rng.random() < 1 / 3:
        return None, None
    south, west, north, east = box
    lat, lng = rng.uniform(south, north), rng.uniform(west, east)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


# fmt: off
REPORTS = [
    (Kind.COMPLAINT, "Antrean layanan dokumen sangat panjang setiap Senin", "Setiap Senin pagi antrean mengular sampai ke halaman parkir dan nomor antrean habis sebelum pukul 09.00. Mohon ditambah loket atau sistem antrean daring."),
    (Kind.COMPLAINT, "Lampu jalan depan kantor padam dua minggu", "Tiga lampu jalan di depan kantor padam sejak dua minggu lalu sehingga jalan gelap dan rawan kecelakaan pada malam hari."),
    (Kind.ASPIRATION, "Usul jam layanan Sabtu untuk pekerja", "Banyak warga yang bekerja tidak bisa datang pada jam kerja. Kami mengusulkan layanan terbatas pada hari Sabtu pagi."),
    (Kind.INFORMATION_REQUEST, "Permohonan salinan laporan anggaran 2025", "Saya memohon salinan ringkasan realisasi anggaran tahun 2025 untuk keperluan penelitian mahasiswa."),
    (Kind.COMPLAINT, "Diminta biaya tambahan saat mengurus surat", "Petugas meminta biaya tambahan di luar tarif resmi untuk mempercepat pengurusan surat keterangan."),
    (Kind.COMPLAINT, "Saluran air tersumbat di kompleks perkantoran", "Saluran air di belakang gedung tersumbat sampah sehingga air meluap ke jalan setiap hujan deras."),
    (Kind.ASPIRATION, "Mohon informasi layanan dipasang di media sosial", "Informasi jadwal dan syarat layanan sebaiknya diumumkan rutin di akun media sosial resmi kantor."),
    (Kind.INFORMATION_REQUEST, "Data jumlah penerima bantuan per kecamatan", "Mohon data jumlah penerima bantuan sosial per kecamatan untuk tahun berjalan dalam format tabel."),
    (Kind.COMPLAINT, "Jalan berlubang di depan sekolah dasar", "Jalan berlubang besar di depan sekolah dasar membahayakan anak-anak yang berjalan kaki setiap pagi."),
    (Kind.COMPLAINT, "Sampah menumpuk di pinggir pasar", "Sampah menumpuk di pinggir pasar sejak sepekan dan menimbulkan bau tidak sedap bagi pedagang."),
    (Kind.COMPLAINT, "Lampu jalan mati di jalan lingkar", "Lampu jalan di sepanjang jalan lingkar mati total sehingga rawan begal pada malam hari."),
    (Kind.COMPLAINT, "Petugas loket tidak ramah", "Petugas loket membentak warga yang bertanya tentang syarat pengurusan dokumen."),
    (Kind.ASPIRATION, "Usul taman bermain anak di kelurahan", "Warga mengusulkan lahan kosong milik pemerintah dijadikan taman bermain anak yang aman."),
    (Kind.INFORMATION_REQUEST, "Salinan SOP pelayanan perizinan", "Saya meminta salinan standar operasional prosedur pelayanan perizinan usaha mikro."),
    (Kind.COMPLAINT, "Air PDAM keruh dan berbau", "Air PDAM di perumahan kami keruh dan berbau sejak tiga hari, tidak layak untuk mandi."),
    (Kind.COMPLAINT, "Pungutan saat pembuatan surat domisili", "Diminta uang tambahan oleh oknum saat membuat surat keterangan domisili di kantor kelurahan."),
]
# fmt: on

# the statuses the demo reports end in, and how they get there
# fmt: off
PATHS = {
    Status.NEW: [],
    Status.VERIFIED: [(Status.VERIFIED, EventKind.VERIFIED, "Laporan Anda telah kami verifikasi dan diteruskan ke bidang terkait.")],
    Status.REJECTED: [(Status.REJECTED, EventKind.REJECTED, "Laporan ini bukan kewenangan kami; silakan hubungi pemerintah kota.")],
    Status.IN_PROGRESS: [
        (Status.VERIFIED, EventKind.VERIFIED, "Laporan Anda telah kami verifikasi."),
        (Status.IN_PROGRESS, EventKind.RESPONSE, "Petugas sudah meninjau lokasi dan perbaikan dijadwalkan pekan ini."),
    ],
    Status.RESOLVED: [
        (Status.VERIFIED, EventKind.VERIFIED, "Laporan Anda telah kami verifikasi."),
        (Status.IN_PROGRESS, EventKind.RESPONSE, "Sedang ditindaklanjuti oleh bidang terkait."),
        (Status.RESOLVED, EventKind.RESOLVED, "Perbaikan telah selesai dilakukan. Terima kasih atas laporan Anda."),
    ],
    Status.CLOSED: [
        (Status.VERIFIED, EventKind.VERIFIED, "Laporan Anda telah kami verifikasi."),
        (Status.IN_PROGRESS, EventKind.RESPONSE, "Sedang ditindaklanjuti."),
        (Status.RESOLVED, EventKind.RESOLVED, "Sudah kami selesaikan; dokumen dapat diambil di loket 3."),
        (Status.CLOSED, EventKind.CLOSED, "Laporan ditutup."),
    ],
}
# fmt: on


DEMO_REPORTS = 300


REPLY_TEMPLATES = [
    (ReplyPurpose.RESPONSE, "Tanggapan awal",
     "Yth. {nama_pelapor},\n\nterima kasih atas laporan {referensi}. {unit} sedang menindaklanjutinya dan akan "
     "memberi kabar paling lambat {tenggat}."),
    (ReplyPurpose.REQUEST_INFO, "Minta lokasi yang lebih tepat",
     "Yth. {nama_pelapor},\n\nagar laporan {referensi} dapat kami tindak lanjuti, mohon sampaikan lokasi yang "
     "lebih tepat (nama jalan, patokan, atau titik peta) dan, bila ada, foto kejadian."),
    (ReplyPurpose.REJECTION, "Di luar kewenangan",
     "Yth. {nama_pelapor},\n\nmohon maaf, hal yang dilaporkan dalam {referensi} berada di luar kewenangan "
     "{unit}. Silakan menyampaikannya kepada instansi yang berwenang."),
    (ReplyPurpose.RESOLUTION, "Selesai ditindaklanjuti",
     "Yth. {nama_pelapor},\n\nlaporan {referensi} telah selesai ditindaklanjuti oleh {unit}. Mohon beri "
     "penilaian atas penanganannya di halaman pelacakan."),
]  # fmt: skip


def seed_reply_templates(units) -> None:
    """The root unit's reply templates (offered in every unit below it), made once."""
    root = next((u for u in units.values() if u.parent_id is None), None)
    if root is None or ReplyTemplate.objects.filter(unit=root).exists():
        return
    for purpose, name, body in REPLY_TEMPLATES:
        replies.save_template(unit=root, purpose=purpose, name=name, body=body, by=None)


def seed(*, stdout, units) -> None:
    rng = random.Random(2026)  # the same demo every time
    categories = []
    for unit in units.values():
        for order, (name, description, days, keywords) in enumerate(CATEGORIES):
            category, _ = Category.objects.update_or_create(
                unit=unit,
                name=name,
                defaults={"description": description, "resolution_days": days, "order": order, "keywords": keywords},
            )
            categories.append(category)
    seed_areas(units)
    seed_reply_templates(units)
    if Complaint.objects.filter(unit__in=list(units.values())).exists():
        stdout.write("Demo complaints exist already; left as they are.")
        return
    officer = get_user_model().objects.filter(username="petugas").first()
    statuses = list(PATHS)
    created = 0
    to_try = None  # a resolved report's code, shown once below: the portal itself keeps only its hash
    for index in range(DEMO_REPORTS):
        kind, title, description = REPORTS[index % len(REPORTS)]
        category = rng.choice(categories)
        mode = [IdentityMode.NAMED, IdentityMode.ANONIM, IdentityMode.ANONYMOUS][index % 3]
        named = mode != IdentityMode.ANONYMOUS
        latitude, longitude = demo_point(rng, category.unit)
        data = intake.ComplaintInput(
            kind=kind,
            title=title,
            description=description,
            unit=category.unit,
            category=category,
            location=f"Jl. Contoh No. {index + 1}",
            latitude=latitude,
            longitude=longitude,
            identity_mode=mode,
            reporter_name=f"Warga Contoh {index + 1}" if named else "",
            reporter_phone=f"+62812555{index:04d}" if named else "",
            visibility=Visibility.RAHASIA if index % 5 == 0 else Visibility.PUBLIC,
            consent=True,
        )
        complaint = intake.submit_complaint(
            data=data, files=[], channel=rng.choice([Channel.WEB, Channel.WEB, Channel.API])
        )
        # most reports are recent, some go back half a year; older ones are mostly finished
        age = timedelta(days=int(rng.triangular(0, 180, 5)), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        if age.days > 30:
            status = rng.choice([Status.CLOSED, Status.CLOSED, Status.RESOLVED, Status.REJECTED, Status.IN_PROGRESS])
        else:
            status = rng.choice(statuses)
        with transaction.atomic():
            locked = workflow.locked(complaint)
            for to_status, event_kind, message in PATHS[status]:
                workflow.move(locked, to_status=to_status, event_kind=event_kind, actor=officer, public_message=message)
            if status == Status.CLOSED and rng.random() < 0.7:
                Complaint.objects.filter(pk=complaint.pk).update(rating=rng.choice([3, 4, 4, 5, 5]))
        when = timezone.now() - age
        steps = len(PATHS[status])
        # most are verified and first answered in time, some late (the compliance page shows both)
        verified = min(timezone.now(), when + timedelta(days=rng.choice([1, 1, 2, 3, 6]))) if steps else None
        answered = status in (Status.IN_PROGRESS, Status.WAITING_REPORTER, Status.RESOLVED, Status.CLOSED)
        Complaint.objects.filter(pk=complaint.pk).update(
            created_at=when,
            verification_due_at=when + timedelta(days=4),
            response_due_at=when + timedelta(days=7),
            verified_at=verified,
            first_response_at=min(timezone.now(), verified + timedelta(days=rng.choice([0, 1, 2, 4, 7])))
            if answered and verified
            else None,
            resolved_at=min(timezone.now(), when + timedelta(days=rng.randint(3, 20)))
            if status in (Status.RESOLVED, Status.CLOSED)
            else None,
            resolution_due_at=when + timedelta(days=20) if steps else None,
        )
        ComplaintEvent.objects.filter(complaint=complaint).update(created_at=when + timedelta(hours=2))
        created += 1
        if to_try is None and status == Status.RESOLVED:
            to_try = complaint.issued_code
    # one reporter asked for their personal data to be erased: the complaint admin's filter "erasure asked for"
    # lists the report and its action erases it (complaints.retention)
    asked = (
        Complaint.objects.filter(unit__in=list(units.values()), status=Status.CLOSED, identity_mode=IdentityMode.NAMED)
        .order_by("pk")
        .first()
    )
    if asked is not None:
        Complaint.objects.filter(pk=asked.pk).update(erasure_requested_at=timezone.now())
    summaries.rebuild()  # the reports were back-dated after filing: count them on their new days
    stdout.write(f"Demo complaints: {len(categories)} categories, {created} reports.")
    if to_try and settings.DEBUG:
        stdout.write(
            f"  Track a resolved demo report at /pengaduan/lacak/ with {to_try} (shown only now: the portal keeps "
            "only a keyed hash of each code); rate it or object from its page. Staff see it as its reference."
        )
    handled = [c for c in categories if officer is not None and access.can(officer, "complaint.handle", c.unit)]
    if handled:
        _seed_duplicate(officer, handled[0])


def _seed_duplicate(officer, category) -> None:
    """A report filed twice: the second marked as a duplicate of the first, whose answer reaches it."""
    from humas.errors import Refused

    def report(name: str) -> Complaint:
        data = intake.ComplaintInput(
            kind="complaint", title="Lampu penerangan jalan padam di depan sekolah",
            description="Lampu jalan di depan SD Negeri 3 padam sejak sepekan; anak-anak pulang les dalam gelap.",
            unit=category.unit, category=category, reporter_name=name, consent=True,
        )  # fmt: skip
        return intake.submit_complaint(data=data, files=[], channel=Channel.WEB)

    original, duplicate = report("Warga Contoh Asal"), report("Warga Contoh Kedua")
    try:
        workflow.verify(original, by=officer)
        workflow.mark_duplicate(duplicate, by=officer, original=original)
        workflow.add_response(original, by=officer, message="Petugas sudah memeriksa; lampu diganti pekan ini.")
    except Refused:  # the demo officer does not handle this unit
        return
