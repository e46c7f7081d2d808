"""The tone model: Indonesian preparation (negation, intensifiers, boilerplate), the shipped file loaded
without pickle, the commands, and the tone of complaints computed by the sweep task."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from monitoring import sentiment, tones
from monitoring.models import Clipping, ComplaintTone

ROOT = Path(__file__).resolve().parents[2]


def test_negation_turns_the_next_words_and_punctuation_ends_it():
    assert sentiment.prepare("Pelayanan tidak bagus, tapi cepat") == "pelayanan tidak neg_bagus , tapi cepat"
    assert sentiment.prepare("belum juga diperbaiki") == "belum neg_juga neg_diperbaiki"


def test_an_intensifier_marks_its_word_on_either_side():
    assert sentiment.prepare("sangat buruk") == "buruk int_buruk"
    assert sentiment.prepare("kecewa sekali") == "kecewa int_kecewa"
    assert sentiment.prepare("tidak terlalu buruk") == "tidak neg_buruk int_buruk"


def test_complaint_boilerplate_and_addresses_are_dropped():
    text = "Yth. Bapak/Ibu, jalan rusak di https://x.example/a mohon segera ditindaklanjuti. Terima kasih"
    assert [w for w in sentiment.clean(text).split() if w.isalpha()] == ["jalan", "rusak", "di"]


def test_the_shipped_model_reads_clear_cases_the_indonesian_way():
    labels = sentiment.shipped().labels(
        [
            "Pelayanan di kantor ini sangat bagus, petugasnya ramah dan cepat.",
            "Pelayanan tidak bagus, petugas lambat dan kami kecewa sekali.",
            "Jalan rusak tidak diperbaiki berbulan-bulan, mohon ditindaklanjuti, terima kasih.",
        ]
    )
    assert labels == ["positive", "negative", "negative"]


def test_the_model_file_holds_only_plain_arrays_and_survives_a_round_trip(tmp_path):
    with np.load(_shipped_path(), allow_pickle=False) as data:
        assert {data[name].dtype.kind for name in data.files} <= {"U", "f"}
    texts, labels = _tiny_corpus()
    model = sentiment.train(texts, labels)
    sentiment.save(model, tmp_path / "m.npz")
    again = sentiment.load(tmp_path / "m.npz")
    probe = ["layanan bagus sekali", "tidak puas dengan antrean", "rapat digelar hari senin"]
    assert again.predict(probe) == model.predict(probe)


def _shipped_path():
    from django.conf import settings

    return settings.MONITORING_SENTIMENT_MODEL


def _tiny_corpus():
    texts = [
        "pelayanan bagus dan ramah", "petugas cepat membantu, puas", "sangat baik sekali",
        "antrean lama dan petugas kasar", "tidak puas, kecewa berat", "jalan rusak parah tidak diperbaiki",
        "rapat digelar hari senin", "kantor buka pukul delapan", "pengumuman jadwal layanan",
    ]  # fmt: skip
    return texts, ["positive"] * 3 + ["negative"] * 3 + ["neutral"] * 3


def test_classify_sentiment_prints_one_label_per_input_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Pelayanan sangat bagus dan ramah\nKami kecewa, tidak puas\n"))
    call_command("classify_sentiment")
    assert capsys.readouterr().out.split() == ["positive", "negative"]


@pytest.mark.django_db
def test_train_sentiment_uses_the_csv_and_the_staffs_corrections(tmp_path, unit_tree, editor):
    corpus = tmp_path / "corpus.csv"
    texts, labels = _tiny_corpus()
    corpus.write_text(
        "id,text,label\n" + "".join(f'{n},"{t}",{lab}\n' for n, (t, lab) in enumerate(zip(texts, labels, strict=True)))
    )
    Clipping.objects.create(
        unit=unit_tree["kanwil"], outlet="X", title="Kanwil Tengah bagikan beasiswa", url="https://x.example/1",
        fingerprint="f", published_at="2026-12-01T00:00Z", tone="positive", tone_corrected_by=editor,
    )  # fmt: skip
    out = io.StringIO()
    call_command("train_sentiment", "--corpus", str(corpus), "--output", str(tmp_path / "m.npz"), stdout=out)
    assert "Trained on 10 texts (1 staff corrections)" in out.getvalue()
    assert sentiment.load(tmp_path / "m.npz").meta["corrections"] == 1


def test_train_sentiment_refuses_a_file_without_the_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="text and label"):
        call_command("train_sentiment", "--corpus", str(bad), "--no-corrections", "--output", str(tmp_path / "m.npz"))


@pytest.mark.django_db
def test_the_sweep_tones_each_new_complaint_once_and_leaves_old_ones(unit_tree, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from .helpers import complaints

    now = timezone.now()
    new = complaints(unit_tree["kanwil"], [
        ("Pelayanan buruk", "Petugas kasar dan kami sangat kecewa, tidak puas sama sekali."),
        ("Terima kasih", "Pelayanan sangat bagus, cepat dan ramah, kami puas."),
    ], at=now - timedelta(minutes=3))  # fmt: skip
    old = complaints(unit_tree["kanwil"], [("Lama", "Laporan lama sekali")], at=now - timedelta(days=60))
    with django_assert_max_num_queries(6):
        assert tones.sweep(now) == 2
    assert dict(ComplaintTone.objects.values_list("complaint_id", "tone")) == {
        new[0].pk: "negative",
        new[1].pk: "positive",
    }
    assert tones.sweep(now) == 0  # idempotent
    assert not ComplaintTone.objects.filter(complaint_id=old[0].pk).exists()


@pytest.mark.slow
def test_the_benchmark_runs_in_its_smoke_size():
    result = subprocess.run(
        [sys.executable, "bench/sentiment.py", "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    import json

    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["train"] == 500 and figures["validation"] == 100
    assert 0 < figures["macro_f1"] <= 1 and figures["texts_per_cpu_s"] > 0
