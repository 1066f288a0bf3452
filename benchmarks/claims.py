"""Claim detection against the hand-labelled sample: precision and recall of checkable figures.

Run: ``.venv/bin/python benchmarks/claims.py`` (under a second). The labels are
``tests/data/claims_labels.json``: every number in the bundled sample transcript, marked by hand
as a claim to check or not, with its normalised value. A detected figure counts as found when a
label on one of its sentence's lines has the same written text and value. Targets (issue 7):
recall of checkable statistics at least 95%, precision at least 85%. Exits 1 on a miss.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from karachi_review.core.claims import detect, detect_text, evaluate
from karachi_review.core.reader import read_transcript
from karachi_review.core.samples import SAMPLE_ARTICLE, sample_path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELS = DATA / "claims_labels.json"
# Labelled after the rules were tuned on the transcript: a check on text they were not tuned on.
ARTICLE_LABELS = DATA / "claims_labels_article.json"
RECALL_TARGET = 0.95
PRECISION_TARGET = 0.85


def main() -> int:
    """Print the figures, their targets and PASS/MISS; return 1 if a target is missed."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["numbers"]
    cues = read_transcript(sample_path()).transcript.cues
    started = time.perf_counter()
    suggestions = detect(cues)
    elapsed_ms = (time.perf_counter() - started) * 1000
    result = evaluate(suggestions, labels)
    positives = sum(1 for label in labels if label["claim"])
    print(f"sample: {len(cues)} cues, {len(labels)} labelled numbers, {positives} claims to check")
    print(
        f"detected: {len(suggestions)} sentences, {sum(len(s.values) for s in suggestions)} "
        f"figures in {elapsed_ms:.1f} ms"
    )
    ok = True
    for name, value, target in (
        ("recall", result.recall, RECALL_TARGET),
        ("precision", result.precision, PRECISION_TARGET),
    ):
        passed = value >= target
        ok = ok and passed
        print(f"{name:9} {value:6.1%}  target >= {target:.0%}  {'PASS' if passed else 'MISS'}")
    for line, text in result.false_positives:
        print(f"  false positive: line {line}: {text}")
    for line, text in result.missed:
        print(f"  missed: line {line}: {text}")
    article = json.loads(ARTICLE_LABELS.read_text(encoding="utf-8"))["numbers"]
    text = sample_path(SAMPLE_ARTICLE).read_text(encoding="utf-8")
    other = evaluate(detect_text(text), article)
    wanted = sum(1 for label in article if label["claim"])
    print(
        f"article (not tuned on, no target): {len(article)} labelled numbers, {wanted} claims; "
        f"recall {other.recall:.1%}, precision {other.precision:.1%}"
    )
    for line, text in other.false_positives:
        print(f"  false positive: line {line}: {text}")
    for line, text in other.missed:
        print(f"  missed: line {line}: {text}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
