"""Demo data for complaints: categories of the demo units and a few dozen reports in every status, made
through the same services as real ones (then back-dated, so the lists look lived-in)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import intake, recap, workflow
from .models import Category, Channel, Complaint, ComplaintEvent, EventKind, IdentityMode, Kind, Status, Visibility

CATEGORIES = [
    ("Pelayanan publik", "Antrean, sikap petugas, prosedur yang berbelit.", 14),
    ("Infrastruktur", "Jalan rusak, lampu jalan, drainase, fasilitas kantor.", 60),
    ("Informasi publik", "Permintaan salinan dokumen dan data (UU 14/2008).", 14),
    ("Pungutan liar", "Biaya di luar ketentuan resmi.", 5),
]

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


def seed(*, stdout, units) -> None:
    rng = random.Random(2026)  # the same demo every time
    categories = []
    for unit in units.values():
        for order, (name, description, days) in enumerate(CATEGORIES):
            category, _ = Category.objects.update_or_create(
                unit=unit, name=name, defaults={"description": description, "resolution_days": days, "order": order}
            )
            categories.append(category)
    if Complaint.objects.filter(unit__in=list(units.values())).exists():
        stdout.write("Demo complaints exist already; left as they are.")
        return
    officer = get_user_model().objects.filter(username="petugas").first()
    statuses = list(PATHS)
    created = 0
    for index in range(36):
        kind, title, description = REPORTS[index % len(REPORTS)]
        category = rng.choice(categories)
        mode = [IdentityMode.NAMED, IdentityMode.ANONIM, IdentityMode.ANONYMOUS][index % 3]
        named = mode != IdentityMode.ANONYMOUS
        data = intake.ComplaintInput(
            kind=kind,
            title=title,
            description=description,
            unit=category.unit,
            category=category,
            location=f"Jl. Contoh No. {index + 1}",
            identity_mode=mode,
            reporter_name=f"Warga Contoh {index + 1}" if named else "",
            reporter_phone=f"+62812555{index:04d}" if named else "",
            visibility=Visibility.RAHASIA if index % 5 == 0 else Visibility.PUBLIC,
            consent=True,
        )
        complaint = intake.submit_complaint(
            data=data, files=[], channel=rng.choice([Channel.WEB, Channel.WEB, Channel.API])
        )
        status = statuses[index % len(statuses)]
        with transaction.atomic():
            locked = workflow.locked(complaint)
            for to_status, event_kind, message in PATHS[status]:
                workflow.move(locked, to_status=to_status, event_kind=event_kind, actor=officer, public_message=message)
        age = timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        when = timezone.now() - age
        Complaint.objects.filter(pk=complaint.pk).update(created_at=when)
        ComplaintEvent.objects.filter(complaint=complaint).update(created_at=when + timedelta(hours=2))
        created += 1
    recap.rebuild()  # the reports were back-dated after filing: count them on their new days
    stdout.write(f"Demo complaints: {len(categories)} categories, {created} reports.")
