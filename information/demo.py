"""Demo data for the PPID service: each demo unit's public information list, and requests in every state
(received, extended, overdue, granted, partly granted, refused, not held, forwarded; an objection waiting,
one upheld, one rejected and taken to the Commission), made through the same services as real ones and then
back-dated. The demo's information-request complaints are moved here by the data migration's function."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.reporting import summaries
from information.handling import workflow
from information.models import Channel, InformationRequest, ListItem, ObtainMethod, RequestEvent
from information.public.intake import RequestInput, submit_request

LIST_ITEMS = [
    ("Laporan keuangan dan realisasi anggaran 2025", "berkala", "", "", "Bagian Keuangan", "Softcopy (PDF)"),
    ("Rencana strategis 2025–2029", "berkala", "", "", "Bagian Perencanaan", "Softcopy (PDF)"),
    ("Peringatan dini bencana dan keadaan darurat", "serta_merta", "", "", "Pusdalops", "Situs, media sosial"),
    ("Standar pelayanan dan maklumat pelayanan", "setiap_saat", "", "", "Bagian Umum", "Softcopy, hardcopy"),
    ("Daftar pengadaan barang dan jasa 2026", "setiap_saat", "", "", "UKPBJ", "Softcopy (XLSX)"),
    ("Berkas penyidikan pelanggaran disiplin pegawai", "dikecualikan", "a", "5 tahun", "Inspektorat", "Hardcopy"),
    ("Data pribadi pegawai (NIK, alamat, kesehatan)", "dikecualikan", "h", "Selama pegawai aktif", "Kepegawaian",
     "Hardcopy"),
]  # fmt: skip

# (information, purpose, age in days, path)
REQUESTS = [
    ("Salinan SK pembentukan PPID dan daftar pejabatnya", "Tugas kuliah hukum administrasi", 1, "received"),
    ("Data jumlah penerima beasiswa per kabupaten 2025", "Liputan media lokal", 8, "extended"),
    ("Notulen rapat koordinasi anggaran triwulan III", "Pengawasan oleh LSM", 25, "overdue"),
    ("Laporan realisasi anggaran 2025 per program", "Penelitian skripsi", 20, "granted"),
    ("Daftar kontrak pengadaan di atas Rp200 juta", "Pemantauan pengadaan", 30, "partly_granted"),
    ("Hasil pemeriksaan kesehatan pegawai bagian X", "Kepentingan pribadi", 40, "refused"),
    ("Peta rawan banjir tahun 1990", "Penelitian sejarah", 35, "not_held"),
    ("Data inflasi bulanan provinsi", "Analisis ekonomi", 15, "not_our_authority"),
    ("Salinan rekaman CCTV lobi kantor", "Bukti kehilangan barang", 45, "objection_filed"),
    ("Dokumen AMDAL proyek jalan lingkar", "Advokasi lingkungan", 90, "objection_upheld"),
    ("Laporan audit internal 2024", "Pengawasan publik", 120, "objection_rejected"),
]


def seed(*, stdout, units) -> None:
    if not units:
        return
    for unit in units.values():
        for title, info_class, ground, retention, responsible, form in LIST_ITEMS:
            ListItem.objects.update_or_create(
                unit=unit, title=title,
                defaults={"info_class": info_class, "exemption": ground, "retention": retention,
                          "responsible": responsible, "form": form, "year": 2025 if "2025" in title else None},
            )  # fmt: skip
    moved = _move_legacy_complaints()
    unit = units.get("kanwil-nusa-tengah") or next(iter(units.values()))
    if InformationRequest.objects.filter(unit=unit).exclude(channel=Channel.LEGACY).exists():
        stdout.write(f"Demo information requests exist already; {moved} complaints moved.")
        return
    User = get_user_model()
    ppid = User.objects.filter(username="ppid").first()
    atasan = User.objects.filter(username="atasan").first()
    if ppid is None or atasan is None:
        return
    for index, (information, purpose, age, path) in enumerate(REQUESTS):
        _make(unit, index, information, purpose, age, path, ppid, atasan)
    stdout.write(f"Demo information requests: {len(REQUESTS)} in every state; {moved} complaints moved.")


def _move_legacy_complaints() -> int:
    migration = importlib.import_module("information.migrations.0002_move_information_request_complaints")
    before = InformationRequest.objects.filter(channel=Channel.LEGACY).count()
    migration.move_complaints(apps, None)
    moved = InformationRequest.objects.filter(channel=Channel.LEGACY).count() - before
    if moved:
        summaries.rebuild()  # the moved complaints are closed: the complaint summaries count them so
    return moved


def _decision(outcome: str, **extra) -> workflow.Decision:
    return workflow.Decision(
        outcome=outcome, signer_name="Fitri Handayani", signer_position="PPID Kanwil Nusa Tengah",
        decision_text=extra.pop("text", "Dengan ini kami sampaikan keputusan atas permohonan Saudara."), **extra,
    )  # fmt: skip


def _make(unit, index, information, purpose, age, path, ppid, atasan) -> None:
    request, _code = submit_request(
        data=RequestInput(
            unit=unit, requester_kind="person", name=f"Pemohon Contoh {index + 1}",
            nik=f"52710112039{index:05d}"[:16], address=f"Jl. Contoh No. {index + 1}, Kota Tengah",
            phone=f"+62812777{index:04d}", information=information, purpose=purpose,
            obtain_method=ObtainMethod.ELECTRONIC, delivery_method="pick_up", consent=True,
        )
    )  # fmt: skip
    shift = timedelta(days=age)
    with transaction.atomic():
        InformationRequest.objects.filter(pk=request.pk).update(
            registered_at=request.registered_at - shift, due_at=request.due_at - shift
        )
        RequestEvent.objects.filter(request=request).update(created_at=request.registered_at - shift)
    request.refresh_from_db()
    if path in ("received", "overdue"):
        return
    if path == "extended":
        workflow.extend(request, by=ppid, reason="Informasi harus dihimpun dari tiga kabupaten.")
        return
    outcomes = {
        "granted": _decision("granted", access_details="Diunduh dari tautan terlampir", text="Informasi terlampir."),
        "partly_granted": _decision("partly_granted", exemption="b", consequence_test="Nilai penawaran peserta yang kalah adalah rahasia dagang; membukanya merugikan persaingan usaha.", cost=15000),  # noqa: E501
        "refused": _decision("refused", exemption="h", consequence_test="Membuka riwayat kesehatan pegawai mengungkap rahasia pribadi tanpa persetujuan."),  # noqa: E501
        "not_held": _decision("not_held", text="Badan publik ini belum berdiri pada 1990; peta tersebut tidak kami kuasai."),  # noqa: E501
        "not_our_authority": _decision("not_our_authority", forward_to="Badan Pusat Statistik Provinsi Nusa Tengah"),
    }  # fmt: skip
    base = path if path in outcomes else "refused"
    workflow.decide(request, by=ppid, decision=outcomes[base])
    if path.startswith("objection"):
        _object(request, path, ppid, atasan)
    decided = request.registered_at + timedelta(days=min(age - 1, 12))
    InformationRequest.objects.filter(pk=request.pk).update(decided_at=decided)
    RequestEvent.objects.filter(request=request, kind="decided").update(created_at=decided)


def _object(request, path, ppid, atasan) -> None:
    workflow.file_objection(request, grounds=["refused_exemption"], reason="Alasan penolakan tidak tepat.")
    if path == "objection_filed":
        return
    workflow.answer_objection(
        request, by=atasan, upheld=path == "objection_upheld",
        answer="Setelah uji konsekuensi ulang, keputusan PPID " + ("dibatalkan; informasi diberikan." if path == "objection_upheld" else "dikuatkan."),  # noqa: E501
        signer_name="Gede Suryawan", signer_position="Atasan PPID Kanwil Nusa Tengah",
    )  # fmt: skip
    if path == "objection_rejected":
        workflow.record_dispute(request, by=ppid, filed_on=timezone.localdate() - timedelta(days=3))
