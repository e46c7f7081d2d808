"""Tone (positive / neutral / negative) of Indonesian text: TF-IDF over word 1–2-grams and character
3–5-grams (within words), and a logistic regression, both scikit-learn's.

Before the words are counted, the text is prepared for Indonesian: URLs go, the boilerplate every complaint
carries ("mohon ditindaklanjuti", "terima kasih", "yth bapak") is dropped so that politeness does not read
as praise, the one or two words after a negation ("tidak bagus", "belum diperbaiki") become negated tokens
(`neg_bagus`), and a word after an intensifier ("sangat buruk", "kecewa sekali") gets an extra `int_` token.

The model is stored without pickle: `save` writes the two vocabularies, their IDF weights and the
regression's coefficients into a NumPy `.npz` file (read back with `allow_pickle=False`, so loading runs
no code), and `load` rebuilds the same scikit-learn objects from them through their public parameters and
attributes. The shipped file is `monitoring/model/sentiment.npz` (see `monitoring/model/README.md` for its
training data, licence and attribution); `manage.py train_sentiment` makes a new one.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

LABELS = ("positive", "neutral", "negative")
FORMAT_VERSION = 1
C = 3.0  # C, class weights and the n-gram ranges were chosen by 5-fold cross-validation on the train split alone

NEGATIONS = frozenset("tidak tak bukan belum kurang jangan gak nggak enggak ga tdk ngga gk blm bkn tanpa".split())  # noqa: SIM905
INTENSIFIERS = frozenset("sangat amat paling terlalu begitu sungguh benar-benar makin".split())  # noqa: SIM905
AFTER_INTENSIFIERS = frozenset(["sekali", "banget", "bgt"])  # "kecewa sekali": they follow their word
NEGATION_REACH = 2  # words after a negation that it turns
# Complaint and letter boilerplate: polite formulas that say nothing about the tone of the matter.
BOILERPLATE = re.compile(
    r"\b(?:mohon\s+(?:segera\s+)?(?:di\s*)?(?:tindak\s*lanjuti|proses|bantu(?:an(?:nya)?)?|perhatian(?:nya)?)|"
    r"terima\s*kasih(?:\s+atas\s+perhatian(?:nya)?)?|trims|makasih|yth\.?|yang\s+terhormat|dengan\s+hormat|"
    r"salam(?:\s+hormat)?|bapak(?:/ibu)?|ibu/bapak|mohon\s+maaf|atas\s+perhatian(?:nya)?)\b"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|[^\sa-z0-9]")


def clean(text: str) -> str:
    """Lower case, without URLs, e-mail addresses and boilerplate."""
    return BOILERPLATE.sub(" ", _URL.sub(" ", (text or "").lower()))


def prepare(text: str) -> str:
    """The cleaned text as space-separated tokens with negation and intensifier marks."""
    out: list[str] = []
    negated = 0
    intensified = False
    for token in _TOKEN.findall(clean(text)):
        if not token[0].isalnum():  # punctuation ends a negation's reach
            negated, intensified = 0, False
            out.append(token)
            continue
        if token in NEGATIONS:
            negated = NEGATION_REACH
            out.append(token)
            continue
        if token in INTENSIFIERS:
            intensified = True
            continue
        if token in AFTER_INTENSIFIERS:
            if out and out[-1][0].isalnum() and out[-1] not in NEGATIONS and not out[-1].startswith("int_"):
                out.append("int_" + out[-1].removeprefix("neg_"))
            continue
        out.append(f"neg_{token}" if negated else token)
        if intensified:
            out.append("int_" + token)
            intensified = False
        negated = max(negated - 1, 0)
    return " ".join(out)


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    pattern = r"\S+"  # prepare() leaves tokens separated by spaces
    return TfidfVectorizer(
        preprocessor=prepare, token_pattern=pattern, ngram_range=(1, 2), sublinear_tf=True, vocabulary=vocabulary
    )


def _char_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=clean, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, vocabulary=vocabulary
    )


@dataclass
class Model:
    features: FeatureUnion
    classifier: LogisticRegression
    meta: dict

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(label, probability of that label) for each text."""
        if not texts:
            return []
        probabilities = self.classifier.predict_proba(self.features.transform(texts))
        best = probabilities.argmax(axis=1)
        classes = self.classifier.classes_
        return [(str(classes[i]), round(float(p[i]), 3)) for i, p in zip(best, probabilities, strict=True)]

    def labels(self, texts: Sequence[str]) -> list[str]:
        return [label for label, _p in self.predict(texts)]


def train(texts: Sequence[str], labels: Sequence[str], *, meta: dict | None = None) -> Model:
    unknown = set(labels) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels: {', '.join(sorted(unknown))}")
    features = FeatureUnion([("words", _word_vectorizer()), ("chars", _char_vectorizer())])
    matrix = features.fit_transform(texts)
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    classifier.fit(matrix, list(labels))
    return Model(features=features, classifier=classifier, meta={**(meta or {}), "examples": len(texts)})


def save(model: Model, path: Path) -> None:
    words, chars = (vectorizer for _name, vectorizer in model.features.transformer_list)
    arrays = {}
    for name, vectorizer in (("words", words), ("chars", chars)):
        vocabulary = vectorizer.vocabulary_
        terms = np.empty(len(vocabulary), dtype=object)
        for term, index in vocabulary.items():
            terms[index] = term
        arrays[f"{name}_terms"] = terms.astype(str)
        arrays[f"{name}_idf"] = vectorizer.idf_.astype(np.float32)
    meta = {**model.meta, "format": FORMAT_VERSION, "C": C}
    np.savez_compressed(
        path,
        **arrays,
        coef=model.classifier.coef_.astype(np.float32),
        intercept=model.classifier.intercept_.astype(np.float32),
        classes=np.array(model.classifier.classes_, dtype=str),
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )


def load(path: Path | str) -> Model:
    """Rebuild a saved model. Only arrays of numbers and strings are read (no pickle)."""
    with np.load(path, allow_pickle=False) as data:
        vectorizers = []
        for name, make in (("words", _word_vectorizer), ("chars", _char_vectorizer)):
            terms = data[f"{name}_terms"].tolist()
            vectorizer = make({term: index for index, term in enumerate(terms)})
            vectorizer.idf_ = data[f"{name}_idf"].astype(np.float64)
            vectorizers.append((name, vectorizer))
        classifier = LogisticRegression(C=C, class_weight="balanced")
        classifier.classes_ = data["classes"].astype(object)
        classifier.coef_ = data["coef"].astype(np.float64)
        classifier.intercept_ = data["intercept"].astype(np.float64)
        meta = json.loads(str(data["meta"]))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unknown model format {meta.get('format')!r}")
    return Model(features=FeatureUnion(vectorizers), classifier=classifier, meta=meta)


@functools.cache
def shipped() -> Model:
    """The model at MONITORING_SENTIMENT_MODEL (default: the shipped file), loaded once per process."""
    return load(settings.MONITORING_SENTIMENT_MODEL)


def classify(texts: Sequence[str]) -> list[tuple[str, float]]:
    return shipped().predict(list(texts))


def read_corpus(path: Path | str) -> tuple[list[str], list[str]]:
    """A CSV with `text` and `label` columns (positive, neutral, negative), such as NusaX-Senti's splits."""
    texts, labels = [], []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected the columns text and label")
        for row in reader:
            label = (row["label"] or "").strip().lower()
            if row["text"] and label in LABELS:
                texts.append(row["text"])
                labels.append(label)
    return texts, labels


def corrections() -> Iterable[tuple[str, str]]:
    """(text, label) of every clipping whose tone a staff member corrected."""
    from .models import Clipping

    rows = Clipping.objects.filter(tone_corrected_by__isnull=False).values_list("title", "summary", "tone")
    for title, summary, tone in rows.iterator():
        yield f"{title}. {summary}", tone
