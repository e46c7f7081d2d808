"""Train the tone model from labelled CSV files (columns text,label) plus the staff's corrections of clippings'
tone, and write it where MONITORING_SENTIMENT_MODEL points (or --output)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from monitoring import sentiment


class Command(BaseCommand):
    help = "Train the sentiment model from labelled CSV files and the staff's corrections."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus", action="append", required=True, metavar="PATH",
            help="a CSV with text and label columns (positive, neutral, negative); repeat for several files",
        )  # fmt: skip
        parser.add_argument("--output", metavar="PATH", help="where to write the model (default: the shipped file)")
        parser.add_argument("--no-corrections", action="store_true", help="leave out the staff's corrections")

    def handle(self, *args, corpus, output, no_corrections, **options):
        texts: list[str] = []
        labels: list[str] = []
        for path in corpus:
            try:
                found = sentiment.read_corpus(path)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from None
            texts += found[0]
            labels += found[1]
        corrected = 0
        if not no_corrections:
            for text, label in sentiment.corrections():
                texts.append(text)
                labels.append(label)
                corrected += 1
        if len(set(labels)) < len(sentiment.LABELS):
            raise CommandError("The training data must hold examples of all three labels.")
        names = [Path(p).name for p in corpus]
        model = sentiment.train(texts, labels, meta={"corpus": names, "corrections": corrected})
        target = Path(output or settings.MONITORING_SENTIMENT_MODEL)
        target.parent.mkdir(parents=True, exist_ok=True)
        sentiment.save(model, target)
        sentiment.shipped.cache_clear()
        self.stdout.write(f"Trained on {len(texts)} texts ({corrected} staff corrections); written to {target}.")
